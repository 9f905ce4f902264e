"""Writes of the fund-project lifecycle (seed 002 §一–§五, §七–§九).

Every service is keyword-only, takes the acting user, checks the permission and the jurisdiction,
runs in one transaction under a history context, and refuses with a Chinese ValidationError what
the seed forbids. Rules themselves are pure functions in funds/rules.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q

from accountability.access.guards import require_in_jurisdiction, require_permission
from accountability.models import AdminLevel, AdminUnit, User
from accountability.platform.history import history_context
from accountability.platform.idnumbers import id_number_problem, normalise
from accountability.platform.notifications import notifications_send
from accountability.policy.calendar import add_working_days
from funds import rules
from funds.models import (
    Acceptance,
    Adjustment,
    ApplicantBar,
    ArchiveDocument,
    Beneficiary,
    BenefitRecord,
    DisbursementRequest,
    EvaluationScore,
    FundPlan,
    NoticeKind,
    PerformanceEvaluation,
    ProgressReport,
    Project,
    ProjectCategory,
    ProjectNotice,
    RectificationOrder,
    RectificationOutcome,
    ReportTrigger,
    RequestStatus,
    Stage,
)
from funds.policy import fund_policy_for, fund_policy_versions
from funds.selectors import disbursement_blocked, statuses, with_steps

APPLY = "funds.apply_project"
APPROVE = "funds.approve_project"
EVALUATE = "funds.evaluate_funds"

STEP_FIELDS = tuple(name for name, _label, _required in rules.STEP_ORDER)


def _refuse(message: str, field: str | None = None):
    raise ValidationError({field: message} if field else message)


def _check(actor, permission: str, project: Project | None = None, code: str | None = None) -> None:
    require_permission(actor, permission)
    if project is not None:
        require_in_jurisdiction(actor, project.location_id)
    if code is not None:
        require_in_jurisdiction(actor, code)


def _dates(project: Project) -> dict[str, dt.date | None]:
    return {name: getattr(project, name) for name in STEP_FIELDS}


def stage_of(project: Project) -> str:
    """The stage a project's dates and acceptance put it in (C2-08: each project shows where it stands)."""
    if project.stage == Stage.WITHDRAWN:
        return Stage.WITHDRAWN
    if project.handed_over_on:
        return Stage.HANDED_OVER
    if project.accepted_on and project.acceptance_grade in ("excellent", "pass"):
        return Stage.ACCEPTED
    if project.accepted_on and project.acceptance_grade == "fail":
        return Stage.ACCEPTANCE_FAILED
    for name, stage in (
        ("completed_on", Stage.COMPLETED),
        ("started_on", Stage.STARTED),
        ("filed_on", Stage.FILED),
        ("plan_approved_on", Stage.PLAN_APPROVED),
        ("plan_submitted_on", Stage.PLAN_SUBMITTED),
        ("approved_on", Stage.APPROVED),
        ("applied_on", Stage.APPLIED),
    ):
        if getattr(project, name):
            return stage
    return Stage.LIBRARY


def _save(project: Project, *fields: str) -> Project:
    project.stage = stage_of(project)
    project.save(update_fields=[*fields, "stage", "updated_at"])
    return project


def _step(project: Project, step: str, on: dt.date) -> None:
    if project.stage == Stage.WITHDRAWN:
        _refuse("项目已撤销")
    problem = rules.next_step_problem(_dates(project), step, on)
    if problem:
        _refuse(problem)


def bar_for(township_code: str, applicant: str, year: int) -> ApplicantBar | None:
    """F-4: the bar on an applicant (township and applicant name) in ``year``, if any."""
    return (
        ApplicantBar.objects.filter(township_id=township_code, first_year__lte=year, last_year__gte=year)
        .filter(Q(applicant=applicant) | Q(applicant=""))
        .first()
    )


def duplicate_of(*, content: str, county: str, exclude_pk=None) -> Project | None:
    """F-4: another project of the county's library with the same construction content
    (continuations excepted). Only the county's own library is compared: a project applies to its
    county, and another county's projects are not named to the user (no existence oracle)."""
    key = rules.content_key(content)
    if not key:
        return None
    others = Project.objects.filter(content_key=key, county_id=county).exclude(stage=Stage.WITHDRAWN)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    return others.order_by("year", "pk").first()


def location_problem(unit: AdminUnit | None) -> str | None:
    if unit is None:
        return "实施地点代码不存在"
    if unit.level not in (AdminLevel.VILLAGE, AdminLevel.TOWNSHIP):
        return f"实施地点须为村或乡镇，{unit.name}（{unit.code}）是{AdminLevel(unit.level).label}级"
    return None


def township_and_county(unit: AdminUnit) -> tuple[str, str]:
    codes = [*unit.ancestor_codes(), unit.code]
    by_level = dict(zip(["city", "county", "township", "village"], codes, strict=False))
    return by_level["township"], by_level["county"]


def project_problems(data: Mapping, *, county: str, exclude_pk=None) -> list[tuple[str, str]]:
    """Checks of a library entry shared by the form, the API and the import: F-4 duplicate and
    bar, C2-16 household application, F-6 is a warning (``construction_warning``)."""
    problems = []
    subsidy = data.get("subsidy")
    if subsidy is not None and subsidy < 0:
        problems.append(("subsidy", "财政补助资金不能为负数"))
    id_number = data.get("person_responsible_id_number") or ""
    if id_number:
        problem = id_number_problem(id_number)
        if problem:
            problems.append(("person_responsible_id_number", f"项目负责人证件号码{problem}"))
    start, end = data.get("planned_start"), data.get("planned_end")
    if start and end and end < start:
        problems.append(("planned_end", f"计划完工日期 {end} 早于计划开工日期 {start}"))
    if not data.get("is_continuation"):
        other = duplicate_of(
            content=data.get("construction_content") or "", county=county, exclude_pk=exclude_pk
        )
        if other is not None:
            problems.append(
                (
                    "construction_content",
                    f"建设内容与项目 {other.number}（{other.name}，{other.year} 年）相同，不得重复申报"
                    "（续建项目请标明“续建项目”）",
                )
            )
    if data.get("household_project") and not (data.get("household_applications") or "").strip():
        problems.append(("household_applications", "到户项目须有贫困户申请（由乡镇代为录入）"))
    return problems


