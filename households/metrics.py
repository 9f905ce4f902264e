"""Facts of the registry that the accountability rules read, registered with the core's metrics
registry in HouseholdsConfig.ready(). Each is one or two GROUP BY statements over the whole subtree."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, Q, Sum
from django.db.models.functions import Substr

from accountability.hierarchy.models import SIGNIFICANT_DIGITS, AdminLevel
from accountability.models import HelpingUnitPairing
from accountability.rules.metrics import Fact
from households.models import (
    FindingKind,
    FindingStatus,
    Household,
    HouseholdStatus,
    Member,
    VerificationFinding,
)
from households.registered import registered_during_q

DIGITS = {level: SIGNIFICANT_DIGITS[level] for level in ("village", "township", "county")}


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@dataclass(frozen=True)
class Counted:
    """A household counted by the finding metrics: once, whatever the number of its findings, kinds
    and sources. ``key`` is ``h:<id>`` for a household of the registry, ``id:<ID number>`` (or
    ``f:<finding id>`` without one) for an omitted family (漏评) found outside it."""

    key: str
    village: str
    kind: str  # misidentified (识别不精准: wrongly included or omitted) / wrong_exit (退出不精准)
    persons: int
    in_registry: bool  # registered during the year (households/registered.py)
    findings: tuple[int, ...]


def counted_households(*, year: int, root: str, sources=()) -> list[Counted]:
    """Every household with a confirmed finding of the assessment ``year`` in the subtree ``root``
    from one of ``sources`` (all when empty), once. A household found both wrongly included and
    wrongly exited counts once, as misidentified (identification comes first). Persons are the
    household's members (家庭人口); an omitted family outside the registry counts the persons the
    finding names (涉及人数, at least the head) — it has no members in the registry. An omitted
    family whose head's ID number is an active member of a registered household is that household."""
    findings = VerificationFinding.objects.filter(
        status=FindingStatus.CONFIRMED,
        assessment_year=year,
        kind__in=[FindingKind.MISIDENTIFIED, FindingKind.OMISSION, FindingKind.WRONG_EXIT],
    ).filter(
        Q(household__village__code__startswith=root)
        | Q(household__isnull=True, village__code__startswith=root)
    )
    if sources:
        findings = findings.filter(source__in=list(sources))
    rows = list(
        findings.annotate(
            in_registry=ExpressionWrapper(registered_during_q(year, "household__"), BooleanField())
        )
        .order_by("pk")
        .values_list(
            "pk",
            "kind",
            "household_id",
            "household__village_id",
            "household__member_count",
            "in_registry",
            "village_id",
            "family_id_number",
            "persons_affected",
        )
    )
    heads = {number for _, kind, household, *_rest, number, _p in rows if household is None and number}
    known = {}
    if heads:
        members = Member.objects.filter(active=True, id_number__in=heads).annotate(
            in_registry=ExpressionWrapper(registered_during_q(year, "household__"), BooleanField())
        )
        for number, household, village, persons, in_registry in members.values_list(
            "id_number", "household_id", "household__village_id", "household__member_count", "in_registry"
        ):
            known[number] = (household, village, persons, in_registry)
    entities: dict[str, dict] = {}
    for pk, kind, household, village, persons, in_registry, finding_village, number, affected in rows:
        if household is None and number in known:
            household, village, persons, in_registry = known[number]
        if household is not None:
            key, entity = (
                f"h:{household}",
                {"village": village, "persons": persons or 0, "in": bool(in_registry)},
            )
        else:
            key = f"id:{number}" if number else f"f:{pk}"
            entity = {"village": finding_village, "persons": max(affected or 0, 1), "in": False}
        current = entities.setdefault(key, {**entity, "kinds": set(), "findings": []})
        if household is None:
            current["persons"] = max(current["persons"], entity["persons"])
        current["kinds"].add(
            FindingKind.WRONG_EXIT if kind == FindingKind.WRONG_EXIT else FindingKind.MISIDENTIFIED
        )
        current["findings"].append(pk)
    return [
        Counted(
            key,
            e["village"],
            FindingKind.MISIDENTIFIED if FindingKind.MISIDENTIFIED in e["kinds"] else FindingKind.WRONG_EXIT,
            e["persons"],
            e["in"],
            tuple(e["findings"]),
        )
        for key, e in entities.items()
    ]


def _by_unit(counted: list[Counted], level: str) -> dict[str, list[Counted]]:
    grouped: dict[str, list[Counted]] = defaultdict(list)
    for c in counted:
        grouped[c.village[: DIGITS[level]]].append(c)
    return grouped


