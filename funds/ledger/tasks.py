"""Celery tasks of the ledger: the nightly chain verification and large exports."""

from __future__ import annotations

import logging
from decimal import Decimal

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from accountability.cases.situations import Severity
from accountability.models import Alert, RuleRun
from funds.ledger.chain import verify_chains

logger = logging.getLogger(__name__)

RULE_CODE = "LEDGER-CHAIN"
RULE_LABEL = "资金台账哈希链断裂（分录被篡改或删除）"


@shared_task(name="funds.verify_ledger")
def verify_ledger_nightly() -> int:
    """Recompute every chain; each broken account raises an alert (once per account and day) on
    its unit, naming the first broken entry by its 凭证号. Returns the number of broken accounts."""
    result = verify_chains()
    if result.holds:
        return 0
    today = timezone.localdate()
    with transaction.atomic():
        run = RuleRun.objects.create(
            year=today.year, as_of=today, triggered_by="verify_ledger", finished_at=timezone.now()
        )
        for found in result.breaks:
            logger.error("ledger chain broken: %s", found.describe())
            Alert.objects.get_or_create(
                rule_code=RULE_CODE,
                subject_key=f"ledger:{found.account.pk}",
                period=today.isoformat(),
                defaults={
                    "rule_label": RULE_LABEL,
                    "unit": found.account.unit,
                    "year": today.year,
                    "value": Decimal(found.found.sequence),
                    "threshold": Decimal(0),
                    "measure": "count",
                    "evidence": {
                        "account": found.account.pk,
                        "account_name": found.account.name,
                        "sequence": found.found.sequence,
                        "voucher_number": found.found.voucher_number,
                        "reason": found.found.reason,
                    },
                    "targets": [],
                    "action": "核查资金台账被改动的分录，追究责任",
                    "severity": Severity.SEVERE,
                    "first_run": run,
                    "last_run": run,
                },
            )
    return len(result.breaks)


@shared_task(name="funds.export_ledger")
def export_ledger_task(export_id: int) -> int:
    from funds.ledger.exports import ledger_export_run

    return ledger_export_run(export_id).row_count