@transaction.atomic
def project_create(
    *,
    actor,
    number: str,
    name: str,
    year: int,
    category: ProjectCategory,
    use: str,
    location: AdminUnit,
    implementer: str,
    construction_content: str,
    subsidy: Decimal,
    library_on: dt.date,
    **extra,
) -> tuple[Project, list[str]]:
    """Enter a project in the county's project library (C2-03). Returns the project and warnings."""
    problem = location_problem(location)
    if problem:
        _refuse(problem, "location")
    require_permission(actor, APPLY if not actor.has_perm(APPROVE) else APPROVE)
    require_in_jurisdiction(actor, location.code)
    township, county = township_and_county(location)
    # numbers are unique in the county's library only: another county's numbers are not looked at
    if Project.objects.filter(county_id=county, number=number).exists():
        _refuse(f"项目编号 {number} 在本县项目库中已存在", "number")
    data = {"construction_content": construction_content, "subsidy": subsidy, **extra}
    problems = project_problems(data, county=county)
    if problems:
        raise ValidationError({field: message for field, message in problems})
    applicant = extra.get("applicant", "")
    bar = bar_for(township, applicant, year)
    if bar is not None:
        _refuse(
            f"申报单位 {bar.applicant or township} 因项目 {bar.project.number} 查实{bar.reason}，"
            f"{bar.first_year}–{bar.last_year} 年不得申报"
        )
    if extra.get("person_responsible_id_number"):
        extra["person_responsible_id_number"] = normalise(extra["person_responsible_id_number"])
    with history_context(actor=actor, reason="项目入库"):
        project = Project(
            number=number,
            name=name,
            year=year,
            category=category,
            use=use,
            location=location,
            township_id=township,
            county_id=county,
            implementer=implementer,
            construction_content=construction_content,
            content_key=rules.content_key(construction_content),
            subsidy=subsidy,
            library_on=library_on,
            **extra,
        )
        project.full_clean(exclude=["content_key"])
        project.stage = stage_of(project)
        project.save()
    policy = fund_policy_for(location.code, library_on)
    warning = rules.construction_warning(
        project.planned_start, project.planned_end, policy.construction_months
    )
    return project, [warning] if warning else []


@transaction.atomic
def project_apply(*, actor, project: Project, on: dt.date, applicant: str = "") -> Project:
    """The township's application (申报建议书) of a project picked from the library (C2-06)."""
    _check(actor, APPLY, project)
    _step(project, "applied_on", on)
    applicant = applicant or project.applicant
    bar = bar_for(project.township_id, applicant, project.year)
    if bar is not None:
        _refuse(
            f"申报单位因项目 {bar.project.number} 查实{bar.reason}，"
            f"{bar.first_year}–{bar.last_year} 年不得申报"
        )
    with history_context(actor=actor, reason="项目申报"):
        project.applied_on, project.applicant = on, applicant
        return _save(project, "applied_on", "applicant")


#: The one-off steps that only record their date: the project's date field → (who takes it, the
#: reason in the history). Their order and prerequisites are ``rules.STEP_ORDER``'s.
DATE_STEPS: dict[str, tuple[str, str]] = {
    "assessed_on": (APPROVE, "立项评估"),  # C2-07 the poverty office's 立项评估意见
    "plan_submitted_on": (APPLY, "报送实施方案"),  # C2-12 the applicant submits the plan
    "filed_on": (APPLY, "项目备案"),  # C2-18 filed up the levels after the plan approval
    "started_on": (APPLY, "项目开工"),
    "completed_on": (APPLY, "项目完工"),
}


@transaction.atomic
def project_date_step(*, actor, project: Project, field: str, on: dt.date) -> Project:
    """Take one of ``DATE_STEPS`` on ``on``: permission, jurisdiction, order, then the date."""
    if field not in DATE_STEPS:
        _refuse(f"未知的步骤：{field}")
    if on is None:
        _refuse(f"请填写{rules.STEP_LABELS[field]}日期", "on")
    permission, reason = DATE_STEPS[field]
    _check(actor, permission, project)
    _step(project, field, on)
    with history_context(actor=actor, reason=reason):
        setattr(project, field, on)
        return _save(project, field)


def project_assess(*, actor, project: Project, on: dt.date) -> Project:
    """The poverty office's 立项评估意见 after review or site survey (C2-07)."""
    return project_date_step(actor=actor, project=project, field="assessed_on", on=on)


@transaction.atomic
def projects_approve(
    *,
    actor,
    projects: Iterable[Project],
    on: dt.date,
    document: str = "",
    fund_plan: FundPlan | None = None,
    method: str = "",
) -> tuple[list[Project], list[str]]:
    """The leading group's approval (立项) of the selected projects, all at once (C2-11: the county
    issues all approvals of one fund plan in one go). F-1: only projects in the library. F-6 warns."""
    require_permission(actor, APPROVE)
    projects = list(projects)
    if not projects:
        _refuse("请选择要立项的项目")
    if fund_plan is not None:
        require_in_jurisdiction(actor, fund_plan.county_id)
        if fund_plan.approvals_issued_on is not None:
            _refuse(
                f"资金计划“{fund_plan.name}”的立项批复已于 {fund_plan.approvals_issued_on} 一次性下达，"
                f"不能再次下达"
            )
        if fund_plan.issued_on and on < fund_plan.issued_on:
            _refuse(f"立项日期 {on} 早于省级资金计划下达日期 {fund_plan.issued_on}")
    warnings, errors = [], []
    for project in projects:
        require_in_jurisdiction(actor, project.location_id)
        if project.library_on is None:
            errors.append(f"项目 {project.number} 未纳入项目库，不能立项（F-1）")
            continue
        if fund_plan is not None and project.county_id != fund_plan.county_id:
            errors.append(f"项目 {project.number} 不属于资金计划所在县")
            continue
        problem = rules.next_step_problem(_dates(project), "approved_on", on)
        if problem:
            errors.append(f"项目 {project.number}：{problem}")
            continue
        bar = bar_for(project.township_id, project.applicant, project.year)
        if bar is not None:
            errors.append(
                f"项目 {project.number} 的申报单位 {bar.first_year}–{bar.last_year} 年不得申报"
                f"（{bar.reason}）"
            )
            continue
        policy = fund_policy_for(project.location_id, on)
        warning = rules.construction_warning(
            project.planned_start, project.planned_end, policy.construction_months
        )
        if warning:
            warnings.append(f"项目 {project.number}：{warning}")
    if errors:
        raise ValidationError(errors)
    with history_context(actor=actor, reason="立项批复"):
        for project in projects:
            project.approved_on, project.approval_document = on, document
            project.fund_plan = fund_plan or project.fund_plan
            if method:
                project.selection_method = method
            _save(project, "approved_on", "approval_document", "fund_plan", "selection_method")
        if fund_plan is not None:
            fund_plan.approvals_issued_on = on
            fund_plan.save(update_fields=["approvals_issued_on"])
    return projects, warnings


@transaction.atomic
def plan_submit(*, actor, project: Project, on: dt.date, budget_lines=None) -> Project:
    """The applicant submits the implementation plan after approval (C2-12), with its budget lines
    (F-11: the lines reimbursements are matched to; funds/ledger/services.plan_budget_lines_set)."""
    project = project_date_step(actor=actor, project=project, field="plan_submitted_on", on=on)
    if budget_lines:
        from funds.ledger.services import plan_budget_lines_set

        plan_budget_lines_set(actor=actor, project=project, lines=budget_lines)
    return project


