from __future__ import annotations

import tempfile
from pathlib import Path
from urllib.parse import quote

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accountability import selectors, selectors_cases, services, tasks
from accountability.access.imports import import_job_confirmable_by, import_kind_allowed, importable_kinds
from accountability.audit import record_export, record_unmasking
from accountability.dates import parse_day
from accountability.errors import error_text, form_error
from accountability.forms import ImportUploadForm, OfficialTransferForm
from accountability.health import status_for
from accountability.history import HISTORY_PAGES, events_shown_to
from accountability.importing import service
from accountability.importing.kinds import REGISTRY, get_kind
from accountability.importing.workbooks import error_workbook, template_workbook
from accountability.models import ImportStatus
from accountability.notifications import inbox_of, mark_read
from accountability.personal_data import can_see_personal_data, text_for
from accountability.platform.unit_sections import unit_sections
from accountability.scoping import visible_to
from accountability.validators import ascii_int

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS_SHOWN = 500


def xlsx_response(content: bytes, file_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(file_name)}"
    return response


@login_required
def home(request):
    return render(request, "home.html", {"top_units": selectors.top_units_for(request.user)})


@login_required
def unit_tree(request):
    top = list(selectors.top_units_for(request.user))
    if len(top) == 1:
        return redirect("unit-detail", code=top[0].code)
    return render(request, "accountability/unit_list.html", {"units": top})


@login_required
def unit_detail(request, code: str):
    unit = selectors.unit_for(request.user, code)
    today = timezone.localdate()
    context = {
        "unit": unit,
        "today": today,
        "ancestors": selectors.ancestors_of(unit, request.user),
        "children": selectors.children_with_counts(unit, request.user),
        "tenures": selectors.tenures_of_unit(unit, request.user, today),
        "pairings": selectors.pairings_of_village(unit, request.user) if unit.level == "village" else [],
        "gaps": selectors.responsibility_gaps(request.user, today, within=unit, only_the_unit=True),
        "panel": selectors_cases.unit_panel(request.user, unit),
        "sections": unit_sections(request.user, unit),
    }
    return render(request, "accountability/unit_detail.html", context)


@login_required
def official_list(request):
    text = request.GET.get("q", "")
    page = Paginator(selectors.search_officials(request.user, text), 50).get_page(request.GET.get("page"))
    return render(request, "accountability/official_list.html", {"page": page, "q": text})


@login_required
def official_detail(request, pk: int):
    official = selectors.official_for(request.user, pk)
    record_unmasking(request=request, subject=f"official:{official.pk}")
    today = timezone.localdate()
    assignments = selectors.assignments_of_official(official)
    context = {
        "official": official,
        "today": today,
        "assignments": assignments,
        "pairings": selectors.pairings_visible_to(request.user).filter(organisation=official.organisation),
        "record": selectors_cases.official_record(request.user, official),
        "transfer_form": OfficialTransferForm(
            prefix="transfer",
            organisations=selectors.organisations_visible_to(request.user).order_by("unit", "name"),
        )
        if request.user.has_perm("accountability.change_official")
        else None,
    }
    return render(request, "accountability/official_detail.html", context)


@login_required
@require_POST
def official_transfer(request, pk: int):
    official = selectors.official_for(request.user, pk)
    form = OfficialTransferForm(
        request.POST, prefix="transfer", organisations=selectors.organisations_visible_to(request.user)
    )
    try:
        if not form.is_valid():
            raise form_error(form)
        services.official_transfer(
            actor=request.user,
            official=official,
            to_organisation=form.cleaned_data["to_organisation"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, "干部调动已登记。")
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
    return redirect("official-detail", pk=pk)


@login_required
def gap_list(request):
    on = parse_day(request.GET.get("on")) or timezone.localdate()
    within = selectors.unit_for(request.user, request.GET["unit"]) if request.GET.get("unit") else None
    gaps = selectors.responsibility_gaps(request.user, on, within=within)
    return render(request, "accountability/gap_list.html", {"gaps": gaps, "on": on, "within": within})


@login_required
def unit_search(request):
    text = request.GET.get("q", "")
    units = selectors.search_units(request.user, text) if text.strip() else []
    return render(request, "accountability/unit_search.html", {"units": units, "q": text})


@login_required
def record_history(request, model: str, pk: str):
    try:
        model_class = apps.get_model(HISTORY_PAGES[model])
    except KeyError:
        raise Http404 from None
    obj = visible_to(model_class.objects.all(), request.user).filter(pk=pk).first()
    if obj is None:
        raise Http404("记录不存在或不在您的管辖范围内")
    return render(request, "history.html", {"object": obj, "events": events_shown_to(request.user, obj)})


# --- imports ---------------------------------------------------------------------------------


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
    jobs = selectors.import_jobs_visible_to(request.user)[:50]
    return render(request, "accountability/import_list.html", {"form": form, "jobs": jobs, "kinds": kinds})


def _start_import(request, form):
    upload = form.cleaned_data["file"]
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as temp:
        for chunk in upload.chunks():
            temp.write(chunk)
        temp.flush()
        job = service.create_job(
            kind=form.cleaned_data["kind"],
            path=Path(temp.name),
            file_name=upload.name,
            actor=request.user,
            strict=form.cleaned_data["strict"],
        )
    if job.size >= settings.IMPORT_ASYNC_MIN_BYTES:
        transaction.on_commit(lambda: tasks.validate_import.delay(job.pk))
    else:
        service.validate_job(job)
    return job


def _job_for(request, pk: int):
    """A job the user may read: of his jurisdiction (or his own) and of a kind he may import, or
    any kind with the personal-data right (selectors.import_jobs_visible_to); 404 otherwise."""
    return get_object_or_404(selectors.import_jobs_visible_to(request.user), pk=pk)


@login_required
def import_detail(request, pk: int):
    job = _job_for(request, pk)
    processed, total = service.current_progress(job)
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
        "error_columns": service.error_counts_by_column(job),
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
        service.confirm_job(job, actor=request.user)
    return redirect("import-detail", pk=job.pk)


@login_required
def import_errors_download(request, pk: int):
    job = _job_for(request, pk)
    if not job.errors:
        raise Http404("该导入没有错误")
    masked = not can_see_personal_data(request.user)
    content = error_workbook(job, mask=masked)
    record_export(
        user=request.user,
        kind="import_errors",
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


# --- health ----------------------------------------------------------------------------------


def health(request):
    status = status_for(request.user)
    if (
        request.headers.get("Accept", "").startswith("application/json")
        or request.GET.get("format") == "json"
    ):
        return JsonResponse(status, status=200 if status["ok"] else 503)
    return render(request, "health.html", {"status": status}, status=200 if status["ok"] else 503)


@login_required
def inbox(request):
    if request.method == "POST":
        ids = [n for n in map(ascii_int, request.POST.getlist("id")) if n is not None]
        mark_read(request.user, ids or None)
        return redirect("inbox")
    page = Paginator(inbox_of(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "inbox.html", {"page": page})


def unread_count(request) -> dict:
    """Context processor: the unread messages badge in the navigation (one cheap query)."""
    if not request.user.is_authenticated:
        return {}
    return {"unread_messages": inbox_of(request.user).filter(read_at__isnull=True).count()}
