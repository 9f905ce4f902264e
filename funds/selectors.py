"""Reads of fund projects, always within the user's jurisdiction, and the facts other apps ask
(``disbursement_blocked`` for the ledger)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from accountability.policy.calendar import WorkingCalendar, load_calendar
from accountability.scoping import visible_to
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


def project_for(user, pk) -> Project:
    """One project the user may see, by id or project number, or 404 (same answer for unknown)."""
    projects = projects_visible_to(user)
    project = projects.filter(number=str(pk)).first()
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