@transaction.atomic
def plan_approve(*, actor, project: Project, on: dt.date, review: str, release_funds: bool = True) -> Project:
    """The county approves the plan after the review the subsidy requires (F-2: expert review at or
    above the threshold, office review below) and, with finance, releases the funds (C2-13)."""
    _check(actor, APPROVE, project)
    _step(project, "plan_approved_on", on)
    policy = fund_policy_for(project.location_id, on)
    required = rules.required_review(project.subsidy, policy.expert_review_threshold)
    if review != required:
        if required == "expert":
            _refuse(
                f"财政补助资金 {project.subsidy} 元达到 {policy.expert_review_threshold} 元，"
                f"实施方案须经专家评审"
            )
        _refuse(
            f"财政补助资金 {project.subsidy} 元低于 {policy.expert_review_threshold} 元，"
            f"实施方案由县扶贫办审查"
        )
    with history_context(actor=actor, reason="批复实施方案"):
        project.plan_approved_on, project.plan_review = on, review
        if release_funds:
            project.funds_released_on = on
        return _save(project, "plan_approved_on", "plan_review", "funds_released_on")


@transaction.atomic
def funds_release(*, actor, project: Project, on: dt.date) -> Project:
    _check(actor, APPROVE, project)
    if project.plan_approved_on is None:
        _refuse("实施方案批复后才能下达资金")
    if on < project.plan_approved_on:
        _refuse(f"资金下达日期 {on} 早于实施方案批复日期 {project.plan_approved_on}")
    with history_context(actor=actor, reason="下达资金"):
        project.funds_released_on = on
        return _save(project, "funds_released_on")


def project_file(*, actor, project: Project, on: dt.date) -> Project:
    """The implementing unit files the project up the levels after the plan approval (C2-18)."""
    return project_date_step(actor=actor, project=project, field="filed_on", on=on)


def project_start(*, actor, project: Project, on: dt.date) -> Project:
    return project_date_step(actor=actor, project=project, field="started_on", on=on)


def project_complete(*, actor, project: Project, on: dt.date) -> Project:
    return project_date_step(actor=actor, project=project, field="completed_on", on=on)


@transaction.atomic
def notice_post(
    *,
    actor,
    project: Project,
    kind: str,
    posted_on: dt.date,
    contents: Mapping[str, str],
    place: str = "",
    photo=None,
    comments: str = "",
) -> tuple[ProjectNotice, list[str]]:
    """Record a public notice (F-7). The approval notice follows the approval (county office); the
    board follows the start on site (implementing unit) and needs its photo. Returns what it lacks."""
    if kind == NoticeKind.APPROVAL:
        _check(actor, APPROVE, project)
        if project.approved_on is None or posted_on < project.approved_on:
            _refuse("立项公告须在立项之后发布")
    elif kind == NoticeKind.SITE:
        _check(actor, APPLY, project)
        if project.started_on is None:
            _refuse("项目公示牌须在项目开工后设立（开工日期未记录）")
        if posted_on < project.started_on:
            _refuse(f"公示日期 {posted_on} 早于开工日期 {project.started_on}")
    else:
        _refuse("公告类型无效")
    contents = {
        name: str(value).strip() for name, value in contents.items() if name in rules.NOTICE_FIELDS[kind]
    }
    if photo is not None:
        _check_upload(photo)
    with history_context(actor=actor, reason="项目公告公示"):
        notice = ProjectNotice(
            project=project,
            kind=kind,
            posted_on=posted_on,
            contents=contents,
            place=place,
            comments=comments,
            recorded_by=actor,
        )
        if photo is not None:
            notice.photo = photo
        notice.full_clean()
        notice.save()
    return notice, rules.notice_missing(kind, contents, bool(notice.photo))


def _check_upload(upload) -> None:
    size = getattr(upload, "size", 0) or 0
    if size > rules.MAX_DOCUMENT_BYTES:
        _refuse(
            f"文件 {upload.name} 大小 {size // 1024 // 1024} MB，"
            f"超过 {rules.MAX_DOCUMENT_BYTES // 1024 // 1024} MB"
        )
    if size == 0:
        _refuse(f"文件 {getattr(upload, 'name', '')} 是空文件")


# --- disbursement requests and progress ----------------------------------------------------------


