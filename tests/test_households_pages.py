"""Household list and detail: scoping, filters, masking, constant queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accountability.models import User
from accountability.platform.idnumbers import mask_id_number
from households.models import Household, HouseholdStatus, Member
from households.rules import missing_four_haves
from tests.demo_data import demo_db  # noqa: F401

pytestmark = pytest.mark.usefixtures("demo_db")


@pytest.mark.parametrize(
    ("status", "handbook", "contact", "measures", "certificate", "missing"),
    [
        ("not_exited", True, True, True, False, []),
        ("not_exited", False, True, True, False, ["扶贫手册"]),
        ("not_exited", True, False, False, False, ["帮扶联系人", "帮扶措施"]),
        ("exited", True, True, True, False, ["脱贫光荣证"]),
        ("exited", True, True, True, True, []),
    ],
)
def test_four_haves(status, handbook, contact, measures, certificate, missing):
    assert (
        missing_four_haves(
            status=status,
            has_handbook=handbook,
            has_contact=contact,
            has_measures=measures,
            has_exit_certificate=certificate,
        )
        == missing
    )


@pytest.mark.django_db
def test_village_official_sees_only_the_village(client):
    client.force_login(User.objects.get(username="village_official"))
    page = client.get("/households/").context["page"]
    assert page.paginator.count == 8
    assert {h.village_id for h in page} == {"349901101201"}
    other = Household.objects.exclude(village_id="349901101201").first()
    assert client.get(f"/households/{other.pk}/").status_code == 404
    assert client.get(f"/api/households/{other.pk}/").status_code == 404


@pytest.mark.django_db
def test_filters(client):
    client.force_login(User.objects.get(username="county_office"))
    exited = client.get("/households/?status=exited").context["page"]
    assert exited.paginator.count and all(h.status == HouseholdStatus.EXITED for h in exited)
    missing = client.get("/households/?missing=1").context["page"]
    assert missing.paginator.count and not any(h.four_haves_complete for h in missing)
    township = client.get("/households/?village=349901101000").context["page"]
    assert township.paginator.count == 32


@pytest.mark.django_db
def test_list_page_and_api_use_a_constant_number_of_queries(client):
    client.force_login(User.objects.get(username="city_office"))
    client.get("/households/")  # warm the session and permission caches
    with CaptureQueriesContext(connection) as small:
        client.get("/api/households/?limit=5")
    with CaptureQueriesContext(connection) as large:
        client.get("/api/households/?limit=100")
    assert len(small) == len(large)
    with CaptureQueriesContext(connection) as page_one:
        client.get("/households/")
    with CaptureQueriesContext(connection) as page_two:
        client.get("/households/?page=2")
    assert len(page_one) == len(page_two)


@pytest.mark.django_db
@pytest.mark.parametrize(("username", "sees_full"), [("county_office", True), ("village_official", False)])
def test_member_id_numbers_and_health_are_masked_for_roles_without_the_right(client, username, sees_full):
    client.force_login(User.objects.get(username=username))
    household = Household.objects.filter(village_id="349901101201").first()
    head = Member.objects.get(household=household, relation="head")
    data = client.get(f"/api/households/{household.pk}/").json()
    member = next(m for m in data["members"] if m["relation"] == "head")
    assert member["id_number"] == (head.id_number if sees_full else mask_id_number(head.id_number))
    assert (member["health"] == head.health) if sees_full else member["health"] is None
    page = client.get(f"/households/{household.pk}/").content.decode()
    assert (head.id_number in page) is sees_full
    assert ("已隐藏" in page) is not sees_full
