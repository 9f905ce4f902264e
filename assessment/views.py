"""Pages of the assessment: rounds, the sample sheet, results, reports with a progress bar, and the
dashboard that is the office roles' home page."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accountability.access.audit import audit_record_export
from accountability.access.roles import ROLE_BY_CODE
from accountability.hierarchy.selectors import unit_for
from accountability.importing.kinds import REGISTRY
from accountability.platform import xlsx
from accountability.platform.dates import parse_day
from accountability.platform.validators import ascii_int
from accountability.platform.views import home as core_home
from assessment import charts, reports, selectors, services
from assessment.models import ReportFormat, ReportStatus

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
}


def _require(user, permission: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied("您没有此项操作的权限")


def _year(request, default: int) -> int:
    year = ascii_int(request.GET.get("year", "") or request.POST.get("year", ""), max_digits=4)
    return year if year and 1980 <= year <= 2100 else default


def _download(content: bytes, file_name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(file_name)}"
    return response


# --- dashboard ------------------------------------------------------------------------------------


@login_required
def home(request):
    """The dashboard for the roles that may see the assessment (offices, auditors, inspectors) and
    for village officials (their tasks first); the core's home page for the others."""
    user = request.user
    if not (user.has_perm("assessment.view_assessmentround") or _is_village_official(user)):
        return core_home(request)
    return dashboard(request)


def _is_village_official(user) -> bool:
    return (
        bool(user.jurisdiction_id) and user.groups.filter(name=ROLE_BY_CODE["village_official"].name).exists()
    )


@login_required
def dashboard(request):
    year = _year(request, timezone.localdate().year)
    board = selectors.dashboard_for(request.user, request.GET.get("unit", "").strip() or None, year)
    rows = [
        (child, [tile.by_child.get(child.prefix, "—") for tile in board.tiles]) for child in board.children
    ]
    tile_charts = [
        (tile, charts.svg_bars(tile.label, tile.chart, max((v for _k, v in tile.chart), default=0)))
        for tile in board.tiles
        if tile.chart
    ]
    names = {child.prefix: child.name for child in board.children}
    for tile in board.tiles:
        tile.chart = [(names.get(k, k), v) for k, v in tile.chart]
    context = {
        "board": board,
        "rows": rows,
        "charts": tile_charts,
        "village_tasks": board.unit.level == "village",
        "years": range(year - 3, year + 1),
        "cache_minutes": settings.DASHBOARD_CACHE_SECONDS // 60,
        "warmed_at": selectors.warmed_at(year),
    }
    return render(request, "assessment/dashboard.html", context)


# --- rounds --------------------------------------------------------------------------------------


@login_required
def round_list(request):
    _require(request.user, "assessment.view_assessmentround")
    rounds = list(selectors.rounds_visible_to(request.user)[:100])
    return render(
        request,
        "assessment/round_list.html",
        {"rounds": rounds, "year": timezone.localdate().year - 1, "formats": ReportFormat.choices},
    )


@login_required
@require_POST
def round_open(request):
    """Open (or find) the round of the user's unit — or of a unit inside it — for a year."""
    _require(request.user, "assessment.add_assessmentround")
    year = _year(request, 0)
    if not year:
        messages.error(request, "请填写考核年度")
        return redirect("assessment-rounds")
    unit = unit_for(request.user, request.POST.get("unit", "").strip() or request.user.jurisdiction_id or "")
    try:
        round_ = services.round_open(unit=unit, year=year, actor=request.user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect("assessment-rounds")
    return redirect("assessment-round", pk=round_.pk)


@login_required
def round_detail(request, pk: int):
    round_ = selectors.round_for(request.user, pk)
    result = selectors.latest_result(round_)
    context = {
        "round": round_,
        "steps": selectors.steps_of(round_, timezone.localdate()),
        "sample": selectors.sample_summary(round_),
        "result": result,
        "report": reports.build(result) if result else None,
        "versions": selectors.versions_of(round_),
        "reports": selectors.reports_of(round_, request.user),
        "formats": ReportFormat.choices,
        "today": timezone.localdate(),
        "villages": selectors.quarterly_outcomes(round_),
    }
    return render(request, "assessment/round_detail.html", context)


def _act(request, pk: int, permission: str, action) -> HttpResponse:
    round_ = selectors.round_for(request.user, pk)
    _require(request.user, permission)
    try:
        message = action(round_)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, message)
    return redirect("assessment-round", pk=round_.pk)


