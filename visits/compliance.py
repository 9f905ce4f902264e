"""Quota compliance (DOMAIN §2, Q-1 … Q-9), set-based for a whole city.

The plan: for every quota of every policy-profile version, the periods it governs and the area
it governs them in (its jurisdiction, less deeper jurisdictions with their own version in force at
the period's start). The evaluation: **one SQL statement per quota and version** counts, for every
post-holding of every official in the area and every period, what was done — so the number of
queries depends on the profiles, never on the number of officials, units or visits.

Who owes what (a decision, see docs/visits.md): a post held for part of a period owes the share of
the days held, rounded up, counted over the days held; coverage quotas ask every household in scope
to have been visited the required number of times during the days held — except paired coverage
(Q-9), owed per pairing pro rata to the pairing's days in the period (decision 0011). Only the visit
kinds a quota lists count (a phone call is no 走访).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection

from accountability.hierarchy.models import SIGNIFICANT_DIGITS, AdminUnit
from accountability.models import Official, Post, Quota, ResponsibilityAssignment
from accountability.policy.profiles import profile_areas, versions_by_prefix
from accountability.policy.quotas import (
    STATUS_LABELS,
    Period,
    QuotaStatus,
    period_containing,
    pro_rata_required,
    quota_status,
)
from households.models import POOR_STATUSES, HouseholdStatus

# --- the plan --------------------------------------------------------------------------------


@dataclass
class QuotaTask:
    quota: Quota
    area: str  # code prefix of the area governed
    periods: list[Period]
    carved_out: list[tuple[dt.date, str]]  # (period start, prefix) governed by a deeper profile


def plan(root: str, periods_of) -> list[QuotaTask]:
    """Tasks for the area ``root`` (a code prefix). ``periods_of(quota)`` gives the candidate
    periods of a quota; a period is governed by the version in force on its first day
    (accountability/policy/profiles.py decides which version governs which area)."""
    versions = versions_by_prefix("quotas")
    tasks: dict[tuple[int, str], QuotaTask] = {}
    for history in versions.values():
        for version in history:
            for quota in version.quotas.all():
                for period in periods_of(quota):
                    if version.quotas_monitored_from and period.start < version.quotas_monitored_from:
                        continue
                    for governed in profile_areas(root, period.start, versions):
                        if governed.profile is not version:
                            continue
                        task = tasks.setdefault(
                            (quota.pk, governed.area), QuotaTask(quota, governed.area, [], [])
                        )
                        task.periods.append(period)
                        task.carved_out += [(period.start, prefix) for prefix in governed.carved_out]
    return list(tasks.values())


def periods_containing(day: dt.date):
    return lambda quota: [period_containing(day, quota.period_months, quota.period_anchor_month)]


def periods_ending_within(start: dt.date, end: dt.date):
    """The periods of a quota that end within [start, end] (the periods of a year, as of a date)."""

    def periods(quota: Quota) -> list[Period]:
        found, day = [], start
        while day <= end:
            period = period_containing(day, quota.period_months, quota.period_anchor_month)
            if start <= period.end <= end:
                found.append(period)
            day = period.end + dt.timedelta(days=1)
        return found

    return periods


# --- the evaluation ---------------------------------------------------------------------------

HELD = """
WITH periods AS (
    SELECT * FROM unnest(%(starts)s::date[], %(ends)s::date[]) AS p(p_start, p_end)
), carved AS (
    SELECT * FROM unnest(%(carved_starts)s::date[], %(carved_prefixes)s::text[]) AS c(p_start, prefix)
), held AS (
    SELECT a.official_id, a.post, a.scope_unit_id, u.level AS scope_level, p.p_start, p.p_end,
           GREATEST(a.valid_from, p.p_start) AS h_start,
           LEAST(COALESCE(a.valid_to, p.p_end), p.p_end) AS h_end
      FROM accountability_responsibilityassignment a
      JOIN accountability_adminunit u ON u.code = a.scope_unit_id
      JOIN periods p ON a.valid_from <= p.p_end AND (a.valid_to IS NULL OR a.valid_to >= p.p_start)
     WHERE a.post = ANY(%(posts)s) AND a.scope_unit_id LIKE %(area)s
       AND (%(official)s::bigint IS NULL OR a.official_id = %(official)s::bigint)
       AND NOT EXISTS (SELECT 1 FROM carved c
                        WHERE c.p_start = p.p_start AND a.scope_unit_id LIKE c.prefix || '%%')
)
"""
SCOPE_PREFIX = (
    "left(h.scope_unit_id, CASE h.scope_level "
    + " ".join(f"WHEN '{level.value}' THEN {digits}" for level, digits in SIGNIFICANT_DIGITS.items())
    + " END)"
)
#: visits owed to each household: the quota's number, pro rata to the days held (as rules_quotas)
EACH_DUE = "ceil(%(each)s::numeric * (h.h_end - h.h_start + 1) / (h.p_end - h.p_start + 1))"
#: households registered poor at some time in the period (exited within or after it included)
POOR_IN_PERIOD = f"""hh.identified_year <= extract(year FROM h.p_end)
       AND (hh.status = ANY(%(poor)s)
            OR (hh.status = '{HouseholdStatus.EXITED.value}'
                AND hh.exit_year >= extract(year FROM h.p_start)))"""

#: the visit kinds the quota counts (profile data: a phone call is no 走访)
COUNTED = "v.kind = ANY(%(kinds)s)"
DONE = {
    "visits": "(SELECT count(*) FROM visits_visit v WHERE v.official_id = h.official_id "
    f"AND v.on BETWEEN h.h_start AND h.h_end AND {COUNTED})",
    "households": "(SELECT count(DISTINCT v.household_id) FROM visits_visit v "
    f"WHERE v.official_id = h.official_id AND v.on BETWEEN h.h_start AND h.h_end AND {COUNTED})",
    "trips": "(SELECT count(*) FROM visits_researchtrip t WHERE t.official_id = h.official_id "
    "AND t.on BETWEEN h.h_start AND h.h_end)",
    "stationed_days": "(SELECT count(*) FROM visits_stationedday s WHERE s.official_id = h.official_id "
    "AND s.village_id = h.scope_unit_id AND s.on BETWEEN h.h_start AND h.h_end)",
}
COUNT_SQL = HELD + "SELECT h.*, {done} AS done, NULL::int AS total FROM held h"
#: per household, an index lookup of the official's visits in the window (unique index official,
#: household, day); measured faster at city scale than aggregating every visit first
COVERAGE_UNIT_SQL = (
    HELD
    + f"""
