"""Pages of the ledger: the auditor's ledger with filters and export, an account's entries with
running balances, a project's money panel, export jobs with progress. Thin: selectors read,
services write; everything scoped (an account, project or export outside the jurisdiction is 404)."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accountability.access.personal_data import can_see_personal_data
from accountability.hierarchy.selectors import units_visible_to
from accountability.models import AdminLevel
from accountability.platform.dates import parse_day
from funds.ledger import selectors, services
from funds.ledger.exports import STREAM_LIMIT, ledger_export_create, ledger_export_run
from funds.ledger.forms import LedgerFilterForm
from funds.ledger.models import ExportStatus
from funds.ledger.tasks import export_ledger_task
from funds.selectors import project_for

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
VIEW = "funds.view_ledgerentry"


def _filter_form(request, data):
    units = (
        units_visible_to(request.user)
        .filter(level__in=[AdminLevel.COUNTY, AdminLevel.TOWNSHIP])
        .order_by("code")
    )
    return LedgerFilterForm(data, units=list(units))


@login_required
@permission_required(VIEW, raise_exception=True)
def ledger(request):
    """The ledger an auditor reads and exports: totals by account, then the entries."""
    form = _filter_form(request, request.GET or None)
    filters = form.filters()
    entries = selectors.ledger_entries_for(request.user, filters)
    summaries = selectors.ledger_summary(entries)
    page = Paginator(entries.order_by("account_id", "sequence"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "funds/ledger/ledger.html",
        {
            "form": form,
            "summaries": summaries,
            "page": page,
            "query": query.urlencode(),
            "total": sum(s.entries for s in summaries),
            "stream_limit": STREAM_LIMIT,
            "can_export": request.user.has_perm("funds.export_ledger"),
            "show_personal": can_see_personal_data(request.user),
            "can_close": request.user.has_perm(services.CLOSE),
            "counties": [u for u in form.fields["unit"].choices if u[0].endswith("000000")],
            "locks": selectors.locks_visible_to(request.user),
        },
    )


@login_required
@permission_required(services.CLOSE, raise_exception=True)
@require_POST
def ledger_close(request):
    """结账: close a month or a year of a county's ledger (the lock date moves forward only)."""
    county = (
        units_visible_to(request.user)
        .filter(code=request.POST.get("county", ""), level=AdminLevel.COUNTY)
        .first()
    )
    year, month = request.POST.get("year", ""), request.POST.get("month", "")
    if county is None or not (year.isascii() and year.isdigit() and len(year) == 4):
        messages.error(request, "请选择县(区)并填写四位年度")
        return redirect("ledger")
    try:
        month_number = int(month) if month.isascii() and month.isdigit() else None
        lock = services.ledger_period_close(
            actor=request.user,
            county=county,
            year=int(year),
            month=month_number,
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, f"{county.name}已结账至 {lock.locked_through}")
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    return redirect("ledger")


@login_required
@permission_required("funds.export_ledger", raise_exception=True)
@require_POST
def ledger_export(request):
    """Small exports are written now and downloaded; large ones go to Celery (progress page)."""
    form = _filter_form(request, request.POST)
    if not form.is_valid():
        messages.error(
            request, "筛选条件有误：" + "；".join(e for errors in form.errors.values() for e in errors)
        )
        return redirect("ledger")
    export = ledger_export_create(actor=request.user, filters=form.filters())
    if export.total <= STREAM_LIMIT:
        export = ledger_export_run(export.pk)
        return _download(export)
    transaction.on_commit(lambda: export_ledger_task.delay(export.pk))
    return redirect("ledger-export-detail", pk=export.pk)


def _download(export):
    response = FileResponse(export.file.open("rb"), content_type=XLSX)
    name = f"资金台账-{timezone.localtime(export.created_at):%Y%m%d-%H%M%S}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def _export_for(user, pk):
    export = selectors.exports_visible_to(user).filter(pk=pk).first()
    if export is None:
        raise Http404("导出记录不存在")
    return export


@login_required
def ledger_export_detail(request, pk: int):
    export = _export_for(request.user, pk)
    percent = (
        int(export.row_count * 100 / export.total)
        if export.total
        else (100 if export.status == ExportStatus.DONE else 0)
    )
    return render(
        request,
        "funds/ledger/export_detail.html",
        {
            "export": export,
            "percent": percent,
            "running": export.status in (ExportStatus.QUEUED, ExportStatus.RUNNING),
        },
    )


