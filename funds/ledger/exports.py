"""Exports of the ledger as services: small ones written in the request, large ones by a Celery
task reporting its progress; every one recorded (who, filters, rows, the file's SHA-256) with the
core's export audit event (accountability.access.audit.record_export)."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from accountability.access.audit import audit_record_export
from accountability.access.guards import require_permission
from funds.ledger.exporters import ExportResult, write_ledger_workbook
from funds.ledger.models import ExportStatus, LedgerExport
from funds.ledger.selectors import LedgerFilters, ledger_entries_for

logger = logging.getLogger(__name__)
EXPORT = "funds.export_ledger"
#: above this many entries an export from the browser runs on Celery with a progress bar
STREAM_LIMIT = getattr(settings, "LEDGER_EXPORT_STREAM_LIMIT", 20000)


def filters_from_json(data: dict) -> LedgerFilters:
    import datetime as dt

    values = dict(data)
    for name in ("date_from", "date_to"):
        if values.get(name):
            values[name] = dt.date.fromisoformat(values[name])
    return LedgerFilters(**values)


def _finish(export: LedgerExport, result: ExportResult, *, user) -> None:
    export.sha256, export.row_count, export.total = result.sha256, result.rows, result.rows
    export.masked, export.status, export.finished_at = result.masked, ExportStatus.DONE, timezone.now()
    export.save()
    audit_record_export(
        user=user,
        kind="ledger",
        label="资金台账",
        filters={**export.filters, "ledger_export": export.pk, "sha256": result.sha256},
        row_count=result.rows,
        masked=result.masked,
    )


@transaction.atomic
def ledger_export_create(*, actor, filters: LedgerFilters) -> LedgerExport:
    require_permission(actor, EXPORT)
    total = ledger_entries_for(actor, filters).count()
    return LedgerExport.objects.create(
        created_by=actor, unit_id=actor.jurisdiction_id, filters=filters.as_json(), total=total
    )


def ledger_export_to_path(*, actor, filters: LedgerFilters, target: Path) -> LedgerExport:
    """Write the workbook to ``target`` (the command line) and record the export."""
    export = ledger_export_create(actor=actor, filters=filters)
    result = write_ledger_workbook(target, user=actor, filters=filters)
    _finish(export, result, user=actor)
    return export


def ledger_export_run(export_id: int) -> LedgerExport:
    """Write an export's workbook into storage (in the request for small ones, on Celery for
    large ones), reporting progress on the LedgerExport row."""
    export = LedgerExport.objects.select_related("created_by", "created_by__jurisdiction").get(pk=export_id)
    if export.status == ExportStatus.DONE:
        return export  # idempotent: a task delivered twice writes once
    user = export.created_by
    if not user.has_perm(EXPORT):
        raise PermissionDenied("您没有导出资金台账的权限")
    LedgerExport.objects.filter(pk=export.pk).update(status=ExportStatus.RUNNING)

    def progress(done: int, total: int) -> None:
        LedgerExport.objects.filter(pk=export.pk).update(row_count=done, total=max(total, done))

    try:
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "ledger.xlsx"
            result = write_ledger_workbook(
                path, user=user, filters=filters_from_json(export.filters), progress=progress
            )
            with path.open("rb") as handle:
                export.file.save(f"资金台账-{export.pk}.xlsx", File(handle), save=False)
        _finish(export, result, user=user)
    except Exception:
        logger.exception("ledger export %s failed", export.pk)
        LedgerExport.objects.filter(pk=export.pk).update(
            status=ExportStatus.FAILED, message="导出失败，详情已记入日志", finished_at=timezone.now()
        )
        raise
    return export
