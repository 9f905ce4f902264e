"""Issue 18: no user input at the edge (form fields, query parameters, search strings) ends in a
500; every refusal is a 400 or a form error with a Chinese message."""

from __future__ import annotations

import ast
import time
from pathlib import Path

import pytest

from accountability.models import User
from tests.demo_data import demo_db  # noqa: F401

pytestmark = [pytest.mark.usefixtures("demo_db"), pytest.mark.django_db]

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    "/",
    "/inbox/",
    "/alerts/",
    "/cases/",
    "/units/",
    "/units/search/",
    "/officials/",
    "/gaps/",
    "/imports/",
    "/households/",
    "/poor-villages/",
    "/registry/adjustment/",
    "/visits/mine/",
    "/visits/compliance/",
    "/visits/unvisited/",
]


def login(client, username: str):
    client.force_login(User.objects.get(username=username))
    return client


@pytest.mark.parametrize("days", ["32", "0", "5-1", "abc", "1-3000000", "²", "1-", "-3", "1,,2-4-5"])
def test_attendance_days_are_refused_with_a_message(client, days):
    login(client, "township_staff")
    started = time.monotonic()
    response = client.post(
        "/visits/attendance/",
        {"official_id_number": "x", "village": "349901101201", "month": "2026-03", "days": days},
    )
    assert time.monotonic() - started < 2
    assert response.status_code == 200
    assert response.context["form"].errors["days"]


def test_no_module_rebinds_the_gettext_alias():
    """``first, _, last = …`` in a module whose ``_`` is gettext turned every refusal into a 500."""
    offenders = []
    for path in ROOT.glob("*/**/*.py"):
        if ".venv" in path.parts or "migrations" in path.parts or path.parts[-2] == "tests":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imports_gettext = any(
            isinstance(node, ast.ImportFrom) and any(a.asname == "_" for a in node.names)
            for node in ast.walk(tree)
        )
        if not imports_gettext:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id == "_" and isinstance(node.ctx, ast.Store):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def api_list_endpoints(client) -> list[str]:
    """Every GET endpoint of the OpenAPI schema without a path parameter."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"].items()
    return sorted(p for p, item in paths if "get" in item and "{" not in p and p != "/api/health/")


@pytest.mark.parametrize("username", ["county_office", "village_official", "auditor"])
def test_pagination_parameters_are_bounded_and_validated(client, username):
    login(client, username)
    endpoints = api_list_endpoints(client)
    assert len(endpoints) >= 10
    for url in endpoints:
        huge = client.get(url, {"limit": "99999999999999999999"})
        assert huge.status_code in (400, 200), (url, huge.status_code)
        if huge.status_code == 400:
            assert "整数" in huge.content.decode()
        big = client.get(url, {"limit": "999999999"})
        assert big.status_code == 200, url
        data = big.json()
        if isinstance(data, dict) and "results" in data:
            assert len(data["results"]) <= 500
            for params in ({"offset": "99999999999999999"}, {"limit": "abc"}, {"offset": "-1"}):
                refused = client.get(url, params)
                assert refused.status_code == 400, (url, params)
                assert "整数" in refused.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/api/assignments/?official=null",
        "/api/assignments/?official=abc",
        "/api/assignments/?official=99999999999999999999",
        "/api/assignments/?on=9999-12-31",
        "/api/poor-villages/?year=0",
        "/api/poor-villages/?year=99999",
        "/api/compliance/?on=9999-12-31",
        "/api/compliance/?on=20200101",
        "/api/units/gaps/?on=0001-01-01",
    ],
)
def test_bad_query_parameters_are_a_400_in_chinese(client, url):
    login(client, "county_office")
    response = client.get(url)
    assert response.status_code == 400, response.content[:300]
    assert "应为" in response.content.decode()


def test_good_query_parameters_still_answer(client):
    login(client, "county_office")
    for url in (
        "/api/assignments/?on=2026-01-01",
        "/api/poor-villages/?year=2020",
        "/api/compliance/?on=2026-03-01",
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("url", [*PAGES, "/api/households/", "/api/officials/", "/api/units/"])
def test_control_characters_in_query_strings_are_refused_at_the_edge(client, url):
    login(client, "county_office")
    response = client.get(url, {"q": "a\x00b"})
    assert response.status_code == 400
    assert "控制字符" in response.content.decode()


def test_control_characters_in_posted_forms_are_refused(client):
    login(client, "township_staff")
    response = client.post(
        "/visits/attendance/",
        {"official_id_number": "x", "village": "3499\x00", "month": "2026-03", "days": "1"},
    )
    assert response.status_code == 400 and "控制字符" in response.content.decode()


def test_search_pages_still_answer_ordinary_text(client):
    login(client, "county_office")
    for url in ("/households/", "/officials/", "/units/search/"):
        assert client.get(url, {"q": "张\t三"}).status_code == 200


def test_unknown_visit_checks_are_a_cell_error():
    from accountability.importing.kinds import CellError
    from visits.importers.visits import parse_checks

    with pytest.raises(CellError, match="未知的走访内容：唱歌（可填：收入"):
        parse_checks("收入、唱歌")


@pytest.mark.parametrize("value", ["²", "٣", "9" * 5000])
@pytest.mark.parametrize(
    "url,name",
    [
        ("/households/", "cadre"),
        ("/api/households/", "cadre"),
        ("/poor-villages/", "year"),
        ("/registry/adjustment/", "year"),
        ("/alerts/", "year"),
        ("/api/alerts/", "year"),
    ],
)
def test_numeric_parameters_that_are_not_ascii_digits_are_no_500(client, url, name, value):
    """``"²".isdigit()`` is true and ``int("²")`` fails; so does ``int`` of 5,000 digits."""
    login(client, "county_office")
    assert client.get(url, {name: value}).status_code in (200, 400)


def test_inbox_ignores_ids_that_are_not_ascii_digits(client):
    login(client, "county_office")
    assert client.post("/inbox/", {"id": ["²", "9" * 5000]}).status_code == 302
