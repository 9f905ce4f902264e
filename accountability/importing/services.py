"""Run an import: check the file, parse and validate every row, diff against the database,
then write the valid rows in one transaction (or nothing, in strict mode)."""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from celery import current_app
from django.core.cache import cache
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability.models import ImportJob, ImportStatus
from accountability.platform.history import history_context

from .kinds import CellError, ImportKind, Row, get_kind
from .reader import stream_first_sheet
from .safety import ImportFileError, check_xlsx

PROGRESS_EVERY = 5000

logger = logging.getLogger(__name__)


@dataclass
class Analysis:
    kind: ImportKind
    headers: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    new: list[Row] = field(default_factory=list)
    changed: list[Row] = field(default_factory=list)
    unchanged: list[Row] = field(default_factory=list)

    @property
    def invalid(self) -> list[Row]:
        return [row for row in self.rows if not row.valid]

    def error_list(self) -> list[dict]:
        return [
            {"row": row.number, "column": header, "message": message}
            for row in self.rows
            for header, message in row.errors
        ]


def progress_key(job_id: int) -> str:
    return f"import-progress:{job_id}"


def report_progress(job: ImportJob, processed: int) -> None:
    cache.set(progress_key(job.pk), {"processed": processed, "total": job.total_rows}, timeout=3600)


def current_progress(job: ImportJob) -> tuple[int, int]:
    value = cache.get(progress_key(job.pk)) if job.is_running else None
    if value:
        return value["processed"], value["total"]
    return job.processed_rows, job.total_rows


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- the steps -------------------------------------------------------------------------------


@transaction.atomic
def create_job(*, kind: str, path: Path, file_name: str, actor, strict: bool = False) -> ImportJob:
    """Record an upload. The file is kept with the job so that it can be re-read on confirmation."""
    get_kind(kind)
    job = ImportJob(
        kind=kind,
        file_name=file_name,
        sha256=sha256_of(path),
        size=path.stat().st_size,
        created_by=actor,
        jurisdiction_id=actor.jurisdiction_id,
        strict=strict,
    )
    with path.open("rb") as handle:
        job.file.save(Path(file_name).name or "upload.xlsx", File(handle), save=False)
    job.save()
    return job


def analyse(job: ImportJob, user=None) -> Analysis:
    """Parse and validate every row, then classify the valid ones as new, changed or unchanged.

    Checks that depend on the user (jurisdiction) are made for ``user``, by default the uploader.
    """
    path = Path(job.file.path)
    check_xlsx(path)
    sheet = stream_first_sheet(path)
    kind_class = get_kind(job.kind)
    kind = kind_class(user=user or job.created_by)
    by_header = kind_class.column_by_header()

    positions: dict[str, int] = {}
    for index, header in enumerate(sheet.headers):
        column = by_header.get(header)
        if column is None:
            continue
        if column.field in positions:
            raise ImportFileError(f"列“{header}”重复出现（第 {index + 1} 列），请删除重复的列。")
        positions[column.field] = index
    missing = [c.header for c in kind_class.columns if c.required and c.field not in positions]
    if missing:
        raise ImportFileError(
            f"缺少必需的列：{'、'.join(missing)}。请使用“{kind_class.label}”导入模板，第一行为列标题。"
        )

    job.total_rows = sheet.expected_rows
    analysis = Analysis(kind=kind, headers=sheet.headers)
    # the hot loop of every import: plain tuples and local names, no attribute lookups per cell
    wanted = [
        (c.field, c.header, c.required, None if c.parse is str else c.parse, positions.get(c.field))
        for c in kind_class.columns
    ]
    count = 0
    append = analysis.rows.append
    for count, (number, cells) in enumerate(sheet.rows, start=1):
        row = Row(number=number)
        values = row.values
        for name, header, required, parse, index in wanted:
            text = cells[index] if index is not None else ""
            if text == "":
                if required:
                    row.error(header, "必填项为空")
                values[name] = None
            elif parse is None:
                values[name] = text
            else:
                try:
                    values[name] = parse(text)
                except CellError as exc:
                    row.error(header, str(exc))
                    values[name] = None
        append(row)
        if count % PROGRESS_EVERY == 0:
            report_progress(job, count // 2)
    job.total_rows = count

    kind.check(analysis.rows)

    valid = [row for row in analysis.rows if row.valid]
    current = kind.existing([kind.key(row.values) for row in valid])
    for row in valid:
        before = current.get(kind.key(row.values))
        if before is None:
            analysis.new.append(row)
        elif all(before.get(name) == row.values.get(name) for name in kind_class.compared_fields):
            analysis.unchanged.append(row)
        else:
            analysis.changed.append(row)
    report_progress(job, job.total_rows // 2)
    return analysis


def _record(job: ImportJob, analysis: Analysis, status: str, message: str = "") -> None:
    invalid = analysis.invalid
    job.status = status
    job.message = message
    job.new_rows = len(analysis.new)
    job.changed_rows = len(analysis.changed)
    job.unchanged_rows = len(analysis.unchanged)
    job.invalid_rows = len(invalid)
    job.errors = analysis.error_list()
    job.processed_rows = job.total_rows if status != ImportStatus.WRITING else job.processed_rows
    job.save()


def _reject(job: ImportJob, error: ImportFileError) -> None:
    job.status = ImportStatus.REJECTED
    job.message = str(error)
    job.finished_at = timezone.now()
    job.save()


def _fail(job: ImportJob, step: str) -> None:
    """An unexpected error: logged with the job id (and traceback) for the administrator; the job
    ends as failed with a Chinese message, never in an intermediate state. Call after the
    transaction that was writing has rolled back, so nothing of the import is in the database."""
    logger.exception("import job %s (%s) failed while %s", job.pk, job.kind, step)
    job.status = ImportStatus.FAILED
    job.message = _("导入过程中发生意外错误，未写入任何数据。请将导入记录编号 #%(job)s 告知系统管理员。") % {
        "job": job.pk
    }
    job.written_rows = 0
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "message", "written_rows", "finished_at"])