def _households_of_kind(kind: str):
    def metric(
        *, year: int, level: str, root: str, denominator: str = "registered", sources=()
    ) -> dict[str, Fact]:
        """E-1/E-2/E-4: distinct households of ``kind`` with a confirmed finding of the year."""
        facts = {}
        for unit, counted in _by_unit(
            counted_households(year=year, root=root, sources=sources), level
        ).items():
            of_kind = [c for c in counted if c.kind == kind]
            if of_kind:
                ids = sorted(i for c in of_kind for i in c.findings)
                facts[unit] = Fact(Decimal(len(of_kind)), len(of_kind), None, {"findings": ids})
        return facts

    return metric


misidentified_households = _households_of_kind(FindingKind.MISIDENTIFIED)
wrong_exit_households = _households_of_kind(FindingKind.WRONG_EXIT)

RURAL_SQL = f"""
SELECT left(code, %s), sum(rural_population) FROM accountability_adminunit
 WHERE level = '{AdminLevel.VILLAGE.value}' AND code LIKE %s GROUP BY 1
"""


def registered_persons(*, year: int, level: str, root: str) -> dict[str, int]:
    """Persons of the households registered during ``year`` (households/registered.py), by unit."""
    digits = DIGITS[level]
    return dict(
        Household.objects.filter(registered_during_q(year), village__code__startswith=root)
        .annotate(head=Substr("village_id", 1, digits))
        .order_by()
        .values("head")
        .annotate(n=Sum("member_count"))
        .values_list("head", "n")
    )


def imprecise_persons(
    *, year: int, level: str, root: str, denominator: str = "registered", sources=()
) -> dict[str, Fact]:
    """E-6/E-7: persons of the households misidentified (wrongly included or omitted) or wrongly
    exited — confirmed, assessment year, each household once — per mille of the denominator:
    ``registered``, the persons of all households registered during the year plus the omitted
    families found (so that the numerator is always part of it), or ``rural``, the rural registered
    population of the unit's villages."""
    digits = DIGITS[level]
    by_unit = _by_unit(counted_households(year=year, root=root, sources=sources), level)
    if not by_unit:
        return {}
    if denominator == "rural":
        bases = {unit: int(n or 0) for unit, n in _rows(RURAL_SQL, [digits, root + "%"])}
    else:
        bases = registered_persons(year=year, level=level, root=root)
    facts = {}
    for unit, counted in by_unit.items():
        persons = sum(c.persons for c in counted)
        outside = sum(c.persons for c in counted if not c.in_registry)
        base = int(bases.get(unit) or 0) + (outside if denominator != "rural" else 0)
        if not base:
            continue
        value = (Decimal(persons) * 1000 / base).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        ids = sorted(i for c in counted for i in c.findings)
        facts[unit] = Fact(
            value,
            persons,
            base,
            {
                "findings": ids,
                "denominator": denominator,
                "households": len(counted),
                "added_to_denominator": outside if denominator != "rural" else 0,
            },
        )
    return facts


EXITS_SQL = f"""
SELECT left(village_id, %s), count(*), coalesce(sum(member_count), 0) FROM households_household
 WHERE village_id LIKE %s AND exit_year = %s
   AND status IN ('{HouseholdStatus.EXITED.value}', '{HouseholdStatus.RETURNED.value}')
 GROUP BY 1
"""
TARGETS_SQL = """
SELECT t.unit_id, t.households_to_exit, t.persons_to_exit, t.villages_to_exit
  FROM accountability_annualtarget t JOIN accountability_adminunit u ON u.code = t.unit_id
 WHERE t.year = %s AND t.unit_id LIKE %s AND u.level = %s
"""
VILLAGES_EXITED_SQL = """
SELECT left(code, %s), count(*) FROM accountability_adminunit
 WHERE is_poor_village AND exit_year = %s AND code LIKE %s GROUP BY 1
"""


def exit_task_shortfall(
    *, year: int, level: str, root: str, denominator: str = "registered", sources=()
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
    for code, households_target, persons_target, villages_target in _rows(
        TARGETS_SQL, [year, root + "%", level]
    ):
        unit = code[:digits]  # only targets of the rule's own level (a county's is no township's)
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
    *, year: int, level: str, root: str, denominator: str = "registered", sources=()
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


#: name → (function, label); households/apps.py registers them with the core
METRICS = {
    "misidentified_households": (misidentified_households, "识别不精准户数"),
    "wrong_exit_households": (wrong_exit_households, "退出不精准户数"),
    "imprecise_persons": (imprecise_persons, "识别、退出不精准人数‰"),
    "exit_task_shortfall": (exit_task_shortfall, "年度脱贫任务差额"),
    "late_poor_villages": (late_poor_villages, "未按期出列贫困村数"),
}
