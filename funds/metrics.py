"""Facts of fund projects that the accountability rules read (F-16, Suzhou Art. 37), registered with
the core's metric registry in FundsConfig.ready().

Each metric answers ``{"project:<id>": Fact}``: the subject of the alert is the project (one alert per
project, rule and year), its unit the project's place; the evidence names the project number, the
steps and the project's person responsible (named as a target beside the posts the rule names).
A step counts in the year its deadline falls in; done late counts as much as still open past it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Q, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from accountability.hierarchy.models import SIGNIFICANT_DIGITS
from accountability.rules.metrics import Fact
from funds.models import Project, Stage
from funds.selectors import ProjectStatus, statuses, with_steps

#: the steps each metric counts
DISBURSEMENT_STEPS = {"funds_release", "progress_entry"}
COMPLETION_STEPS = {"completion"}
REIMBURSEMENT_STEPS = {"reimbursement"}
OTHER_STEPS = {
    "assessment",
    "approval",
    "plan_submission",
    "plan_review",
    "filing",
    "approval_notice",
    "site_notice",
    "acceptance_request",
    "acceptance_entry",
    "discipline_filing",
}


def _statuses(root: str, as_of: dt.date) -> list[ProjectStatus]:
    projects = Project.objects.filter(location__code__startswith=root).exclude(stage=Stage.WITHDRAWN)
    return statuses(list(with_steps(projects.select_related("fund_plan"))), as_of)


def _facts(status_list: list[ProjectStatus], year: int, steps: set[str]) -> dict:
    facts = {}
    for status in status_list:
        late = [d for d in status.deadlines if d.code in steps and d.late and d.due and d.due.year == year]
        if not late:
            continue
        facts[f"project:{status.project.pk}"] = Fact(
            value=Decimal(len(late)),
            numerator=len(late),
            evidence=_evidence(
                status.project,
                [
                    {
                        "step": d.code,
                        "label": d.label,
                        "due": d.due.isoformat(),
                        "done": d.done.isoformat() if d.done else None,
                        "late_by": d.late_by,
                        "unit": "working_days" if d.working_days else "days",
                    }
                    for d in late
                ],
            ),
        )
    return facts


def _evidence(project: Project, steps: list) -> dict:
    persons = []
    if project.person_responsible:
        persons.append({"name": project.person_responsible, "post": "项目负责人", "forms": []})
    village = [project.location_id] if project.location_id != project.township_id else []
    return {
        "project": project.number,
        "project_name": project.name,
        "unit": project.location_id,
        "villages": village or [project.township_id],
        "steps": steps,
        "named_persons": persons,
    }


def _as_of(as_of) -> dt.date:
    return as_of or timezone.localdate()


def steps_overdue(*, year: int, root: str = "", as_of=None, **_ignored) -> dict:
    """Steps done after, or still open past, their working-day deadline (F-3)."""
    return _facts(_statuses(root, _as_of(as_of)), year, OTHER_STEPS)


def disbursement_late(*, year: int, root: str = "", as_of=None, **_ignored) -> dict:
    """Funds not released on time after the plan approval, and information not entered on time after
    a disbursement or reimbursement (「不按期拨付」, Suzhou Art. 37; C2-33)."""
    return _facts(_statuses(root, _as_of(as_of)), year, DISBURSEMENT_STEPS)


def completion_late(*, year: int, root: str = "", as_of=None, **_ignored) -> dict:
    """Projects not completed within the construction period after their start (「不按期完成」, F-6)."""
    return _facts(_statuses(root, _as_of(as_of)), year, COMPLETION_STEPS)


def reimbursement_late(*, year: int, root: str = "", as_of=None, **_ignored) -> dict:
    """Reimbursement not complete 30 days after acceptance (C2-58; needs the ledger's dates)."""
    return _facts(_statuses(root, _as_of(as_of)), year, REIMBURSEMENT_STEPS)


def notices_missing(*, year: int, root: str = "", as_of=None, **_ignored) -> dict:
    """Notices past their deadline and missing or incomplete (F-7): an incomplete notice (a field or
    the board's photo lacking) counts as missing."""
    as_of = _as_of(as_of)
    facts = {}
    for status in _statuses(root, as_of):
        missing = []
        for deadline in status.deadlines:
            if deadline.code not in ("approval_notice", "site_notice") or deadline.due is None:
                continue
            if deadline.due.year != year or deadline.due >= as_of:
                continue
            label = "立项公告" if deadline.code == "approval_notice" else "项目公示牌"
            problems = [m for m in status.notices_missing if label in m]
            if deadline.done is None or problems:
                missing.append(
                    {
                        "step": deadline.code,
                        "label": label,
                        "due": deadline.due.isoformat(),
                        "problem": problems[0] if problems else f"缺{label}",
                    }
                )
        if missing:
            facts[f"project:{status.project.pk}"] = Fact(
                value=Decimal(len(missing)),
                numerator=len(missing),
                evidence=_evidence(status.project, missing),
            )
    return facts


# --- the assessment's and the dashboard's figures per unit (F-1 of the indicator system) -----------


def _period_end(year: int, as_of) -> dt.date:
    """The day a year's figures are judged on: its 31 December, or today while the year runs."""
    return min(dt.date(year, 12, 31), _as_of(as_of))


def _net_by_unit(projects, kind: str, digits: int, end: dt.date) -> dict[str, Decimal]:
    """The ledger's entries of ``kind`` on the projects' accounts dated by ``end``, net of the
    corrections that reversed them, summed per unit (the first ``digits`` of the project's place)."""
    from funds.ledger.models import EntryKind, LedgerEntry

    totals: dict[str, Decimal] = {}
    rows = (
        LedgerEntry.objects.filter(account__project__in=projects, date__lte=end)
        .filter(Q(kind=kind) | Q(corrects_kind=kind))
        .annotate(head=Substr("account__project__location_id", 1, digits))
        .order_by()
        .values("head", "kind")
        .annotate(total=Sum("amount"))
        .values_list("head", "kind", "total")
    )
    for head, entry_kind, total in rows:
        totals[head] = totals.get(head, Decimal(0)) + (
            -total if entry_kind == EntryKind.CORRECTION else total
        )
    return totals


def _share(part: Decimal, whole: Decimal) -> Decimal:
    return (part * 100 / whole).quantize(Decimal("0.01"))


def _projects_of(year: int, root: str):
    return Project.objects.filter(location__code__startswith=root, year=year).exclude(stage=Stage.WITHDRAWN)


def fund_spending_progress(*, year: int, level: str, root: str = "", as_of=None, **_ignored) -> dict:
    """扶贫资金支出进度 (%) per unit of ``level``: of the subsidies of the year's projects placed under
    the unit (withdrawn ones excepted), the share disbursed to them by the period's end — the
    ledger's disbursements net of the corrections that reversed them —, in per cent to the cent.
    Units without such projects get no value."""
    from funds.ledger.models import EntryKind

    digits = SIGNIFICANT_DIGITS.get(level)
    if not digits:
        return {}
    projects = _projects_of(year, root)
    subsidies = dict(
        projects.annotate(head=Substr("location_id", 1, digits))
        .order_by()
        .values("head")
        .annotate(total=Sum("subsidy"))
        .values_list("head", "total")
    )
    paid = _net_by_unit(projects, EntryKind.DISBURSEMENT, digits, _period_end(year, as_of))
    return {
        head: Fact(
            _share(paid.get(head, Decimal(0)), subsidy),
            evidence={"unit": "%", "disbursed": str(paid.get(head, Decimal(0))), "subsidies": str(subsidy)},
        )
        for head, subsidy in subsidies.items()
        if subsidy
    }


def fund_reimbursement_rate(*, year: int, level: str, root: str = "", as_of=None, **_ignored) -> dict:
    """扶贫资金报账率 (%) per unit of ``level``: of what was disbursed to the year's projects placed
    under the unit by the period's end, the share reimbursed (报账) by then, both net of reversals.
    Units with nothing disbursed get no value."""
    from funds.ledger.models import EntryKind

    digits = SIGNIFICANT_DIGITS.get(level)
    if not digits:
        return {}
    end, projects = _period_end(year, as_of), _projects_of(year, root)
    paid = _net_by_unit(projects, EntryKind.DISBURSEMENT, digits, end)
    reimbursed = _net_by_unit(projects, EntryKind.REIMBURSEMENT, digits, end)
    return {
        head: Fact(
            _share(reimbursed.get(head, Decimal(0)), amount),
            evidence={
                "unit": "%",
                "reimbursed": str(reimbursed.get(head, Decimal(0))),
                "disbursed": str(amount),
            },
        )
        for head, amount in paid.items()
        if amount > 0
    }


def fund_overdue_projects(*, year: int, level: str, root: str = "", as_of=None, **_ignored) -> dict:
    """逾期项目 per unit of ``level``: projects placed under the unit with a step whose deadline fell
    in the year and was missed by the period's end (done late, or still open past it) — the steps
    the F-16 rules count (``_facts``), one project once however many steps."""
    digits = SIGNIFICANT_DIGITS.get(level)
    if not digits:
        return {}
    counted: dict[str, int] = {}
    for status in _statuses(root, _period_end(year, as_of)):
        if any(d.late and d.due and d.due.year == year for d in status.deadlines):
            head = status.project.location_id[:digits]
            counted[head] = counted.get(head, 0) + 1
    return {head: Fact(Decimal(n), n, evidence={"unit": "个"}) for head, n in counted.items()}


METRICS = {
    "fund_steps_overdue": (steps_overdue, "扶贫项目步骤逾期（工作日）"),
    "fund_disbursement_late": (disbursement_late, "扶贫资金不按期拨付、拨付后信息未按期录入"),
    "fund_completion_late": (completion_late, "扶贫项目不按期完成"),
    "fund_reimbursement_late": (reimbursement_late, "验收后 30 天内未完成报账"),
    "fund_notices_missing": (notices_missing, "扶贫项目公告公示缺失或不完整"),
    "fund_spending_progress": (fund_spending_progress, "扶贫资金支出进度（%）"),
    "fund_reimbursement_rate": (fund_reimbursement_rate, "扶贫资金报账率（%）"),
    "fund_overdue_projects": (fund_overdue_projects, "逾期项目（个）"),
}
