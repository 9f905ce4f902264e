"""Every role, every scoped endpoint: a user of a sibling village, township or county gets nothing.

The records under test belong to 青石东村 (349901101201). The same role placed at that village's
county sees them (the control that proves the matrix can fail).
"""

from __future__ import annotations

import datetime as dt

import pytest

from accountability.access.roles import ROLES, role_group
from accountability.demo.people import People
from accountability.models import (
    AccountabilityCase,
    AdminUnit,
    HelpingUnitPairing,
    Official,
    Organisation,
    Post,
    ResponsibilityAssignment,
    User,
)
from households.models import HelpingCadrePairing, Household, VerificationFinding
from inspections.models import Finding as InspectionFinding
from tests.demo_data import demo_db  # noqa: F401
from tests.ledger_helpers import ledger_at
from visits.models import StationedDay, Visit

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
        "inspection-findings": InspectionFinding.objects.filter(unit_id=VILLAGE).first().pk,
        "ledger/accounts": (ledger := ledger_at(VILLAGE)).pk,
        "ledger/entries": ledger.entries.first().pk,
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
    "inspection-findings": ["/inspections/findings/{pk}/", "/history/inspection_finding/{pk}/"],
    "ledger/accounts": ["/funds/ledger/accounts/{pk}/", "/history/ledger_account/{pk}/"],
    "ledger/entries": [],
}
ADMIN = {
    "units": "/admin/accountability/adminunit/{pk}/change/",
    "organisations": "/admin/accountability/organisation/{pk}/change/",
    "officials": "/admin/accountability/official/{pk}/change/",
    "assignments": "/admin/accountability/responsibilityassignment/{pk}/change/",
    "pairings": "/admin/accountability/helpingunitpairing/{pk}/change/",
    "households": "/admin/households/household/{pk}/change/",
    "findings": "/admin/households/verificationfinding/{pk}/change/",
    "inspection-findings": "/admin/inspections/finding/{pk}/change/",
    "ledger/accounts": "/admin/funds/ledgeraccount/{pk}/change/",
    "ledger/entries": "/admin/funds/ledgerentry/{pk}/change/",
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


# --- writes and lookups carrying foreign references (issue 18 §2: no existence oracle) ---------
#
# A user of a sibling jurisdiction names records of 青石东村 — a household, its unit, its village
# secretary — in the forms, the API and the compliance page's filter. Each answer must be the same
# as for a reference that exists nowhere (404 and 404, or the same form error), and nothing is
# written.

UNKNOWN_UNIT = "349901101299"
UNKNOWN_NUMBER = "NO-SUCH-HOUSEHOLD"
UNKNOWN_PK = 10**9
UNKNOWN_ID_NUMBER = People(seed=18).id_number("349999")


def own_records(code: str) -> dict:
    """A village, a household and an official inside the sibling user's own jurisdiction."""
    prefix = AdminUnit.objects.get(code=code).prefix
    village = AdminUnit.objects.villages().filter(code__startswith=prefix).order_by("code").first()
    household = Household.objects.create(
        number=f"OWN-{code}",
        village=village,
        head_name="本辖区户主",
        attribute="ordinary",
        main_cause="illness",
        identified_year=2016,
        status="not_exited",
        member_count=1,
    )
    organisation, _created = Organisation.objects.get_or_create(
        unit_id=code, name="本辖区单位", defaults={"kind": "party_committee"}
    )
    official = Official.objects.create(
        name="本辖区干部",
        id_number=People(seed=int(code[-6:])).id_number(code[:6]),
        organisation=organisation,
    )
    return {"village": village, "household": household, "official": official}


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def written() -> tuple[int, ...]:
    return (
        Visit.objects.count(),
        AccountabilityCase.objects.count(),
        StationedDay.objects.count(),
        HelpingCadrePairing.objects.count(),
    )


def api_answer(response) -> tuple[int, object]:
    return response.status_code, response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("sibling", sorted(SIBLINGS))
@pytest.mark.parametrize("role", SCOPED_ROLES)
def test_a_foreign_reference_answers_as_an_unknown_one(client, targets, role, sibling):
    user = user_at(SIBLINGS[sibling], role)
    client.force_login(user)
    own = own_records(SIBLINGS[sibling])
    household = Household.objects.get(pk=targets["households"])
    official = Official.objects.get(pk=targets["officials"])
    assert official.organisation.unit_id == VILLAGE  # a village's own official, not a cadre sent from above
    today = dt.date.today().isoformat()
    before = written()
    #: door → (the answer for the foreign reference, the answer for the unknown one)
    answers: dict[str, tuple] = {}

    # the visit API: a foreign household, a foreign visitor (a clerk's entry)
    def api_visit(household_pk, official_pk):
        data = {"household": household_pk, "official": official_pk, "on": today}
        return api_answer(client.post("/api/visits/", data, "application/json"))

    answers["POST /api/visits/ household"] = (
        api_visit(household.pk, own["official"].pk),
        api_visit(UNKNOWN_PK, own["official"].pk),
    )
    answers["POST /api/visits/ official"] = (
        api_visit(own["household"].pk, official.pk),
        api_visit(own["household"].pk, UNKNOWN_PK),
    )

    # batch entry of paper forms: a foreign household number, a foreign visitor's ID number (the
    # message may echo the number typed: it is taken out before comparing)
    def batch(number, id_number):
        data = {"official_id_number": id_number, "number": number, "on": today, "kind": "home"}
        return [m.replace(number, "…") for m in messages_of(client.post("/visits/batch/", data))]

    answers["POST /visits/batch/ number"] = (
        batch(household.number, own["official"].id_number),
        batch(UNKNOWN_NUMBER, own["official"].id_number),
    )
    answers["POST /visits/batch/ visitor"] = (
        batch(own["household"].number, official.id_number),
        batch(own["household"].number, UNKNOWN_ID_NUMBER),
    )

    # the case-opening page and API: a foreign unit, a foreign official
    def case_page(unit, id_number=""):
        data = {
            "unit": unit, "official_id_number": id_number, "situation": "A-9.3", "severity": "serious",
            "facts": "事实", "origin": "manual",
        }  # fmt: skip
        return messages_of(client.post("/cases/new/", data))

    answers["POST /cases/new/ unit"] = (case_page(VILLAGE), case_page(UNKNOWN_UNIT))
    answers["POST /cases/new/ official"] = (
        case_page(SIBLINGS[sibling], official.id_number),
        case_page(SIBLINGS[sibling], UNKNOWN_ID_NUMBER),
    )

    def case_api(unit, official_pk=None):
        data = {
            "unit": unit,
            "official": official_pk,
            "situation": "A-9.3",
            "severity": "serious",
            "facts": "事实",
        }
        return api_answer(client.post("/api/cases/", data, "application/json"))

    answers["POST /api/cases/ unit"] = (case_api(VILLAGE), case_api(UNKNOWN_UNIT))
    answers["POST /api/cases/ official"] = (
        case_api(SIBLINGS[sibling], official.pk),
        case_api(SIBLINGS[sibling], UNKNOWN_PK),
    )

    # the monthly attendance sheet: a foreign village, a foreign official
    def sheet(id_number, village):
        data = {"official_id_number": id_number, "village": village, "month": today[:7], "days": "1"}
        return messages_of(client.post("/visits/attendance/", data))

    answers["POST /visits/attendance/ village"] = (
        sheet(own["official"].id_number, VILLAGE),
        sheet(own["official"].id_number, UNKNOWN_UNIT),
    )
    answers["POST /visits/attendance/ official"] = (
        sheet(official.id_number, own["village"].code),
        sheet(UNKNOWN_ID_NUMBER, own["village"].code),
    )

    # a helping cadre for one's own household: a sibling village's official answers as unknown
    def pair(id_number):
        data = {"pairing-id_number": id_number, "pairing-valid_from": today}
        return messages_of(client.post(f"/households/{own['household'].pk}/pairings/", data, follow=True))

    answers["POST /households/<pk>/pairings/ official"] = (pair(official.id_number), pair(UNKNOWN_ID_NUMBER))

    # the compliance page, its export and the filters: a foreign unit code answers as an unknown one
    def page(url, unit):
        response = client.get(url.format(unit=unit))
        return response.status_code, "青石东村" in response.content.decode(errors="replace")

    for url in ("/visits/compliance/?unit={unit}", "/visits/compliance/?unit={unit}&format=xlsx"):
        answers[f"GET {url}"] = (page(url, VILLAGE), page(url, UNKNOWN_UNIT))
    answers["GET /api/compliance/?unit="] = (
        api_answer(client.get(f"/api/compliance/?unit={VILLAGE}")),
        api_answer(client.get(f"/api/compliance/?unit={UNKNOWN_UNIT}")),
    )
    unvisited = "/visits/unvisited/?unit={}"
    answers["GET /visits/unvisited/?unit="] = (
        client.get(unvisited.format(VILLAGE)).context["page"].paginator.count,
        client.get(unvisited.format(UNKNOWN_UNIT)).context["page"].paginator.count,
    )

    oracles = {door: pair for door, pair in answers.items() if pair[0] != pair[1]}
    assert not oracles, (
        f"{role} at a sibling {sibling} tells a foreign reference from an unknown one: {oracles}"
    )
    # every door answered something (a 404 or an error message), never a 403 or a page of the village
    for door, (foreign, _unknown) in answers.items():
        if door.startswith(("POST /api/", "GET /visits/compliance/")):
            assert foreign[0] == 404, door
        elif door.startswith("POST"):
            assert foreign, door
    assert answers["GET /visits/unvisited/?unit="][0] == 0
    assert written() == before


@pytest.mark.django_db
def test_the_county_may_name_the_same_references(client, targets):
    """The control: the same references from the village's county are found (the forms go past the
    lookup to the rule that follows), so the answers above are not 404 for everything."""
    client.force_login(user_at(CONTROL, "county_office"))
    assert client.get(f"/visits/compliance/?unit={VILLAGE}").status_code == 200
    assert "青石东村" in client.get(f"/visits/compliance/?unit={VILLAGE}").content.decode()
    household = Household.objects.get(pk=targets["households"])
    official = Official.objects.get(pk=targets["officials"])
    data = {"official_id_number": official.id_number, "number": household.number, "on": "2026-11-01"}
    found = messages_of(client.post("/visits/batch/", {**data, "kind": "home"}))
    assert found and not any("不存在" in m for m in found), found
    response = client.post(
        "/api/cases/",
        {
            "unit": VILLAGE,
            "official": official.pk,
            "situation": "A-9.3",
            "severity": "serious",
            "facts": "事实",
        },
        "application/json",
    )
    assert response.status_code == 201, response.json()
