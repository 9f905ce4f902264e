"""Pages of supervision and rectification: thin, the same services and selectors as the API."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accountability.hierarchy.selectors import UNIT_NOT_FOUND, unit_by_code_for, unit_for, units_visible_to
from accountability.models import OrganisationKind
from accountability.platform.dates import parse_day
from accountability.platform.errors import error_text
from accountability.platform.views import xlsx_response
from accountability.responsibility.selectors import (
    ID_NUMBER_NOT_FOUND,
    official_by_id_number_for,
    organisations_visible_to,
)
from inspections import reports, selectors, services
from inspections.exporters import findings_workbook
from inspections.forms import (
    AnswerForm,
    CaseForm,
    DeadlineForm,
    DecisionForm,
    EvidenceForm,
    FeedbackForm,
    FindingForm,
    PetitionFindingForm,
    PetitionForm,
    PlanForm,
    PlanItemForm,
    ReportForm,
    ResponsibleForm,
    RoundForm,
    TransferForm,
)
from inspections.models import Method
from inspections.rules import deadline_change_refusal, is_late, verification_refusal

PAGE_SIZE = 50


def _as_of(request):
    return parse_day(request.GET.get("on")) or timezone.localdate()


# --- the ledger --------------------------------------------------------------------------------


@login_required
def ledger(request):
    """The rectification ledger (整改台账) with filters; ``format=xlsx`` exports the problem list
    (``kind=list``) or the ledger (``kind=ledger``) of what the filters select."""
    as_of = _as_of(request)
    params = request.GET
    unit_code = params.get("unit", "")[:12]
    if unit_code:
        unit_for(request.user, unit_code)  # 404 outside the jurisdiction, as everywhere
    round_id = params.get("round", "")
    findings = selectors.ledger_for(
        request.user,
        as_of=as_of,
        state=params.get("state", ""),
        round_id=int(round_id) if round_id.isdigit() and len(round_id) < 18 else None,
        unit_code=unit_code,
        category=params.get("category", "")[:40],
        source=params.get("source", "")[:20],
    )
    policy = selectors.policy_for(request.user.jurisdiction_id or "", as_of)
    if params.get("format") == "xlsx":
        rows = list(selectors.with_latest_step(findings))
        kind = "list" if params.get("kind") == "list" else "ledger"
        content = findings_workbook(rows, kind=kind, user=request.user, as_of=as_of, filters=params.dict())
        return xlsx_response(content, f"{'问题清单' if kind == 'list' else '整改台账'}-{as_of:%Y%m%d}.xlsx")
    page = Paginator(findings, PAGE_SIZE).get_page(params.get("page"))
    with_labels(page, policy, as_of)
    return render(
        request,
        "inspections/ledger.html",
        {
            "page": page,
            "as_of": as_of,
            "filters": selectors.LEDGER_FILTERS,
            "state": params.get("state", ""),
            "categories": policy.categories,
            "query": params.urlencode(),
        },
    )


# --- findings ----------------------------------------------------------------------------------


@login_required
def finding_new(request):
    """The inspector records a finding, with photos (in a round: ``?round=``)."""
    round_id = request.GET.get("round", "")
    round = selectors.round_for(request.user, round_id) if round_id.isdigit() and len(round_id) < 18 else None
    policy = selectors.policy_for(request.user.jurisdiction_id or "", timezone.localdate())
    form = FindingForm(request.POST or None, request.FILES or None, categories=policy.categories, round=round)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = unit_by_code_for(request.user, data["unit"])
        if unit is None:
            form.add_error("unit", UNIT_NOT_FOUND)
        else:
            try:
                finding = services.finding_create(
                    actor=request.user,
                    number=data["number"],
                    unit=unit,
                    found_on=data["found_on"],
                    source=data["source"],
                    category=data["category"],
                    severity=data["severity"],
                    description=data["description"],
                    deadline=data["deadline"],
                    transfer_to=data["transfer_to"] or "",
                    round=round,
                    files=data["files"],
                )
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, error_text(error))
            else:
                messages.success(request, f"问题 {finding.number} 已登记，整改期限 {finding.deadline}。")
                return redirect("finding-detail", pk=finding.pk)
    return render(request, "inspections/finding_new.html", {"form": form, "round": round})


@login_required
def finding_detail(request, pk: int):
    finding = selectors.finding_for(request.user, pk)
    today = timezone.localdate()
    policy = selectors.policy_for(finding.unit_id, finding.found_on)
    user = request.user
    may_verify = user.has_perm("inspections.verify_finding") and not verification_refusal(
        verifier_code=user.jurisdiction_id, owner_code=finding.owner_id, is_superuser=user.is_superuser
    )
    context = {
        "finding": finding,
        "category_label": policy.category_label(finding.category),
        "steps": selectors.timeline_of(finding),
        "evidence": [e for e in finding.evidence.all() if e.step_id is None],
        "late": is_late(deadline=finding.deadline, closed_on=finding.closed_on, as_of=today),
        "report_form": ReportForm(),
        "decision_form": DecisionForm(),
        "transfer_form": TransferForm(),
        "case_form": CaseForm(),
        "responsible_form": ResponsibleForm(),
        "deadline_form": DeadlineForm(prefix="deadline", initial={"deadline": finding.deadline}),
        "may_set_deadline": user.has_perm("inspections.change_finding")
        and not deadline_change_refusal(
            source=finding.source,
            status=finding.status,
            actor_code=user.jurisdiction_id,
            issuer_code=finding.issuer_id,
            is_superuser=user.is_superuser,
        ),
        "evidence_form": EvidenceForm(prefix="evidence"),
        "may_add_evidence": user.has_perm("inspections.add_finding") and finding.status != "closed",
        "may_change": user.has_perm("inspections.change_finding"),
        "may_report": user.has_perm("inspections.report_rectification") and finding.status == "rectifying",
        "may_verify": may_verify,
        "verify_refusal": verification_refusal(
            verifier_code=user.jurisdiction_id, owner_code=finding.owner_id, is_superuser=user.is_superuser
        )
        if user.has_perm("inspections.verify_finding")
        else "",
        "may_transfer": user.has_perm("inspections.transfer_finding") and not finding.transfer_to,
        "may_open_case": user.has_perm("accountability.add_accountabilitycase") and not finding.case_id,
    }
    return render(request, "inspections/finding_detail.html", context)


def _done(request, pk, message: str):
    messages.success(request, message)
    return redirect("finding-detail", pk=pk)


@login_required
@require_POST
def finding_report(request, pk: int):
    finding = selectors.finding_for(request.user, pk)
    form = ReportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return redirect("finding-detail", pk=pk)
    try:
        services.rectification_report(actor=request.user, finding=finding, **form.cleaned_data)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
        return redirect("finding-detail", pk=pk)
    return _done(
        request, pk, "已申请销号，等待核验。" if form.cleaned_data["request_close"] else "整改进展已报送。"
    )


@login_required
@require_POST
def finding_decide(request, pk: int):
    finding = selectors.finding_for(request.user, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择核验结果")
        return redirect("finding-detail", pk=pk)
    service = {
        "verify": services.finding_verify,
        "reject": services.finding_reject,
        "reopen": services.finding_reopen,
    }[form.cleaned_data["decision"]]
    try:
        service(actor=request.user, finding=finding, text=form.cleaned_data["text"])
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
        return redirect("finding-detail", pk=pk)
    return _done(request, pk, "核验结果已记录。")


@login_required
@require_POST
def finding_transfer(request, pk: int):
    finding = selectors.finding_for(request.user, pk)
    form = TransferForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("请选择移交机关")
        services.finding_transfer(actor=request.user, finding=finding, **form.cleaned_data)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
        return redirect("finding-detail", pk=pk)
    return _done(request, pk, "已记录移交。")


@login_required
@require_POST
def finding_case(request, pk: int):
    finding = selectors.finding_for(request.user, pk)
    form = CaseForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("请填写问责情形和情节")
        case = services.finding_open_case(actor=request.user, finding=finding, **form.cleaned_data)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
        return redirect("finding-detail", pk=pk)
    messages.success(request, f"已立案（案件 {case.pk}）。")
    return redirect("case-detail", pk=case.pk)


@login_required
@require_POST
def finding_responsible(request, pk: int):
    finding = selectors.finding_for(request.user, pk)
    form = ResponsibleForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("请填写调整理由")
        numbers = form.numbers()
        officials = [official_by_id_number_for(request.user, n) for n in numbers]
        if any(o is None for o in officials):
            raise ValidationError(ID_NUMBER_NOT_FOUND)
        services.finding_set_responsible(
            actor=request.user,
            finding=finding,
            officials=officials if numbers else None,
            reason=form.cleaned_data["reason"],
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
        return redirect("finding-detail", pk=pk)
    return _done(request, pk, "责任人已调整。")


@login_required
@require_POST
def finding_deadline(request, pk: int):
    """Move the rectification deadline (the issuing office or above; not patrol, not closed findings)."""
    finding = selectors.finding_for(request.user, pk)
    form = DeadlineForm(request.POST, prefix="deadline")
    try:
        if not form.is_valid():
            raise ValidationError("；".join(e for errors in form.errors.values() for e in errors))
        services.finding_set_deadline(actor=request.user, finding=finding, **form.cleaned_data)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
        return redirect("finding-detail", pk=pk)
    return _done(request, pk, f"整改期限已调整为 {form.cleaned_data['deadline']}。")


@login_required
@require_POST
def finding_evidence(request, pk: int):
    """The inspector adds photos or documents to the finding itself (type, size and content checked)."""
    finding = selectors.finding_for(request.user, pk)
    form = EvidenceForm(request.POST, request.FILES, prefix="evidence")
    try:
        if not form.is_valid():
            raise ValidationError("请选择照片或文件")
        added = services.evidence_add(actor=request.user, finding=finding, files=form.cleaned_data["files"])
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
        return redirect("finding-detail", pk=pk)
    return _done(request, pk, f"已上传 {len(added)} 个佐证材料。")


@login_required
def evidence_file(request, pk: int, evidence_id: int):
    """A finding's photo or document, to those who may see the finding (404 otherwise)."""
    finding = selectors.finding_for(request.user, pk)
    evidence = next((e for e in finding.evidence.all() if e.pk == evidence_id), None)
    if evidence is None:
        raise Http404("文件不存在")
    return FileResponse(
        evidence.file.open("rb"), filename=evidence.name, as_attachment=evidence.kind != "photo"
    )