@login_required
def ledger_export_download(request, pk: int):
    export = _export_for(request.user, pk)
    if export.status != ExportStatus.DONE or not export.file:
        raise Http404("文件尚未生成")
    return _download(export)


@login_required
@permission_required(VIEW, raise_exception=True)
def account_detail(request, pk: int):
    """One account: its figures, its chain head and its entries with the running balance."""
    account = selectors.account_for(request.user, pk)
    entries = selectors.entries_visible_to(request.user).filter(account=account).order_by("-sequence")
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "funds/ledger/account_detail.html",
        {
            "account": account,
            "page": page,
            "show_personal": can_see_personal_data(request.user),
            "can_post": request.user.has_perm(services.POST),
        },
    )


@login_required
@permission_required(services.POST, raise_exception=True)
@require_POST
def account_reverse(request, pk: int):
    """更正: reverse the posting of an entry of this account (a reversing entry; the original stays)."""
    account = selectors.account_for(request.user, pk)
    voucher = request.POST.get("original", "").strip()
    entry = (
        selectors.entries_visible_to(request.user)
        .filter(account=account, voucher_number=voucher)
        .exclude(kind="correction")
        .order_by("sequence")
        .first()
    )
    if entry is None:
        messages.error(request, f"本账户没有凭证号为“{voucher[:50]}”的分录")
        return redirect("ledger-account", pk=account.pk)
    try:
        services.ledger_reverse(
            actor=request.user,
            entry=entry,
            voucher_number=request.POST.get("voucher_number", ""),
            date=parse_day(request.POST.get("date")) or timezone.localdate(),
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, f"已冲销凭证 {entry.voucher_number}")
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    return redirect("ledger-account", pk=account.pk)


def _county_of(request) -> str | None:
    """The county whose project number the URL names (numbers are unique per county only)."""
    county = request.GET.get("county", "")
    return county if county.isascii() and county.isdigit() and len(county) == 12 else None


def project_money_url(project) -> str:
    return f"{reverse('ledger-project-money', args=[project.number])}?county={project.county_id}"


@login_required
@permission_required(VIEW, raise_exception=True)
def project_money(request, number: str):
    """A project's money panel: its stages, what is next and why not yet, deposit, reimbursement."""
    project = project_for(request.user, number, county=_county_of(request))
    account = selectors.project_account_for(request.user, project)
    context = {"project": project, "account": account, "stages": [], "can_post": False}
    context["plan_lines"] = services.plan_line_statuses(project)
    context["can_enter_plan_lines"] = any(
        request.user.has_perm(p) for p in services.PLAN_LINE_PERMISSIONS
    ) and (project.plan_approved_on is None or not context["plan_lines"])
    if account is not None:
        context["stages"] = services.stage_statuses(project)
        context["reimbursed"] = services.net_total(account, "reimbursement")
        context["paid_out"] = services.net_total(account, "disbursement") + services.net_total(
            account, "deposit_returned"
        )
        context["entries"] = (
            selectors.entries_visible_to(request.user).filter(account=account).order_by("-sequence")[:20]
        )
        context["can_post"] = request.user.has_perm(services.POST)
        context["next_stage"] = next((s for s in context["stages"] if not s.paid), None)
    return render(request, "funds/ledger/project_money.html", context)


@login_required
@permission_required(services.POST, raise_exception=True)
@require_POST
def project_disburse(request, number: str):
    """Pay the next stage (the same service as the API and the import)."""
    project = project_for(request.user, number, county=_county_of(request))
    stage = request.POST.get("stage", "")
    try:
        day = parse_day(request.POST.get("date")) or timezone.localdate()
        services.ledger_disburse(
            actor=request.user,
            project=project,
            stage=stage,
            voucher_number=request.POST.get("voucher_number", ""),
            date=day,
            counterpart=request.POST.get("counterpart", ""),
            summary=request.POST.get("summary", ""),
            amount=request.POST.get("amount", "").strip() or None,
        )
        messages.success(request, "已拨付")
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    return redirect(project_money_url(project))


@login_required
@require_POST
def project_plan_lines(request, number: str):
    """The implementation plan's budget lines (F-11), typed one a line (the service checks rights)."""
    project = project_for(request.user, number, county=_county_of(request))
    try:
        services.plan_budget_lines_set(
            actor=request.user, project=project, lines=request.POST.get("lines", "")
        )
        messages.success(request, "已保存实施方案预算科目")
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    return redirect(project_money_url(project))
