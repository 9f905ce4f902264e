from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from visits import services


@shared_task(name="visits.warn_behind")
def warn_behind() -> int:
    """Daily: tell officials who are behind with a quota in the last days of its period (one digest
    each a day; safe to run twice). Returns how many messages were sent."""
    return services.quota_warnings_send(today=timezone.localdate())
