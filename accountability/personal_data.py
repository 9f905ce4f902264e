"""Personal data (ID numbers, mobile numbers, later health) shown in full only to roles that need it."""

from __future__ import annotations

from accountability.idnumbers import mask_id_number, mask_mobile

PERMISSION = "accountability.view_personal_data"


def can_see_personal_data(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(PERMISSION))


def id_number_for(user, number: str | None) -> str:
    return (number or "") if can_see_personal_data(user) else mask_id_number(number)


def mobile_for(user, number: str | None) -> str:
    return (number or "") if can_see_personal_data(user) else mask_mobile(number)
