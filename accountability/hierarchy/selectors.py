"""Reads of the hierarchy as a user may see it: units by code (404 outside and unknown alike), search."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.http import Http404

from accountability.access.scoping import visible_to
from accountability.hierarchy.models import LEVEL_ORDER, SIGNIFICANT_DIGITS
from accountability.models import (
    AdminLevel,
    AdminUnit,
)


def units_visible_to(user) -> QuerySet[AdminUnit]:
    return visible_to(AdminUnit.objects.all(), user)


#: The one answer for a unit code, an official or a household that does not exist and for one outside
#: the user's jurisdiction (no existence oracle, issue 18 §2): pages and API answer 404 with it,
#: forms show it as their error.
UNIT_NOT_FOUND = "单位不存在或不在您的管辖范围内"


def unit_by_code_for(user, code: str) -> AdminUnit | None:
    """The unit with this code if the user may see it; ``None`` for an unknown code and for a unit
    outside the jurisdiction alike (the one unit-by-code lookup of user input)."""
    code = (code or "").strip()
    if not code:
        return None
    return units_visible_to(user).filter(code=code).first()


def unit_for(user, code: str) -> AdminUnit:
    """One unit the user may see, or 404 (the same answer whether it exists elsewhere or not)."""
    unit = unit_by_code_for(user, code)
    if unit is None:
        raise Http404(UNIT_NOT_FOUND)
    return unit


def top_units_for(user) -> QuerySet[AdminUnit]:
    """Where a user's browsing of the hierarchy starts: their jurisdiction, or every city."""
    if user.jurisdiction_id:
        return units_visible_to(user).filter(code=user.jurisdiction_id)
    return units_visible_to(user).filter(level=AdminLevel.CITY)


def ancestors_of(unit: AdminUnit, user) -> list[AdminUnit]:
    """The unit's ancestors that the user may see, top down (one query)."""
    codes = unit.ancestor_codes()
    return list(units_visible_to(user).filter(code__in=codes).order_by("code")) if codes else []


def children_with_counts(unit: AdminUnit, user) -> list[AdminUnit]:
    """Children of ``unit`` annotated with their number of villages and poor villages (two queries)."""
    children = list(units_visible_to(user).filter(parent=unit).order_by("code"))
    if not children or unit.level == AdminLevel.TOWNSHIP:
        for child in children:
            child.village_count = child.poor_village_count = None
        return children
    child_level = LEVEL_ORDER[LEVEL_ORDER.index(AdminLevel(unit.level)) + 1]
    digits = SIGNIFICANT_DIGITS[child_level]
    counts = {
        row["prefix"]: row
        for row in AdminUnit.objects.villages()
        .filter(code__startswith=unit.prefix)
        .annotate(prefix=Substr("code", 1, digits))
        .values("prefix")
        .annotate(villages=Count("code"), poor=Count("code", filter=Q(is_poor_village=True)))
    }
    for child in children:
        row = counts.get(child.prefix, {})
        child.village_count = row.get("villages", 0)
        child.poor_village_count = row.get("poor", 0)
    return children


def search_units(user, text: str, limit: int = 20, level: str = "") -> QuerySet[AdminUnit]:
    """Units of ``user``'s jurisdiction whose name contains ``text`` (or whose code starts with
    it, when it is digits), optionally of one level; names beginning with the text first."""
    from django.db.models import Case, IntegerField, Value, When

    text = text.strip()
    queryset = units_visible_to(user).select_related("parent", "parent__parent")
    if level:
        queryset = queryset.filter(level=level)
    if text.isdigit():
        return queryset.filter(code__startswith=text).order_by("code")[:limit]
    starts = Case(When(name__startswith=text, then=Value(0)), default=Value(1), output_field=IntegerField())
    return queryset.filter(name__contains=text).order_by(starts, "code")[:limit]
