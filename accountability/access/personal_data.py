"""Personal data (ID numbers, mobile numbers, later health) shown in full only to roles that need it."""

from __future__ import annotations

import logging
import re

from accountability.platform.idnumbers import mask_id_number, mask_mobile

PERMISSION = "accountability.view_personal_data"

#: what looks like an ID number in free text (messages, log lines, history values): 16 to 20
#: digits, maybe ending in X — mistyped numbers (17 or 19 characters) included, 15-digit household
#: numbers and 12-digit unit codes not
ID_LIKE = re.compile(r"(?<![0-9A-Za-z])[0-9]{15,19}[0-9Xx](?![0-9A-Za-z])")
#: a mainland mobile number standing alone in free text
MOBILE_LIKE = re.compile(r"(?<![0-9])1[0-9]{10}(?![0-9])")


def can_see_personal_data(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(PERMISSION))


def id_number_for(user, number: str | None) -> str:
    return (number or "") if can_see_personal_data(user) else mask_id_number(number)


def mobile_for(user, number: str | None) -> str:
    return (number or "") if can_see_personal_data(user) else mask_mobile(number)


def mask_personal_text(text: str) -> str:
    """``text`` with every ID-like number and mobile number in it masked (for free text: error
    messages, log lines, history values whose field is not known to be personal)."""
    if not text:
        return text
    text = ID_LIKE.sub(lambda match: mask_id_number(match.group()), text)
    return MOBILE_LIKE.sub(lambda match: mask_mobile(match.group()), text)


def text_for(user, text: str) -> str:
    """Free text as ``user`` may read it: in full with the personal-data right, masked otherwise."""
    return text if can_see_personal_data(user) else mask_personal_text(text)


class MaskPersonalDataFilter(logging.Filter):
    """Log filter: ID numbers and mobile numbers in a log line are masked before it is written.

    Search boxes (officials, households) take ID numbers in the query string, which the request
    lines of ``django.server`` and ``django.request`` quote; the filter sits on the handlers in
    settings.LOGGING (docs/decisions/0015-who-may-write.md)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_personal_text(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True
