"""The demo city copied back from the test process's snapshot (tests/demo_snapshot.py) is what
``load_demo`` leaves: the same tables and row counts (history rows included, no trigger writing
more), the same rows byte for byte after a test changed them, and sequences where they were."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection

from accountability.models import AdminUnit, User
from tests.demo_snapshot import DemoSnapshot, quoted

pytestmark = pytest.mark.django_db(transaction=True)


def counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        found = {}
        for name in DemoSnapshot.take().tables:
            cursor.execute(f"SELECT count(*) FROM {quoted(name)}")
            found[name] = cursor.fetchone()[0]
        return found


def test_a_restore_puts_back_the_rows_and_sequences_that_load_demo_left(demo_snapshot):
    demo_snapshot.restore()
    assert counts() == demo_snapshot.counts
    assert demo_snapshot.counts["accountability_user"] > 10  # the demo logins and officials' accounts

    # a test changes the city: a row added (history written by the trigger), rows deleted
    User.objects.create_user(username="extra", password="x" * 12)
    AdminUnit.objects.filter(code="349902000000").update(name="改名县")
    assert counts() != demo_snapshot.counts

    demo_snapshot.restore()
    again = DemoSnapshot.take()
    assert again.tables == demo_snapshot.tables
    assert again.rows == demo_snapshot.rows  # the same rows, byte for byte, in the same order
    assert again.sequences == demo_snapshot.sequences
    assert not User.objects.filter(username="extra").exists()
    assert AdminUnit.objects.get(code="349902000000").name == "西河县"
    new = User.objects.create_user(username="after", password="x" * 12)
    assert new.pk == max(User.objects.exclude(pk=new.pk).values_list("pk", flat=True)) + 1


def test_the_snapshot_counts_are_those_of_a_fresh_load_demo(demo_snapshot):
    call_command("flush", interactive=False, verbosity=0)
    call_command("load_demo", stdout=io.StringIO())
    assert counts() == demo_snapshot.counts