@login_required
@require_POST
def round_sample(request, pk: int):
    def draw(round_):
        count = services.sample_draw(round_=round_, actor=request.user)
        return f"已抽取 {count} 户（种子 {round_.seed}）"

    return _act(request, pk, "assessment.add_samplehousehold", draw)


@login_required
@require_POST
def round_compute(request, pk: int):
    def compute(round_):
        result, created = services.result_compute(round_=round_, actor=request.user)
        if created:
            return f"已计算第 {result.version} 版考核结果"
        return f"数据未变化，沿用第 {result.version} 版考核结果"

    return _act(request, pk, "assessment.add_assessmentresult", compute)


@login_required
@require_POST
def round_step(request, pk: int, step_pk: int):
    def complete(round_):
        step = round_.steps.filter(pk=step_pk).first()
        if step is None:
            raise ValidationError("该步骤不存在")
        done_on = parse_day(request.POST.get("done_on", "")) or timezone.localdate()
        note = request.POST.get("note", "")[:300]
        if step.code == "feedback":
            recorded, receivable = services.round_feedback(
                round_=round_, done_on=done_on, actor=request.user, note=note
            )
            if not receivable:
                return "“结果反馈”已记录完成；督查巡查模块尚未接收整改问题，问题见考核结果和报告"
            return f"“结果反馈”已记录完成，已下发 {recorded} 项约谈和限期整改要求"
        services.round_step_complete(step=step, done_on=done_on, actor=request.user, note=note)
        return f"“{step.label}”已记录完成"

    return _act(request, pk, "assessment.change_roundstep", complete)


@login_required
def sample_sheet(request, pk: int):
    """The sample sheet for the field teams, in the columns of the ``assessment_samples`` import:
    they fill in 核查结论 (and 满意度 …) and upload the same file."""
    round_ = selectors.round_for(request.user, pk)
    _require(request.user, "assessment.view_samplehousehold")
    workbook = xlsx.new_workbook()
    sheet = workbook.active
    sheet.title = "抽查户"
    headers = [c.header for c in REGISTRY["assessment_samples"].columns]
    xlsx.append_row(sheet, [*headers, "村", "户主", "户状态", "帮扶责任人", "抽样层"])
    rows = selectors.sample_of(round_, request.user)
    count = 0
    for s in rows:
        values = {
            "考核年度": round_.year,
            "考核单位代码": round_.unit_id,
            "户编号": s.number,
            "核查结论": s.get_verdict_display() if s.verdict else "",
            "满意度": s.get_satisfaction_display() if s.satisfaction else "",
            "核查日期": str(s.checked_on or ""),
            "核查人": s.checked_by,
            "说明": s.note,
        }
        xlsx.append_row(
            sheet,
            [
                *[values.get(h, "") for h in headers],
                s.village.name,
                s.head_name,
                s.status_label,
                s.cadre_name,
                s.stratum,
            ],
        )
        count += 1
    audit_record_export(
        user=request.user,
        kind="assessment_sample",
        label="考核抽样名单",
        filters={"round": round_.pk},
        row_count=count,
    )
    return _download(
        xlsx.to_bytes(workbook), f"{round_.year}年度考核抽查户_{round_.unit_id}.xlsx", CONTENT_TYPES["xlsx"]
    )


# --- reports -------------------------------------------------------------------------------------


