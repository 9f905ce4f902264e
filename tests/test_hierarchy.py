"""Browsing the hierarchy in the browser and the API, within the user's jurisdiction."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accountability.models import AdminLevel, AdminUnit

COUNTY, OTHER_COUNTY = "349901000000", "349902000000"
TOWNSHIP, OTHER_TOWNSHIP = "349901101000", "349901102000"
VILLAGE, OTHER_VILLAGE = "349901101201", "349901101202"


@pytest.fixture
def county_client(client, demo_city, user_in):
    client.force_login(user_in(COUNTY))
    return client


@pytest.mark.django_db
def test_county_user_browses_from_the_county_down(county_client):
    response = county_client.get("/units/")
    assert response.status_code == 302 and response["Location"] == f"/units/{COUNTY}/"
    page = county_client.get(f"/units/{COUNTY}/").content.decode()
    assert "东山县" in page and "青石镇" in page and "柳园乡" in page
    assert "西河县" not in page  # a sibling county
    assert "示范市" not in page  # the parent is outside the jurisdiction


@pytest.mark.django_db
def test_child_counts_on_the_county_page(county_client):
    response = county_client.get(f"/units/{COUNTY}/")
    children = response.context["children"]
    assert [c.name for c in children] == ["青石镇", "柳园乡", "桃花镇"]
    assert [(c.village_count, c.poor_village_count) for c in children] == [(4, 2), (4, 2), (4, 2)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code", [OTHER_COUNTY, "349902101000", "349902101201", "349900000000", "999999999999"]
)
def test_units_outside_the_jurisdiction_are_404(county_client, code):
    assert county_client.get(f"/units/{code}/").status_code == 404
    assert county_client.get(f"/api/units/{code}/").status_code == 404
    assert county_client.get(f"/history/unit/{code}/").status_code == 404


@pytest.mark.django_db
def test_village_user_sees_only_the_village(client, demo_city, user_in):
    client.force_login(user_in(VILLAGE))
    assert client.get(f"/units/{VILLAGE}/").status_code == 200
    assert client.get(f"/units/{OTHER_VILLAGE}/").status_code == 404
    assert client.get(f"/units/{TOWNSHIP}/").status_code == 404
    data = client.get("/api/units/").json()
    assert data["count"] == 1 and data["results"][0]["code"] == VILLAGE


@pytest.mark.django_db
def test_api_lists_are_scoped_and_filterable(county_client):
    data = county_client.get("/api/units/?limit=100").json()
    codes = {unit["code"] for unit in data["results"]}
    assert data["count"] == 1 + 3 + 12
    assert all(code.startswith("349901") for code in codes)
    villages = county_client.get(f"/api/units/?parent={TOWNSHIP}").json()
    assert [u["name"] for u in villages["results"]] == ["青石东村", "青石西村", "青石南庄村", "青石北岗村"]
    poor = county_client.get("/api/units/?poor=1&limit=100").json()
    assert poor["count"] == 6
    outside = county_client.get(f"/api/units/?parent={OTHER_COUNTY}").json()
    assert outside["count"] == 0
    children = county_client.get(f"/api/units/{TOWNSHIP}/children/").json()
    assert len(children) == 4


@pytest.mark.django_db
def test_search_finds_by_name_and_code_within_the_jurisdiction(county_client):
    page = county_client.get("/units/search/?q=东村").content.decode()
    assert "青石东村" in page and "河湾东村" not in page
    page = county_client.get("/units/search/?q=3499011012").content.decode()
    assert "青石东村" in page


@pytest.mark.django_db
def test_unit_page_uses_a_constant_number_of_queries(client, demo_city, superuser):
    client.force_login(superuser)
    with CaptureQueriesContext(connection) as small:
        assert client.get(f"/units/{TOWNSHIP}/").status_code == 200
    AdminUnit.objects.bulk_create(
        AdminUnit(
            code=f"349901101{300 + i:03d}", name=f"新村{i}", level=AdminLevel.VILLAGE, parent_id=TOWNSHIP
        )
        for i in range(40)
    )
    with CaptureQueriesContext(connection) as large:
        page = client.get(f"/units/{TOWNSHIP}/")
    assert "新村39" in page.content.decode()
    assert len(large) == len(small)


@pytest.mark.django_db
def test_api_list_uses_a_constant_number_of_queries(client, demo_city, superuser):
    client.force_login(superuser)
    with CaptureQueriesContext(connection) as few:
        client.get("/api/units/?limit=5")
    with CaptureQueriesContext(connection) as many:
        client.get("/api/units/?limit=30")
    assert len(few) == len(many)


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_login(client, demo_city):
    response = client.get(f"/units/{COUNTY}/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get("/api/units/").status_code in (401, 403)


@pytest.mark.django_db
def test_unit_history_page_shows_who_changed_what(client, demo_city, superuser):
    client.force_login(superuser)
    client.post(
        f"/admin/accountability/adminunit/{VILLAGE}/change/",
        {
            "code": VILLAGE,
            "name": "青石东村（新）",
            "level": "village",
            "parent": TOWNSHIP,
            "is_poor_village": "on",
            "planned_exit_year": "2019",
            "exit_year": "2019",
        },
    )
    page = client.get(f"/history/unit/{VILLAGE}/").content.decode()
    assert "青石东村（新）" in page and superuser.username in page