SELECT h.*, count(hh.id) FILTER (WHERE (SELECT count(*) FROM visits_visit v WHERE v.household_id = hh.id
              AND v.official_id = h.official_id AND v.on BETWEEN h.h_start AND h.h_end AND {COUNTED})
           >= {EACH_DUE}) AS done,
       count(hh.id) AS total
  FROM held h
  LEFT JOIN households_household hh
         ON hh.village_id BETWEEN rpad({SCOPE_PREFIX}, 12, '0') AND rpad({SCOPE_PREFIX}, 12, '9')
        AND {POOR_IN_PERIOD}
 GROUP BY h.official_id, h.post, h.scope_unit_id, h.scope_level, h.p_start, h.p_end, h.h_start, h.h_end
"""
)
#: paired coverage (Q-9) is owed per pairing: each household of a pairing in force during the
#: post-holding owes the quota's number pro rata to the pairing's days in the period, counted over
#: those days (not over the post's tenure)
PAIRED_FROM = "GREATEST(h.p_start, pr.valid_from)"
PAIRED_TO = "LEAST(h.p_end, COALESCE(pr.valid_to, h.p_end))"
COVERAGE_PAIRED_SQL = (
    HELD
    + f"""
SELECT h.*, count(DISTINCT pr.household_id) FILTER (WHERE (SELECT count(*) FROM visits_visit v
              WHERE v.household_id = pr.household_id AND v.official_id = h.official_id
                AND v.on BETWEEN {PAIRED_FROM} AND {PAIRED_TO} AND {COUNTED}
           ) >= ceil(%(each)s::numeric * ({PAIRED_TO} - {PAIRED_FROM} + 1) / (h.p_end - h.p_start + 1))
       ) AS done,
       count(DISTINCT pr.household_id) AS total
  FROM held h
  LEFT JOIN households_helpingcadrepairing pr ON pr.official_id = h.official_id
       AND pr.valid_from <= h.h_end AND (pr.valid_to IS NULL OR pr.valid_to >= h.h_start)
 GROUP BY h.official_id, h.post, h.scope_unit_id, h.scope_level, h.p_start, h.p_end, h.h_start, h.h_end
