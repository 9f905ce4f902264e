"""Reads of the responsibility system: who held which post when, tenures, officials, pairings, gaps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from accountability.access.personal_data import can_see_personal_data
from accountability.access.scoping import visible_to
from accountability.hierarchy.selectors import units_visible_to
from accountability.models import (
    POSTS,
    AdminUnit,
    HelpingUnitPairing,
    Official,
    Organisation,
    Post,
    ResponsibilityAssignment,
    ResponsibilityKind,
)
from accountability.platform.idnumbers import normalise
from accountability.responsibility.rules import HELPING_UNIT_GAP, HELPING_UNIT_GAP_LABEL, Gap, missing_posts

OFFICIAL_NOT_FOUND = "干部不存在或不在您的管辖范围内"


ID_NUMBER_NOT_FOUND = "没有该证件号码的干部，或其不在您的管辖范围内"


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