# --- rounds and plans --------------------------------------------------------------------------


@login_required
def round_list(request):
    page = Paginator(selectors.rounds_visible_to(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "inspections/round_list.html", {"page": page})


@login_required
def round_new(request):
    """Organise a supervision or patrol: the service checks the approval, the leader's rank and
    the cross-inspection rule."""
    form = RoundForm(request.POST or None, initial={"issuer": request.user.jurisdiction_id or ""})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        issuer, unit = (
            unit_by_code_for(request.user, data["issuer"]),
            unit_by_code_for(request.user, data["unit"]),
        )
        leader = official_by_id_number_for(request.user, data["leader"])
        members = [official_by_id_number_for(request.user, n) for n in form.member_numbers()]
        if issuer is None:
            form.add_error("issuer", UNIT_NOT_FOUND)
        if unit is None:
            form.add_error("unit", UNIT_NOT_FOUND)
        if leader is None:
            form.add_error("leader", ID_NUMBER_NOT_FOUND)
        if any(m is None for m in members):
            form.add_error("members", ID_NUMBER_NOT_FOUND)
        if not form.errors:
            try:
                found = services.round_create(
                    actor=request.user,
                    kind=data["kind"],
                    scope=data["scope"],
                    number=data["number"],
                    title=data["title"],
                    issuer=issuer,
                    unit=unit,
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    approved_on=data["approved_on"],
                    leader=leader,
                    leader_rank=data["leader_rank"],
                    members=members,
                    methods=data["methods"],
                )
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, error_text(error))
            else:
                messages.success(request, f"{found.get_kind_display()} {found.number} 已登记。")
                return redirect("round-detail", pk=found.pk)
    return render(request, "inspections/round_new.html", {"form": form})