"""
)


@dataclass(frozen=True)
class ComplianceRow:
    quota_code: str
    quota_label: str
    measure: str
    official_id: int
    post: str
    unit_code: str
    period: Period
    held: Period
    required: int  # count quotas: the (pro-rata) number owed; coverage: households in scope
    done: int  # count quotas: what was done; coverage: households visited enough
    status: QuotaStatus
    per_household: int | None = None  # coverage quotas: visits owed to each household
    warn_days: int = 7  # the profile's warning period before the period ends

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def post_label(self) -> str:
        return str(Post(self.post).label)

    @property
    def percent(self) -> int:
        return 100 if not self.required else min(100, round(100 * self.done / self.required))


def evaluate(task: QuotaTask, today: dt.date, official_id: int | None = None) -> list[ComplianceRow]:
    """One statement for all holders of the quota's posts in the task's area and periods."""
    quota = task.quota
    params = {
        "starts": [p.start for p in task.periods],
        "ends": [p.end for p in task.periods],
        "carved_starts": [start for start, _ in task.carved_out],
        "carved_prefixes": [prefix for _, prefix in task.carved_out],
        "posts": list(quota.posts),
        "area": task.area + "%",
        "poor": list(POOR_STATUSES),
        "each": quota.required,
        "official": official_id,
        "kinds": list(quota.visit_kinds),
    }
    if quota.measure == "coverage":
        sql = COVERAGE_PAIRED_SQL if quota.coverage_scope == "paired" else COVERAGE_UNIT_SQL
    else:
        sql = COUNT_SQL.format(done=DONE[quota.measure])
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [c.name for c in cursor.description]
        records = [dict(zip(columns, values, strict=True)) for values in cursor.fetchall()]
    rows = []
    for r in records:
        period, held = Period(r["p_start"], r["p_end"]), Period(r["h_start"], r["h_end"])
        if quota.measure == "coverage" and quota.coverage_scope == "paired":
            # owed per pairing (pro rata to its days): the full period's number is shown
            required, per_household = r["total"], quota.required
        elif quota.measure == "coverage":
            required, per_household = r["total"], pro_rata_required(quota.required, held, period)
        else:
            required, per_household = pro_rata_required(quota.required, held, period), None
        rows.append(
            ComplianceRow(
                quota_code=quota.code,
                quota_label=quota.label,
                measure=quota.measure,
                official_id=r["official_id"],
                post=r["post"],
                unit_code=r["scope_unit_id"],
                period=period,
                held=held,
                required=required,
                done=r["done"],
                status=quota_status(required=required, done=r["done"], window=held, today=today),
                per_household=per_household,
                warn_days=quota.profile.warn_days_before_period_end,
            )
        )
    return rows


def compliance(
    root: str, *, on: dt.date, today: dt.date, official_id: int | None = None
) -> list[ComplianceRow]:
    """Every official's compliance with every quota in the periods containing ``on``, in ``root``
    (or one official's, wherever they hold posts, with ``root`` "": only the quotas of the posts
    they have held are evaluated — one statement each, not one per quota of the profile)."""
    tasks = plan(root, periods_containing(on))
    if official_id is not None:
        held = set(
            ResponsibilityAssignment.objects.filter(official_id=official_id).values_list("post", flat=True)
        )
        tasks = [task for task in tasks if held.intersection(task.quota.posts)]
    rows = []
    for task in tasks:
        rows += evaluate(task, today, official_id)
    return rows


def compliance_over(root: str, *, start: dt.date, end: dt.date, today: dt.date) -> list[ComplianceRow]:
    """Every period of every quota ending within [start, end]."""
    rows = []
    for task in plan(root, periods_ending_within(start, end)):
        rows += evaluate(task, today)
    return rows


def officials_by_id(rows: list[ComplianceRow]) -> dict[int, Official]:
    ids = {row.official_id for row in rows}
    return {o.pk: o for o in Official.objects.filter(pk__in=ids).select_related("organisation")}


def units_by_code(rows: list[ComplianceRow]) -> dict[str, AdminUnit]:
    return {u.code: u for u in AdminUnit.objects.filter(code__in={row.unit_code for row in rows})}
