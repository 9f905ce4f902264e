"""Issue 19: every list page of the menu and every API list runs a fixed number of SQL queries.

Each page is measured with 2 rows of each kind and again with 30: the counts must be equal, and they
are pinned, so that a new query on a list page is a decision (a number changed here), not an accident.
The visits pages are pinned in tests/test_visits.py (test_visit_list_pages_run_a_fixed_number_of_queries).
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accountability.access.roles import role_group, sync_roles
from accountability.demo.hierarchy import load_hierarchy
from accountability.demo.people import People
from accountability.models import (
    AccountabilityCase,
    AdminLevel,
    AdminUnit,
    Alert,
    HelpingUnitPairing,
    ImportJob,
    Notification,
    Official,
    Organisation,
    PolicyProfile,
    Post,
    ResponsibilityAssignment,
    RuleRun,
)
from accountability.policy.presets import install_preset
from households.models import HelpingCadrePairing, Household, Member, VerificationFinding
from tests.factories import UserFactory

D = dt.date
CITY = "349900000000"
TOWNSHIP = "349901101000"
VILLAGE = "349901101201"

#: the query of a privileged user's verified device (OTPMiddleware), on every request
SECOND_FACTOR = 1
#: pinned: path -> queries (the same for 2 rows of each kind and for 30), without SECOND_FACTOR
LIST_PAGES = {
    "/": 40,  # the dashboard (assessment/selectors.py): two set-based calls per metric, alerts, cases
    # + the open problems and their categories (inspections), + the years of quarterly scores (assessment)
    "/units/349901101000/": 24,
    "/households/": 11,
    "/households/?status=not_exited&village=349901101000&missing=1": 12,
    "/households/export.xlsx": 12,  # + the audit event of the export
    "/poor-villages/": 15,
    "/officials/": 11,
    "/alerts/": 11,
    "/cases/": 11,
    "/gaps/": 12,
    "/imports/": 10,
    "/inbox/": 11,
    "/api/households/": 8,
    "/api/poor-villages/": 8,
    "/api/findings/": 8,
    "/api/units/": 8,
    "/api/organisations/": 8,
    "/api/officials/": 10,
    "/api/assignments/": 8,
    "/api/pairings/": 8,
    "/api/imports/": 10,
    "/api/alerts/": 8,
    "/api/cases/": 9,
}
#: the user administration list needs the user-administration right (a jurisdiction administrator)
ADMIN_PAGES = {"/users/": 11}

people = People(seed=19)
serial = itertools.count(1)


@pytest.fixture
def city(db):
    load_hierarchy()
    sync_roles()
    PolicyProfile.objects.all().delete()
    install_preset("suzhou", jurisdiction=None, effective_from=D(2015, 1, 1))


def add_rows(n: int, office) -> None:
    """n more rows of every kind a list page shows, spread over the city."""
    run = RuleRun.objects.create(year=2020, as_of=D(2021, 1, 31), triggered_by="test")
    for _ in range(n):
        k = next(serial)
        village = AdminUnit.objects.create(
            code=f"349901101{500 + k:03d}",
            name=f"新村{k}",
            level=AdminLevel.VILLAGE,
            parent_id=TOWNSHIP,
            is_poor_village=True,
            planned_exit_year=2019,
        )
        organisation = Organisation.objects.create(
            unit=village, name=f"新村{k}党支部", kind="party_committee"
        )
        household = Household.objects.create(
            number=f"Q{k:05d}",
            village=village,
            head_name=f"户主{k}",
            attribute="ordinary",
            main_cause="illness",
            identified_year=2016,
            status="not_exited",
            member_count=2,
        )
        for relation in ("head", "spouse"):
            Member.objects.create(
                household=household,
                name=f"成员{k}",
                id_number=people.id_number("349901"),
                relation=relation,
                sex="female",
            )
        VerificationFinding.objects.create(
            village=village,
            household=household,
            kind="wrong_exit",
            source="inspection",
            found_date=D(2020, 5, 1),
            assessment_year=2020,
            persons_affected=2,
        )
        official = Official.objects.create(
            name=f"干部{k}", id_number=people.id_number("349901"), organisation=organisation
        )
        ResponsibilityAssignment.objects.create(
            official=official, post=Post.VILLAGE_SECRETARY, scope_unit=village, valid_from=D(2015, 1, 1)
        )
        HelpingCadrePairing.objects.create(official=official, household=household, valid_from=D(2015, 1, 1))
        HelpingUnitPairing.objects.create(
            organisation=organisation, village=village, valid_from=D(2015, 1, 1)
        )
        Alert.objects.create(
            rule_code="E-1",
            rule_label="测试",
            subject_key=f"official:{official.pk}",
            unit=village,
            official=official,
            period="2020",
            year=2020,
            value=Decimal(1),
            threshold=Decimal(0),
            measure="count",
            action="约谈",
            severity="minor",
            first_run=run,
            last_run=run,
        )
        AccountabilityCase.objects.create(
            origin="manual",
            unit=village,
            official=official,
            situation="A-6.1",
            facts="事实",
            severity="minor",
            authority_level="county",
            created_by=office,
        )
        ImportJob.objects.create(
            kind="households",
            file_name=f"f{k}.xlsx",
            sha256="0" * 64,
            created_by=office,
            jurisdiction_id=CITY,
        )
        Notification.objects.create(
            recipient=office, kind="alert", title=f"消息{k}", body="内容", dedupe_key=f"k{k}"
        )
        UserFactory(username=f"user{k}", jurisdiction_id=TOWNSHIP).groups.set([role_group("township_staff")])


def counts(client, user, pages: dict[str, int], shown: dict[str, str]) -> dict[str, int]:
    client.force_login(user)
    found = {}
    for url in pages:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        found[url] = len(queries)
        if not url.endswith(".xlsx"):
            shown[url] = response.content.decode()
    return found


@pytest.mark.django_db
def test_list_pages_and_api_lists_run_a_fixed_number_of_queries(city, client):
    office = UserFactory(username="city", jurisdiction_id=CITY)
    office.groups.set([role_group("city_office")])
    admin = UserFactory(username="admin", jurisdiction_id=CITY)
    admin.groups.set([role_group("jurisdiction_admin")])

    shown: dict[str, str] = {}
    add_rows(2, office)
    few = counts(client, office, LIST_PAGES, shown) | counts(client, admin, ADMIN_PAGES, shown)
    add_rows(28, office)
    many = counts(client, office, LIST_PAGES, shown) | counts(client, admin, ADMIN_PAGES, shown)
    # the 30 rows are on the pages (the last one added is listed), not filtered away
    last = next(serial) - 1
    for url, text in shown.items():
        if url != "/":
            assert any(
                mark in text
                for mark in (
                    f"新村{last}",
                    f"户主{last}",
                    f"干部{last}",
                    f"Q{last:05d}",
                    f"消息{last}",
                    f"user{last}",
                    f"f{last}.xlsx",
                    f"349901101{500 + last:03d}",
                )
            ), url
    assert many == few
    # both users are privileged: their verified second-factor device is read on every request
    # (django-otp's session key; docs/decisions/0028)
    assert few == {url: n + SECOND_FACTOR for url, n in (LIST_PAGES | ADMIN_PAGES).items()}
