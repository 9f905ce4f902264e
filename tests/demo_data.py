"""A module-scoped copy of the demo city (hierarchy, officials, roles, logins) for read-mostly tests."""

from __future__ import annotations

import pytest
from django.core.management import call_command


@pytest.fixture(scope="module")
def demo_db(demo_snapshot, django_db_blocker):
    """The demo city as ``load_demo`` leaves it, committed for the module's tests: copied back from
    the test process's snapshot (tests/demo_snapshot.py) rather than loaded again."""
    with django_db_blocker.unblock():
        demo_snapshot.restore()
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
