"""Pure rules about statistical division codes (no database)."""

from __future__ import annotations

from accountability.hierarchy.models import (
    CODE_LENGTH,
    LEVEL_ORDER,
    SIGNIFICANT_DIGITS,
    AdminLevel,
    code_prefix,
)

LEVEL_NAMES = {
    AdminLevel.CITY: "市",
    AdminLevel.COUNTY: "县",
    AdminLevel.TOWNSHIP: "乡",
    AdminLevel.VILLAGE: "村",
}


def code_problem(code: str) -> str | None:
    """Why a text is not a 12-digit statistical division code, or None."""
    if not (code.isascii() and code.isdigit()):
        return f"行政区划代码只能包含数字，而“{code}”含有其他字符"
    if len(code) != CODE_LENGTH:
        return f"行政区划代码应为 12 位数字，而“{code}”为 {len(code)} 位"
    return None


def level_problem(code: str, level: AdminLevel) -> str | None:
    """Why ``code`` cannot be the code of a unit of ``level``, or None.

    The digits after the level's significant part are zeros, and the level's own segment is not.
    """
    significant = SIGNIFICANT_DIGITS[level]
    depth = LEVEL_ORDER.index(level)
    segment_start = 2 if depth == 0 else SIGNIFICANT_DIGITS[LEVEL_ORDER[depth - 1]]
    name = LEVEL_NAMES[level]
    if set(code[significant:]) - {"0"}:
        return f"代码 {code} 与层级“{name}”不符：{name}级代码第 {significant + 1} 位起应全为 0"
    if set(code[segment_start:significant]) == {"0"}:
        return f"代码 {code} 与层级“{name}”不符：第 {segment_start + 1}–{significant} 位不能全为 0"
    return None


def parent_code(code: str, level: AdminLevel) -> str | None:
    """The code of the unit one level up, derived from the code (None for a city)."""
    depth = LEVEL_ORDER.index(level)
    if depth == 0:
        return None
    return code_prefix(code, LEVEL_ORDER[depth - 1]).ljust(CODE_LENGTH, "0")


def level_of_code(code: str) -> AdminLevel:
    """The level a well-formed code denotes: the deepest level whose segment it fills."""
    for level in reversed(LEVEL_ORDER):
        if level_problem(code, level) is None:
            return level
    return AdminLevel.CITY
