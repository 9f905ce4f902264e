from __future__ import annotations

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from accountability.health import HEARTBEAT_CACHE_KEY
from accountability.importing import service
from accountability.models import ImportJob, ImportStatus, User


@shared_task(name="accountability.heartbeat")
def heartbeat() -> str:
    """Sent by beat every 30 s; run by a worker. The health page reads both ends of it."""
    now = timezone.localtime().isoformat()
    cache.set(HEARTBEAT_CACHE_KEY, now, timeout=3600)
    return now


@shared_task(name="accountability.validate_import")
def validate_import(job_id: int) -> str:
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status not in {ImportStatus.UPLOADED, ImportStatus.VALIDATING}:
        return job.status  # already done by an earlier delivery of this task
    return service.validate_job(job).status


@shared_task(name="accountability.confirm_import")
def confirm_import(job_id: int, user_id: int) -> str:
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status not in {ImportStatus.VALIDATED, ImportStatus.WRITING}:
        return job.status  # written already; a redelivery mid-write re-runs the idempotent upsert
    return service.confirm_job(job, actor=User.objects.get(pk=user_id)).status
