"""Reads of fund projects, always within the user's jurisdiction, and the facts other apps ask
(``disbursement_blocked`` for the ledger)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from accountability.access.scoping import visible_to
from accountability.policy.calendar import WorkingCalendar, load_calendar
from funds.deadlines import StepDeadline, notices_missing, project_deadlines
from funds.models import (
    Acceptance,
    ArchiveDocument,
    DocumentKind,
    FundPlan,
    ProgressReport,
    Project,
    ProjectNotice,
    RectificationOrder,
    RectificationOutcome,
    Stage,
)
from funds.policy import fund_policy_for, fund_policy_versions

PROJECT_NOT_FOUND = "项目不存在或不在您的管辖范围内"

#: Set by the ledger app: ``function(projects) -> {project id: date reimbursement completed}`` (the
#: day the project's 报账 entries reach the amount disbursed to it). Without it, the 30-day
#: reimbursement deadline (C2-58) is not shown.
_reimbursement_source: Callable[[list[Project]], dict[int, dt.date]] | None = None


def register_reimbursement_source(function: Callable[[list[Project]], dict[int, dt.date]]) -> None:
    global _reimbursement_source
    _reimbursement_source = function


# --- the ledger's question ---------------------------------------------------------------------


def disbursement_blocked(project: Project) -> str | None:
    """Why funds may not be disbursed to, or reimbursed for, ``project`` now (Chinese), or None.

    F-5 / C2-23 / C2-34: an open rectification order stops disbursement and reimbursement until it
    is lifted (a recovered order stops them for good); a project found false, forged or split, or
    withdrawn, gets nothing; funds flow only after the implementation plan is approved."""
    if project.found_false:
        return f"项目已查实存在虚假、伪造或拆分问题（{project.found_false}），不得拨款、报账"
    if project.stage == Stage.WITHDRAWN:
        return "项目已撤销，不得拨款、报账"
    order = (
        RectificationOrder.objects.filter(project=project)
        .exclude(outcome=RectificationOutcome.LIFTED)
        .order_by("issued_on", "pk")
        .first()
    )
    if order is not None:
        if order.outcome == RectificationOutcome.RECOVERED:
            return f"项目未按期整改，资金已收回（{order.closed_on}），不得拨款、报账"
        return (
            f"项目有未解除的整改通知（{order.get_reason_display()}，{order.issued_on} 下达），"
            "整改解除前暂停拨款和报账"
        )
    if project.plan_approved_on is None:
        return "项目实施方案尚未批复，不得拨款"
    return None


# --- projects ----------------------------------------------------------------------------------


def projects_visible_to(user) -> QuerySet[Project]:
    return visible_to(Project.objects.all(), user).select_related(
        "location", "township", "county", "category", "fund_plan"
    )


def project_for(user, pk, *, county: str | None = None) -> Project:
    """One project the user may see, or 404 (same answer for unknown): by id when given an int (the
    pages' URLs), else by project number, then by id. Numbers are unique per county only: ``county``
    (a county code) says whose number it is; without it a number two counties of the user's
    jurisdiction use gives the one of the first county by code (links carry the county)."""
    projects = projects_visible_to(user)
    project = None
    if not isinstance(pk, int):
        by_number = projects.filter(number=str(pk))
        if county:
            by_number = by_number.filter(county_id=county)
        project = by_number.order_by("county_id").first()
    if project is None and str(pk).isdigit():
        project = projects.filter(pk=int(pk)).first()
    if project is None:
        raise Http404(PROJECT_NOT_FOUND)
    return project


def fund_plans_visible_to(user) -> QuerySet[FundPlan]:
    return visible_to(FundPlan.objects.all(), user).select_related("county", "source")


def with_steps(queryset: QuerySet[Project]) -> QuerySet[Project]:
    """The related rows the deadlines read, prefetched (a constant number of queries)."""
    return queryset.prefetch_related(
        Prefetch("notices", queryset=ProjectNotice.objects.order_by("posted_on")),
        Prefetch("progress_reports", queryset=ProgressReport.objects.order_by("event_on", "pk")),
        Prefetch("acceptances", queryset=Acceptance.objects.order_by("round")),
        Prefetch(
            "rectification_orders",
            queryset=RectificationOrder.objects.exclude(outcome=RectificationOutcome.LIFTED),
            to_attr="open_orders",
        ),
    )


def calendar_for(projects: Iterable[Project], today: dt.date) -> WorkingCalendar:
    years = [p.year for p in projects] or [today.year]
    return load_calendar(min(min(years) - 1, today.year - 1), max(max(years), today.year) + 2)


@dataclass
class ProjectStatus:
    project: Project
    deadlines: list[StepDeadline]
    notices_missing: list[str]

    @property
    def overdue(self) -> list[StepDeadline]:
        return [d for d in self.deadlines if d.overdue]

    @property
    def late(self) -> list[StepDeadline]:
        return [d for d in self.deadlines if d.late]

    @property
    def unknown(self) -> list[StepDeadline]:
        return [d for d in self.deadlines if d.unknown]


def statuses(projects: list[Project], today: dt.date | None = None) -> list[ProjectStatus]:
    """Deadlines and missing notices of projects loaded ``with_steps`` (3 more queries in all)."""
    today = today or timezone.localdate()
    calendar = calendar_for(projects, today)
    versions = fund_policy_versions()
    reimbursed = _reimbursement_source(projects) if _reimbursement_source and projects else {}
    out = []
    for project in projects:
        policy = fund_policy_for(project.location_id, today, versions)
        notices = list(project.notices.all())
        deadlines = project_deadlines(
            project,
            notices=notices,
            reports=list(project.progress_reports.all()),
            acceptances=list(project.acceptances.all()),
            policy=policy,
            calendar=calendar,
            today=today,
            reimbursed_on=reimbursed.get(project.pk),
            track_reimbursement=_reimbursement_source is not None,
        )
        out.append(ProjectStatus(project, deadlines, notices_missing(project, notices)))
    return out


def project_list_for(user, *, year=None, township=None, stage=None, overdue=False, q="") -> QuerySet[Project]:
    projects = projects_visible_to(user)
    if year:
        projects = projects.filter(year=year)
    if township:
        projects = projects.filter(township_id=township)
    if stage:
        projects = projects.filter(stage=stage)
    if q:
        projects = projects.filter(name__icontains=q) | projects.filter(number__icontains=q)
    return projects.order_by("-year", "number")


def due_between_for(
    user, start: dt.date, end: dt.date, today: dt.date | None = None
) -> list[tuple[Project, StepDeadline]]:
    """Open steps of the user's projects due between ``start`` and ``end`` (inclusive) or overdue:
    the township's "what is due this week"."""
    projects = list(
        with_steps(projects_visible_to(user).exclude(stage__in=[Stage.WITHDRAWN, Stage.HANDED_OVER]))
    )
    rows = []
    for status in statuses(projects, today):
        for deadline in status.deadlines:
            if (
                deadline.done is None
                and deadline.due is not None
                and deadline.due <= end
                and (deadline.due >= start or deadline.overdue)
            ):
                rows.append((status.project, deadline))
    rows.sort(key=lambda row: (row[1].due, row[0].number))
    return rows


def archive_completeness(
    project: Project, documents: list[ArchiveDocument] | None = None
) -> tuple[int, int, list[str]]:
    """F-15 / C2-75: (kinds present, kinds required, labels missing); the audit opinion only when the
    subsidy reaches the completion-audit threshold."""
    documents = documents if documents is not None else list(project.documents.filter(superseded_by=None))
    policy = fund_policy_for(project.location_id)
    required = [kind for kind in DocumentKind if kind != DocumentKind.AUDIT_OPINION]
    if project.subsidy >= policy.completion_audit_threshold:
        required.append(DocumentKind.AUDIT_OPINION)
    present = {d.kind for d in documents if d.superseded_by_id is None}
    missing = [kind.label for kind in required if kind not in present]
    return len(required) - len(missing), len(required), missing


def townships_for(user) -> list:
    """The townships of the user's jurisdiction that have projects (for the list's filter)."""
    from accountability.models import AdminUnit

    codes = projects_visible_to(user).values_list("township_id", flat=True).distinct()
    return list(AdminUnit.objects.filter(code__in=codes).order_by("code"))


TIMELINE = (
    ("library_on", "入库"),
    ("applied_on", "申报"),
    ("assessed_on", "立项评估"),
    ("approved_on", "立项"),
    ("plan_submitted_on", "报送实施方案"),
    ("plan_approved_on", "批复实施方案"),
    ("funds_released_on", "下达资金"),
    ("filed_on", "备案"),
    ("started_on", "开工"),
    ("completed_on", "完工"),
    ("accepted_on", "县级验收"),
    ("acceptance_entered_on", "验收后录入上报"),
    ("handed_over_on", "移交"),
)


def timeline(project: Project) -> list[tuple[str, dt.date | None]]:
    """The project's one-off steps in order, with the day each was taken (None: not yet)."""
    return [(label, getattr(project, field)) for field, label in TIMELINE]


def archive_by_township_for(user) -> list[dict]:
    """F-15 / C2-75: archive completeness per township (projects, documents present of required)."""
    from collections import defaultdict

    from accountability.models import AdminUnit

    projects = list(projects_visible_to(user).exclude(stage=Stage.WITHDRAWN))
    present: dict[int, set[str]] = defaultdict(set)
    for project_id, kind in ArchiveDocument.objects.filter(
        project__in=[p.pk for p in projects], superseded_by=None
    ).values_list("project_id", "kind"):
        present[project_id].add(kind)
    versions = fund_policy_versions()
    rows: dict[str, dict] = {}
    for project in projects:
        policy = fund_policy_for(project.location_id, None, versions)
        required = {k.value for k in DocumentKind if k != DocumentKind.AUDIT_OPINION}
        if project.subsidy >= policy.completion_audit_threshold:
            required.add(DocumentKind.AUDIT_OPINION.value)
        row = rows.setdefault(
            project.township_id, {"projects": 0, "complete": 0, "present": 0, "required": 0}
        )
        have = len(present[project.pk] & required)
        row["projects"] += 1
        row["present"] += have
        row["required"] += len(required)
        row["complete"] += have == len(required)
    names = dict(AdminUnit.objects.filter(code__in=rows).values_list("code", "name"))
    return [
        {
            "code": code,
            "name": names.get(code, code),
            **row,
            "percent": round(100 * row["present"] / row["required"]),
        }
        for code, row in sorted(rows.items())
    ]


def fund_plan_for(user, pk) -> FundPlan:
    plan = fund_plans_visible_to(user).filter(pk=pk).first()
    if plan is None:
        raise Http404("资金计划不存在或不在您的管辖范围内")
    return plan


def evaluations_visible_to(user):
    from funds.models import PerformanceEvaluation

    return (
        visible_to(PerformanceEvaluation.objects.all(), user)
        .select_related("county")
        .prefetch_related("scores")
        .order_by("-year", "county_id")
    )


def evaluation_for(user, pk):
    """One evaluation the user may see, or 404 (same answer for one outside the jurisdiction)."""
    evaluation = evaluations_visible_to(user).filter(pk=pk).first() if str(pk).isdigit() else None
    if evaluation is None:
        raise Http404("绩效考评不存在")
    return evaluation
