"""Fixtures and helpers of the inspections tests: the demo city with its officials, one login per role."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from accountability.access.roles import role_group, sync_roles
from accountability.demo.hierarchy import load_hierarchy
from accountability.demo.responsibility import HANDOVER_VILLAGE, load_responsibility
from accountability.models import AdminUnit, Official, PolicyProfile
from accountability.policy.presets import install_preset
from inspections import services
from inspections.models import Finding
from tests.factories import UserFactory

D = dt.date
CITY, COUNTY, COUNTY_2 = "349900000000", "349901000000", "349902000000"
TOWNSHIP, VILLAGE = "349901101000", HANDOVER_VILLAGE
numbers = itertools.count(1)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def city(db):
    load_hierarchy()
    sync_roles()
    load_responsibility()
    PolicyProfile.objects.all().delete()
    install_preset("suzhou", jurisdiction=None, effective_from=D(2015, 1, 1))
    return AdminUnit.objects.get(code=CITY)


def login(code: str, role: str, name: str | None = None):
    user = UserFactory(username=name or f"{role}-{code}", jurisdiction_id=code)
    user.groups.add(role_group(role))
    return user


@pytest.fixture
def people(city):
    return {
        "inspector": login(CITY, "inspector"),
        "county": login(COUNTY, "county_office"),
        "township": login(TOWNSHIP, "township_staff"),
        "village": login(VILLAGE, "village_official"),
        "discipline": login(CITY, "discipline_officer"),
    }


def city_official() -> Official:
    return Official.objects.filter(organisation__unit_id=CITY).order_by("pk").first()


def patrol(actor, *, unit=COUNTY, feedback_on=None, starts_on=None):
    starts_on = starts_on or D(2026, 5, 1)
    found = services.round_create(
        actor=actor,
        kind="patrol",
        number=f"XC-{next(numbers)}",
        title="脱贫攻坚专项巡查",
        issuer=AdminUnit.objects.get(code=CITY),
        unit=AdminUnit.objects.get(code=unit),
        starts_on=starts_on,
        approved_on=starts_on - dt.timedelta(days=10),
        leader=city_official(),
        leader_rank="division",
        methods=["meeting", "site"],
    )
    if feedback_on:
        services.round_feedback(actor=actor, round=found, on=feedback_on)
    return found


def finding(actor, *, unit=VILLAGE, found_on=None, round=None, source="supervision", **extra) -> Finding:
    found_on = found_on or D(2026, 6, 15)
    return services.finding_create(
        actor=actor,
        number=f"WT-{next(numbers)}",
        unit=AdminUnit.objects.get(code=unit),
        found_on=found_on,
        source=source,
        category=extra.pop("category", "work_style" if source == "patrol" else "responsibility"),
        severity="general",
        description="帮扶措施未落实到户",
        round=round,
        **extra,
    )
