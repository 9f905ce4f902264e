from __future__ import annotations

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from accountability.access.imports import import_job_confirmable_by
from accountability.importing import reaper
from accountability.importing import services as import_services
from accountability.models import ImportJob, ImportStatus, User
from accountability.platform.dates import parse_day
from accountability.platform.health import HEARTBEAT_CACHE_KEY, HEARTBEAT_WORKER_KEY
from accountability.rules.runs import run_rules


@shared_task(name="accountability.heartbeat")
def heartbeat() -> str:
    """Sent by beat every 30 s; run by a worker. The health page reads both ends of it."""
    now = timezone.localtime().isoformat()
    cache.set(HEARTBEAT_CACHE_KEY, now, timeout=3600)
    cache.set(HEARTBEAT_WORKER_KEY, heartbeat.request.hostname or "", timeout=3600)
    return now


@shared_task(name="accountability.validate_import")
def validate_import(job_id: int) -> str:
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status not in {ImportStatus.UPLOADED, ImportStatus.VALIDATING}:
        return job.status  # already done by an earlier delivery of this task
    return import_services.validate_job(job).status


@shared_task(name="accountability.confirm_import")
def confirm_import(job_id: int, user_id: int) -> str:
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status not in {ImportStatus.VALIDATED, ImportStatus.WRITING}:
        return job.status  # written already; a redelivery mid-write re-runs the idempotent upsert
    actor = User.objects.get(pk=user_id)
    if not import_job_confirmable_by(actor, job):  # the role was taken away since the click
        job.status = ImportStatus.VALIDATED
        job.save(update_fields=["status"])
        return job.status
    return import_services.confirm_job(job, actor=actor).status


@shared_task(name="accountability.fail_stuck_imports")
def fail_stuck_imports() -> list[int]:
    """Sent by beat every 5 minutes: import jobs stuck in an intermediate state end as failed."""
    return reaper.fail_stuck_jobs()


@shared_task(name="accountability.run_rules")
def run_rules_task(year: int | None = None, as_of: str | None = None, triggered_by: str = "schedule") -> int:
    """Nightly (beat) and after imports of facts. Late acknowledgement with idempotent effects: if a
    worker dies mid-run the transaction rolls back and the redelivered task runs it again. In
    January the previous year, whose assessment is under way, is evaluated too."""
    day = parse_day(as_of) if as_of else timezone.localdate()
    years = [year] if year else ([day.year - 1, day.year] if day.month == 1 else [day.year])
    return sum(run_rules(year=y, as_of=day, triggered_by=triggered_by).run.created for y in years)
