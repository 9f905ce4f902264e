"""Jobs never stay in an intermediate state: those whose worker died or timed out end as failed.

A job is *stuck* when it has been uploaded, validating or writing for longer than
``settings.IMPORT_STUCK_AFTER_MINUTES`` since its status last changed. A job whose row is locked
(a worker is writing it right now, ``confirm_job`` holds the lock for its whole transaction) is
left alone. Nothing is rolled back here: a dead worker's transaction never committed, so a failed
job has written nothing. Run every few minutes by beat (``accountability.fail_stuck_imports``).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from accountability.models import ImportJob, ImportStatus

logger = logging.getLogger(__name__)

INTERMEDIATE = (ImportStatus.UPLOADED, ImportStatus.VALIDATING, ImportStatus.WRITING)


def stuck_message(status_label: str, minutes: int) -> str:
    return (
        f"导入失败：该导入处于“{status_label}”状态已超过 {minutes} 分钟，后台任务可能已中断或超时，"
        "系统已将其标记为失败，未写入任何数据。请重新上传文件；如再次发生，请联系系统管理员。"
    )


def fail_stuck_jobs(*, now: dt.datetime | None = None) -> list[int]:
    """Mark stuck jobs failed with a Chinese message; return their ids."""
    now = now or timezone.now()
    minutes = settings.IMPORT_STUCK_AFTER_MINUTES
    cutoff = now - dt.timedelta(minutes=minutes)
    failed = []
    with transaction.atomic():
        jobs = (
            ImportJob.objects.select_for_update(skip_locked=True)
            .annotate(since=Coalesce("status_changed_at", "created_at"))
            .filter(Q(status__in=INTERMEDIATE) & Q(since__lt=cutoff))
            .order_by("pk")
        )
        for job in jobs:
            previous = job.get_status_display()
            job.status = ImportStatus.FAILED
            job.message = stuck_message(previous, minutes)
            job.finished_at = now
            job.save(update_fields=["status", "message", "finished_at"])
            logger.warning("import job %s stuck in %s since %s: marked failed", job.pk, previous, job.since)
            failed.append(job.pk)
    return failed
