"""Facts of the registry that the accountability rules read, registered with the core's metrics
registry in HouseholdsConfig.ready(). Each is one or two GROUP BY statements over the whole subtree."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection

from accountability.metrics import Fact
from accountability.models import HelpingUnitPairing
from accountability.models.units import SIGNIFICANT_DIGITS

DIGITS = {level: SIGNIFICANT_DIGITS[level] for level in ("village", "township", "county")}


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


FINDINGS_SQL = """
SELECT left(village_id, %s) AS unit, kind, count(DISTINCT household_id), coalesce(sum(persons_affected), 0),
       array_agg(id ORDER BY id)
  FROM households_verificationfinding
 WHERE status = 'confirmed' AND assessment_year = %s AND village_id LIKE %s
   AND kind IN ('misidentified', 'wrong_exit')
 GROUP BY 1, 2
"""


def _findings(year: int, level: str, root: str) -> dict[str, dict[str, tuple[int, int, list[int]]]]:
    """Confirmed findings by unit and kind: (households, persons, finding ids)."""
    result: dict[str, dict] = defaultdict(dict)
    for unit, kind, households, persons, ids in _rows(FINDINGS_SQL, [DIGITS[level], year, root + "%"]):
        result[unit][kind] = (households, persons, ids)
    return result


def _households_of_kind(kind: str):
    def metric(*, year: int, level: str, root: str, denominator: str = "registered") -> dict[str, Fact]:
        return {
            unit: Fact(Decimal(by_kind[kind][0]), by_kind[kind][0], None, {"findings": by_kind[kind][2]})
            for unit, by_kind in _findings(year, level, root).items()
            if kind in by_kind
        }

    return metric


misidentified_households = _households_of_kind("misidentified")
wrong_exit_households = _households_of_kind("wrong_exit")

REGISTERED_SQL = """
SELECT left(village_id, %s), sum(member_count) FROM households_household
 WHERE village_id LIKE %s AND identified_year <= %s
   AND status NOT IN ('identifying', 'not_admitted')
   AND (exit_year IS NULL OR exit_year >= %s)
 GROUP BY 1
"""
RURAL_SQL = """
SELECT left(code, %s), sum(rural_population) FROM accountability_adminunit
 WHERE level = 'village' AND code LIKE %s GROUP BY 1
"""


def imprecise_persons(
    *, year: int, level: str, root: str, denominator: str = "registered"
) -> dict[str, Fact]:
    """E-6/E-7: persons misidentified or wrongly exited (confirmed, assessment year) per mille of the
    denominator: persons in all households registered in the unit during the year, those later
    removed included ("registered"), or the rural registered population ("rural")."""
    digits = DIGITS[level]
    if denominator == "rural":
        bases = dict(_rows(RURAL_SQL, [digits, root + "%"]))
    else:
        bases = dict(_rows(REGISTERED_SQL, [digits, root + "%", year, year]))
    facts = {}
    for unit, by_kind in _findings(year, level, root).items():
        persons = sum(by_kind[kind][1] for kind in by_kind)
        base = int(bases.get(unit) or 0)
        if not base:
            continue
        value = (Decimal(persons) * 1000 / base).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        ids = sorted(i for kind in by_kind for i in by_kind[kind][2])
        facts[unit] = Fact(value, persons, base, {"findings": ids, "denominator": denominator})
    return facts


EXITS_SQL = """
SELECT left(village_id, %s), count(*), coalesce(sum(member_count), 0) FROM households_household
 WHERE village_id LIKE %s AND exit_year = %s AND status IN ('exited', 'returned')
 GROUP BY 1
"""
TARGETS_SQL = """
SELECT unit_id, households_to_exit, persons_to_exit, villages_to_exit FROM accountability_annualtarget
 WHERE year = %s AND unit_id LIKE %s
"""
VILLAGES_EXITED_SQL = """
SELECT left(code, %s), count(*) FROM accountability_adminunit
 WHERE is_poor_village AND exit_year = %s AND code LIKE %s GROUP BY 1
"""


def exit_task_shortfall(
    *, year: int, level: str, root: str, denominator: str = "registered"
) -> dict[str, Fact]:
    """E-3/E-5: the year's exit task (annual target of the responsibility letter) against the registry
    at the year's end: households, persons and poor villages exited in the year. The value is the
    largest shortfall; units without a target for the year are not judged."""
    digits = DIGITS[level]
    exits = {
        unit: (households, persons)
        for unit, households, persons in _rows(EXITS_SQL, [digits, root + "%", year])
    }
    villages = dict(_rows(VILLAGES_EXITED_SQL, [digits, year, root + "%"]))
    facts = {}
    for code, households_target, persons_target, villages_target in _rows(TARGETS_SQL, [year, root + "%"]):
        unit = code[:digits]
        if code != unit.ljust(12, "0"):
            continue  # a target of another level
        households, persons = exits.get(unit, (0, 0))
        done_villages = villages.get(unit, 0)
        shortfalls = {
            "households": max(0, households_target - households),
            "persons": max(0, persons_target - persons),
            "villages": max(0, villages_target - done_villages),
        }
        worst = max(shortfalls.values())
        facts[unit] = Fact(
            Decimal(worst),
            worst,
            None,
            {
                "target": {
                    "households": households_target,
                    "persons": persons_target,
                    "villages": villages_target,
                },
                "done": {"households": households, "persons": persons, "villages": done_villages},
                "shortfall": shortfalls,
            },
        )
    return facts


LATE_VILLAGES_SQL = """
SELECT code FROM accountability_adminunit
 WHERE is_poor_village AND planned_exit_year = %s AND (exit_year IS NULL OR exit_year > %s) AND code LIKE %s
 ORDER BY code
"""


def late_poor_villages(
    *, year: int, level: str, root: str, denominator: str = "registered"
) -> dict[str, Fact]:
    """E-8/E-9/E-10: poor villages planned to exit in ``year`` that did not exit that year, per unit,
    or per helping unit paired with them during the year (subject key ``org:<id>``)."""
    late = [code for (code,) in _rows(LATE_VILLAGES_SQL, [year, year, root + "%"])]
    by_subject: dict[str, list[str]] = defaultdict(list)
    if level == "helping_unit":
        pairings = HelpingUnitPairing.objects.overlapping(dt.date(year, 1, 1), dt.date(year, 12, 31)).filter(
            village_id__any=late
        )
        for organisation_id, village in pairings.values_list("organisation_id", "village_id").distinct():
            by_subject[f"org:{organisation_id}"].append(village)
    else:
        for code in late:
            by_subject[code[: DIGITS[level]]].append(code)
    return {
        subject: Fact(Decimal(len(codes)), len(codes), None, {"villages": sorted(codes)})
        for subject, codes in by_subject.items()
    }


METRICS = {
    "misidentified_households": misidentified_households,
    "wrong_exit_households": wrong_exit_households,
    "imprecise_persons": imprecise_persons,
    "exit_task_shortfall": exit_task_shortfall,
    "late_poor_villages": late_poor_villages,
}
