from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.utils import translation
from openpyxl import Workbook

from accountability.access.roles import role_group
from accountability.demo.hierarchy import load_hierarchy
from accountability.models import AdminUnit
from tests.demo_snapshot import DemoSnapshot, empty_tables_sql, load_demo_snapshot
from tests.factories import UserFactory
from tests.second_factor import SecondFactorClient

UNIT_HEADERS = ["行政区划代码", "名称", "层级", "上级代码", "是否贫困村", "计划出列年度", "出列年度"]


def _flush_past_the_ledger_guard() -> None:
    """The test database is wiped with TRUNCATE after each transactional test, which the ledger's
    statement trigger refuses (funds/0007_ledger_plan_lines). The test run owns that database, so
    its flush alone disables the guard for its own statement (docs/decisions/0032)."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush
    if getattr(original, "ledger_guard_aware", False):
        return

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        sql = original(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        if sql and "funds_ledgerentry" in tables:
            guard = "funds_ledgerentry_no_truncate"
            sql = [
                f"ALTER TABLE funds_ledgerentry DISABLE TRIGGER {guard};",
                *sql,
                f"ALTER TABLE funds_ledgerentry ENABLE TRIGGER {guard};",
            ]
        return sql

    sql_flush.ledger_guard_aware = True
    DatabaseOperations.sql_flush = sql_flush


_flush_past_the_ledger_guard()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _default_language(settings):
    """Each test starts in the default language: a request that switched to English (the test
    client keeps the thread's language) must not leak into the next test's imports or labels."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def client() -> SecondFactorClient:
    """The test client; ``force_login`` of a privileged user also passes the second factor
    (tests/second_factor.py). Tests of the second factor itself use ``password_only_client``."""
    return SecondFactorClient()


@pytest.fixture
def password_only_client():
    from django.test import Client

    return Client()


@pytest.fixture(scope="session", autouse=True)
def _flush_by_delete():
    """Transactional tests empty the tables after them with DELETE, not TRUNCATE (empty_tables_sql)."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush
    DatabaseOperations.sql_flush = empty_tables_sql(original)
    yield
    DatabaseOperations.sql_flush = original


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker) -> DemoSnapshot:
    """The demo city loaded once in this test process (each pytest-xdist worker), copied out so that
    ``restore()`` can put it back before a test (tests/demo_snapshot.py, docs/decisions/0030)."""
    with django_db_blocker.unblock():
        return load_demo_snapshot()


@pytest.fixture
def demo_city(db) -> dict[str, AdminUnit]:
    """The demo hierarchy: 示范市, 2 counties, 3 townships each, 4 villages each."""
    load_hierarchy()
    return {unit.code: unit for unit in AdminUnit.objects.all()}


@pytest.fixture
def county_user(db):
    """东山县's office user (the role that imports households), with the demo hierarchy."""
    load_hierarchy()
    user = UserFactory(username="county", jurisdiction_id="349901000000")
    user.groups.add(role_group("county_office"))
    return user


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def user_in(db) -> Callable[..., object]:
    """A user whose jurisdiction is the unit with the given code."""

    def make(code: str, **extra):
        return UserFactory(username=f"u{code}", jurisdiction_id=code, **extra)

    return make


def write_xlsx(path: Path, headers: list[str], rows: list[list[object]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


@pytest.fixture
def xlsx(tmp_path) -> Callable[..., Path]:
    counter = iter(range(10_000))

    def make(rows: list[list[object]], headers: list[str] | None = None, name: str | None = None) -> Path:
        return write_xlsx(tmp_path / (name or f"file{next(counter)}.xlsx"), headers or UNIT_HEADERS, rows)

    return make


def xlsx_bytes(headers: list[str], rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


from tests.funds_helpers import people  # noqa: E402, F401  (fixture of the fund-project tests)
