"""Pages of the fund projects: the project library, a project with its step timeline and deadlines,
the township's "due this week". Thin: reads through the selectors, writes through the services."""

from __future__ import annotations

import datetime as dt

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
from funds.forms import (
    AdjustmentActionForm,
    AdjustmentForm,
    BeneficiaryForm,
    BenefitRecordForm,
    CooperativeForm,
    DisbursementDecisionForm,
    DisbursementRequestForm,
    DocumentForm,
    EvaluationForm,
    EvaluationScoreForm,
    FundPlanActionForm,
    NoticeForm,
    ProgressReportForm,
    ProjectForm,
    RectificationCloseForm,
    RectificationOrderForm,
    StepForm,
    form_errors,
)
from funds.models import DocumentKind, NoticeKind, RectificationReason, Stage
from funds.policy import fund_policy_for

PAGE_SIZE = 30


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
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        location = unit_by_code_for(request.user, data.pop("location"))
        if location is None:
            form.add_error("location", "实施地点代码不存在或不在您的管辖范围内")
        else:
            try:
                project, warnings = services.project_create(actor=request.user, location=location, **data)
            except PermissionDenied as error:
                form.add_error(None, error_text(error))
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                for warning in warnings:
                    messages.warning(request, warning)
                messages.success(request, "已纳入项目库。")
                return redirect("fund-project-detail", pk=project.pk)
    return render(request, "funds/project_new.html", {"form": form})


def _errors_to_form(form, error: ValidationError) -> None:
    """A service's refusal on the form: on its field when the service names one the form has."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for item in errors:
                form.add_error(target, error_text(item))
    else:
        form.add_error(None, error_text(error))


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


def _done(request, pk, action, form=None):
    """Run ``action`` when ``form`` (if any) is valid; the outcome in the page's messages."""
    if form is not None and not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("fund-project-detail", pk=pk)
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
    form = StepForm(request.POST, steps=services.STEPS)

    def act():
        data = form.cleaned_data
        result = services.project_step(
            actor=request.user, project=project, step=data["step"], on=data["on"], data=data
        )
        if isinstance(result, tuple):
            for warning in result[1]:
                messages.warning(request, warning)

    return _done(request, project.pk, act, form)


@login_required
@require_POST
def notice_add(request, pk: int):
    project = selectors.project_for(request.user, pk)
    form = NoticeForm(request.POST, request.FILES)

    def act():
        data = form.cleaned_data
        _notice, missing = services.notice_post(
            actor=request.user,
            project=project,
            kind=data["kind"],
            posted_on=data["on"],
            contents=form.contents(),
            place=data["place"],
            photo=data["photo"],
        )
        if missing:
            messages.warning(request, "公示内容不完整，缺：" + "、".join(missing))

    return _done(request, project.pk, act, form)


@login_required
@require_POST
def request_add(request, pk: int):
    project = selectors.project_for(request.user, pk)
    form = DisbursementRequestForm(request.POST)
    return _done(
        request,
        project.pk,
        lambda: services.disbursement_request(
            actor=request.user,
            project=project,
            amount=form.cleaned_data["amount"],
            on=form.cleaned_data["on"],
            progress_percent=form.cleaned_data["progress_percent"] or 0,
        ),
        form,
    )


@login_required
@require_POST
def request_decide(request, pk: int, request_id: int):
    project = selectors.project_for(request.user, pk)
    item = project.disbursement_requests.filter(pk=request_id).first()
    if item is None:
        raise Http404("请款不存在")
    form = DisbursementDecisionForm(request.POST)
    return _done(
        request,
        project.pk,
        lambda: services.disbursement_decide(
            actor=request.user,
            request=item,
            approve=form.cleaned_data["decision"] == "approve",
            on=form.cleaned_data["on"],
            reason=form.cleaned_data["reason"],
        ),
        form,
    )


@login_required
@require_POST
def report_enter(request, pk: int, report_id: int):
    project = selectors.project_for(request.user, pk)
    report = project.progress_reports.filter(pk=report_id).first()
    if report is None:
        raise Http404("进度信息不存在")
    form = ProgressReportForm(request.POST)
    return _done(
        request,
        project.pk,
        lambda: services.progress_report(
            actor=request.user,
            report=report,
            on=form.cleaned_data["on"],
            progress_percent=form.cleaned_data["progress_percent"],
            fund_use=form.cleaned_data["fund_use"],
            households_benefited=form.cleaned_data["households_benefited"] or 0,
        ),
        form,
    )