@login_required
@require_POST
def report_start(request, pk: int):
    """Start a report of the round's result (computed now: a new version if the data changed);
    generated on Celery, followed on its progress page."""
    round_ = selectors.round_for(request.user, pk)
    _require(request.user, "assessment.add_assessmentreport")
    format = request.POST.get("format", "")
    if format not in CONTENT_TYPES:
        messages.error(request, "请选择报告格式（docx、xlsx 或 html）")
        return redirect("assessment-round", pk=round_.pk)
    try:
        result, _created = services.result_compute(round_=round_, actor=request.user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect("assessment-round", pk=round_.pk)
    report = services.report_request(result=result, unit=round_.unit, format=format, actor=request.user)
    return redirect("assessment-report", pk=report.pk)


@login_required
def report_start_for_unit(request):
    """From the dashboard: the report of a unit for a year (the round is opened when none exists)."""
    _require(request.user, "assessment.add_assessmentreport")
    if request.method != "POST":
        return redirect("assessment-rounds")
    year = _year(request, 0)
    unit = unit_for(request.user, request.POST.get("unit", "").strip())
    if not year:
        messages.error(request, "请填写考核年度")
        return redirect("assessment-rounds")
    try:
        round_ = services.round_open(unit=unit, year=year, actor=request.user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect("assessment-rounds")
    return report_start(request, round_.pk)


@login_required
def report_detail(request, pk: int):
    report = selectors.report_for(request.user, pk)
    template = "assessment/_report_progress.html" if request.htmx else "assessment/report_detail.html"
    return render(
        request,
        template,
        {"report": report, "running": report.status in (ReportStatus.PENDING, ReportStatus.RUNNING)},
    )


@login_required
def report_download(request, pk: int):
    report = selectors.report_for(request.user, pk)
    if report.status != ReportStatus.DONE:
        messages.error(request, "报告尚未生成")
        return redirect("assessment-report", pk=report.pk)
    audit_record_export(
        user=request.user,
        kind=f"assessment_report_{report.format}",
        label=f"考核报告（{report.format}）",
        filters={"report": report.pk},
        row_count=len(report.result.rows),
    )
    return _download(bytes(report.content), report.file_name, CONTENT_TYPES[report.format])


@login_required
def result_page(request, pk: int, version: int):
    """A result version as the HTML report, inside the application (charts in SVG, print CSS)."""
    round_ = selectors.round_for(request.user, pk)
    result = round_.results.filter(version=version).first()
    if result is None:
        from django.http import Http404

        raise Http404("该版本不存在")
    context = reports.html_context(reports.build(result))
    return render(request, "assessment/result_page.html", {**context, "round": round_})


# --- the office's Word template ------------------------------------------------------------------


@login_required
def report_templates(request):
    """The Word templates of the annual report: which one governs the user's unit, the built-in one
    to start from, and the upload of a new one (docs/assessment.md §5)."""
    _require(request.user, "assessment.view_reporttemplate")
    unit = (
        unit_for(request.user, request.user.jurisdiction_id or "") if request.user.jurisdiction_id else None
    )
    if request.method == "POST":
        _require(request.user, "assessment.add_reporttemplate")
        upload = request.FILES.get("file")
        target = unit_for(
            request.user, request.POST.get("unit", "").strip() or request.user.jurisdiction_id or ""
        )
        try:
            services.report_template_upload(
                unit=target,
                name=upload.name if upload else "",
                content=upload.read(services.TEMPLATE_MAX_BYTES + 1) if upload else b"",
                actor=request.user,
                note=request.POST.get("note", ""),
            )
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, f"已上传{target.name}的报告模板，此后生成的 Word 报告使用该模板")
        return redirect("assessment-templates")
    context = {
        "templates": list(selectors.report_templates_visible_to(request.user)[:100]),
        "governing": services.report_template_for(unit) if unit else None,
        "unit": unit,
        "placeholders": reports.TEMPLATE_TEXTS,
        "sections": reports.TEMPLATE_SECTIONS,
        "block": reports.TEMPLATE_BLOCK,
        "max_mb": services.TEMPLATE_MAX_BYTES // (1024 * 1024),
    }
    return render(request, "assessment/templates.html", context)


@login_required
def report_template_default(request):
    _require(request.user, "assessment.view_reporttemplate")
    return _download(reports.default_template(), "年度考核报告模板（系统内置）.docx", CONTENT_TYPES["docx"])


@login_required
def report_template_download(request, pk: int):
    _require(request.user, "assessment.view_reporttemplate")
    template = selectors.report_template_of(request.user, pk)
    return _download(bytes(template.content), template.name, CONTENT_TYPES["docx"])
