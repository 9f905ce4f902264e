"""Pages of imports: upload, preview, confirm, the error workbook and the blank templates."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accountability import tasks
from accountability.access.audit import audit_record_export
from accountability.access.imports import import_job_confirmable_by, import_kind_allowed, importable_kinds
from accountability.access.personal_data import can_see_personal_data, text_for
from accountability.importing import services as import_services
from accountability.importing.forms import ImportUploadForm
from accountability.importing.kinds import REGISTRY, get_kind
from accountability.importing.selectors import import_jobs_visible_to
from accountability.importing.workbooks import error_workbook, template_workbook
from accountability.models import ImportStatus
from accountability.platform.views import xlsx_response

ERRORS_SHOWN = 500


def _importable_or_403(user, kind: str) -> None:
    if not import_kind_allowed(user, kind):
        raise PermissionDenied(_("您的角色无权导入该类型的数据"))


@login_required
def import_list(request):
    kinds = importable_kinds(request.user)
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        if kind in REGISTRY or not kinds:
            _importable_or_403(request.user, kind)
        form = ImportUploadForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            job = _start_import(request, form)
            return redirect("import-detail", pk=job.pk)
    else:
        form = ImportUploadForm(initial={"kind": request.GET.get("kind")}, user=request.user)
    jobs = import_jobs_visible_to(request.user)[:50]
    return render(request, "accountability/import_list.html", {"form": form, "jobs": jobs, "kinds": kinds})


def _start_import(request, form):
    upload = form.cleaned_data["file"]
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as temp:
        for chunk in upload.chunks():
            temp.write(chunk)
        temp.flush()
        job = import_services.create_job(
            kind=form.cleaned_data["kind"],
            path=Path(temp.name),
            file_name=upload.name,
            actor=request.user,
            strict=form.cleaned_data["strict"],
        )
    if job.size >= settings.IMPORT_ASYNC_MIN_BYTES:
        transaction.on_commit(lambda: tasks.validate_import.delay(job.pk))
    else:
        import_services.validate_job(job)
    return job


def _job_for(request, pk: int):
    """A job the user may read: of his jurisdiction (or his own) and of a kind he may import, or
    any kind with the personal-data right (import_jobs_visible_to); 404 otherwise."""
    return get_object_or_404(import_jobs_visible_to(request.user), pk=pk)


@login_required
def import_detail(request, pk: int):
    job = _job_for(request, pk)
    processed, total = import_services.current_progress(job)
    shown = job.errors[:ERRORS_SHOWN]
    errors = [{**error, "message": text_for(request.user, error["message"])} for error in shown]
    context = {
        "job": job,
        "message": text_for(request.user, job.message),
        "may_confirm": import_job_confirmable_by(request.user, job),
        "processed": processed,
        "total": total,
        "percent": min(100, round(100 * processed / total)) if total else (0 if job.is_running else 100),
        "errors": errors,
        "errors_hidden": max(0, len(job.errors) - ERRORS_SHOWN),
        "error_columns": import_services.error_counts_by_column(job),
    }
    template = "accountability/import_progress.html" if request.htmx else "accountability/import_detail.html"
    return render(request, template, context)


@login_required
@require_POST
def import_confirm(request, pk: int):
    job = _job_for(request, pk)
    if not import_job_confirmable_by(request.user, job):
        raise PermissionDenied(_("只有导入人本人或同一辖区有该类导入权限的工作人员可以确认写入"))
    if not job.can_confirm:
        messages.error(
            request, "该导入当前不能确认写入（可能已写入、存在错误且为严格模式，或没有需要写入的行）。"
        )
        return redirect("import-detail", pk=job.pk)
    if job.size >= settings.IMPORT_ASYNC_MIN_BYTES:
        job.status = ImportStatus.WRITING
        job.save(update_fields=["status"])
        transaction.on_commit(lambda: tasks.confirm_import.delay(job.pk, request.user.pk))
    else:
        import_services.confirm_job(job, actor=request.user)
    return redirect("import-detail", pk=job.pk)


@login_required
def import_errors_download(request, pk: int):
    job = _job_for(request, pk)
    if not job.errors:
        raise Http404("该导入没有错误")
    masked = not can_see_personal_data(request.user)
    content = error_workbook(job, mask=masked)
    audit_record_export(
        user=request.user,
        kind="import_errors",
        label="导入错误说明",
        filters={"job": job.pk},
        row_count=len(job.errors),
        masked=masked,
    )
    return xlsx_response(content, f"{Path(job.file_name).stem}-错误说明.xlsx")


@login_required
def import_template(request, kind: str):
    try:
        kind_class = get_kind(kind)
    except KeyError:
        raise Http404 from None
    _importable_or_403(request.user, kind)
    return xlsx_response(template_workbook(kind_class), f"{kind_class.label}导入模板.xlsx")