@login_required
def round_detail(request, pk: int):
    round = selectors.round_for(request.user, pk)
    today = timezone.localdate()
    policy = selectors.policy_for(round.unit_id, round.starts_on)
    findings = list(selectors.ledger_for(request.user, as_of=today, round_id=round.pk))
    with_labels(findings, policy, today)
    context = {
        "round": round,
        "findings": findings,
        "members": list(round.members.select_related("official").order_by("role", "pk")),
        "methods": [Method(m).label for m in round.methods],
        "feedback_form": FeedbackForm(initial={"on": today}),
        "may_change": request.user.has_perm("inspections.change_inspectionround"),
        "may_add": request.user.has_perm("inspections.add_finding"),
    }
    return render(request, "inspections/round_detail.html", context)


@login_required
@require_POST
def round_feedback(request, pk: int):
    round = selectors.round_for(request.user, pk)
    form = FeedbackForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("请填写反馈日期")
        services.round_feedback(actor=request.user, round=round, on=form.cleaned_data["on"])
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "反馈日期已记录，巡查问题的整改期限已按反馈日期计算。")
    return redirect("round-detail", pk=pk)


@login_required
def round_report(request, pk: int):
    """POST: generate the written report (docx) from the round's findings; GET: download it."""
    round = selectors.round_for(request.user, pk)
    if request.method == "POST":
        try:
            reports.round_report_generate(actor=request.user, round=round)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, "书面报告已生成。")
        return redirect("round-detail", pk=pk)
    if not round.report:
        raise Http404("尚未生成书面报告")
    return FileResponse(round.report.open("rb"), filename=f"{round.number}-书面报告.docx", as_attachment=True)


