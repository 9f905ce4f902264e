"""Moving a household or an official between jurisdictions is a procedure of its own (issue 11 §2):
the actor governs both sides, a reason is required, the move is in the history — and an import never
does it (tests/test_households_import.py, tests/test_officials_import.py)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accountability.models import Official, Organisation, User
from accountability.platform.history import events_for
from accountability.responsibility.services import official_transfer
from households.models import Household
from households.services import household_transfer
from tests.demo_data import demo_db  # noqa: F401

pytestmark = [pytest.mark.usefixtures("demo_db"), pytest.mark.django_db]

VILLAGE = "349901101201"  # 东山县 青石镇 青石东村
SAME_TOWNSHIP = "349901101202"
OTHER_TOWNSHIP = "349901102201"
OTHER_COUNTY = "349902101201"


def household_in(village: str) -> Household:
    return Household.objects.filter(village_id=village).order_by("pk").first()


def user(name: str) -> User:
    return User.objects.get(username=name)


def test_the_county_office_moves_a_household_between_its_villages_with_a_reason_in_the_history(client):
    household = household_in(VILLAGE)
    client.force_login(user("county_office"))
    page = client.get(f"/households/{household.pk}/").content.decode()
    assert "户迁移" in page
    response = client.post(
        f"/households/{household.pk}/transfer/",
        {"transfer-to_village": OTHER_TOWNSHIP, "transfer-reason": "整户随迁"},
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.village_id == OTHER_TOWNSHIP
    assert any("户迁移" in (event.pgh_context or {}).get("reason", "") for event in events_for(household))


def test_a_move_outside_the_jurisdiction_answers_as_an_unknown_village_and_changes_nothing(client):
    household = household_in(VILLAGE)
    client.force_login(user("county_office"))
    answers = []
    for code in (OTHER_COUNTY, "349901999999"):
        response = client.post(
            f"/households/{household.pk}/transfer/",
            {"transfer-to_village": code, "transfer-reason": "探针"},
            follow=True,
        )
        answers.append([str(m) for m in response.context["messages"]])
    assert answers[0] == answers[1] and answers[0]
    household.refresh_from_db()
    assert household.village_id == VILLAGE


def test_the_township_moves_within_itself_only_and_a_village_is_not_offered_the_move(client):
    household = household_in(VILLAGE)
    township = user("township_staff")
    with pytest.raises(PermissionDenied):
        household_transfer(
            actor=township, household=household, to_village=household_in(OTHER_TOWNSHIP).village, reason="x"
        )
    moved = household_transfer(
        actor=township, household=household, to_village=household_in(SAME_TOWNSHIP).village, reason="随迁"
    )
    assert moved.village_id == SAME_TOWNSHIP
    with pytest.raises(ValidationError, match="理由"):
        household_transfer(
            actor=township, household=household, to_village=household_in(VILLAGE).village, reason=" "
        )
    client.force_login(user("village_official"))
    assert "户迁移" not in client.get(f"/households/{household_in(VILLAGE).pk}/").content.decode()


def test_an_official_moves_to_another_county_only_by_the_city_office():
    official = Official.objects.filter(organisation__unit__code__startswith="349901").order_by("pk").first()
    elsewhere = Organisation.objects.filter(unit__code__startswith="349902").order_by("pk").first()
    with pytest.raises(PermissionDenied):
        official_transfer(
            actor=user("county_office"), official=official, to_organisation=elsewhere, reason="调动"
        )
    with pytest.raises(ValidationError, match="理由"):
        official_transfer(actor=user("city_office"), official=official, to_organisation=elsewhere, reason="")
    moved = official_transfer(
        actor=user("city_office"), official=official, to_organisation=elsewhere, reason="调动"
    )
    assert Official.objects.get(pk=moved.pk).organisation_id == elsewhere.pk
    assert any("干部调动" in (event.pgh_context or {}).get("reason", "") for event in events_for(moved))


def test_the_official_page_registers_a_move_within_the_jurisdiction_and_refuses_one_outside(client):
    official = Official.objects.filter(organisation__unit__code__startswith="349901").order_by("pk").last()
    here = Organisation.objects.filter(unit__code__startswith="349901").exclude(pk=official.organisation_id)
    elsewhere = Organisation.objects.filter(unit__code__startswith="349902").order_by("pk").first()
    client.force_login(user("county_office"))
    assert "干部调动" in client.get(f"/officials/{official.pk}/").content.decode()
    client.post(
        f"/officials/{official.pk}/transfer/",
        {"transfer-to_organisation": elsewhere.pk, "transfer-reason": "探针"},
    )
    assert Official.objects.get(pk=official.pk).organisation_id == official.organisation_id
    target = here.order_by("pk").first()
    client.post(
        f"/officials/{official.pk}/transfer/",
        {"transfer-to_organisation": target.pk, "transfer-reason": "调整"},
    )
    assert Official.objects.get(pk=official.pk).organisation_id == target.pk
