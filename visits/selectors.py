"""Reads of visits and quota compliance, always set-based and within the user's jurisdiction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.expressions import RawSQL

from accountability.access.scoping import visible_to
from accountability.hierarchy.selectors import unit_by_code_for
from accountability.models import AdminUnit, Official
from accountability.platform.idnumbers import normalise
from accountability.policy.quotas import QuotaStatus
from accountability.responsibility.selectors import officials_visible_to
from accountability.rules.metrics import MissedQuota
from households.models import POOR_STATUSES, Household
from visits.compliance import ComplianceRow, compliance, compliance_over, officials_by_id, units_by_code
from visits.models import ResearchTrip, StationedDay, Visit

#: The one rule of who may visit whom is written once, as two small sets of an official on a day:
#: the households of his pairings in force that day, and the code prefixes of the units where he
#: holds a post that day (a township secretary: the whole township). ``{official}`` and ``{day}``
#: are SQL expressions. Both are index lookups (pairings and assignments by official).
PAIRED_SQL = """SELECT p.household_id FROM households_helpingcadrepairing p
             WHERE p.official_id = {official}
               AND p.valid_from <= {day} AND (p.valid_to IS NULL OR p.valid_to >= {day})"""
POSTED_PREFIXES_SQL = """SELECT left(a.scope_unit_id, CASE u.level WHEN 'city' THEN 4 WHEN 'county' THEN 6
                                 WHEN 'township' THEN 9 ELSE 12 END) AS prefix
               FROM accountability_responsibilityassignment a
               JOIN accountability_adminunit u ON u.code = a.scope_unit_id
              WHERE a.official_id = {official}
                AND a.valid_from <= {day} AND (a.valid_to IS NULL OR a.valid_to >= {day})"""

#: The rule as a condition on one household row ``households_household`` (imports, the service):
#: one of the official's pairings that day, or in a unit where he holds a post that day.
IN_SCOPE_SQL = (
    "(EXISTS ("
    + PAIRED_SQL
    + " AND p.household_id = households_household.id) OR EXISTS (SELECT 1 FROM ("
    + POSTED_PREFIXES_SQL
    + ") s WHERE households_household.village_id LIKE s.prefix || '%%'))"
)

#: The rule as the set of household ids of one official on one day (the phone form's list): the
#: pairings, plus for each unit posted a range scan of the village-code index — never a scan of
#: every household (the LIKE keeps the exact prefix test of IN_SCOPE_SQL; the range lets the
#: index find it).
OFFICIAL_HOUSEHOLDS_SQL = (
    "SELECT household_id FROM ("
    + PAIRED_SQL
    + ") paired UNION SELECT h.id FROM ("
    + POSTED_PREFIXES_SQL
    + ") s JOIN households_household h"
    " ON h.village_id BETWEEN rpad(s.prefix, 12, '0') AND rpad(s.prefix, 12, '9')"
    " AND h.village_id LIKE s.prefix || '%%'"
)


def households_of_official(official: Official, on: dt.date) -> QuerySet[Household]:
    """The households an official may visit on a day (the rule above; ~100 rows for a village
    official, found through indexes whatever the size of the city)."""
    sql = OFFICIAL_HOUSEHOLDS_SQL.format(official="%s", day="%s::date")
    ids = RawSQL(sql, [official.pk, on, on, official.pk, on, on])
    return Household.objects.filter(pk__in=ids).select_related("village")


def in_scope_rows(triples: list[tuple[int, int, dt.date]]) -> set[int]:
    """Of (official id, household id, day) triples, the indexes of those in scope — one statement
    for a whole import file."""
    if not triples:
        return set()
    sql = f"""
        SELECT r.i - 1
          FROM unnest(%s::bigint[], %s::bigint[], %s::date[])
               WITH ORDINALITY AS r(official, household, day, i)
          JOIN households_household ON households_household.id = r.household
         WHERE {IN_SCOPE_SQL.format(official="r.official", day="r.day")}"""
    officials, households, days = (list(column) for column in zip(*triples, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(sql, [officials, households, days])
        return {index for (index,) in cursor.fetchall()}


def is_household_of_official(official: Official, household: Household, on: dt.date) -> bool:
    """The entry check of every door (form, batch entry, API): the form's own list, for the day."""
    return households_of_official(official, on).filter(pk=household.pk).exists()


def visits_visible_to(user) -> QuerySet[Visit]:
    return visible_to(Visit.objects.select_related("official", "household__village"), user)


def my_recent_visits(official: Official, limit: int = 20) -> list[Visit]:
    return list(Visit.objects.filter(official=official).select_related("household__village")[:limit])


