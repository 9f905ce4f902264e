"""The deadlines of a project's steps (F-3, F-6, C2-58), computed from its dates, the policy and the
working-day calendar. Pure: the caller loads the project with its notices, progress reports,
acceptance rounds and fund plan, the policy and the calendar (funds/selectors.py does, in a constant
number of queries for a whole list)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from accountability.policy.calendar import WorkingCalendar, deadline_state
from funds.policy import FundPolicy
from funds.rules import completion_due, notice_missing, reimbursement_due

STEP_LABELS = {
    "assessment": "立项评估意见",
    "approval": "立项批复（资金计划下达后）",
    "plan_submission": "报送实施方案",
    "plan_review": "批复实施方案",
    "funds_release": "下达资金",
    "filing": "项目备案",
    "approval_notice": "立项公告",
    "site_notice": "项目公示牌",
    "progress_entry": "拨款/报账后录入信息",
    "acceptance_request": "申请验收",
    "acceptance_entry": "验收后录入上报",
    "discipline_filing": "资金文件报纪检审计备案",
    "completion": "完工（建设期）",
    "reimbursement": "验收后报账",
}


@dataclass(frozen=True)
class StepDeadline:
    code: str
    label: str
    after: dt.date  # the day the clock starts (the earlier step)
    due: dt.date | None  # None: unknown (the calendar lacks a year)
    done: dt.date | None
    late_by: int | None  # working days (calendar days for completion/reimbursement); 0: on time
    unknown: bool = False
    working_days: bool = True
    detail: str = ""

    @property
    def overdue(self) -> bool:
        """Open past the due day."""
        return self.done is None and bool(self.late_by)

    @property
    def late(self) -> bool:
        """Done, or still open, after the due day."""
        return bool(self.late_by)

    @property
    def state(self) -> str:
        if self.unknown:
            return "unknown"
        if self.done is not None:
            return "late" if self.late_by else "done"
        return "overdue" if self.late_by else "open"

    @property
    def state_label(self) -> str:
        unit = "个工作日" if self.working_days else "天"
        return {
            "unknown": "期限未知（工作日历缺少该年度）",
            "late": f"逾期 {self.late_by} {unit}完成",
            "done": "按期完成",
            "overdue": f"已逾期 {self.late_by} {unit}",
            "open": "未到期",
        }[self.state]


def _working(code, calendar, after, days, done, today, detail="") -> StepDeadline:
    state = deadline_state(calendar, after, days, done, today)
    return StepDeadline(
        code, STEP_LABELS[code], after, state.due, done, state.late_by, state.unknown, True, detail
    )


def _calendar_days(code, after, due, done, today) -> StepDeadline:
    reference = done or today
    late = (reference - due).days if reference > due else 0
    return StepDeadline(code, STEP_LABELS[code], after, due, done, late, False, False)


def project_deadlines(
    project,
    *,
    notices,
    reports,
    acceptances,
    policy: FundPolicy,
    calendar: WorkingCalendar,
    today: dt.date,
    reimbursed_on: dt.date | None = None,
    track_reimbursement: bool = False,
) -> list[StepDeadline]:
    """Every deadline that has started for ``project`` (the step before it is done), in order."""
    p = project
    out: list[StepDeadline] = []
    plan = p.fund_plan if p.fund_plan_id else None
    if p.applied_on:
        out.append(
            _working("assessment", calendar, p.applied_on, policy.days("assessment"), p.assessed_on, today)
        )
    if plan is not None and plan.issued_on:
        out.append(
            _working("approval", calendar, plan.issued_on, policy.days("approval"), p.approved_on, today)
        )
    if p.approved_on:
        out.append(
            _working(
                "plan_submission",
                calendar,
                p.approved_on,
                policy.days("plan_submission"),
                p.plan_submitted_on,
                today,
            )
        )
        approval_notices = sorted(n.posted_on for n in notices if n.kind == "approval")
        out.append(
            _working(
                "approval_notice",
                calendar,
                p.approved_on,
                policy.days("approval_notice"),
                approval_notices[0] if approval_notices else None,
                today,
            )
        )
    if p.plan_submitted_on:
        out.append(
            _working(
                "plan_review",
                calendar,
                p.plan_submitted_on,
                policy.days("plan_review"),
                p.plan_approved_on,
                today,
            )
        )
        out.append(
            _working(
                "funds_release",
                calendar,
                p.plan_submitted_on,
                policy.days("funds_release"),
                p.funds_released_on,
                today,
            )
        )
    if p.plan_approved_on:
        out.append(_working("filing", calendar, p.plan_approved_on, policy.days("filing"), p.filed_on, today))
    if plan is not None and plan.approvals_issued_on:
        out.append(
            _working(
                "discipline_filing",
                calendar,
                plan.approvals_issued_on,
                policy.days("discipline_filing"),
                plan.discipline_filed_on,
                today,
            )
        )
    if p.started_on:
        site = sorted(n.posted_on for n in notices if n.kind == "site")
        out.append(
            _working(
                "site_notice",
                calendar,
                p.started_on,
                policy.days("site_notice"),
                site[0] if site else None,
                today,
            )
        )
        due = completion_due(p.started_on, policy.construction_months)
        if not p.force_majeure:
            out.append(_calendar_days("completion", p.started_on, due, p.completed_on, today))
    for report in sorted(reports, key=lambda r: (r.event_on, r.pk or 0)):
        out.append(
            _working(
                "progress_entry",
                calendar,
                report.event_on,
                policy.days("progress_entry"),
                report.reported_on,
                today,
                detail=f"{report.get_trigger_display()} {report.event_on}",
            )
        )
    for acceptance in sorted(acceptances, key=lambda a: a.round):
        if acceptance.initial_checked_on:
            out.append(
                _working(
                    "acceptance_request",
                    calendar,
                    acceptance.initial_checked_on,
                    policy.days("acceptance_request"),
                    acceptance.requested_on,
                    today,
                    detail=f"第{acceptance.round}轮",
                )
            )
    if p.accepted_on and p.acceptance_grade in ("excellent", "pass"):
        out.append(
            _working(
                "acceptance_entry",
                calendar,
                p.accepted_on,
                policy.days("acceptance_entry"),
                p.acceptance_entered_on,
                today,
            )
        )
        if track_reimbursement:
            out.append(
                _calendar_days(
                    "reimbursement",
                    p.accepted_on,
                    reimbursement_due(p.accepted_on, policy.reimbursement_days),
                    reimbursed_on,
                    today,
                )
            )
    return out


def notices_missing(project, notices) -> list[str]:
    """F-7: the notices a project should have by its stage and lacks, or has incomplete."""
    problems = []
    for kind, label, needed in (
        ("approval", "立项公告", project.approved_on is not None),
        ("site", "项目公示牌", project.started_on is not None),
    ):
        if not needed:
            continue
        posted = [n for n in notices if n.kind == kind]
        if not posted:
            problems.append(f"缺{label}")
            continue
        if all(notice_missing(kind, n.contents or {}, bool(n.photo)) for n in posted):
            lacking = notice_missing(kind, posted[-1].contents or {}, bool(posted[-1].photo))
            problems.append(f"{label}不完整：缺{'、'.join(lacking)}")
    return problems