@login_required
def plan_list(request):
    plans = selectors.plans_visible_to(request.user).order_by("-year", "unit_id")
    form = PlanForm(
        request.POST or None,
        initial={"unit": request.user.jurisdiction_id or "", "year": timezone.localdate().year},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = unit_by_code_for(request.user, data.pop("unit"))
        if unit is None:
            form.add_error("unit", UNIT_NOT_FOUND)
        else:
            try:
                plan = services.plan_create(actor=request.user, unit=unit, **data)
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, error_text(error))
            else:
                return redirect("plan-detail", pk=plan.pk)
    return render(
        request,
        "inspections/plan_list.html",
        {"plans": plans, "form": form, "may_add": request.user.has_perm("inspections.add_supervisionplan")},
    )


@login_required
def plan_detail(request, pk: int):
    """The plan with its coverage: which counties and helping units have had their comprehensive
    supervision this year, and which are not yet covered; items are added here."""
    plan = selectors.plan_for(request.user, pk)
    counties = list(units_visible_to(request.user).filter(level="county", code__startswith=plan.unit.prefix))
    helping_units = list(
        organisations_visible_to(request.user)
        .filter(kind=OrganisationKind.HELPING_UNIT, unit__code__startswith=plan.unit.prefix)
        .order_by("name", "pk")
    )
    form = PlanItemForm(request.POST or None, counties=counties, helping_units=helping_units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen, chosen_units = set(data.pop("counties")), set(data.pop("helping_units"))
        try:
            services.plan_item_add(
                actor=request.user,
                plan=plan,
                counties=[c for c in counties if c.code in chosen],
                helping_units=[o for o in helping_units if str(o.pk) in chosen_units],
                **data,
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, "督查事项已增加。")
            return redirect("plan-detail", pk=pk)
    coverage = selectors.plan_coverage_for(request.user, plan, timezone.localdate())
    items = plan.items.prefetch_related("counties", "helping_units").order_by("starts_on", "pk")
    return render(
        request,
        "inspections/plan_detail.html",
        {
            "plan": plan,
            "coverage": coverage,
            "items": items,
            "form": form,
            "may_change": request.user.has_perm("inspections.add_supervisionplan"),
        },
    )


# --- disclosure, petitions ---------------------------------------------------------------------


@login_required
def disclosure(request):
    """Closed findings and their rectification per county, without personal data (seed 003 Art. 18)."""
    counties = units_visible_to(request.user).filter(level="county").order_by("code")
    code = request.GET.get("county", "")[:12]
    county = unit_for(request.user, code) if code else None
    findings = list(selectors.disclosed_findings(county)[:500]) if county is not None else []
    if county is not None:
        policy = selectors.policy_for(county.code, timezone.localdate())
        for f in findings:
            f.category_label = policy.category_label(f.category)
    return render(
        request, "inspections/disclosure.html", {"counties": counties, "county": county, "findings": findings}
    )


@login_required
def petition_list(request):
    form = PetitionForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = unit_by_code_for(request.user, data.pop("unit"))
        handler_number = data.pop("handler")
        handler = official_by_id_number_for(request.user, handler_number) if handler_number else None
        if unit is None:
            form.add_error("unit", UNIT_NOT_FOUND)
        elif handler_number and handler is None:
            form.add_error("handler", ID_NUMBER_NOT_FOUND)
        else:
            try:
                petition = services.petition_create(actor=request.user, unit=unit, handler=handler, **data)
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, error_text(error))
            else:
                messages.success(request, f"信访举报 {petition.number} 已登记。")
                return redirect("petition-detail", pk=petition.pk)
    page = Paginator(selectors.petitions_visible_to(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "inspections/petition_list.html",
        {
            "page": page,
            "form": form,
            "today": timezone.localdate(),
            "may_add": request.user.has_perm("inspections.add_petition"),
        },
    )


@login_required
def petition_detail(request, pk: int):
    petition = selectors.petition_for(request.user, pk)
    policy = selectors.policy_for(petition.unit_id, petition.received_on)
    to_finding = request.method == "POST" and request.POST.get("action") == "finding"
    finding_form = PetitionFindingForm(request.POST if to_finding else None, categories=policy.categories)
    form = AnswerForm(request.POST if request.method == "POST" and not to_finding else None)
    if to_finding and finding_form.is_valid():
        try:
            found = services.petition_to_finding(
                actor=request.user, petition=petition, **finding_form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, f"已形成问题 {found.number}。")
            return redirect("finding-detail", pk=found.pk)
    elif request.method == "POST" and not to_finding and form.is_valid():
        try:
            services.petition_answer(actor=request.user, petition=petition, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, "答复已记录。")
            return redirect("petition-detail", pk=pk)
    return render(
        request,
        "inspections/petition_detail.html",
        {"petition": petition, "form": form, "finding_form": finding_form},
    )


def unit_section(user, unit) -> dict:
    """The unit page's section: the unit's open problems (its own and below), with a link to the ledger."""
    if not user.has_perm("inspections.view_finding"):
        return {}
    today = timezone.localdate()
    findings = list(selectors.open_findings_of_unit(user, unit)[:20])
    with_labels(findings, selectors.policy_for(unit.code, today), today)
    return {"unit": unit, "findings": findings, "today": today}


def with_labels(findings, policy, as_of) -> None:
    """What the finding rows show besides the row: late or not on ``as_of``, the category's label."""
    for f in findings:
        f.late = is_late(deadline=f.deadline, closed_on=f.closed_on, as_of=as_of)
        f.category_label = policy.category_label(f.category)
