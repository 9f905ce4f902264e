"""Reads of the core: the hierarchy as a user may see it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.http import Http404

from accountability.access.imports import importable_kinds
from accountability.idnumbers import normalise
from accountability.models import (
    POSTS,
    AdminLevel,
    AdminUnit,
    HelpingUnitPairing,
    ImportJob,
    Official,
    Organisation,
    Post,
    ResponsibilityAssignment,
    ResponsibilityKind,
)
from accountability.models.units import LEVEL_ORDER, SIGNIFICANT_DIGITS
from accountability.personal_data import can_see_personal_data
from accountability.rules_responsibility import HELPING_UNIT_GAP, HELPING_UNIT_GAP_LABEL, Gap, missing_posts
from accountability.scoping import visible_to


def units_visible_to(user) -> QuerySet[AdminUnit]:
    return visible_to(AdminUnit.objects.all(), user)


#: The one answer for a unit code, an official or a household that does not exist and for one outside
#: the user's jurisdiction (no existence oracle, issue 18 §2): pages and API answer 404 with it,
#: forms show it as their error.
UNIT_NOT_FOUND = "单位不存在或不在您的管辖范围内"
OFFICIAL_NOT_FOUND = "干部不存在或不在您的管辖范围内"
ID_NUMBER_NOT_FOUND = "没有该证件号码的干部，或其不在您的管辖范围内"


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


def search_units(user, text: str, limit: int = 20) -> QuerySet[AdminUnit]:
    text = text.strip()
    queryset = units_visible_to(user)
    if text.isdigit():
        return queryset.filter(code__startswith=text)[:limit]
    return queryset.filter(name__contains=text)[:limit]


def import_jobs_visible_to(user) -> QuerySet[ImportJob]:
    """Import jobs of the user's jurisdiction (and his own), of the kinds he may import; a role with
    the personal-data right (discipline) reads every kind — the reports hold ID numbers."""
    jobs = ImportJob.objects.select_related("created_by")
    if user.is_superuser:
        return jobs
    jobs = visible_to(jobs, user) | jobs.filter(created_by=user)
    if can_see_personal_data(user):
        return jobs
    return jobs.filter(kind__in=list(importable_kinds(user)))


# --- responsibility ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Holder:
    """Who held a post for a unit: a value that crosses app borders (rules, quotas, reports)."""

    official_id: int
    name: str
    post: str
    unit_code: str
    valid_from: dt.date
    valid_to: dt.date | None


def _holder(assignment: ResponsibilityAssignment) -> Holder:
    return Holder(
        official_id=assignment.official_id,
        name=assignment.official.name,
        post=assignment.post,
        unit_code=assignment.scope_unit_id,
        valid_from=assignment.valid_from,
        valid_to=assignment.valid_to,
    )


def holders(post: str, unit_code: str, on: dt.date) -> list[Holder]:
    """Who held ``post`` for the unit on ``on`` (one query)."""
    assignments = (
        ResponsibilityAssignment.objects.active_on(on)
        .filter(post=post, scope_unit_id=unit_code)
        .select_related("official")
        .order_by("valid_from", "pk")
    )
    return [_holder(a) for a in assignments]


def holders_between(post: str, unit_code: str, start: dt.date, end: dt.date) -> list[Holder]:
    """Everyone who held ``post`` for the unit on at least one day of [start, end] (one query)."""
    assignments = (
        ResponsibilityAssignment.objects.overlapping(start, end)
        .filter(post=post, scope_unit_id=unit_code)
        .select_related("official")
        .order_by("valid_from", "pk")
    )
    return [_holder(a) for a in assignments]


def holders_on(
    on: dt.date, *, posts: Iterable[str] | None = None, within: str = ""
) -> dict[tuple[str, str], list[Holder]]:
    """All holders on a date, keyed by (unit code, post), for a whole subtree in one query.

    The rule engine and the quota computation resolve "who held which post" through this.
    """
    assignments = ResponsibilityAssignment.objects.active_on(on).select_related("official")
    if posts is not None:
        assignments = assignments.filter(post__in=list(posts))
    if within:
        assignments = assignments.filter(scope_unit__code__startswith=within)
    result: dict[tuple[str, str], list[Holder]] = {}
    for assignment in assignments.order_by("scope_unit_id", "post", "valid_from", "pk"):
        result.setdefault((assignment.scope_unit_id, assignment.post), []).append(_holder(assignment))
    return result


@dataclass
class Tenures:
    current: list[ResponsibilityAssignment]
    past: list[ResponsibilityAssignment]
    future: list[ResponsibilityAssignment]

    @property
    def not_current_count(self) -> int:
        return len(self.past) + len(self.future)


def tenures_of_unit(unit: AdminUnit, user, on: dt.date) -> Tenures:
    """Who holds, held and will hold each post of a unit, as of ``on`` (one query)."""
    kinds = {kind: index for index, kind in enumerate(ResponsibilityKind.values)}
    order = {post: (kinds[POSTS[post].kind], index) for index, post in enumerate(Post)}
    assignments = sorted(
        visible_to(ResponsibilityAssignment.objects.filter(scope_unit=unit), user).select_related(
            "official__organisation"
        ),
        key=lambda a: (order[Post(a.post)], -a.valid_from.toordinal(), a.pk),
    )
    tenures = Tenures(current=[], past=[], future=[])
    for a in assignments:
        if a.valid_from > on:
            tenures.future.append(a)
        elif a.valid_to is not None and a.valid_to < on:
            tenures.past.append(a)
        else:
            tenures.current.append(a)
    return tenures


def pairings_of_village(unit: AdminUnit, user) -> list[HelpingUnitPairing]:
    return list(
        visible_to(HelpingUnitPairing.objects.filter(village=unit), user)
        .select_related("organisation__unit")
        .order_by("-valid_from")
    )


def officials_visible_to(user) -> QuerySet[Official]:
    return visible_to(Official.objects.select_related("organisation__unit"), user)


def official_by_id_number_for(user, text: str) -> Official | None:
    """The official with this national ID number (as typed: spaces and a lower-case x allowed) if
    the user may see them; ``None`` for an unknown number and for an official elsewhere alike."""
    return officials_visible_to(user).filter(id_number=normalise(text)).first()


def cadres_for_household(user, household) -> QuerySet[Official]:
    """The officials a user may name as a household's helping cadre (帮扶责任人): those of the
    user's jurisdiction, and those of an organisation at the household's village or above it (the
    township, county and city departments whose cadres are sent down) or of a unit helping the
    village (单位包村, shown on the village's page). Never an official of a sibling jurisdiction."""
    village = household.village
    above = [village.code, *village.ancestor_codes()]
    helping = HelpingUnitPairing.objects.filter(village_id=village.code).values("organisation_id")
    return Official.objects.filter(
        Q(pk__in=officials_visible_to(user).values("pk"))
        | Q(organisation__unit_id__in=above)
        | Q(organisation_id__in=helping)
    )


def official_for(user, pk: int) -> Official:
    official = officials_visible_to(user).filter(pk=pk).first()
    if official is None:
        raise Http404(OFFICIAL_NOT_FOUND)
    return official


def search_officials(user, text: str) -> QuerySet[Official]:
    return search_officials_in(officials_visible_to(user), text, user)


def search_officials_in(officials: QuerySet[Official], text: str, user) -> QuerySet[Official]:
    """Search by name, organisation or title; by mobile or ID number only for users who may see
    them in full (otherwise a search would reveal masked digits)."""
    text = text.strip()
    if not text:
        return officials
    if text.isdigit() and len(text) >= 6:
        if not can_see_personal_data(user):
            return officials.none()
        return officials.filter(Q(mobile__startswith=text) | Q(id_number__startswith=text))
    return officials.filter(
        Q(name__contains=text) | Q(organisation__name__contains=text) | Q(title__contains=text)
    )


def assignments_of_official(official: Official) -> list[ResponsibilityAssignment]:
    return list(official.assignments.select_related("scope_unit").order_by("-valid_from", "post"))


def organisations_visible_to(user) -> QuerySet[Organisation]:
    return visible_to(Organisation.objects.select_related("unit"), user)


def pairings_visible_to(user) -> QuerySet[HelpingUnitPairing]:
    return visible_to(HelpingUnitPairing.objects.select_related("organisation", "village"), user)


def assignments_visible_to(user) -> QuerySet[ResponsibilityAssignment]:
    return visible_to(
        ResponsibilityAssignment.objects.select_related("official__organisation", "scope_unit"), user
    )


def responsibility_gaps(
    user, on: dt.date, within: AdminUnit | None = None, *, only_the_unit: bool = False
) -> list[Gap]:
    """Units (visible to the user, optionally under ``within``) missing a required post on ``on``.

    Three queries whatever the number of units: the units, the posts held, the helping pairings.
    """
    units = units_visible_to(user)
    if within is not None:
        units = units.filter(code=within.code) if only_the_unit else units.within(within)
    units = list(units.only("code", "name", "level", "is_poor_village").order_by("code"))
    prefix = within.prefix if within is not None else ""
    held: dict[str, set[str]] = {}
    for code, post in (
        ResponsibilityAssignment.objects.active_on(on)
        .filter(scope_unit__code__startswith=prefix)
        .values_list("scope_unit_id", "post")
        .distinct()
    ):
        held.setdefault(code, set()).add(post)
    helped = set(
        HelpingUnitPairing.objects.active_on(on)
        .filter(village__code__startswith=prefix)
        .values_list("village_id", flat=True)
    )
    labels = dict(Post.choices)
    gaps = []
    for unit in units:
        for missing in missing_posts(
            level=unit.level,
            is_poor_village=unit.is_poor_village,
            held=held.get(unit.code, set()),
            has_helping_unit=unit.code in helped,
        ):
            label = HELPING_UNIT_GAP_LABEL if missing == HELPING_UNIT_GAP else str(labels[missing])
            gaps.append(Gap(unit.code, unit.name, unit.level, missing, label))
    return gaps
