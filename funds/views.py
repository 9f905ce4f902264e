"""Pages of the fund projects: the project library, a project with its step timeline and deadlines,
the township's "due this week". Thin: reads through the selectors, writes through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accountability.hierarchy.selectors import unit_by_code_for
from accountability.platform.dates import parse_day
from accountability.platform.errors import error_text
from accountability.platform.validators import ascii_int
from funds import rules, selectors, services
from funds.models import (
    DocumentKind,
    FundUse,
    NoticeKind,
    ProjectCategory,
    RectificationReason,
    Stage,
)
from funds.rules import money_problem

PAGE_SIZE = 30


def _day(request, name: str = "on") -> dt.date:
    return parse_day(request.POST.get(name)) or timezone.localdate()


def _money(text: str | None) -> Decimal | None:
    """Yuan to the cent as typed, or None (the form then says what to fix)."""
    try:
        value = Decimal((text or "").strip().replace(",", ""))
    except InvalidOperation:
        return None
    return None if money_problem(value) or value < 0 else value


@login_required
def project_list(request):
    year = ascii_int(request.GET.get("year"), max_digits=4)
    stage = request.GET.get("stage", "")
    township = request.GET.get("township", "")
    overdue = request.GET.get("overdue") == "1"
    q = request.GET.get("q", "").strip()[:50]
    projects = selectors.project_list_for(
        request.user,
        year=year,
        township=township or None,
        stage=stage if stage in Stage.values else None,
        q=q,
    )
    if overdue:
        statuses = [s for s in selectors.statuses(list(selectors.with_steps(projects))) if s.overdue]
        page = Paginator(statuses, PAGE_SIZE).get_page(request.GET.get("page"))
    else:
        page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = selectors.statuses(
            list(selectors.with_steps(projects.filter(pk__in=[p.pk for p in page])))
        )
    context = {
        "page": page,
        "stages": Stage.choices,
        "filters": {"year": year or "", "stage": stage, "township": township, "overdue": overdue, "q": q},
        "townships": selectors.townships_for(request.user),
        "query": request.GET.copy(),
        "can_create": request.user.has_perm(services.APPLY) or request.user.has_perm(services.APPROVE),
    }
    return render(request, "funds/project_list.html", context)


@login_required
def project_new(request):
    if not (request.user.has_perm(services.APPLY) or request.user.has_perm(services.APPROVE)):
        raise PermissionDenied("您没有执行此操作的权限")
    values = request.POST if request.method == "POST" else {}
    warnings: list[str] = []
    if request.method == "POST":
        location = unit_by_code_for(request.user, request.POST.get("location", ""))
        category = ProjectCategory.objects.filter(pk=ascii_int(request.POST.get("category"))).first()
        subsidy = _money(request.POST.get("subsidy"))
        year = ascii_int(request.POST.get("year"), max_digits=4)
        problems = []
        if location is None:
            problems.append("实施地点代码不存在或不在您的管辖范围内")
        if category is None:
            problems.append("请选择项目类别")
        if subsidy is None:
            problems.append("财政补助资金应为金额（元）")
        if year is None:
            problems.append("请填写年度")
        if request.POST.get("use") not in FundUse.values:
            problems.append("请选择资金用途")
        if not problems:
            try:
                project, warnings = services.project_create(
                    actor=request.user,
                    number=request.POST.get("number", "").strip(),
                    name=request.POST.get("name", "").strip(),
                    year=year,
                    category=category,
                    use=request.POST["use"],
                    location=location,
                    implementer=request.POST.get("implementer", "").strip(),
                    construction_content=request.POST.get("construction_content", "").strip(),
                    subsidy=subsidy,
                    library_on=_day(request, "library_on"),
                    applicant=request.POST.get("applicant", "").strip(),
                    person_responsible=request.POST.get("person_responsible", "").strip(),
                    person_responsible_id_number=request.POST.get("person_responsible_id_number", "").strip(),
                    planned_start=parse_day(request.POST.get("planned_start")),
                    planned_end=parse_day(request.POST.get("planned_end")),
                    is_continuation=request.POST.get("is_continuation") == "1",
                    household_project=request.POST.get("household_project") == "1",
                    household_applications=request.POST.get("household_applications", "").strip(),
                    benefit_linkage=request.POST.get("benefit_linkage", "").strip(),
                )
            except (ValidationError, PermissionDenied) as error:
                problems.append(error_text(error))
            else:
                for warning in warnings:
                    messages.warning(request, warning)
                messages.success(request, "已纳入项目库。")
                return redirect("fund-project-detail", pk=project.pk)
        for problem in problems:
            messages.error(request, problem)
    context = {
        "values": values,
        "categories": ProjectCategory.objects.filter(active=True),
        "uses": FundUse.choices,
        "today": timezone.localdate(),
    }
    return render(request, "funds/project_new.html", context)


@login_required
def project_detail(request, pk: int):
    project = selectors.project_for(request.user, pk)
    status = selectors.statuses(
        list(selectors.with_steps(selectors.projects_visible_to(request.user).filter(pk=project.pk)))
    )[0]
    documents = list(project.documents.all().order_by("kind", "-uploaded_at"))
    present, required, missing_documents = selectors.archive_completeness(project, documents)
    context = {
        "project": project,
        "status": status,
        "timeline": selectors.timeline(project),
        "notices": project.notices.all(),
        "requests": project.disbursement_requests.all(),
        "reports": project.progress_reports.all(),
        "acceptances": project.acceptances.all(),
        "orders": project.rectification_orders.all(),
        "adjustments": project.adjustments.all(),
        "beneficiaries": project.beneficiaries.all(),
        "poor_share": rules.percent(
            sum(1 for b in project.beneficiaries.all() if b.is_poor), len(project.beneficiaries.all())
        ),
        "benefit_flags": services.benefit_flags_for(project),
        "share_problems": services.share_problems_for(project),
        "documents": documents,
        "archive": {"present": present, "required": required, "missing": missing_documents},
        "blocked": selectors.disbursement_blocked(project),
        "steps": services.steps_offered_to(request.user, project),
        "can_apply": request.user.has_perm(services.APPLY),
        "can_approve": request.user.has_perm(services.APPROVE),
        "notice_fields": rules.NOTICE_FIELDS,
        "notice_kinds": NoticeKind.choices,
        "document_kinds": DocumentKind.choices,
        "reasons": RectificationReason.choices,
        "acceptance_items": rules.ACCEPTANCE_ITEMS,
        "today": timezone.localdate(),
    }
    return render(request, "funds/project_detail.html", context)


def _done(request, pk, action):
    try:
        action()
        messages.success(request, "已办理。")
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
    return redirect("fund-project-detail", pk=pk)


@login_required
@require_POST
def project_step(request, pk: int):
    project = selectors.project_for(request.user, pk)

    def act():
        result = services.project_step(
            actor=request.user,
            project=project,
            step=request.POST.get("step", ""),
            on=_day(request),
            data=request.POST,
        )
        if isinstance(result, tuple):
            for warning in result[1]:
                messages.warning(request, warning)

    return _done(request, project.pk, act)


@login_required
@require_POST
def notice_add(request, pk: int):
    project = selectors.project_for(request.user, pk)
    kind = request.POST.get("kind", "")

    def act():
        fields = rules.NOTICE_FIELDS.get(kind, ())
        _notice, missing = services.notice_post(
            actor=request.user,
            project=project,
            kind=kind,
            posted_on=_day(request),
            contents={name: request.POST.get(f"c_{i}", "") for i, name in enumerate(fields)},
            place=request.POST.get("place", ""),
            photo=request.FILES.get("photo"),
        )
        if missing:
            messages.warning(request, "公示内容不完整，缺：" + "、".join(missing))

    return _done(request, project.pk, act)


@login_required
@require_POST
def request_add(request, pk: int):
    project = selectors.project_for(request.user, pk)
    return _done(
        request,
        project.pk,
        lambda: services.disbursement_request(
            actor=request.user,
            project=project,
            amount=_money(request.POST.get("amount")),
            on=_day(request),
            progress_percent=ascii_int(request.POST.get("progress_percent"), max_digits=3) or 0,
        ),
    )


@login_required
@require_POST
def request_decide(request, pk: int, request_id: int):
    project = selectors.project_for(request.user, pk)
    item = project.disbursement_requests.filter(pk=request_id).first()
    if item is None:
        raise Http404("请款不存在")
    return _done(
        request,
        project.pk,
        lambda: services.disbursement_decide(
            actor=request.user,
            request=item,
            approve=request.POST.get("decision") == "approve",
            on=_day(request),
            reason=request.POST.get("reason", ""),
        ),
    )


@login_required
@require_POST
def report_enter(request, pk: int, report_id: int):
    project = selectors.project_for(request.user, pk)
    report = project.progress_reports.filter(pk=report_id).first()
    if report is None:
        raise Http404("进度信息不存在")
    return _done(
        request,
        project.pk,
        lambda: services.progress_report(
            actor=request.user,
            report=report,
            on=_day(request),
            progress_percent=ascii_int(request.POST.get("progress_percent"), max_digits=3) or 0,
            fund_use=request.POST.get("fund_use", ""),
            households_benefited=ascii_int(request.POST.get("households_benefited"), max_digits=6) or 0,
        ),
    )


@login_required
@require_POST
def order_issue(request, pk: int):
    project = selectors.project_for(request.user, pk)
    return _done(
        request,
        project.pk,
        lambda: services.rectification_order_issue(
            actor=request.user,
            project=project,
            reason=request.POST.get("reason", ""),
            on=_day(request),
            details=request.POST.get("details", ""),
        ),
    )


@login_required
@require_POST
def order_close(request, pk: int, order_id: int):
    project = selectors.project_for(request.user, pk)
    order = project.rectification_orders.filter(pk=order_id).first()
    if order is None:
        raise Http404("整改通知不存在")
    close = (
        services.rectification_recover
        if request.POST.get("outcome") == "recovered"
        else services.rectification_lift
    )
    return _done(request, project.pk, lambda: close(actor=request.user, order=order, on=_day(request)))


@login_required
@require_POST
def adjustment_add(request, pk: int):
    project = selectors.project_for(request.user, pk)
    return _done(
        request,
        project.pk,
        lambda: services.adjustment_request(
            actor=request.user, project=project, on=_day(request), content=request.POST.get("content", "")
        ),
    )


@login_required
@require_POST
def adjustment_approve(request, pk: int, adjustment_id: int):
    project = selectors.project_for(request.user, pk)
    adjustment = project.adjustments.filter(pk=adjustment_id).first()
    if adjustment is None:
        raise Http404("项目调整不存在")
    action = services.adjustment_file if request.POST.get("action") == "file" else services.adjustment_approve
    return _done(
        request, project.pk, lambda: action(actor=request.user, adjustment=adjustment, on=_day(request))
    )


@login_required
@require_POST
def document_add(request, pk: int):
    project = selectors.project_for(request.user, pk)
    upload = request.FILES.get("file")

    def act():
        if upload is None:
            raise ValidationError("请选择文件")
        services.document_upload(
            actor=request.user,
            project=project,
            kind=request.POST.get("kind", ""),
            upload=upload,
            note=request.POST.get("note", ""),
        )

    return _done(request, project.pk, act)


@login_required
@require_POST
def beneficiary_add(request, pk: int):
    project = selectors.project_for(request.user, pk)
    return _done(
        request,
        project.pk,
        lambda: services.beneficiary_add(
            actor=request.user,
            project=project,
            name=request.POST.get("name", ""),
            id_number=request.POST.get("id_number", "").strip(),
            household_number=request.POST.get("household_number", ""),
        ),
    )


@login_required
def due_this_week(request):
    today = parse_day(request.GET.get("on")) or timezone.localdate()
    start = today - dt.timedelta(days=today.weekday())
    end = start + dt.timedelta(days=6)
    rows = selectors.due_between_for(request.user, start, end, today)
    return render(request, "funds/due.html", {"rows": rows, "start": start, "end": end, "today": today})


@login_required
def archive_overview(request):
    """F-15: archive completeness per township."""
    return render(request, "funds/archive.html", {"rows": selectors.archive_by_township_for(request.user)})


@login_required
def fund_plan_list(request):
    plans = selectors.fund_plans_visible_to(request.user).order_by("-year", "county_id")
    return render(request, "funds/plan_list.html", {"plans": plans})


@login_required
def fund_plan_detail(request, pk: int):
    plan = selectors.fund_plan_for(request.user, pk)
    if request.method == "POST":
        chosen = [int(v) for v in request.POST.getlist("projects") if v.isdigit()]
        projects = list(
            selectors.projects_visible_to(request.user).filter(pk__in=chosen, county_id=plan.county_id)
        )
        try:
            if request.POST.get("action") == "discipline":
                services.fund_plan_file_with_discipline(actor=request.user, plan=plan, on=_day(request))
            else:
                _projects, warnings = services.projects_approve(
                    actor=request.user,
                    projects=projects,
                    on=_day(request),
                    document=request.POST.get("document", ""),
                    fund_plan=plan,
                    method=request.POST.get("method", ""),
                )
                for warning in warnings:
                    messages.warning(request, warning)
            messages.success(request, "已办理。")
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, error_text(error))
        return redirect("fund-plan-detail", pk=plan.pk)
    candidates = (
        selectors.projects_visible_to(request.user)
        .filter(county_id=plan.county_id, year=plan.year, approved_on=None)
        .exclude(library_on=None)
        .order_by("number")
    )
    context = {
        "plan": plan,
        "approved": plan.projects.order_by("number"),
        "candidates": candidates,
        "can_approve": request.user.has_perm(services.APPROVE),
        "today": timezone.localdate(),
    }
    return render(request, "funds/plan_detail.html", context)


@login_required
def evaluation_list(request):
    """F-14: the counties' fund performance evaluations, their dates against 31 March / 30 April and
    the scores per unit; the leading-group office records the dates here."""
    if request.method == "POST":
        county = unit_by_code_for(request.user, request.POST.get("county", ""))
        try:
            if not request.user.has_perm(services.EVALUATE):
                raise PermissionDenied("您没有执行此操作的权限")
            if county is None:
                raise ValidationError("县代码不存在或不在您的管辖范围内")
            _evaluation, problems = services.evaluation_record(
                actor=request.user,
                county=county,
                year=ascii_int(request.POST.get("year"), max_digits=4) or 0,
                started_on=parse_day(request.POST.get("started_on")),
                finished_on=parse_day(request.POST.get("finished_on")),
                published_on=parse_day(request.POST.get("published_on")),
                allocation_note=request.POST.get("allocation_note", ""),
            )
            for problem in problems:
                messages.warning(request, problem)
            messages.success(request, "已保存。")
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, error_text(error))
        return redirect("fund-evaluations")
    evaluations = [
        (e, rules.evaluation_timing(e.year, e.started_on, e.finished_on))
        for e in selectors.evaluations_visible_to(request.user)
    ]
    context = {
        "evaluations": evaluations,
        "can_evaluate": request.user.has_perm(services.EVALUATE),
        "jurisdiction": request.user.jurisdiction_id or "",
        "last_year": timezone.localdate().year - 1,
    }
    return render(request, "funds/evaluations.html", context)
