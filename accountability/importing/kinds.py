"""How an import kind is declared: columns by Chinese header, checks, natural key, writer."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from accountability.hierarchy.rules import code_problem
from accountability.platform.idnumbers import id_number_problem, normalise
from accountability.platform.validators import MOBILE_PATTERN, PHONE_PATTERN, nfkc


class CellError(ValueError):
    """A cell's value is wrong; the message (Chinese) says what is expected."""


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    required: bool = False
    parse: Callable[[str], Any] = str
    aliases: tuple[str, ...] = ()
    help: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)


@dataclass(slots=True)
class Row:
    number: int  # the Excel row number the user sees
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column header, message)

    @property
    def valid(self) -> bool:
        return not self.errors

    def error(self, header: str, message: str) -> None:
        self.errors.append((header, message))


class ImportKind:
    """Base of every import kind. Subclasses declare ``name``, ``label``, ``columns`` and
    implement ``check``, ``key``, ``existing`` and ``write``; the service does the rest."""

    #: templates receive kinds as classes (the import page's template links): Django would call
    #: a class and show its links with no text (issue 18 §6: "blank" template links)
    do_not_call_in_templates: ClassVar[bool] = True
    name: ClassVar[str]
    label: ClassVar[str]
    columns: ClassVar[tuple[Column, ...]]
    #: fields compared with the database to tell changed rows from unchanged ones
    compared_fields: ClassVar[tuple[str, ...]]
    description: ClassVar[str] = ""
    #: the model permissions ("app_label.codename") a user needs, besides
    #: ``accountability.add_importjob``, to upload, preview or confirm a file of this kind: the
    #: add and change permissions of every model the kind writes (see accountability/access/imports.py)
    permissions: ClassVar[tuple[str, ...]]

    def __init__(self, *, user) -> None:
        self.user = user

    def check(self, rows: list[Row]) -> None:
        """Cross-row and database checks; add errors to rows. Rows arrive already parsed."""

    def key(self, values: dict[str, Any]) -> Hashable:
        raise NotImplementedError

    def existing(self, keys: Iterable[Hashable]) -> dict[Hashable, dict[str, Any]]:
        """Current database values of ``compared_fields`` for the given keys (one query)."""
        raise NotImplementedError

    def write(self, new: list[Row], changed: list[Row]) -> int:
        """Write the rows (inside the service's transaction); return how many were written."""
        raise NotImplementedError

    def rule_years(self, rows: list[Row]) -> set[int]:
        """Assessment years whose accountability rules the written rows may change (rules re-run
        after the import commits); none by default."""
        return set()

    @classmethod
    def column_by_header(cls) -> dict[str, Column]:
        return {name: column for column in cls.columns for name in column.names}


REGISTRY: dict[str, type[ImportKind]] = {}


def register(kind: type[ImportKind]) -> type[ImportKind]:
    if kind.name in REGISTRY and REGISTRY[kind.name] is not kind:
        raise ValueError(f"import kind {kind.name!r} registered twice")
    REGISTRY[kind.name] = kind
    return kind


def get_kind(name: str) -> type[ImportKind]:
    try:
        return REGISTRY[name]
    except KeyError:
        raise KeyError(f"未知的导入类型：{name}（可用：{', '.join(sorted(REGISTRY))}）") from None


# --- parsers shared by import kinds ----------------------------------------------------------

YES = {"是", "Y", "y", "yes", "true", "1", "TRUE"}
NO = {"否", "N", "n", "no", "false", "0", "FALSE"}


def parse_yes_no(text: str) -> bool:
    if text in YES:
        return True
    if text in NO:
        return False
    raise CellError(f"应填“是”或“否”，而不是“{text}”")


def parse_year(text: str) -> int:
    text = nfkc(text)
    if not (len(text) == 4 and text.isascii() and text.isdigit()):
        raise CellError(f"年度应为四位数字（如 2020），而不是“{text}”")
    year = int(text)
    if not 1980 <= year <= 2100:
        raise CellError(f"年度 {year} 超出合理范围（1980–2100）")
    return year


def parse_date(text: str) -> dt.date:
    text = nfkc(text)
    if len(text) > 20:
        raise CellError(f"日期格式应为 YYYY-MM-DD（如 2020-03-31），而不是“{text[:20]}…”")
    for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise CellError(f"日期格式应为 YYYY-MM-DD（如 2020-03-31），而不是“{text}”")


def parse_decimal(text: str) -> Decimal:
    text = nfkc(text)
    try:
        value = Decimal(text.replace(",", "")) if len(text) <= 30 else None
        if value is None or not value.is_finite():
            raise InvalidOperation
        return value.quantize(Decimal("0.01"))
    except InvalidOperation:
        raise CellError(f"应为数字，而不是“{text[:30]}”") from None


def parse_non_negative_decimal(text: str) -> Decimal:
    value = parse_decimal(text)
    if value < 0:
        raise CellError(f"不能为负数（“{text[:30]}”）")
    return value


def parse_positive_int(text: str) -> int:
    text = nfkc(text)
    if not re.fullmatch(r"[0-9]{1,9}", text):
        raise CellError(f"应为非负整数，而不是“{text}”")
    return int(text)


def parse_id_number(text: str) -> str:
    """A national ID number (GB 11643), normalised (upper-case X)."""
    problem = id_number_problem(text)
    if problem:
        raise CellError(problem)
    return normalise(text)


#: for columns whose values repeat on many rows (a helping cadre of dozens of households)
parse_repeated_id_number = functools.lru_cache(maxsize=65536)(parse_id_number)


def parse_mobile(text: str) -> str:
    text = nfkc(text)
    if not MOBILE_PATTERN.fullmatch(text):
        raise CellError(f"手机号码应为 11 位数字且以 1 开头，而不是“{text[:40]}”")
    return text


def parse_phone(text: str) -> str:
    """A mobile number or a landline (accountability.platform.validators.PHONE_PATTERN), as ASCII."""
    text = nfkc(text)
    if not PHONE_PATTERN.fullmatch(text):
        raise CellError(
            f"联系电话应为 11 位手机号码或带区号的固定电话（如 0591-12345678），而不是“{text[:40]}”"
        )
    return text


def parse_unit_code(text: str) -> str:
    """A 12-digit statistical division code."""
    text = nfkc(text)
    problem = code_problem(text)
    if problem:
        raise CellError(problem)
    return text


def choice_labels(choices, **aliases: Any) -> dict[str, Any]:
    """The Chinese labels of a TextChoices (plus aliases) mapped to their values, for imports."""
    mapping = {str(label): value for value, label in choices.choices}
    mapping.update(aliases)
    return mapping


def choice_parser(choices: dict[str, Any], what: str) -> Callable[[str], Any]:
    """A parser accepting the Chinese labels (and aliases) in ``choices``."""

    def parse(text: str) -> Any:
        try:
            return choices[text]
        except KeyError:
            allowed = "、".join(dict.fromkeys(choices))
            raise CellError(f"{what}“{text}”不在可选值中（{allowed}）") from None

    return parse