@transaction.atomic
def disbursement_request(
    *, actor, project: Project, amount: Decimal, on: dt.date, progress_percent: int = 0
) -> DisbursementRequest:
    """The implementing unit requests funds (请款). Refused while disbursement is blocked (F-5)."""
    _check(actor, APPLY, project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    blocked = disbursement_blocked(project)
    if blocked:
        _refuse(blocked)
    if amount is None or amount <= 0:
        _refuse("申请金额须大于 0", "amount")
    if not 0 <= progress_percent <= 100:
        _refuse("工程进度须在 0 至 100 之间", "progress_percent")
    if on < project.plan_approved_on:
        _refuse(f"请款日期 {on} 早于实施方案批复日期 {project.plan_approved_on}")
    if project.disbursement_requests.filter(status=RequestStatus.REQUESTED).exists():
        _refuse("该项目还有未审批的请款")
    sequence = (project.disbursement_requests.aggregate(m=Max("sequence"))["m"] or 0) + 1
    with history_context(actor=actor, reason="请款"):
        return DisbursementRequest.objects.create(
            project=project,
            sequence=sequence,
            amount=amount,
            progress_percent=progress_percent,
            requested_on=on,
            requested_by=actor,
        )


@transaction.atomic
def disbursement_decide(
    *, actor, request: DisbursementRequest, approve: bool, on: dt.date, reason: str = ""
) -> DisbursementRequest:
    """The county approves (and pays, the ledger books it) or refuses a request. An approval is
    refused while disbursement is blocked; a paid request opens the information entry due N working
    days later (C2-33)."""
    request = DisbursementRequest.objects.select_for_update().select_related("project").get(pk=request.pk)
    project = request.project
    _check(actor, APPROVE, project)
    if request.status != RequestStatus.REQUESTED:
        _refuse(f"该请款已{request.get_status_display()}")
    if on < request.requested_on:
        _refuse(f"审批日期 {on} 早于申请日期 {request.requested_on}")
    if approve:
        blocked = disbursement_blocked(project)
        if blocked:
            _refuse(blocked)
    elif not reason.strip():
        _refuse("不予拨付须说明原因", "reason")
    with history_context(actor=actor, reason="审批请款"):
        request.status = RequestStatus.APPROVED if approve else RequestStatus.REFUSED
        request.decided_on, request.decided_by, request.reason = on, actor, reason.strip()
        if approve:
            request.paid_on = on
        request.save()
        if approve:
            ProgressReport.objects.create(
                project=project,
                trigger=ReportTrigger.DISBURSEMENT,
                event_on=on,
                progress_percent=request.progress_percent,
            )
    return request


@transaction.atomic
def reimbursement_recorded(*, actor, project: Project, on: dt.date) -> ProgressReport:
    """A reimbursement (报账) happened (the ledger calls this): opens the information entry due N
    working days later (C2-33: after each disbursement *or* reimbursement). Refused while blocked."""
    _check(actor, APPLY, project)
    blocked = disbursement_blocked(project)
    if blocked:
        _refuse(blocked)
    with history_context(actor=actor, reason="报账"):
        return ProgressReport.objects.create(
            project=project, trigger=ReportTrigger.REIMBURSEMENT, event_on=on
        )


@transaction.atomic
def progress_report(
    *,
    actor,
    report: ProgressReport,
    on: dt.date,
    progress_percent: int,
    fund_use: str,
    households_benefited: int = 0,
    note: str = "",
) -> ProgressReport:
    """The implementing unit enters location, progress, fund use and household benefit (C2-33)."""
    report = ProgressReport.objects.select_for_update().select_related("project").get(pk=report.pk)
    _check(actor, APPLY, report.project)
    if report.reported_on is not None:
        _refuse(f"该次信息已于 {report.reported_on} 录入")
    if on < report.event_on:
        _refuse(f"录入日期 {on} 早于{report.get_trigger_display().rstrip('后')}日期 {report.event_on}")
    if not 0 <= progress_percent <= 100:
        _refuse("工程进度须在 0 至 100 之间", "progress_percent")
    if not fund_use.strip():
        _refuse("请填写资金使用情况", "fund_use")
    with history_context(actor=actor, reason="录入项目进度"):
        report.reported_on, report.progress_percent = on, progress_percent
        report.fund_use, report.households_benefited, report.note = (
            fund_use.strip(),
            households_benefited,
            note,
        )
        report.recorded_by = actor
        report.save()
    return report


# --- adjustments and rectification (F-5) --------------------------------------------------------


@transaction.atomic
def adjustment_request(*, actor, project: Project, on: dt.date, content: str) -> Adjustment:
    """A change to the plan, through the original approval and filing, only within the months
    after fund release (F-5: 「资金下达后3个月内」, the last day included)."""
    _check(actor, APPLY, project)
    if project.funds_released_on is None:
        _refuse("资金下达前无需调整，请修改实施方案")
    policy = fund_policy_for(project.location_id, on)
    deadline = rules.adjustment_deadline(project.funds_released_on, policy.adjustment_months)
    if on > deadline:
        _refuse(
            f"项目调整须在资金下达（{project.funds_released_on}）后 {policy.adjustment_months} 个月内完成，"
            f"即 {deadline} 前；现已超期"
        )
    if not content.strip():
        _refuse("请填写调整内容", "content")
    with history_context(actor=actor, reason="申请项目调整"):
        return Adjustment.objects.create(
            project=project, requested_on=on, content=content.strip(), recorded_by=actor
        )


@transaction.atomic
def adjustment_approve(*, actor, adjustment: Adjustment, on: dt.date) -> Adjustment:
    project = adjustment.project
    _check(actor, APPROVE, project)
    if adjustment.approved_on is not None:
        _refuse("该调整已批复")
    policy = fund_policy_for(project.location_id, on)
    deadline = rules.adjustment_deadline(project.funds_released_on, policy.adjustment_months)
    if on < adjustment.requested_on:
        _refuse(f"批复日期 {on} 早于申请日期 {adjustment.requested_on}")
    if on > deadline:
        _refuse(f"项目调整须在 {deadline} 前完成审批和备案，现已超期")
    with history_context(actor=actor, reason="批复项目调整"):
        adjustment.approved_on = on
        adjustment.save(update_fields=["approved_on"])
    return adjustment


@transaction.atomic
def adjustment_file(*, actor, adjustment: Adjustment, on: dt.date) -> Adjustment:
    project = adjustment.project
    _check(actor, APPLY, project)
    if adjustment.approved_on is None:
        _refuse("调整批复后才能备案")
    if on < adjustment.approved_on:
        _refuse(f"备案日期 {on} 早于批复日期 {adjustment.approved_on}")
    with history_context(actor=actor, reason="项目调整备案"):
        adjustment.filed_on = on
        adjustment.save(update_fields=["filed_on"])
    return adjustment


@transaction.atomic
def rectification_order_issue(
    *, actor, project: Project, reason: str, on: dt.date, details: str = "", due_on: dt.date | None = None
) -> RectificationOrder:
    """限期整改 (C2-23, C2-34): stops disbursement and reimbursement until lifted. The deadline
    defaults to the profile's working days after the order."""
    _check(actor, APPROVE, project)
    if reason not in {choice for choice, _label in RectificationOrder._meta.get_field("reason").choices}:
        _refuse("整改原因无效", "reason")
    if due_on is None:
        policy = fund_policy_for(project.location_id, on)
        due_on = add_working_days(on, policy.rectification_days)
        if due_on is None:
            _refuse(f"工作日历缺少 {on.year} 年之后的数据，无法计算整改期限；请指定整改期限或先补充工作日历")
    if due_on < on:
        _refuse("整改期限不能早于下达日期", "due_on")
    with history_context(actor=actor, reason="下达整改通知"):
        return RectificationOrder.objects.create(
            project=project, reason=reason, details=details, issued_on=on, due_on=due_on, issued_by=actor
        )


def _automatic_causes(status, policy, as_of: dt.date) -> list[rules.RectificationCause]:
    """The causes the nightly rule finds for one project (its deadlines and benefit records loaded)."""
    project = status.project
    completion = next((d for d in status.deadlines if d.code == "completion"), None)
    entries = [
        (d.due, d.late_by, d.detail or d.label)
        for d in status.deadlines
        if d.code == "progress_entry" and d.done is None and d.due is not None
    ]
    collective = policy.collective_income_minimum if project.implementer_kind == "collective" else None
    flags = rules.benefit_flags(
        [
            rules.BenefitYear(r.year, r.invested, r.dividend, r.collective_income_increase)
            for r in project.benefit_records.all()
        ],
        dividend_minimum_percent=policy.dividend_minimum_percent,
        collective_minimum=collective,
    )
    return rules.rectification_causes(
        as_of=as_of,
        completed_on=project.completed_on,
        planned_end=project.planned_end,
        completion_due=completion.due if completion else None,
        entries=entries,
        shortfall_years=[year for year, _message in flags if year < as_of.year],
        behind_plan_days=policy.rectify_behind_plan_days,
        not_reporting_days=policy.rectify_not_reporting_days,
        shortfall_year_count=policy.rectify_shortfall_years,
    )


@transaction.atomic
def rectification_orders_issue_due(*, as_of: dt.date, root: str = "") -> list[RectificationOrder]:
    """The nightly rule of F-5 (C2-23, C2-34): a project behind plan, not reporting after a
    disbursement or reimbursement, or performing badly (benefit-linkage shortfalls) gets a
    rectification order by itself — which stops disbursement and reimbursement until lifted. The
    thresholds are the policy profile's (``rectify_*``; None: that cause is not automatic).

    Idempotent: one order per project, reason and cause date (a database constraint), and none while
    an order of the same reason is still open. Only projects whose plan is approved (funds may flow);
    withdrawn and false projects are left alone (they get nothing anyway). Returns the new orders."""
    projects = (
        Project.objects.filter(location__code__startswith=root)
        .exclude(plan_approved_on=None)
        .exclude(stage=Stage.WITHDRAWN)
        .filter(found_false="")
        .select_related("fund_plan")
        .prefetch_related("benefit_records")
    )
    loaded = list(with_steps(projects))
    if not loaded:
        return []
    done = set(
        RectificationOrder.objects.filter(project__in=loaded, automatic=True).values_list(
            "project_id", "reason", "cause_on"
        )
    )
    open_reasons = set(
        RectificationOrder.objects.filter(project__in=loaded, outcome=RectificationOutcome.OPEN).values_list(
            "project_id", "reason"
        )
    )
    versions = fund_policy_versions()
    new: list[RectificationOrder] = []
    for status in statuses(loaded, as_of):
        project = status.project
        policy = fund_policy_for(project.location_id, as_of, versions)
        for cause in _automatic_causes(status, policy, as_of):
            key = (project.pk, cause.reason)
            if (*key, cause.cause_on) in done or key in open_reasons:
                continue
            open_reasons.add(key)
            new.append(
                RectificationOrder(
                    project=project,
                    reason=cause.reason,
                    details=f"按规则自动下达：{cause.details}",
                    issued_on=as_of,
                    due_on=add_working_days(as_of, policy.rectification_days),
                    automatic=True,
                    cause_on=cause.cause_on,
                )
            )
    if new:
        with history_context(actor=None, reason="按规则自动下达整改通知（F-5）"):
            for order in new:
                order.save()
        _notify_orders(new)
    return new


def _notify_orders(orders: list[RectificationOrder]) -> None:
    """The project's township (who applies and reports) and its county office (who lifts the order)
    read each automatic order in their inbox: disbursement and reimbursement are stopped."""
    codes = {
        code
        for order in orders
        for code in (order.project.location_id, order.project.township_id, order.project.county_id)
    }
    users = list(
        User.objects.filter(
            is_active=True,
            jurisdiction_id__in=codes,
            groups__permissions__content_type__app_label="funds",
            groups__permissions__codename__in=["apply_project", "approve_project"],
        ).distinct()
    )
    for order in orders:
        project = order.project
        place = {project.location_id, project.township_id, project.county_id}
        recipients = [user for user in users if user.jurisdiction_id in place]
        notifications_send(
            recipients=recipients,
            kind="fund_rectification_order",
            dedupe_key=f"fund-rectification:{order.pk}",
            link=f"/funds/{project.pk}/",
            messages={
                user.pk: (
                    f"整改通知：{project.name}（{project.number}）",
                    f"{order.get_reason_display()}。{order.details}。整改期限 {order.due_on or '待定'}，"
                    "整改解除前暂停拨款和报账。",
                )
                for user in recipients
            },
        )


@transaction.atomic
def rectification_lift(*, actor, order: RectificationOrder, on: dt.date) -> RectificationOrder:
    _check(actor, APPROVE, order.project)
    if order.outcome != RectificationOutcome.OPEN:
        _refuse(f"该整改通知已{order.get_outcome_display()}")
    if on < order.issued_on:
        _refuse(f"解除日期 {on} 早于下达日期 {order.issued_on}")
    with history_context(actor=actor, reason="解除整改通知"):
        order.outcome, order.closed_on, order.closed_by = RectificationOutcome.LIFTED, on, actor
        order.save(update_fields=["outcome", "closed_on", "closed_by"])
    return order


@transaction.atomic
def rectification_recover(*, actor, order: RectificationOrder, on: dt.date) -> RectificationOrder:
    """Not rectified by the deadline: the funds are recovered and re-allocated (the ledger books it)."""
    _check(actor, APPROVE, order.project)
    if order.outcome != RectificationOutcome.OPEN:
        _refuse(f"该整改通知已{order.get_outcome_display()}")
    if order.due_on and on <= order.due_on:
        _refuse(f"整改期限 {order.due_on} 未过，不能收回资金")
    with history_context(actor=actor, reason="未按期整改，收回资金"):
        order.outcome, order.closed_on, order.closed_by = RectificationOutcome.RECOVERED, on, actor
        order.save(update_fields=["outcome", "closed_on", "closed_by"])
    return order


# --- acceptance (F-10) ------------------------------------------------------------------------


def _open_round(project: Project) -> Acceptance | None:
    return project.acceptances.filter(accepted_on=None).order_by("-round").first()


@transaction.atomic
def initial_check(*, actor, project: Project, on: dt.date) -> Acceptance:
    """The township's initial check after completion (C2-36), opening an acceptance round. After a
    failed round, the rectified project gets a new round."""
    _check(actor, APPLY, project)
    if project.completed_on is None:
        _refuse("项目完工后才能初验")
    if on < project.completed_on:
        _refuse(f"初验日期 {on} 早于完工日期 {project.completed_on}")
    if project.acceptance_grade in ("excellent", "pass"):
        _refuse("项目已验收合格")
    if _open_round(project) is not None:
        _refuse("本轮验收尚未完成")
    last = project.acceptances.order_by("-round").first()
    if last is not None and last.accepted_on and on < last.accepted_on:
        _refuse(f"整改后初验日期 {on} 早于上次验收日期 {last.accepted_on}")
    with history_context(actor=actor, reason="乡镇初验"):
        return Acceptance.objects.create(
            project=project, round=(last.round + 1) if last else 1, initial_checked_on=on, recorded_by=actor
        )


@transaction.atomic
def acceptance_request(*, actor, project: Project, on: dt.date) -> Acceptance:
    """The implementing unit requests acceptance from the leading group (C2-40)."""
    _check(actor, APPLY, project)
    current = _open_round(project)
    if current is None or current.initial_checked_on is None:
        _refuse("乡镇初验后才能申请验收")
    if current.requested_on is not None:
        _refuse("已申请验收")
    if on < current.initial_checked_on:
        _refuse(f"申请验收日期 {on} 早于初验日期 {current.initial_checked_on}")
    with history_context(actor=actor, reason="申请验收"):
        current.requested_on = on
        current.save(update_fields=["requested_on"])
    return current


@transaction.atomic
def audit_opinion_record(*, actor, project: Project, on: dt.date) -> Acceptance:
    """The completion audit opinion (C2-45), before acceptance."""
    _check(actor, APPROVE, project)
    current = _open_round(project)
    if current is None:
        _refuse("项目尚未进入验收")
    if on < project.completed_on:
        _refuse(f"竣工审计意见日期 {on} 早于完工日期 {project.completed_on}")
    with history_context(actor=actor, reason="竣工审计意见"):
        current.audit_opinion_on = on
        current.save(update_fields=["audit_opinion_on"])
    return current


@transaction.atomic
def project_accept(
    *,
    actor,
    project: Project,
    on: dt.date,
    items: Mapping[str, bool | None],
    grade: str,
    accepted_by: str = "",
    report: str = "",
) -> Acceptance:
    """County acceptance (C2-44): six items, grade 优良/合格/不合格; at or above the audit threshold a
    completion audit opinion first (C2-45). A failed project is rectified and accepted again (C2-43)."""
    _check(actor, APPROVE, project)
    current = _open_round(project)
    if current is None or current.requested_on is None:
        _refuse("实施单位申请验收后才能验收")
    if on < current.requested_on:
        _refuse(f"验收日期 {on} 早于申请验收日期 {current.requested_on}")
    policy = fund_policy_for(project.location_id, on)
    audit_on = current.audit_opinion_on or next(
        (a.audit_opinion_on for a in project.acceptances.exclude(audit_opinion_on=None)), None
    )
    problems = rules.acceptance_problems(
        items=items,
        grade=grade,
        subsidy=project.subsidy,
        audit_threshold=policy.completion_audit_threshold,
        audit_opinion_on=audit_on,
    )
    if problems:
        raise ValidationError(problems)
    with history_context(actor=actor, reason="县级验收"):
        for name, _label in rules.ACCEPTANCE_ITEMS:
            setattr(current, name, items[name])
        current.accepted_on, current.grade, current.accepted_by, current.report = (
            on,
            grade,
            accepted_by,
            report,
        )
        current.recorded_by = actor
        current.save()
        project.accepted_on, project.acceptance_grade = on, grade
        _save(project, "accepted_on", "acceptance_grade")
    return current


@transaction.atomic
def acceptance_enter(*, actor, project: Project, on: dt.date) -> Project:
    """After a pass, the county office enters the project in both systems and reports up (C2-42)."""
    _check(actor, APPROVE, project)
    if project.acceptance_grade not in ("excellent", "pass"):
        _refuse("项目验收合格后才能录入上报")
    if on < project.accepted_on:
        _refuse(f"录入日期 {on} 早于验收日期 {project.accepted_on}")
    with history_context(actor=actor, reason="验收后录入上报"):
        project.acceptance_entered_on = on
        return _save(project, "acceptance_entered_on")


@transaction.atomic
def project_hand_over(
    *, actor, project: Project, on: dt.date, to: str, handover_list: str, asset_owner: str = ""
) -> Project:
    """Handover to the operating entity or village committee (C2-36), assets recorded (C2-46)."""
    _check(actor, APPLY, project)
    if project.acceptance_grade not in ("excellent", "pass"):
        _refuse("项目验收合格后才能移交")
    if on < project.accepted_on:
        _refuse(f"移交日期 {on} 早于验收日期 {project.accepted_on}")
    if not to.strip() or not handover_list.strip():
        _refuse("请填写移交对象和移交清单")
    owner = asset_owner or ("农户" if project.household_project else "村集体")
    with history_context(actor=actor, reason="项目移交"):
        project.handed_over_on, project.handed_over_to, project.handover_list = (
            on,
            to.strip(),
            handover_list.strip(),
        )
        project.asset_owner = owner
        return _save(project, "handed_over_on", "handed_over_to", "handover_list", "asset_owner")


# --- F-4 false projects -----------------------------------------------------------------------


@transaction.atomic
def project_found_false(*, actor, project: Project, finding: str, year: int) -> ApplicantBar:
    """A project found false, forged or split (F-4): its applicant may not apply that year and the
    next; the project gets no more funds (disbursement_blocked)."""
    _check(actor, APPROVE, project)
    if not finding.strip():
        _refuse("请写明查实的问题（虚假、伪造或拆分）")
    first, last = rules.bar_years(year)
    with history_context(actor=actor, reason="查实虚假、伪造、拆分项目"):
        project.found_false = finding.strip()[:200]
        project.save(update_fields=["found_false", "updated_at"])
        return ApplicantBar.objects.create(
            township_id=project.township_id,
            applicant=project.applicant,
            first_year=first,
            last_year=last,
            project=project,
            reason=finding.strip()[:300],
        )


# --- F-12 benefit linkage -----------------------------------------------------------------------


def _registry_household(number: str):
    """The registry household with this number, if the registry app is installed (read only)."""
    from django.apps import apps

    if not number or not apps.is_installed("households"):
        return None
    Household = apps.get_model("households", "Household")
    return Household.objects.filter(number=number).first()


@transaction.atomic
def beneficiary_add(
    *, actor, project: Project, name: str, id_number: str = "", household_number: str = ""
) -> Beneficiary:
    """A beneficiary household (C2-35), linked to the registry by its household number: it counts as
    poor when the registry has it as a registered poor household (not exited)."""
    _check(actor, APPLY, project)
    if not name.strip():
        _refuse("请填写户主姓名", "name")
    if id_number:
        problem = id_number_problem(id_number)
        if problem:
            _refuse(f"证件号码{problem}", "id_number")
        id_number = normalise(id_number)
    household = _registry_household(household_number.strip())
    if household_number.strip() and household is None:
        _refuse(f"建档立卡户编号 {household_number} 在档案中不存在", "household_number")
    is_poor = bool(household is not None and household.status in ("not_exited", "exiting", "returned"))
    with history_context(actor=actor, reason="录入受益农户"):
        return Beneficiary.objects.create(
            project=project,
            name=name.strip(),
            id_number=id_number,
            household_number=household_number.strip(),
            is_poor=is_poor,
        )


@transaction.atomic
def benefit_record(
    *,
    actor,
    project: Project,
    year: int,
    invested=None,
    dividend=None,
    collective_income_increase=None,
    note: str = "",
) -> tuple[BenefitRecord, list[str]]:
    """A year's dividend and collective income (F-12); returns the shortfalls flagged."""
    _check(actor, APPLY, project)
    if year is None:
        _refuse("请填写年度", "year")
    if year < project.year:
        _refuse(f"{year} 年早于项目年度 {project.year} 年", "year")
    for value, label, field in (
        (invested, "投入扶贫资金", "invested"),
        (dividend, "保底分红", "dividend"),
        (collective_income_increase, "村集体经济增收", "collective_income_increase"),
    ):
        if value is not None and value < 0:
            _refuse(f"{label}不能为负数", field)
        if value is not None and rules.money_problem(value):
            _refuse(f"{label}：{rules.money_problem(value)}", field)
    with history_context(actor=actor, reason="利益联结年度记录"):
        record, _created = BenefitRecord.objects.update_or_create(
            project=project,
            year=year,
            defaults={
                "invested": invested,
                "dividend": dividend,
                "collective_income_increase": collective_income_increase,
                "note": note,
            },
        )
    return record, benefit_flags_for(project)


def share_problems_for(project: Project) -> list[str]:
    """F-12 / C2-62 / C2-75: the poor share of the beneficiaries (and of a supported cooperative's
    members) against the profile's minimums — "not configured" while the county has set none."""
    policy = fund_policy_for(project.location_id)
    beneficiaries = list(project.beneficiaries.all())
    problems = []
    if beneficiaries:
        problem = rules.share_problem(
            "受益农户中贫困户比例",
            sum(1 for b in beneficiaries if b.is_poor),
            len(beneficiaries),
            policy.min_poor_beneficiary_percent,
        )
        if problem:
            problems.append(problem)
    if project.implementer_kind == "cooperative":
        problem = rules.share_problem(
            "合作社成员中贫困户比例",
            project.cooperative_poor_members or 0,
            project.cooperative_members or 0,
            policy.cooperative_poor_percent,
        )
        if problem:
            problems.append(problem)
    return problems


def benefit_flags_for(project: Project) -> list[tuple[int, str]]:
    policy = fund_policy_for(project.location_id)
    collective = policy.collective_income_minimum if project.implementer_kind == "collective" else None
    records = [
        rules.BenefitYear(r.year, r.invested, r.dividend, r.collective_income_increase)
        for r in project.benefit_records.all()
    ]
    return rules.benefit_flags(
        records, dividend_minimum_percent=policy.dividend_minimum_percent, collective_minimum=collective
    )


@transaction.atomic
def project_cooperative_members_set(
    *, actor, project: Project, members: int | None, poor_members: int | None
) -> tuple[Project, list[str]]:
    """F-12 / C2-62: the members of the cooperative a project supports and how many of them are
    registered poor households; returns the share problems against the profile's minimum."""
    _check(actor, APPLY, project)
    if project.implementer_kind != "cooperative":
        _refuse("只有由农民专业合作社实施的项目登记合作社成员数")
    if (members or 0) < 0 or (poor_members or 0) < 0:
        _refuse("成员数不能为负数")
    if (poor_members or 0) > 0 and members is None:
        _refuse("请填写合作社成员数", "members")
    if members is not None and poor_members is not None and poor_members > members:
        _refuse(f"贫困户成员数 {poor_members} 多于成员数 {members}", "poor_members")
    with history_context(actor=actor, reason="登记合作社成员"):
        project.cooperative_members, project.cooperative_poor_members = members, poor_members
        project.save(update_fields=["cooperative_members", "cooperative_poor_members", "updated_at"])
    return project, share_problems_for(project)


# --- F-15 archive --------------------------------------------------------------------------------


@transaction.atomic
def document_upload(*, actor, project: Project, kind: str, upload, note: str = "") -> ArchiveDocument:
    """Add a document to the project's archive (F-15). A document of a kind already present
    supersedes it: nothing is deleted. Type and size are checked; stored through Django's storage."""
    _check(actor, APPLY if not actor.has_perm(APPROVE) else APPROVE, project)
    _check_upload(upload)
    with history_context(actor=actor, reason="上传档案材料"):
        if not project.archive_number:
            project.archive_number = archive_number_for(project)
            project.save(update_fields=["archive_number", "updated_at"])
        document = ArchiveDocument(
            project=project,
            kind=kind,
            file=upload,
            original_name=upload.name[:200],
            size=upload.size,
            note=note,
            uploaded_by=actor,
        )
        document.full_clean()
        document.save()
        ArchiveDocument.objects.filter(project=project, kind=kind, superseded_by=None).exclude(
            pk=document.pk
        ).update(superseded_by=document)
    return document


def archive_number_for(project: Project) -> str:
    """「一项目一档号」: county code, year, project number (unique with the project number)."""
    return f"FP-{project.county_id[:6]}-{project.year}-{project.number}"[:50]


# --- F-14 performance evaluation -----------------------------------------------------------------


@transaction.atomic
def evaluation_record(
    *,
    actor,
    county: AdminUnit,
    year: int,
    started_on=None,
    finished_on=None,
    published_on=None,
    allocation_note: str = "",
) -> tuple[PerformanceEvaluation, list[str]]:
    """The evaluation of ``year``'s funds (C2-70: started by 31 March, finished by 30 April of the
    next year). Late dates are recorded and returned as problems (accountability asks why)."""
    require_permission(actor, EVALUATE)
    require_in_jurisdiction(actor, county.code)
    if county.level != AdminLevel.COUNTY:
        _refuse("绩效考评以县为单位")
    for day, label in ((started_on, "启动"), (finished_on, "完成"), (published_on, "通报")):
        if day is not None and day.year <= year:
            _refuse(f"{year} 年度资金的绩效考评在次年进行，{label}日期 {day} 不在 {year} 年之后")
    if started_on and finished_on and finished_on < started_on:
        _refuse("完成日期早于启动日期")
    if published_on and (finished_on is None or published_on < finished_on):
        _refuse("考评完成后才能通报结果")
    with history_context(actor=actor, reason="资金绩效考评"):
        evaluation, _created = PerformanceEvaluation.objects.update_or_create(
            county=county,
            year=year,
            defaults={
                "started_on": started_on,
                "finished_on": finished_on,
                "published_on": published_on,
                "allocation_note": allocation_note,
            },
        )
    return evaluation, rules.evaluation_timing(year, started_on, finished_on)


@transaction.atomic
def evaluation_score(
    *,
    actor,
    evaluation: PerformanceEvaluation,
    unit_name: str,
    scores: Mapping,
    bonus=Decimal(0),
    deduction=Decimal(0),
    department: bool = False,
    self_evaluation=None,
    on: dt.date,
) -> EvaluationScore:
    """Enter or change one unit's scores (F-14) on ``on``, inside the evaluation's window (from its
    start to its finish; never after the results are published)."""
    require_permission(actor, EVALUATE)
    require_in_jurisdiction(actor, evaluation.county_id)
    if on is None:
        _refuse("请填写录入日期", "on")
    problem = rules.evaluation_window_problem(
        evaluation.started_on, evaluation.finished_on, evaluation.published_on, on
    )
    if problem:
        _refuse(problem)
    if not unit_name.strip():
        _refuse("请填写被考评单位", "unit_name")
    policy = fund_policy_for(evaluation.county_id)
    total, problems = rules.evaluation_total(
        scores,
        policy.indicators,
        bonus=Decimal(bonus),
        deduction=Decimal(deduction),
        bonus_max=policy.bonus_max,
        deduction_max=policy.deduction_max,
    )
    if problems:
        raise ValidationError(problems)
    if self_evaluation is not None:
        _check_upload(self_evaluation)
    with history_context(actor=actor, reason="绩效考评评分"):
        score, _created = EvaluationScore.objects.update_or_create(
            evaluation=evaluation,
            unit_name=unit_name.strip(),
            defaults={
                "scores": {k: str(v) for k, v in scores.items()},
                "bonus": bonus,
                "deduction": deduction,
                "total": total,
                "department": department,
            },
        )
        if self_evaluation is not None:
            score.self_evaluation = self_evaluation
            score.full_clean()
            score.save()
    return score


@transaction.atomic
def fund_plan_create(
    *,
    actor,
    county: AdminUnit,
    year: int,
    name: str,
    source=None,
    amount=None,
    issued_on=None,
    guide_published_on=None,
    guide_url: str = "",
) -> FundPlan:
    """The county's fund plan and the published application guide (C2-05)."""
    require_permission(actor, APPROVE)
    require_in_jurisdiction(actor, county.code)
    if county.level != AdminLevel.COUNTY:
        _refuse("资金计划以县为单位")
    if issued_on and guide_published_on and guide_published_on < issued_on:
        _refuse("申报指南应依据省级资金计划编制，发布日期不能早于资金计划下达日期")
    with history_context(actor=actor, reason="年度资金计划"):
        plan = FundPlan(
            county=county,
            year=year,
            name=name,
            source=source,
            amount=amount,
            issued_on=issued_on,
            guide_published_on=guide_published_on,
            guide_url=guide_url,
        )
        plan.full_clean()
        plan.save()
    return plan


@transaction.atomic
def fund_plan_file_with_discipline(*, actor, plan: FundPlan, on: dt.date) -> FundPlan:
    """C2-50: the fund document filed with the discipline, supervision and audit organs."""
    require_permission(actor, APPROVE)
    require_in_jurisdiction(actor, plan.county_id)
    if plan.approvals_issued_on is None:
        _refuse("立项批复下达后才能报备资金文件")
    if on < plan.approvals_issued_on:
        _refuse(f"备案日期 {on} 早于立项批复日期 {plan.approvals_issued_on}")
    with history_context(actor=actor, reason="资金文件报纪检审计备案"):
        plan.discipline_filed_on = on
        plan.save(update_fields=["discipline_filed_on"])
    return plan


# --- one entry for the pages and the API: take a named step --------------------------------------

STEPS: dict[str, tuple[str, str]] = {
    # code: (label, permission)
    "apply": ("申报", APPLY),
    "assess": ("立项评估意见", APPROVE),
    "approve": ("立项", APPROVE),
    "plan_submit": ("报送实施方案", APPLY),
    "plan_approve": ("批复实施方案、下达资金", APPROVE),
    "file": ("备案", APPLY),
    "start": ("开工", APPLY),
    "complete": ("完工", APPLY),
    "initial_check": ("乡镇初验", APPLY),
    "acceptance_request": ("申请验收", APPLY),
    "audit_opinion": ("竣工审计意见", APPROVE),
    "accept": ("县级验收", APPROVE),
    "acceptance_enter": ("验收后录入上报", APPROVE),
    "hand_over": ("移交", APPLY),
}


#: the steps of STEPS that are DATE_STEPS: step code → the project's date field
STEP_DATE_FIELDS = {
    "assess": "assessed_on",
    "plan_submit": "plan_submitted_on",
    "file": "filed_on",
    "start": "started_on",
    "complete": "completed_on",
}


def next_steps(project: Project) -> list[str]:
    """The steps that can come next for the project as it stands (the services check the rest)."""
    p = project
    if p.stage == Stage.WITHDRAWN or p.found_false:
        return []
    if p.handed_over_on:
        return []
    if p.acceptance_grade in ("excellent", "pass"):
        return [*(["acceptance_enter"] if not p.acceptance_entered_on else []), "hand_over"]
    if p.completed_on:
        current = p.acceptances.filter(accepted_on=None).order_by("-round").first()
        if current is None:
            return ["initial_check"]
        if current.requested_on is None:
            return ["acceptance_request"]
        return ["audit_opinion", "accept"] if current.audit_opinion_on is None else ["accept"]
    order = [
        ("applied_on", "apply"),
        ("assessed_on", "assess"),
        ("approved_on", "approve"),
        ("plan_submitted_on", "plan_submit"),
        ("plan_approved_on", "plan_approve"),
        ("filed_on", "file"),
        ("started_on", "start"),
        ("completed_on", "complete"),
    ]
    optional = {"applied_on", "assessed_on", "plan_submitted_on"}
    offered = []
    for field, code in order:
        if getattr(p, field) is not None:
            offered = []
            continue
        offered.append(code)
        if field not in optional:
            break
    return offered


def steps_offered_to(user, project: Project) -> list[tuple[str, str]]:
    return [(code, STEPS[code][0]) for code in next_steps(project) if user.has_perm(STEPS[code][1])]


def project_step(*, actor, project: Project, step: str, on: dt.date, data: Mapping | None = None):
    """Take the step ``step`` (a key of STEPS) on ``on``; ``data`` carries a step's own fields."""
    data = data or {}
    if step not in STEPS:
        _refuse(f"未知的步骤：{step}")
    if on is None:
        _refuse(f"请填写{STEPS[step][0]}日期", "on")
    if step == "apply":
        return project_apply(actor=actor, project=project, on=on, applicant=data.get("applicant", ""))
    if step == "plan_submit":
        return plan_submit(actor=actor, project=project, on=on, budget_lines=data.get("budget_lines"))
    if step in STEP_DATE_FIELDS:
        return project_date_step(actor=actor, project=project, field=STEP_DATE_FIELDS[step], on=on)
    if step == "approve":
        return projects_approve(actor=actor, projects=[project], on=on, document=data.get("document", ""))
    if step == "plan_approve":
        review = data.get("review") or rules.required_review(
            project.subsidy, fund_policy_for(project.location_id, on).expert_review_threshold
        )
        return plan_approve(actor=actor, project=project, on=on, review=review)
    if step == "initial_check":
        return initial_check(actor=actor, project=project, on=on)
    if step == "acceptance_request":
        return acceptance_request(actor=actor, project=project, on=on)
    if step == "audit_opinion":
        return audit_opinion_record(actor=actor, project=project, on=on)
    if step == "accept":
        items = {name: _tri(data.get(name)) for name, _label in rules.ACCEPTANCE_ITEMS}
        return project_accept(
            actor=actor,
            project=project,
            on=on,
            items=items,
            grade=data.get("grade", ""),
            accepted_by=data.get("accepted_by", ""),
            report=data.get("report", ""),
        )
    if step == "acceptance_enter":
        return acceptance_enter(actor=actor, project=project, on=on)
    return project_hand_over(
        actor=actor,
        project=project,
        on=on,
        to=data.get("to", ""),
        handover_list=data.get("handover_list", ""),
        asset_owner=data.get("asset_owner", ""),
    )


def _tri(value) -> bool | None:
    """A form's or JSON's yes/no: True, False or None (not assessed)."""
    if value in (True, "1", "true", "yes", "是", "合格", "on"):
        return True
    if value in (False, "0", "false", "no", "否", "不合格"):
        return False
    return None
