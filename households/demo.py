"""Demo households for the demo city: every status, helping cadres, measures, findings, register rows."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from accountability.demo.people import People
from accountability.models import AdminUnit, Post, ResponsibilityAssignment
from households.models import (
    FindingKind,
    FindingSource,
    FindingStatus,
    HelpingCadrePairing,
    HelpingMeasure,
    Household,
    HouseholdStatus,
    MeasureKind,
    Member,
    PovertyAttribute,
    PovertyCause,
    RegisterEntry,
    RegisterType,
    Relation,
    VerificationFinding,
)
from households.services import household_summaries_refresh

STATUS_CYCLE = [
    HouseholdStatus.NOT_EXITED,
    HouseholdStatus.EXITED,
    HouseholdStatus.EXITED,
    HouseholdStatus.RETURNED,
    HouseholdStatus.EXITED,
    HouseholdStatus.REMOVED,
    HouseholdStatus.NOT_EXITED,
    HouseholdStatus.EXITED,
]
HOUSEHOLDS_PER_VILLAGE = 8


def load_households() -> int:
    """Idempotent: households are keyed by number, members by ID number."""
    people = People(seed=4)
    rng = random.Random(4)
    villages = list(AdminUnit.objects.villages().filter(code__startswith="3499").order_by("code"))
    cadres = {}
    for a in ResponsibilityAssignment.objects.filter(post=Post.HELPING_CADRE, valid_to__isnull=True):
        cadres.setdefault(a.scope_unit_id, []).append(a.official_id)
    touched = set()
    for village in villages:
        for n in range(HOUSEHOLDS_PER_VILLAGE):
            status = STATUS_CYCLE[(n + int(village.code[-1])) % len(STATUS_CYCLE)]
            identified = 2014 + rng.randrange(3)
            household, _ = Household.objects.update_or_create(
                number=f"{village.code}{n + 1:03d}",
                defaults={
                    "village": village,
                    "head_name": "",
                    "attribute": rng.choice(list(PovertyAttribute)),
                    "main_cause": rng.choice(list(PovertyCause)),
                    "income_per_capita": Decimal(rng.randrange(2800, 9800)),
                    "identified_year": identified,
                    "status": status,
                    "exit_year": identified + 3
                    if status in {HouseholdStatus.EXITED, HouseholdStatus.RETURNED}
                    else None,
                    "returned_on": dt.date(identified + 4, 3, 1)
                    if status == HouseholdStatus.RETURNED
                    else None,
                    "removed_on": dt.date(identified + 2, 6, 30)
                    if status == HouseholdStatus.REMOVED
                    else None,
                    "food_clothing_secure": True,
                    "compulsory_education_secure": True,
                    "basic_medical_secure": status != HouseholdStatus.RETURNED,
                    "housing_safe": True,
                    "drinking_water_safe": True,
                    "has_handbook": n != 3,
                    "has_exit_certificate": status == HouseholdStatus.EXITED and n != 2,
                },
            )
            size = 1 + rng.randrange(5)
            relations = [Relation.HEAD, Relation.SPOUSE, Relation.SON, Relation.DAUGHTER, Relation.MOTHER][
                :size
            ]
            for index, relation in enumerate(relations):
                sex = "male" if relation in {Relation.HEAD, Relation.SON} else "female"
                born = (1955, 1980) if index < 2 or relation == Relation.MOTHER else (2000, 2015)
                id_number = people.id_number(village.code, born_from=born[0], born_to=born[1], sex=sex)
                Member.objects.update_or_create(
                    household=household,
                    relation=relation,
                    defaults={
                        "name": people.name(),
                        "id_number": id_number,
                        "sex": sex,
                        "ethnicity": "汉族",
                        "health": "healthy" if index else rng.choice(["healthy", "chronic", "serious"]),
                        "labour_skill": "ordinary" if index < 2 else "none",
                    },
                )
            touched.add(household.pk)
            village_cadres = cadres.get(village.code)
            if village_cadres and n != 5:
                HelpingCadrePairing.objects.get_or_create(
                    household=household,
                    official_id=village_cadres[n % len(village_cadres)],
                    valid_from=dt.date(identified, 1, 1),
                )
            if n % 4 != 1:
                HelpingMeasure.objects.get_or_create(
                    household=household,
                    kind=rng.choice(list(MeasureKind)),
                    year=2020,
                    defaults={"description": "发展特色种养殖，提供技术指导"},
                )
            if n == 5:
                VerificationFinding.objects.get_or_create(
                    household=household,
                    kind=FindingKind.MISIDENTIFIED,
                    source=FindingSource.THIRD_PARTY,
                    assessment_year=2020,
                    defaults={
                        "village": village,
                        "found_date": dt.date(2020, 11, 20),
                        "persons_affected": size,
                        "status": FindingStatus.CONFIRMED
                        if village.code.endswith("1")
                        else FindingStatus.PENDING,
                        "note": "家庭成员名下有商品房",
                    },
                )
            if n == 2 and village.code.endswith("3"):
                VerificationFinding.objects.get_or_create(
                    household=household,
                    kind=FindingKind.WRONG_EXIT,
                    source=FindingSource.PROVINCIAL_ASSESSMENT,
                    assessment_year=2020,
                    defaults={
                        "village": village,
                        "found_date": dt.date(2020, 12, 5),
                        "persons_affected": size,
                        "status": FindingStatus.CONFIRMED,
                        "note": "收入未稳定超过标准",
                    },
                )
    household_summaries_refresh(touched)
    sample = Member.objects.filter(
        household__village__code__startswith="349901", relation=Relation.HEAD
    ).order_by("pk")[:2]
    for member, register in zip(sample, (RegisterType.VEHICLE, RegisterType.PAYROLL), strict=False):
        RegisterEntry.objects.get_or_create(
            register_type=register,
            id_number=member.id_number,
            detail="演示比对数据",
            defaults={"name": member.name},
        )
    return len(touched)
