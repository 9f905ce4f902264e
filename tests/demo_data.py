"""A module-scoped copy of the demo city (hierarchy, officials, roles, logins) for read-mostly tests."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_demo", stdout=io.StringIO())
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
