"""Checks of user input shared by model fields, forms, the API and imports (pure functions).

Numbers, codes and dates are compared in ASCII after NFKC normalisation, so that what a Chinese
input method types in full width (``１２３``) is accepted as what the user meant, while the
patterns themselves match ASCII digits only (``\\d`` would match any Unicode digit).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

#: characters invisible in a cell that make two equal-looking texts differ
ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
#: C0 controls except tab, line feed and carriage return, plus DEL (PostgreSQL refuses NUL)
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

#: a mainland mobile number, or a landline with an optional area code and extension
PHONE_PATTERN = re.compile(
    r"(?:\+?86[- ]?)?1[3-9][0-9]{9}|(?:0[0-9]{2,3}[- ]?)?[1-9][0-9]{6,7}(?:[-转][0-9]{1,6})?", re.ASCII
)
MOBILE_PATTERN = re.compile(r"1[3-9][0-9]{9}", re.ASCII)

#: the earliest and latest year a poverty-alleviation record may carry (docs/operations.md):
#: the accurate-identification campaign started in 2013 (建档立卡, DOMAIN.md); the consolidation
#: period runs to the 2030s; 2100 leaves room without accepting typing slips like 9999
FIRST_YEAR, LAST_YEAR = 2013, 2100


def nfkc(text: str) -> str:
    """``text`` as the user meant it: full-width digits and letters as ASCII, no zero-width
    characters, no surrounding space."""
    if text.isascii():
        return text.strip()
    return unicodedata.normalize("NFKC", text).translate(ZERO_WIDTH).strip()


def ascii_int(text: str | None, *, max_digits: int = 9) -> int | None:
    """The integer ``text`` spells in ASCII digits, or None (also for absurdly long input)."""
    if text is None:
        return None
    text = text.strip()
    if not text or len(text) > max_digits or not text.isascii() or not text.isdigit():
        return None
    return int(text)


def has_control_characters(text: str) -> bool:
    return bool(CONTROL_CHARACTERS.search(text))


def validate_no_control_characters(value: str) -> None:
    if value and has_control_characters(value):
        raise ValidationError(_("不能含有控制字符（如 NUL）"), code="control_characters")


def validate_phone(value: str) -> None:
    if value and not PHONE_PATTERN.fullmatch(nfkc(value)):
        raise ValidationError(
            _("联系电话应为 11 位手机号码或带区号的固定电话（如 0591-12345678），而不是“%(value)s”"),
            code="phone",
            params={"value": value[:40]},
        )


def validate_mobile(value: str) -> None:
    if value and not MOBILE_PATTERN.fullmatch(nfkc(value)):
        raise ValidationError(
            _("手机号码应为 11 位数字且以 1 开头，而不是“%(value)s”"),
            code="mobile",
            params={"value": value[:40]},
        )


def validate_record_year(value: int | None) -> None:
    if value is not None and not FIRST_YEAR <= value <= LAST_YEAR:
        raise ValidationError(
            _("年度 %(value)s 超出合理范围（%(first)s–%(last)s）"),
            code="year",
            params={"value": value, "first": FIRST_YEAR, "last": LAST_YEAR},
        )


def validate_record_date(value: dt.date | None) -> None:
    if value is not None and not dt.date(FIRST_YEAR, 1, 1) <= value <= dt.date(LAST_YEAR, 12, 31):
        raise ValidationError(
            _("日期 %(value)s 超出合理范围（%(first)s–%(last)s 年）"),
            code="date",
            params={"value": value, "first": FIRST_YEAR, "last": LAST_YEAR},
        )


def validate_non_negative(value) -> None:
    if value is not None and value < 0:
        raise ValidationError(_("不能为负数"), code="negative")


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's minimum password length with its messages in Chinese (Django's own zh-hans
    catalogue lacks the current plural message, so users saw it in English)."""

    def get_error_message(self) -> str:
        return _("密码太短，至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}

    def get_help_text(self) -> str:
        return _("密码至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}