def validate_job(job: ImportJob) -> ImportJob:
    """Dry run: count new, changed, unchanged and invalid rows and list every error. Writes no data."""
    job.status = ImportStatus.VALIDATING
    job.save(update_fields=["status"])
    try:
        analysis = analyse(job)
    except ImportFileError as error:
        _reject(job, error)
        return job
    except Exception:
        _fail(job, "validating")
        return job
    _record(
        job, analysis, ImportStatus.VALIDATED, summary(job.kind, analysis, wrote=False, strict=job.strict)
    )
    return job


def confirm_job(job: ImportJob, *, actor, reason: str = "") -> ImportJob:
    """Write the valid rows in one transaction. Strict mode writes nothing when any row is invalid.

    The file is analysed again under a lock on the job, so the rows written are checked against
    the database as it is now, and a second delivery of the same task finds every row unchanged.
    An unexpected error rolls the whole transaction back and marks the job failed.
    """
    if job.status not in {ImportStatus.UPLOADED, ImportStatus.VALIDATED, ImportStatus.WRITING}:
        raise ValueError(f"导入记录状态为“{job.get_status_display()}”，不能确认写入")
    job.status = ImportStatus.WRITING
    job.save(update_fields=["status"])
    try:
        _write(job, actor=actor, reason=reason)
    except Exception:
        _fail(job, "writing")
        return job
    report_progress(job, job.total_rows)
    return job


def _write(job: ImportJob, *, actor, reason: str) -> None:
    with transaction.atomic():
        list(ImportJob.objects.select_for_update().filter(pk=job.pk).values_list("pk", flat=True))
        try:
            analysis = analyse(job, actor)
        except ImportFileError as error:
            _reject(job, error)
            return
        written = 0
        if not (job.strict and analysis.invalid):
            with history_context(
                actor=actor, reason=reason or f"导入 {job.file_name}", import_job=job.pk, import_kind=job.kind
            ):
                written = analysis.kind.write(analysis.new, analysis.changed)
            years = analysis.kind.rule_years(analysis.new + analysis.changed) if written else set()
            for year in sorted(years):
                transaction.on_commit(lambda year=year: rerun_rules(year, f"import:{job.pk}"))
        job.written_rows = written
        job.finished_at = timezone.now()
        _record(job, analysis, ImportStatus.DONE, summary(job.kind, analysis, wrote=True, strict=job.strict))


def rerun_rules(year: int, reason: str) -> None:
    """Queue a run of the accountability rules (sent only once the import has committed)."""
    current_app.send_task("accountability.run_rules", kwargs={"year": year, "triggered_by": reason})


def summary(kind_name: str, analysis: Analysis, *, wrote: bool, strict: bool) -> str:
    kind = get_kind(kind_name)
    invalid = len(analysis.invalid)
    parts = [
        f"{kind.label}：共 {len(analysis.rows)} 行",
        f"新增 {len(analysis.new)}",
        f"变更 {len(analysis.changed)}",
        f"未变 {len(analysis.unchanged)}",
        f"有错误 {invalid}",
    ]
    text = "，".join(parts) + "。"
    if not wrote:
        return text + ("严格模式：存在错误的行，确认后也不会写入任何数据。" if strict and invalid else "")
    if strict and invalid:
        return text + "严格模式：因存在错误，未写入任何数据。"
    written = len(analysis.new) + len(analysis.changed)
    return text + (f"已写入 {written} 行" + (f"，跳过 {invalid} 行有错误的数据。" if invalid else "。"))


def error_counts_by_column(job: ImportJob) -> list[tuple[str, int]]:
    return Counter(error["column"] for error in job.errors).most_common()


def run_import(
    *, kind: str, path: Path, actor, strict: bool = False, dry_run: bool = False, file_name: str | None = None
) -> ImportJob:
    """Upload and validate (``dry_run``), or upload and write in one pass: the CLI and tests use this.

    Writing analyses the file once, under the job's lock, with the same checks as the preview.
    """
    job = create_job(kind=kind, path=path, file_name=file_name or path.name, actor=actor, strict=strict)
    if dry_run:
        return validate_job(job)
    return confirm_job(job, actor=actor)


__all__ = [
    "Analysis",
    "ImportFileError",
    "ImportKind",
    "analyse",
    "confirm_job",
    "create_job",
    "current_progress",
    "run_import",
    "validate_job",
]
