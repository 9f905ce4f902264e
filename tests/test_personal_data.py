"""ID and mobile numbers are masked for roles that need not see them — in pages and in the API."""

from __future__ import annotations

import pytest

from accountability.models import Official, User
from accountability.platform.idnumbers import mask_id_number
from tests.demo_data import demo_db  # noqa: F401

pytestmark = pytest.mark.usefixtures("demo_db")
VILLAGE = "349901101201"


@pytest.fixture
def official(db):
    return Official.objects.filter(organisation__unit_id=VILLAGE).first()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "sees_full"),
    [
        ("county_office", True),
        ("discipline", True),
        ("village_official", False),
        ("township_staff", False),
        ("auditor", False),
        ("inspector", False),
    ],
)
def test_id_numbers_by_role(client, official, username, sees_full):
    client.force_login(User.objects.get(username=username))
    expected = official.id_number if sees_full else mask_id_number(official.id_number)
    data = client.get(f"/api/officials/{official.pk}/").json()
    assert data["id_number"] == expected
    page = client.get(f"/officials/{official.pk}/").content.decode()
    assert expected in page
    assert (official.id_number in page) is sees_full
    assert (official.mobile in page) is sees_full


@pytest.mark.django_db
def test_searching_by_digits_reveals_nothing_to_roles_without_the_right(client, official):
    client.force_login(User.objects.get(username="village_official"))
    assert client.get(f"/api/officials/?q={official.id_number[:10]}").json()["count"] == 0
    client.force_login(User.objects.get(username="county_office"))
    assert client.get(f"/api/officials/?q={official.id_number[:14]}").json()["count"] == 1


def test_id_numbers_in_query_strings_are_masked_in_the_request_log():
    """The development server's request line quotes the query string of a search by ID number;
    every handler of its logger masks it (issue 11: search by ID must not land in the log)."""
    import logging

    full, mobile = "34130219900101123X", "13912345678"
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        (f"GET /officials/?q={full}&phone={mobile} HTTP/1.1", 200, 1234),
        None,
    )
    handlers = logging.getLogger("django.server").handlers
    assert handlers
    for handler in handlers:
        assert handler.filter(record)
        line = handler.format(record)
        assert full not in line and mobile not in line
        assert "341302********123X" in line and "139****5678" in line
