"""Issue 18: an import job never stays in an intermediate state."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from accountability.importing import services as import_services
from accountability.importing.reaper import fail_stuck_jobs
from accountability.models import ImportJob, ImportStatus
from accountability.tasks import fail_stuck_imports
from tests.factories import UserFactory


@pytest.fixture
def job_of(xlsx, demo_city):
    user = UserFactory(username="county", jurisdiction_id="349901000000", is_superuser=True)

    def make(status: str, minutes_ago: int) -> ImportJob:
        job = import_services.create_job(kind="units", path=xlsx([]), file_name="u.xlsx", actor=user)
        ImportJob.objects.filter(pk=job.pk).update(
            status=status, status_changed_at=timezone.now() - dt.timedelta(minutes=minutes_ago)
        )
        return job

    return make


@pytest.mark.django_db
def test_jobs_stuck_in_an_intermediate_state_end_as_failed(job_of, client, settings):
    settings.IMPORT_STUCK_AFTER_MINUTES = 60
    writing = job_of(ImportStatus.WRITING, 61)
    validating = job_of(ImportStatus.VALIDATING, 120)
    uploaded = job_of(ImportStatus.UPLOADED, 90)
    recent = job_of(ImportStatus.WRITING, 5)
    waiting = job_of(ImportStatus.VALIDATED, 600)  # waits for the user, not for a worker
    assert sorted(fail_stuck_imports()) == sorted([writing.pk, validating.pk, uploaded.pk])
    writing.refresh_from_db()
    assert writing.status == ImportStatus.FAILED and writing.finished_at
    assert "“写入中”状态已超过 60 分钟" in writing.message and "未写入任何数据" in writing.message
    for job, status in ((recent, ImportStatus.WRITING), (waiting, ImportStatus.VALIDATED)):
        job.refresh_from_db()
        assert job.status == status
    client.force_login(writing.created_by)
    page = client.get(f"/imports/{writing.pk}/").content.decode()
    assert "失败" in page and "后台任务可能已中断或超时" in page
    assert fail_stuck_jobs() == []  # failed jobs stay failed


@pytest.mark.django_db
def test_a_status_change_is_timed_even_when_saved_with_update_fields(job_of):
    job = job_of(ImportStatus.VALIDATED, 600)
    job = ImportJob.objects.get(pk=job.pk)
    job.status = ImportStatus.WRITING
    job.save(update_fields=["status"])
    job.refresh_from_db()
    assert timezone.now() - job.status_changed_at < dt.timedelta(minutes=1)
    assert fail_stuck_jobs() == []


@pytest.mark.django_db
def test_the_check_is_in_the_beat_schedule():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("accountability.migrations.0016_hardening")
    migration.create_stuck_imports_schedule(apps, None)  # a flushed test database lost it
    task = PeriodicTask.objects.get(task="accountability.fail_stuck_imports")
    assert task.enabled and task.interval.every == 5 and task.interval.period == "minutes"
