"""Celery tasks of the fund projects (the ledger's are in funds/ledger/tasks.py)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from accountability.platform.dates import parse_day
from funds import services


@shared_task(name="funds.issue_rectification_orders")
def issue_rectification_orders(as_of: str | None = None) -> int:
    """Nightly (beat, after the accountability rules): the F-5 rule issuing rectification orders to
    projects behind plan, not reporting or performing badly. Idempotent: safe to run twice."""
    day = parse_day(as_of) if as_of else timezone.localdate()
    return len(services.rectification_orders_issue_due(as_of=day))
