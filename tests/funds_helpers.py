"""Shared set-up of the fund-project tests: the demo hierarchy, a county office and a township user."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from accountability.access.roles import role_group
from accountability.demo.hierarchy import load_hierarchy
from accountability.models import EscalationRule, PolicyProfile
from accountability.policy.calendar import ensure_calendar
from accountability.policy.presets import ensure_default_profile
from funds import services
from funds.models import BudgetLine, ProjectCategory
from funds.reference import install_fund_rules, install_reference_data
from tests.factories import UserFactory

COUNTY = "349901000000"
TOWNSHIP = "349901101000"
VILLAGE = "349901101201"
OTHER_COUNTY_VILLAGE = "349902101201"
D = dt.date


@pytest.fixture
def people(db):
    # the migrations' rows, gone when a transactional test flushed the reused test database
    ensure_calendar()
    install_reference_data(ProjectCategory, BudgetLine)
    ensure_default_profile()
    install_fund_rules(PolicyProfile, EscalationRule)
    load_hierarchy()
    county = UserFactory(username="fund-county", jurisdiction_id=COUNTY)
    county.groups.add(role_group("county_office"))
    township = UserFactory(username="fund-township", jurisdiction_id=TOWNSHIP)
    township.groups.add(role_group("township_staff"))
    auditor = UserFactory(username="fund-auditor", jurisdiction_id=COUNTY)
    auditor.groups.add(role_group("auditor"))
    return {"county": county, "township": township, "auditor": auditor}


def new_project(
    actor,
    *,
    number="XM-2024-001",
    content="修建某村通组道路 1.2 公里",
    subsidy="300000",
    library_on=None,
    location=VILLAGE,
    **extra,
):
    from accountability.models import AdminUnit

    library_on = library_on or D(2024, 1, 10)

    project, _warnings = services.project_create(
        actor=actor,
        number=number,
        name=extra.pop("name", "通组道路"),
        year=extra.pop("year", 2024),
        category=ProjectCategory.objects.get(code="development"),
        use=extra.pop("use", "living_conditions"),
        location=AdminUnit.objects.get(code=location),
        implementer="某乡人民政府",
        construction_content=content,
        subsidy=Decimal(subsidy),
        library_on=library_on,
        **extra,
    )
    return project


def through_filing(people, project, *, approved=None):
    """Take a project through application, approval, plan and filing."""
    c, t = people["county"], people["township"]
    approved = approved or D(2024, 3, 1)
    services.project_apply(actor=t, project=project, on=D(2024, 2, 1))
    services.projects_approve(actor=c, projects=[project], on=approved, document="县扶领〔2024〕1号")
    services.plan_submit(actor=t, project=project, on=D(2024, 3, 8))
    review = "expert" if project.subsidy >= Decimal("500000") else "office"
    services.plan_approve(actor=c, project=project, on=D(2024, 3, 15), review=review)
    services.project_file(actor=t, project=project, on=D(2024, 3, 20))
    project.refresh_from_db()
    return project
