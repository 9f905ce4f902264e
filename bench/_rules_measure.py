"""Run inside ``manage.py shell`` by bench/rules.py: the nightly rule run against its floor.

Ours: ``run_rules`` for one county and for the whole city, twice each (the first run writes the
alerts, the second finds them unchanged), with each registered metric's time (the registry's
functions wrapped) and each quota statement's time. The floor: the same aggregates as plain
``SELECT … GROUP BY`` statements without the rule machinery, for the levels each metric was asked for.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accountability.models import AdminUnit, Alert, AnnualTarget
from accountability.rules import metrics as registry
from accountability.rules.runs import run_rules
from visits import compliance as quota_module

YEAR, AS_OF = 2020, dt.date(2021, 1, 31)
START, END = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)

AnnualTarget.objects.bulk_create(
    [
        AnnualTarget(unit=u, year=YEAR, households_to_exit=40 if u.level == "township" else 400)
        for u in AdminUnit.objects.filter(code__startswith="3498", level__in=["township", "county"])
    ],
    ignore_conflicts=True,
)
print(f"units: {AdminUnit.objects.filter(code__startswith='3498').count()}")

# --- ours ------------------------------------------------------------------------------------------
spent: dict[str, float] = defaultdict(float)
levels: dict[str, set] = defaultdict(set)
per_quota: dict[str, float] = defaultdict(float)


def timed(name, function):
    def wrapper(**kwargs):
        started = time.monotonic()
        try:
            return function(**kwargs)
        finally:
            spent[name] += time.monotonic() - started
            levels[name].add(kwargs.get("level", "official"))

    return wrapper


for metric_name, registered in list(registry.METRICS.items()):
    registry.register_metric(metric_name, timed(metric_name, registered.function), label=registered.label)
evaluate = quota_module.evaluate


def timed_evaluate(task, today, official_id=None):
    started = time.monotonic()
    try:
        return evaluate(task, today, official_id)
    finally:
        per_quota[task.quota.code] += time.monotonic() - started


quota_module.evaluate = timed_evaluate

runs = {}
for label, root in (("one county", "349801"), ("city", "")):
    for attempt in ("first", "again"):
        spent.clear()
        per_quota.clear()
        with CaptureQueriesContext(connection) as queries:
            started = time.monotonic()
            result = run_rules(year=YEAR, as_of=AS_OF, triggered_by="bench", root=root)
            elapsed = time.monotonic() - started
        run = result.run
        runs[(label, attempt)] = (elapsed, dict(spent), dict(per_quota), len(queries))
        print(
            f"rules {label} ({attempt} run): {elapsed:.2f} s, {len(queries)} queries, "
            f"{len(result.triggered)} triggered, {run.created} new, {run.updated} updated, "
            f"{run.unchanged} unchanged"
        )
print(f"alerts: {Alert.objects.count()}")

# --- the floor: the same aggregates as plain SELECT … GROUP BY -------------------------------------
DIGITS = {"village": 12, "township": 9, "county": 6, "helping_unit": 12}
FINDINGS = """
SELECT left(coalesce(h.village_id, f.village_id), %s), f.kind,
       count(DISTINCT coalesce(f.household_id::text, f.family_id_number)), sum(h.member_count)
  FROM households_verificationfinding f LEFT JOIN households_household h ON h.id = f.household_id
 WHERE f.status = 'confirmed' AND f.assessment_year = %s GROUP BY 1, 2"""
REGISTERED = """
SELECT left(village_id, %s), sum(member_count) FROM households_household
 WHERE identified_year <= %s AND status <> 'removed' GROUP BY 1"""
EXITS = """
SELECT left(village_id, %s), count(*), sum(member_count) FROM households_household
 WHERE exit_year = %s AND status IN ('exited', 'returned') GROUP BY 1"""
TARGETS = "SELECT unit_id, households_to_exit FROM accountability_annualtarget WHERE year = %s"
VILLAGES = """
SELECT left(code, %s), count(*) FROM accountability_adminunit
 WHERE is_poor_village AND planned_exit_year = %s AND (exit_year IS NULL OR exit_year > %s) GROUP BY 1"""
PAIRED_VILLAGES = """
SELECT p.organisation_id, count(*) FROM accountability_helpingunitpairing p
  JOIN accountability_adminunit u ON u.code = p.village_id
 WHERE u.is_poor_village AND u.planned_exit_year = %s AND (u.exit_year IS NULL OR u.exit_year > %s)
 GROUP BY 1"""
#: quotas: visits, households visited, visits per household, trips and stationed days per official
#: and month (the finest period of the profile's quotas)
VISITS = """
SELECT official_id, date_trunc('month', "on"), count(*), count(DISTINCT household_id) FROM visits_visit
 WHERE "on" BETWEEN %s AND %s AND kind IN ('home', 'group') GROUP BY 1, 2"""
COVERAGE = """
SELECT official_id, month, count(*) FILTER (WHERE n >= 1), count(*) FILTER (WHERE n >= 2)
  FROM (SELECT official_id, household_id, date_trunc('month', "on") AS month, count(*) AS n
          FROM visits_visit WHERE "on" BETWEEN %s AND %s AND kind IN ('home', 'group') GROUP BY 1, 2, 3) x
 GROUP BY 1, 2"""
TRIPS = """SELECT official_id, count(*) FROM visits_researchtrip WHERE "on" BETWEEN %s AND %s GROUP BY 1"""
STATIONED = """
SELECT official_id, village_id, date_trunc('month', "on"), count(*) FROM visits_stationedday
 WHERE "on" BETWEEN %s AND %s GROUP BY 1, 2, 3"""


def floor_of(name: str, asked: set) -> tuple[float, int]:
    statements = []
    for level in sorted(asked):
        digits = DIGITS.get(level, 12)
        if name in ("misidentified_households", "wrong_exit_households"):
            statements.append((FINDINGS, [digits, YEAR]))
        elif name == "imprecise_persons":
            statements += [(FINDINGS, [digits, YEAR]), (REGISTERED, [digits, YEAR])]
        elif name == "exit_task_shortfall":
            statements += [(EXITS, [digits, YEAR]), (TARGETS, [YEAR])]
        elif name == "late_poor_villages" and level == "helping_unit":
            statements.append((PAIRED_VILLAGES, [YEAR, YEAR]))
        elif name == "late_poor_villages":
            statements.append((VILLAGES, [digits, YEAR, YEAR]))
        elif name == "quota_missed":
            statements += [(sql, [START, END]) for sql in (VISITS, COVERAGE, TRIPS, STATIONED)]
    started = time.monotonic()
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            cursor.fetchall()
    return time.monotonic() - started, len(statements)


elapsed, ours, quotas, query_count = runs[("city", "first")]
again = runs[("city", "again")][0]
print()
print(f"{'metric (city, first run)':32} {'levels':>6} {'ours s':>8} {'floor s':>8} {'ratio':>6}")
floor_total = 0.0
for name in sorted(ours, key=lambda n: -ours[n]):
    floor, statements = floor_of(name, levels[name])
    floor_total += floor
    print(
        f"{name:32} {len(levels[name]):>6} {ours[name]:8.2f} {floor:8.2f} {ours[name] / floor:6.1f}"
        f"   ({statements} floor statements)"
    )
rest = elapsed - sum(ours.values())
print(f"{'rest (targets, alerts, digests)':32} {'':>6} {rest:8.2f}")
print(
    f"{'whole nightly run':32} {'':>6} {elapsed:8.2f} {floor_total:8.2f} {elapsed / floor_total:6.1f}"
    f"   ({query_count} queries; second run {again:.2f} s)"
)
print(
    "quota statements of the missed quotas: "
    + ", ".join(f"{code} {seconds:.2f} s" for code, seconds in sorted(quotas.items(), key=lambda kv: -kv[1]))
)
print(f"RESULT {elapsed:.2f}")