def trips_visible_to(user) -> QuerySet[ResearchTrip]:
    return visible_to(ResearchTrip.objects.select_related("official", "unit"), user)


def stationed_days_visible_to(user) -> QuerySet[StationedDay]:
    return visible_to(StationedDay.objects.select_related("official", "village"), user)


def visitor_for(user, household: Household, on: dt.date, *, pk=None, id_number: str = "") -> Official | None:
    """The official named (by id or ID number) as the visitor of a household the user may see: an
    official of the user's jurisdiction, or one whose households include this one that day (a
    helping cadre sent from elsewhere). Any other official answers ``None``, as an unknown one does
    (no existence oracle)."""
    if pk is not None:
        named = Official.objects.filter(pk=pk)
    elif id_number.strip():
        named = Official.objects.filter(id_number=normalise(id_number))
    else:
        return None
    official = named.first()
    if official is None:
        return None
    if officials_visible_to(user).filter(pk=official.pk).exists():
        return official
    return official if is_household_of_official(official, household, on) else None


def root_of(user, unit_code: str = "") -> str | None:
    """The code prefix a user's compliance views cover: their jurisdiction, or a unit inside it
    (``None`` for a unit code unknown or outside it alike)."""
    if unit_code:
        unit = unit_by_code_for(user, unit_code)
        return unit.prefix if unit is not None else None
    if user.is_superuser:
        return ""
    return user.jurisdiction.prefix if user.jurisdiction_id else None


@dataclass(frozen=True)
class ComplianceView:
    row: ComplianceRow
    official: Official
    unit: AdminUnit


def compliance_of(
    user, *, on: dt.date, today: dt.date, unit_code: str = "", quota: str = ""
) -> list[ComplianceView]:
    """Compliance of the officials holding posts in the user's jurisdiction (or a unit of it), in the
    periods containing ``on``: a constant number of queries whatever the number of officials."""
    root = root_of(user, unit_code)
    if root is None:
        return []
    rows = [r for r in compliance(root, on=on, today=today) if not quota or r.quota_code == quota]
    return _views(rows)


def my_compliance(official: Official, *, on: dt.date, today: dt.date) -> list[ComplianceView]:
    return _views(compliance("", on=on, today=today, official_id=official.pk))


def _views(rows: list[ComplianceRow]) -> list[ComplianceView]:
    officials, units = officials_by_id(rows), units_by_code(rows)
    return [ComplianceView(r, officials[r.official_id], units[r.unit_code]) for r in rows]


COMPLIANCE_ORDER = {
    "status": lambda v: (["missed", "behind", "on_track", "met"].index(v.row.status), v.row.percent),
    "percent": lambda v: (v.row.percent, v.official.name),
    "name": lambda v: (v.official.name, v.row.quota_code),
    "unit": lambda v: (v.unit.code, v.row.quota_code),
    "quota": lambda v: (v.row.quota_code, v.unit.code),
}


def sort_compliance(views: list[ComplianceView], order: str) -> list[ComplianceView]:
    return sorted(views, key=COMPLIANCE_ORDER.get(order, COMPLIANCE_ORDER["status"]))


def unvisited_households(user, *, since: dt.date, unit_code: str = "") -> QuerySet[Household]:
    """Registered poor households in the user's jurisdiction with no visit by anyone since ``since``."""
    households = visible_to(Household.objects.filter(status__in=POOR_STATUSES), user)
    if unit_code:
        root = root_of(user, unit_code)
        # a unit unknown or outside the jurisdiction: nothing, alike
        households = (
            households.filter(village__code__startswith=root) if root is not None else households.none()
        )
    visited = Visit.objects.filter(household=OuterRef("pk"), on__gte=since)
    return households.filter(~Exists(visited)).select_related("village").order_by("village_id", "number")


def missed_quotas(*, year: int, as_of: dt.date, root: str = "") -> list[MissedQuota]:
    """The registered metric ``quota_missed``: every quota period of ``year`` that ended by
    ``as_of`` with the quota not met, for every official in ``root`` (set-based)."""
    end = min(dt.date(year, 12, 31), as_of)
    if end < dt.date(year, 1, 1):
        return []
    rows = compliance_over(root, start=dt.date(year, 1, 1), end=end, today=as_of)
    return [
        MissedQuota(
            quota_code=row.quota_code,
            quota_label=row.quota_label,
            official_id=row.official_id,
            post=row.post,
            unit_code=row.unit_code,
            period_key=row.period.key,
            held_from=row.held.start,
            held_to=row.held.end,
            required=row.required,
            done=row.done,
            per_household=row.per_household,
        )
        for row in rows
        if row.status == QuotaStatus.MISSED
    ]
