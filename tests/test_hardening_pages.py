"""Issue 18 §6, server side: every import-template link on /imports/ gives a workbook with the
kind's column headers and its instructions (they were blank downloads), for every demo role that
is offered them; the unit picker's endpoint finds units by name within the jurisdiction."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from accountability.importing.kinds import get_kind
from accountability.models import User
from tests.demo_data import demo_db  # noqa: F401

pytestmark = [pytest.mark.usefixtures("demo_db"), pytest.mark.django_db]

DEMO_ROLES = [
    "admin",
    "city_office",
    "county_office",
    "county_admin",
    "township_staff",
    "village_official",
    "auditor",
    "inspector",
    "discipline",
]


@pytest.mark.parametrize("username", DEMO_ROLES)
def test_every_template_link_gives_a_filled_workbook(client, username):
    client.force_login(User.objects.get(username=username))
    page = client.get("/imports/").content.decode()
    links = sorted(set(re.findall(r'href="(/imports/templates/([a-z_]+)\.xlsx)">([^<]*)</a>', page)))
    if username in {"admin", "city_office", "county_office", "county_admin"}:
        assert links, f"{username} is offered no template"
    for url, kind, text in links:
        assert text == get_kind(kind).label, f"{url}: link text {text!r}"  # it was empty
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        workbook = load_workbook(io.BytesIO(response.content))
        first = workbook.worksheets[0]
        headers = [cell.value for cell in first[1]]
        expected = [column.header for column in get_kind(kind).columns]
        assert headers == expected and all(expected), url
        notes = workbook["填写说明"]
        assert notes.max_row > len(expected), url
        described = {row[0] for row in notes.iter_rows(min_row=2, values_only=True)}
        assert set(expected) <= described, url


def picked(client, query: str) -> list[dict]:
    response = client.get("/units/search/", {"format": "json", **query})
    assert response.status_code == 200
    return response.json()["results"]


def test_the_unit_picker_finds_units_by_name_inside_the_jurisdiction(client):
    client.force_login(User.objects.get(username="county_office"))  # 东山县
    found = picked(client, {"q": "东村"})
    assert found and all(item["name"].endswith("东村") for item in found)
    assert {item["code"][:6] for item in found} == {"349901"}  # 西河县's 东村 are not offered
    first = next(item for item in found if item["name"] == "青石东村")
    assert first["parents"] == "青石镇 · 东山县" and first["level"] == "村"
    # names beginning with the text come first
    assert picked(client, {"q": "青石"})[0]["name"] == "青石镇"
    assert {item["level"] for item in picked(client, {"q": "青石", "level": "village"})} == {"村"}
    assert picked(client, {"q": "河湾"}) == []  # the other county: as if it did not exist
    assert picked(client, {"q": "3499011012"})[0]["code"].startswith("3499011012")
    assert picked(client, {"q": "   "}) == []


@pytest.mark.parametrize(
    ("username", "path", "field"),
    [
        ("county_office", "/cases/new/", "unit"),
        ("township_staff", "/visits/attendance/", "village"),
    ],
)
def test_forms_asking_for_a_unit_offer_the_picker(client, username, path, field):
    client.force_login(User.objects.get(username=username))
    page = client.get(path).content.decode()
    tag = re.search(rf'<input[^>]*name="{field}"[^>]*>', page).group(0)
    assert 'data-unit-picker="/units/search/?format=json' in tag
    assert "unit-picker.js" in page
