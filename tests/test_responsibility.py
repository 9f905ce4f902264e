"""Posts over time, handovers, the holders selector, the gaps report and the assignment services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accountability.demo.responsibility import GAP_VILLAGE, HANDOVER_DAY, HANDOVER_VILLAGE
from accountability.models import AdminUnit, Official, Post, ResponsibilityAssignment, User
from accountability.responsibility.selectors import holders, holders_between, holders_on, responsibility_gaps
from accountability.responsibility.services import assignment_create, assignment_handover
from tests.demo_data import demo_db  # noqa: F401

pytestmark = pytest.mark.usefixtures("demo_db")

TOWNSHIP = "349901101000"
VILLAGE = HANDOVER_VILLAGE


@pytest.fixture
def county_office(db):
    return User.objects.get(username="county_office")


def a_village_official() -> Official:
    return Official.objects.filter(organisation__unit_id=VILLAGE).order_by("pk").first()


@pytest.mark.django_db
def test_selector_returns_the_predecessor_before_the_handover_and_the_successor_after():
    before = holders(Post.VILLAGE_SECRETARY, VILLAGE, HANDOVER_DAY - dt.timedelta(days=1))
    after = holders(Post.VILLAGE_SECRETARY, VILLAGE, HANDOVER_DAY)
    assert len(before) == len(after) == 1
    assert before[0].official_id != after[0].official_id
    assert after[0].valid_from == HANDOVER_DAY
    assert before[0].valid_to == HANDOVER_DAY - dt.timedelta(days=1)


@pytest.mark.django_db
def test_holders_over_a_period_spanning_the_handover_are_both():
    year = holders_between(Post.VILLAGE_SECRETARY, VILLAGE, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert len(year) == 2
    first_half = holders_between(Post.VILLAGE_SECRETARY, VILLAGE, dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    assert len(first_half) == 1


@pytest.mark.django_db
def test_holders_on_a_date_for_the_whole_city_is_one_query():
    with CaptureQueriesContext(connection) as queries:
        result = holders_on(dt.date(2026, 3, 1), posts=[Post.VILLAGE_SECRETARY, Post.FIRST_SECRETARY])
    assert len(queries) == 1
    assert len([key for key in result if key[1] == Post.VILLAGE_SECRETARY]) == 24


@pytest.mark.django_db
def test_handover_closes_the_old_tenure_and_opens_the_new(county_office):
    successor = a_village_official()
    unit = AdminUnit.objects.get(code="349901101202")
    old = holders(Post.VILLAGE_SECRETARY, unit.code, dt.date(2026, 9, 1))[0]
    assignment_handover(
        actor=county_office,
        scope_unit=unit,
        post=Post.VILLAGE_SECRETARY,
        successor=successor,
        on=dt.date(2026, 9, 1),
        reason="换届",
    )
    assert holders(Post.VILLAGE_SECRETARY, unit.code, dt.date(2026, 8, 31))[0].official_id == old.official_id
    assert holders(Post.VILLAGE_SECRETARY, unit.code, dt.date(2026, 9, 1))[0].official_id == successor.pk


@pytest.mark.django_db
def test_a_single_holder_post_cannot_overlap(county_office):
    with pytest.raises(ValidationError, match="同一时间只能由一人担任"):
        assignment_create(
            actor=county_office,
            official=a_village_official(),
            scope_unit=AdminUnit.objects.get(code="349901101203"),
            post=Post.VILLAGE_SECRETARY,
            valid_from=dt.date(2025, 1, 1),
        )


@pytest.mark.django_db
def test_a_multi_holder_post_may_have_several_holders(county_office):
    unit = AdminUnit.objects.get(code="349901101203")
    assignment_create(
        actor=county_office,
        official=a_village_official(),
        scope_unit=unit,
        post=Post.VILLAGE_HOUSEHOLD_CADRE,
        valid_from=dt.date(2025, 1, 1),
    )
    assert len(holders(Post.VILLAGE_HOUSEHOLD_CADRE, unit.code, dt.date(2025, 6, 1))) == 2


@pytest.mark.django_db
def test_the_post_must_match_the_level_of_the_unit(county_office):
    with pytest.raises(ValidationError, match="责任范围应为村级单位"):
        assignment_create(
            actor=county_office,
            official=a_village_official(),
            scope_unit=AdminUnit.objects.get(code=TOWNSHIP),
            post=Post.FIRST_SECRETARY,
            valid_from=dt.date(2025, 1, 1),
        )


@pytest.mark.django_db
def test_writes_outside_the_jurisdiction_are_refused_without_effect(county_office):
    before = ResponsibilityAssignment.objects.count()
    with pytest.raises(PermissionDenied):
        assignment_create(
            actor=county_office,
            official=a_village_official(),
            scope_unit=AdminUnit.objects.get(code="349902101201"),
            post=Post.VILLAGE_HOUSEHOLD_CADRE,
            valid_from=dt.date(2025, 1, 1),
        )
    assert ResponsibilityAssignment.objects.count() == before


@pytest.mark.django_db
def test_roles_without_the_permission_cannot_assign():
    township_staff = User.objects.get(username="township_staff")
    with pytest.raises(PermissionDenied):
        assignment_create(
            actor=township_staff,
            official=a_village_official(),
            scope_unit=AdminUnit.objects.get(code="349901101203"),
            post=Post.VILLAGE_HOUSEHOLD_CADRE,
            valid_from=dt.date(2025, 1, 1),
        )


@pytest.mark.django_db
def test_gaps_name_the_poor_village_without_first_secretary_and_helping_unit():
    admin = User.objects.get(username="admin")
    gaps = responsibility_gaps(admin, dt.date(2026, 3, 1))
    assert {(g.unit_code, g.missing) for g in gaps} == {
        (GAP_VILLAGE, "first_secretary"),
        (GAP_VILLAGE, "helping_unit"),
    }


@pytest.mark.django_db
def test_a_township_without_its_county_leader_is_a_gap(county_office):
    ResponsibilityAssignment.objects.filter(
        scope_unit_id=TOWNSHIP, post=Post.COUNTY_LEADER_FOR_TOWNSHIP
    ).update(valid_to=dt.date(2026, 1, 31))
    gaps = responsibility_gaps(county_office, dt.date(2026, 2, 1))
    assert [(g.unit_code, g.missing_label) for g in gaps] == [(TOWNSHIP, "包乡镇县领导")]
    assert responsibility_gaps(county_office, dt.date(2026, 1, 31)) == []


@pytest.mark.django_db
def test_gaps_are_scoped_and_use_a_constant_number_of_queries():
    county2 = User.objects.get(username="county2_office")
    county2.jurisdiction  # noqa: B018  (load it before counting)
    with CaptureQueriesContext(connection) as queries:
        gaps = responsibility_gaps(county2, dt.date(2026, 3, 1))
    assert {g.unit_code for g in gaps} == {GAP_VILLAGE}
    assert len(queries) == 3
    assert responsibility_gaps(User.objects.get(username="county_office"), dt.date(2026, 3, 1)) == []


@pytest.mark.django_db
def test_unit_page_shows_current_and_past_holders(client):
    client.force_login(User.objects.get(username="county_office"))
    response = client.get(f"/units/{VILLAGE}/")
    tenures = response.context["tenures"]
    secretaries = [a for a in tenures.current if a.post == Post.VILLAGE_SECRETARY]
    former = [a for a in tenures.past if a.post == Post.VILLAGE_SECRETARY]
    assert len(secretaries) == 1 and len(former) == 1
    page = response.content.decode()
    assert "第一责任人" in page and "历任及待任" in page and "包保单位" in page


@pytest.mark.django_db
def test_api_answers_who_held_a_post_on_a_date(client):
    client.force_login(User.objects.get(username="county_office"))
    url = f"/api/assignments/?post=village_secretary&unit={VILLAGE}&on="
    before = client.get(url + "2026-06-30").json()["results"]
    after = client.get(url + "2026-07-01").json()["results"]
    assert len(before) == len(after) == 1 and before[0]["official"] != after[0]["official"]
    assert after[0]["responsibility"] == "第一责任人"


@pytest.mark.django_db
def test_api_handover_and_its_errors(client):
    client.force_login(User.objects.get(username="county_office"))
    successor = a_village_official()
    response = client.post(
        "/api/assignments/handover/",
        {
            "scope_unit": "349901101204",
            "post": "village_secretary",
            "successor": successor.pk,
            "on": "2026-10-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    response = client.post(
        "/api/assignments/",
        {
            "official": successor.pk,
            "scope_unit": "349901101204",
            "post": "village_secretary",
            "valid_from": "2026-11-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "同一时间只能由一人担任" in str(response.json())
    response = client.post(
        "/api/assignments/",
        {
            "official": successor.pk,
            "scope_unit": "349902101201",
            "post": "village_household_cadre",
            "valid_from": "2026-11-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 400 and "不在您的管辖范围内" in str(response.json())


@pytest.mark.django_db
def test_gaps_api(client):
    client.force_login(User.objects.get(username="city_office"))
    data = client.get("/api/units/gaps/?on=2026-03-01").json()
    assert {(g["unit_code"], g["missing"]) for g in data} == {
        (GAP_VILLAGE, "first_secretary"),
        (GAP_VILLAGE, "helping_unit"),
    }
