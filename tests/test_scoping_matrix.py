"""Every role, every scoped endpoint: a user of a sibling village, township or county gets nothing.

The records under test belong to 青石东村 (349901101201). The same role placed at that village's
county sees them (the control that proves the matrix can fail).
"""

from __future__ import annotations

import datetime as dt

import pytest

from accountability.models import (
    AdminUnit,
    HelpingUnitPairing,
    Official,
    Organisation,
    Post,
    ResponsibilityAssignment,
    User,
)
from accountability.roles import ROLES, role_group
from households.models import Household, VerificationFinding
from tests.demo_data import demo_db  # noqa: F401

pytestmark = pytest.mark.usefixtures("demo_db")

VILLAGE = "349901101201"
SIBLINGS = {"village": "349901101202", "township": "349901102000", "county": "349902000000"}
CONTROL = "349901000000"
SCOPED_ROLES = [role.code for role in ROLES if role.code != "system_admin"]


@pytest.fixture
def targets(db):
    organisation = Organisation.objects.get(unit_id=VILLAGE)
    assignment = ResponsibilityAssignment.objects.filter(
        scope_unit_id=VILLAGE, post=Post.VILLAGE_SECRETARY
    ).first()
    return {
        "units": VILLAGE,
        "organisations": organisation.pk,
        "officials": assignment.official_id,
        "assignments": assignment.pk,
        "pairings": HelpingUnitPairing.objects.get(village_id=VILLAGE).pk,
        "households": Household.objects.filter(village_id=VILLAGE).first().pk,
        "findings": VerificationFinding.objects.filter(village_id=VILLAGE).first().pk,
    }


def user_at(code: str, role: str) -> User:
    user = User.objects.create_user(
        username=f"{role}-{code}",
        password="x-test-pass-2026",
        jurisdiction_id=code,
        is_staff=role == "jurisdiction_admin",
    )
    user.groups.set([role_group(role)])
    return user


PAGES = {
    "units": ["/units/{pk}/", "/history/unit/{pk}/"],
    "organisations": ["/history/organisation/{pk}/"],
    "officials": ["/officials/{pk}/", "/history/official/{pk}/"],
    "assignments": ["/history/assignment/{pk}/"],
    "pairings": ["/history/pairing/{pk}/"],
    "households": ["/households/{pk}/", "/history/household/{pk}/"],
    "findings": ["/history/finding/{pk}/"],
}
ADMIN = {
    "units": "/admin/accountability/adminunit/{pk}/change/",
    "organisations": "/admin/accountability/organisation/{pk}/change/",
    "officials": "/admin/accountability/official/{pk}/change/",
    "assignments": "/admin/accountability/responsibilityassignment/{pk}/change/",
    "pairings": "/admin/accountability/helpingunitpairing/{pk}/change/",
    "households": "/admin/households/household/{pk}/change/",
    "findings": "/admin/households/verificationfinding/{pk}/change/",
}


def listed_ids(client, endpoint: str) -> set:
    data = client.get(f"/api/{endpoint}/?limit=1000").json()
    key = "code" if endpoint == "units" else "id"
    return {str(row[key]) for row in data["results"]}, data["count"]


@pytest.mark.django_db
@pytest.mark.parametrize("sibling", sorted(SIBLINGS))
@pytest.mark.parametrize("role", SCOPED_ROLES)
def test_a_sibling_sees_and_changes_nothing(client, targets, role, sibling):
    user = user_at(SIBLINGS[sibling], role)
    client.force_login(user)
    for endpoint, pk in targets.items():
        assert client.get(f"/api/{endpoint}/{pk}/").status_code == 404, endpoint
        ids, count = listed_ids(client, endpoint)
        assert str(pk) not in ids, endpoint
        assert count == len(ids)
        for page in PAGES[endpoint]:
            assert client.get(page.format(pk=pk)).status_code == 404, page
        if user.is_staff:
            assert client.get(ADMIN[endpoint].format(pk=pk)).status_code in (302, 403, 404), endpoint
    official = Official.objects.get(pk=targets["officials"])
    assert official.pk not in [o.pk for o in client.get(f"/officials/?q={official.name}").context["page"]]
    assert client.get("/units/search/?q=青石东村").context["units"].__len__() == 0
    assert client.get("/households/?village=" + VILLAGE).context["page"].paginator.count == 0
    gaps = client.get("/api/units/gaps/").json()
    assert all(not gap["unit_code"].startswith(VILLAGE) for gap in gaps)
    before = ResponsibilityAssignment.objects.count()
    response = client.post(
        "/api/assignments/",
        {
            "official": targets["officials"],
            "scope_unit": VILLAGE,
            "post": "village_household_cadre",
            "valid_from": "2026-11-01",
        },
        content_type="application/json",
    )
    assert response.status_code in (400, 403)
    response = client.post(
        "/api/assignments/handover/",
        {
            "scope_unit": VILLAGE,
            "post": "village_secretary",
            "successor": targets["officials"],
            "on": "2026-11-01",
        },
        content_type="application/json",
    )
    assert response.status_code in (400, 403)
    assert ResponsibilityAssignment.objects.count() == before
    if user.is_staff:
        client.post(ADMIN["units"].format(pk=VILLAGE), {"code": VILLAGE, "name": "篡改", "level": "village"})
        assert AdminUnit.objects.get(code=VILLAGE).name == "青石东村"


@pytest.mark.django_db
@pytest.mark.parametrize("role", SCOPED_ROLES)
def test_the_same_role_at_the_county_sees_the_records(client, targets, role):
    client.force_login(user_at(CONTROL, role))
    for endpoint, pk in targets.items():
        assert client.get(f"/api/{endpoint}/{pk}/").status_code == 200, endpoint
        assert str(pk) in listed_ids(client, endpoint)[0]
        for page in PAGES[endpoint]:
            assert client.get(page.format(pk=pk)).status_code == 200, page


@pytest.mark.django_db
def test_a_county_office_can_write_inside_its_county(client, targets):
    client.force_login(user_at(CONTROL, "county_office"))
    response = client.post(
        "/api/assignments/",
        {
            "official": targets["officials"],
            "scope_unit": VILLAGE,
            "post": "village_household_cadre",
            "valid_from": str(dt.date(2026, 11, 1)),
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
