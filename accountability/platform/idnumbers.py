"""National ID numbers (居民身份证号码, GB 11643-1999): pure checks, derivations and masking."""

from __future__ import annotations

import datetime as dt
import operator
import re
import unicodedata
from dataclasses import dataclass

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"  # ISO 7064 MOD 11-2: index = weighted sum mod 11
PATTERN = re.compile(r"^[0-9]{17}[0-9X]$", re.ASCII)  # not \d: it matches any Unicode digit


@dataclass(frozen=True)
class IdFacts:
    birth_date: dt.date
    sex: str  # "male" / "female"


def check_character(first17: str) -> str:
    return CHECK_CHARACTERS[sum(map(operator.mul, map(int, first17), WEIGHTS)) % 11]


def normalise(text: str) -> str:
    """Upper-case X, and what an input method typed in full width (``３５０…Ｘ``) as ASCII."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return text.strip().upper().replace("x", "X")


def id_number_problem(text: str) -> str | None:
    """Why ``text`` is not a valid 18-character national ID number, or None."""
    number = normalise(text)
    if len(number) != 18:
        return f"证件号码应为 18 位，而“{text}”为 {len(number)} 位"
    if not PATTERN.match(number):
        return f"证件号码“{text}”格式不对：前 17 位应为数字，最后一位为数字或 X"
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return f"证件号码“{text}”中的出生日期 {number[6:14]} 不存在"
    if not dt.date(1900, 1, 1) <= birth <= dt.date(2100, 1, 1):
        return f"证件号码“{text}”中的出生日期 {number[6:14]} 不合理"
    expected = check_character(number[:17])
    if number[17] != expected:
        return f"证件号码“{text}”校验位错误（应为 {expected}），请核对是否录入有误"
    return None


def id_sex(number: str) -> str:
    """The sex encoded in a valid, normalised ID number: an odd 17th digit is male."""
    return "male" if number[16] in "13579" else "female"


def id_facts(number: str) -> IdFacts:
    """Birth date and sex encoded in a valid ID number (sex: odd 17th digit = male)."""
    number = normalise(number)
    return IdFacts(
        birth_date=dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
        sex=id_sex(number),
    )


def mask_id_number(number: str | None) -> str:
    """Keep the region (6) and the last 4 characters: 341302********123X."""
    if not number:
        return ""
    return number[:6] + "*" * (len(number) - 10) + number[-4:] if len(number) > 10 else "*" * len(number)


def mask_mobile(number: str | None) -> str:
    if not number:
        return ""
    return number[:3] + "****" + number[-4:] if len(number) == 11 else "*" * len(number)
