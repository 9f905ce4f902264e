"""A real Celery worker and beat against Redis and the test database (no eager mode, no mocks)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from accountability import tasks
from accountability.importing.services import create_job
from accountability.models import AdminUnit, ImportStatus
from accountability.platform.health import HEARTBEAT_CACHE_KEY, HEARTBEAT_TASK_NAME, check_beat, check_worker
from config.celery import app

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parent.parent


def test_database_url() -> str:
    db = connection.settings_dict
    host = quote(db["HOST"] or "", safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}{port}/{db['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


@pytest.fixture
def queue(settings):
    name = f"test-{uuid.uuid4().hex[:8]}"
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = name
    yield name
    app.conf.task_default_queue = previous


def start(queue: str, *args: str, media_root: Path) -> subprocess.Popen:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=test_database_url(),
        CELERY_QUEUE=queue,
        MEDIA_ROOT=str(media_root),
        APP_ENV="test",
    )
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(media_root.parent / f"celery-{args[0]}.log", "w"),
    )


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_for(predicate, timeout: float = 45.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError("timed out waiting")


@pytest.fixture
def worker(queue):
    process = start(
        queue,
        "worker",
        "-Q",
        queue,
        "--pool",
        "solo",
        "-n",
        f"{queue}@%h",
        media_root=Path(settings.MEDIA_ROOT),
    )
    wait_for(lambda: check_worker(timeout=0.5).ok)
    yield process
    stop(process)


def test_a_worker_validates_and_writes_an_import(worker, xlsx, superuser):
    path = xlsx(
        [["349900000000", "示范市", "市", "", "", "", ""], ["349901000000", "东山县", "县", "", "", "", ""]]
    )
    job = create_job(kind="units", path=path, file_name="units.xlsx", actor=superuser)
    tasks.validate_import.delay(job.pk)
    wait_for(lambda: job.__class__.objects.get(pk=job.pk).status == ImportStatus.VALIDATED)
    tasks.confirm_import.delay(job.pk, superuser.pk)
    wait_for(lambda: job.__class__.objects.get(pk=job.pk).status == ImportStatus.DONE)
    assert set(AdminUnit.objects.values_list("code", flat=True)) == {"349900000000", "349901000000"}
    # a second delivery of the same task changes nothing
    tasks.confirm_import.delay(job.pk, superuser.pk)
    time.sleep(1)
    assert job.__class__.objects.get(pk=job.pk).written_rows == 2


def test_beat_sends_the_heartbeat_and_the_worker_runs_it(worker, queue):
    cache.delete(HEARTBEAT_CACHE_KEY)
    long_ago = timezone.now() - dt.timedelta(hours=1)  # due at once, and stale for the health check
    # transactional tests flush the tables, so the migration's schedule row is made again here
    every_30s, _ = IntervalSchedule.objects.get_or_create(every=30, period="seconds")
    PeriodicTask.objects.update_or_create(
        name=HEARTBEAT_TASK_NAME,
        defaults={
            "task": "accountability.heartbeat",
            "interval": every_30s,
            "last_run_at": long_ago,
            "queue": queue,
        },
    )
    assert not check_beat().ok
    beat = start(queue, "beat", "--pidfile", "", "-s", "", media_root=Path(settings.MEDIA_ROOT))
    try:
        wait_for(lambda: cache.get(HEARTBEAT_CACHE_KEY))
        wait_for(lambda: check_beat().ok)
    finally:
        stop(beat)


def test_beat_runs_the_rules_and_the_worker_records_alerts_and_digests(worker, queue):
    from accountability.access.roles import role_group, sync_roles
    from accountability.demo.hierarchy import load_hierarchy
    from accountability.demo.responsibility import load_responsibility
    from accountability.models import Alert, Notification, PolicyProfile
    from accountability.policy.presets import install_preset
    from households.models import Household, VerificationFinding
    from tests.factories import UserFactory

    load_hierarchy()
    sync_roles()
    load_responsibility()
    PolicyProfile.objects.all().delete()
    install_preset("suzhou", jurisdiction=None, effective_from=dt.date(2015, 1, 1))
    office = UserFactory(username="township_office", jurisdiction_id="349902101000")
    office.groups.set([role_group("township_staff")])
    year = timezone.localdate().year
    for n in range(2):
        household = Household.objects.create(
            number=f"C{n}", village_id="349902101201", head_name="户主", attribute="ordinary",
            main_cause="illness", identified_year=2016, status="not_exited", member_count=3,
        )  # fmt: skip
        VerificationFinding.objects.create(
            village_id="349902101201", household=household, kind="misidentified", source="third_party",
            found_date=dt.date(year, 1, 2), assessment_year=year, persons_affected=3, status="confirmed",
        )  # fmt: skip
    hourly, _ = IntervalSchedule.objects.get_or_create(every=1, period="hours")
    PeriodicTask.objects.update_or_create(
        name="问责规则（测试）",
        defaults={
            "task": "accountability.run_rules",
            "interval": hourly,
            "last_run_at": timezone.now() - dt.timedelta(hours=2),  # due at once
            "queue": queue,
        },
    )
    beat = start(queue, "beat", "--pidfile", "", "-s", "", media_root=Path(settings.MEDIA_ROOT))
    try:
        wait_for(lambda: Alert.objects.filter(rule_code="E-2", unit_id="349902101201").exists(), timeout=90)
        message = wait_for(lambda: Notification.objects.filter(recipient=office).first())
    finally:
        stop(beat)
    assert "E-1" in message.body and "E-2" in message.body  # one digest with both alerts
    assert Notification.objects.filter(recipient=office).count() == 1