@login_required
@require_POST
def order_issue(request, pk: int):
    project = selectors.project_for(request.user, pk)
    form = RectificationOrderForm(request.POST)
    return _done(
        request,
        project.pk,
        lambda: services.rectification_order_issue(
            actor=request.user,
            project=project,
            reason=form.cleaned_data["reason"],
            on=form.cleaned_data["on"],
            details=form.cleaned_data["details"],
            due_on=form.cleaned_data["due_on"],
        ),
        form,
    )


@login_required
@require_POST
def order_close(request, pk: int, order_id: int):
    project = selectors.project_for(request.user, pk)
    order = project.rectification_orders.filter(pk=order_id).first()
    if order is None:
        raise Http404("整改通知不存在")
    form = RectificationCloseForm(request.POST)

    def act():
        close = (
            services.rectification_recover
            if form.cleaned_data["outcome"] == "recovered"
            else services.rectification_lift
        )
        close(actor=request.user, order=order, on=form.cleaned_data["on"])

    return _done(request, project.pk, act, form)


@login_required
@require_POST
def adjustment_add(request, pk: int):
    project = selectors.project_for(request.user, pk)
    form = AdjustmentForm(request.POST)
    return _done(
        request,
        project.pk,
        lambda: services.adjustment_request(
            actor=request.user,
            project=project,
            on=form.cleaned_data["on"],
            content=form.cleaned_data["content"],
        ),
        form,
    )


@login_required
@require_POST
def adjustment_approve(request, pk: int, adjustment_id: int):
    project = selectors.project_for(request.user, pk)
    adjustment = project.adjustments.filter(pk=adjustment_id).first()
    if adjustment is None:
        raise Http404("项目调整不存在")
    form = AdjustmentActionForm(request.POST)

    def act():
        action = (
            services.adjustment_file if form.cleaned_data["action"] == "file" else services.adjustment_approve
        )
        action(actor=request.user, adjustment=adjustment, on=form.cleaned_data["on"])

    return _done(request, project.pk, act, form)


@login_required
@require_POST
def document_add(request, pk: int):
    project = selectors.project_for(request.user, pk)
    form = DocumentForm(request.POST, request.FILES)
    return _done(
        request,
        project.pk,
        lambda: services.document_upload(
            actor=request.user,
            project=project,
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
            note=form.cleaned_data["note"],
        ),
        form,
    )


@login_required
@require_POST
def beneficiary_add(request, pk: int):
    project = selectors.project_for(request.user, pk)
    form = BeneficiaryForm(request.POST)
    return _done(
        request,
        project.pk,
        lambda: services.beneficiary_add(actor=request.user, project=project, **form.cleaned_data),
        form,
    )


@login_required
def project_benefits(request, pk: int):
    """F-12: a project's benefit linkage — beneficiaries and their poor share, the supported
    cooperative's member counts, and the yearly dividend and collective-income records with their
    shortfalls. The township (and the county office) enter them; everyone in the jurisdiction reads."""
    project = selectors.project_for(request.user, pk)
    can_edit = request.user.has_perm(services.APPLY)
    record_form = BenefitRecordForm(initial={"year": timezone.localdate().year - 1})
    cooperative_form = CooperativeForm(
        initial={"members": project.cooperative_members, "poor_members": project.cooperative_poor_members}
    )
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("您没有执行此操作的权限")
        if request.POST.get("form") == "cooperative":
            cooperative_form = CooperativeForm(request.POST)
            form, save = (
                cooperative_form,
                lambda data: services.project_cooperative_members_set(
                    actor=request.user,
                    project=project,
                    members=data["members"],
                    poor_members=data["poor_members"],
                )[1],
            )
        else:
            record_form = BenefitRecordForm(request.POST)
            form, save = (
                record_form,
                lambda data: [
                    message
                    for _year, message in services.benefit_record(
                        actor=request.user, project=project, **data
                    )[1]
                ],
            )
        if form.is_valid():
            try:
                problems = save(form.cleaned_data)
            except (ValidationError, PermissionDenied) as error:
                if isinstance(error, ValidationError):
                    _errors_to_form(form, error)
                else:
                    form.add_error(None, error_text(error))
            else:
                for problem in problems:
                    messages.warning(request, problem)
                messages.success(request, "已保存。")
                return redirect("fund-project-benefits", pk=project.pk)
    beneficiaries = list(project.beneficiaries.all())
    context = {
        "project": project,
        "beneficiaries": beneficiaries,
        "poor_share": rules.percent(sum(1 for b in beneficiaries if b.is_poor), len(beneficiaries)),
        "records": project.benefit_records.order_by("-year"),
        "benefit_flags": services.benefit_flags_for(project),
        "share_problems": services.share_problems_for(project),
        "cooperative": project.implementer_kind == "cooperative",
        "can_edit": can_edit,
        "record_form": record_form,
        "cooperative_form": cooperative_form,
    }
    return render(request, "funds/benefits.html", context)


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
        form = FundPlanActionForm(
            request.POST,
            candidates=selectors.projects_visible_to(request.user).filter(county_id=plan.county_id),
        )
        if not form.is_valid():
            messages.error(request, form_errors(form))
            return redirect("fund-plan-detail", pk=plan.pk)
        data = form.cleaned_data
        try:
            if data["action"] == "discipline":
                services.fund_plan_file_with_discipline(actor=request.user, plan=plan, on=data["on"])
            else:
                _projects, warnings = services.projects_approve(
                    actor=request.user,
                    projects=list(data["projects"]),
                    on=data["on"],
                    document=data["document"],
                    fund_plan=plan,
                    method=data["method"],
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
    form = EvaluationForm(
        request.POST or None,
        initial={"county": request.user.jurisdiction_id or "", "year": timezone.localdate().year - 1},
    )
    if request.method == "POST":
        if not request.user.has_perm(services.EVALUATE):
            messages.error(request, "您没有执行此操作的权限")
            return redirect("fund-evaluations")
        if form.is_valid():
            data = dict(form.cleaned_data)
            county = unit_by_code_for(request.user, data.pop("county"))
            try:
                if county is None:
                    raise ValidationError("县代码不存在或不在您的管辖范围内")
                evaluation, problems = services.evaluation_record(actor=request.user, county=county, **data)
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, error_text(error))
            else:
                for problem in problems:
                    messages.warning(request, problem)
                messages.success(request, "已保存。")
                return redirect("fund-evaluation-detail", pk=evaluation.pk)
        else:
            messages.error(request, form_errors(form))
    evaluations = [
        (e, rules.evaluation_timing(e.year, e.started_on, e.finished_on))
        for e in selectors.evaluations_visible_to(request.user)
    ]
    context = {
        "evaluations": evaluations,
        "can_evaluate": request.user.has_perm(services.EVALUATE),
        "form": form,
    }
    return render(request, "funds/evaluations.html", context)


@login_required
def evaluation_detail(request, pk: int):
    """F-14: one county's evaluation — the indicator table (profile data), each unit's scores, the
    self-evaluation reports. The county office enters and changes scores while the evaluation runs
    (from its start to its finish, never after the results are published); others read."""
    evaluation = selectors.evaluation_for(request.user, pk)
    policy = fund_policy_for(evaluation.county_id)
    today = timezone.localdate()
    window_problem = rules.evaluation_window_problem(
        evaluation.started_on, evaluation.finished_on, evaluation.published_on, today
    )
    can_score = request.user.has_perm(services.EVALUATE) and window_problem is None
    scores = list(evaluation.scores.all())
    editing = next((s for s in scores if str(s.pk) == request.GET.get("edit", "")), None)
    initial = {}
    if editing is not None:
        initial = {
            "unit_name": editing.unit_name,
            "department": editing.department,
            "bonus": editing.bonus,
            "deduction": editing.deduction,
            **{f"s_{code}": value for code, value in editing.scores.items()},
        }
    form = EvaluationScoreForm(
        request.POST or None, request.FILES or None, indicators=policy.indicators, initial=initial
    )
    if request.method == "POST":
        if not request.user.has_perm(services.EVALUATE):
            raise PermissionDenied("您没有执行此操作的权限")
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.evaluation_score(
                    actor=request.user,
                    evaluation=evaluation,
                    unit_name=data["unit_name"],
                    scores=form.scores(),
                    bonus=data["bonus"],
                    deduction=data["deduction"],
                    department=data["department"],
                    self_evaluation=data["self_evaluation"],
                    on=today,
                )
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, "已保存。")
                return redirect("fund-evaluation-detail", pk=evaluation.pk)
    context = {
        "evaluation": evaluation,
        "timing": rules.evaluation_timing(evaluation.year, evaluation.started_on, evaluation.finished_on),
        "indicators": policy.indicators,
        "rows": [
            (score, [(i["label"], score.scores.get(i["code"], "—")) for i in policy.indicators])
            for score in scores
        ],
        "form": form,
        "can_score": can_score,
        "window_problem": window_problem if request.user.has_perm(services.EVALUATE) else None,
        "editing": editing,
    }
    return render(request, "funds/evaluation_detail.html", context)
