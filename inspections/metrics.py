"""The facts the accountability rules read from inspections, registered with the core's metric
registry (inspections/apps.py). Record metrics return ``{"finding:<id>": Fact}`` (or
``petition:<id>``): the rule engine makes the record the alert's subject (one alert per record, rule
and period); the evidence carries the record's unit, its number (``finding``, shown by
``run_rules --json``) and the officials responsible (``named_persons``, the alert's named targets;
posts the rule lists as targets are added by the engine)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q
from django.db.models.functions import Substr

from accountability.hierarchy.models import SIGNIFICANT_DIGITS
from accountability.models import AdminLevel, Organisation
from accountability.policy.profiles import profile_for, versions_by_prefix
from accountability.rules.metrics import Fact
from inspections.models import (
    Finding,
    FindingResponsible,
    FindingStatus,
    InspectionRound,
    Petition,
    Satisfaction,
    SupervisionPlan,
)
from inspections.rules import coverage_alert_due, days_overdue, petition_overdue
from inspections.selectors import coverage_of, policy_of


def period_end(year: int, as_of: dt.date | None) -> dt.date:
    """The day the facts are judged on: the run's as-of day (a finding overdue on it is reported,
    whatever the year it was found in), or 31 December of the year without one."""
    return as_of or dt.date(year, 12, 31)


def _officials(finding_ids: list[int]) -> dict[int, list[dict]]:
    named: dict[int, list[dict]] = defaultdict(list)
    rows = (
        FindingResponsible.objects.filter(finding_id__in=finding_ids)
        .select_related("official", "finding")
        .order_by("finding_id", "pk")
    )
    for row in rows:
        named[row.finding_id].append(
            {
                "official": row.official_id,
                "name": row.official.name,
                "post": row.post,
                "unit": row.finding.unit_id,
            }
        )
    return named


def _finding_fact(finding: Finding, value: int, officials: list[dict], **extra) -> Fact:
    return Fact(
        Decimal(value),
        value,
        None,
        {
            "finding": finding.number,  # the subject, shown as "finding" by run_rules --json
            "unit": finding.unit_id,
            "named_persons": officials,  # the officials responsible: the alert's named targets
            "deadline": finding.deadline.isoformat(),
            "status": finding.status,
            **extra,
        },
    )


def findings_overdue(*, year: int, root: str, as_of: dt.date | None = None, **_) -> dict[str, Fact]:
    """Findings overdue on the period's end — whatever the year they were found in — and those
    closed in the year after their deadline (late either way). Value: days past the deadline."""
    end = period_end(year, as_of)
    open_late = Q(deadline__lt=end, found_on__lte=end) & (Q(closed_on__isnull=True) | Q(closed_on__gt=end))
    closed_late = Q(closed_on__year=year, closed_on__lte=end, closed_on__gt=F("deadline"))
    findings = list(Finding.objects.filter(unit__code__startswith=root).filter(open_late | closed_late))
    named = _officials([f.pk for f in findings])
    facts = {}
    for f in findings:
        closed = f.closed_on is not None and f.closed_on <= end
        days = (f.closed_on - f.deadline).days if closed else days_overdue(deadline=f.deadline, as_of=end)
        facts[f"finding:{f.pk}"] = _finding_fact(f, days, named.get(f.pk, []), closed_late=closed)
    return facts


def _counted(field: str):
    def metric(*, year: int, root: str, as_of: dt.date | None = None, **_) -> dict[str, Fact]:
        end = period_end(year, as_of)
        findings = list(
            Finding.objects.filter(
                unit__code__startswith=root, found_on__lte=end, **{f"{field}__gt": 0}
            ).exclude(status=FindingStatus.CLOSED, closed_on__lt=dt.date(year, 1, 1))
        )
        named = _officials([f.pk for f in findings])
        return {f"finding:{f.pk}": _finding_fact(f, getattr(f, field), named.get(f.pk, [])) for f in findings}

    metric.__doc__ = f"Findings with their count of {field} (open, or closed in or after the year)."
    return metric


rectification_rejected = _counted("rejections")
findings_reopened = _counted("reopenings")


def supervision_uncovered(
    *, year: int, level: str, root: str, as_of: dt.date | None = None, **_
) -> dict[str, Fact]:
    """At the year's end: each county (level ``county``) or helping unit (``helping_unit``) with
    fewer comprehensive supervisions in the year than the profile requires. Value: the shortfall."""
    end = period_end(year, as_of)
    versions = versions_by_prefix("inspection_policy")
    city_policy = policy_of(profile_for(root.ljust(12, "0") if root else "", dt.date(year, 1, 1), versions))
    if not coverage_alert_due(
        year=year, as_of=end, days_before=city_policy.coverage_alert_days_before_year_end
    ):
        return {}
    in_use = (
        SupervisionPlan.objects.filter(year=year, unit__code__startswith=root[:4]).exists()
        or InspectionRound.objects.filter(starts_on__year=year, unit__code__startswith=root).exists()
    )
    if not in_use:  # a year before supervision was recorded here: nothing to judge
        return {}
    result = coverage_of(year, root, city_policy, AdminLevel.CITY)
    facts = {}
    if level == "county":
        for c in result.counties:
            if not c.covered:
                facts[c.key[:6]] = Fact(Decimal(c.shortfall), c.count, c.required, {"supervisions": c.count})
    elif level == "helping_unit":
        units = dict(
            Organisation.objects.filter(pk__in=[int(c.key[4:]) for c in result.helping_units]).values_list(
                "pk", "unit_id"
            )
        )
        for c in result.helping_units:
            if not c.covered:
                facts[c.key] = Fact(
                    Decimal(c.shortfall),
                    c.count,
                    c.required,
                    {"supervisions": c.count, "villages": [units[int(c.key[4:])]]},
                )
    return facts


def _petition_fact(p: Petition, **evidence) -> Fact:
    officials = (
        [{"official": p.handler_id, "name": p.handler.name, "post": "", "unit": p.unit_id, "forms": []}]
        if p.handler_id
        else []
    )
    return Fact(
        Decimal(1),
        1,
        None,
        {"petition": p.number, "unit": p.unit_id, "named_persons": officials, **evidence},
    )


def petitions_unsatisfied(*, year: int, root: str, as_of: dt.date | None = None, **_) -> dict[str, Fact]:
    """Petitions answered in the year (up to the period's end) whose petitioner was not satisfied
    with the answer (不满意): the recorded sign of a case handled 消极应付 (Jinan A-9.3), for review.
    Value: 1 each; the handler is named."""
    end = period_end(year, as_of)
    petitions = Petition.objects.filter(
        unit__code__startswith=root,
        answered_on__year=year,
        answered_on__lte=end,
        satisfaction=Satisfaction.UNSATISFIED,
    ).select_related("handler")
    return {f"petition:{p.pk}": _petition_fact(p, satisfaction=p.satisfaction) for p in petitions}


def petitions_overdue(*, year: int, root: str, as_of: dt.date | None = None, **_) -> dict[str, Fact]:
    """Petitions unanswered past their answer deadline on the period's end, or answered late in the
    year (Jinan A-9). Value: 1 each; the handler is named."""
    end = period_end(year, as_of)
    petitions = (
        Petition.objects.filter(unit__code__startswith=root, answer_due__lt=end)
        .filter(Q(answered_on__isnull=True) | Q(answered_on__gt=end) | Q(answered_on__year=year))
        .select_related("handler")
    )
    facts = {}
    for p in petitions:
        if not petition_overdue(answer_due=p.answer_due, answered_on=p.answered_on, as_of=end):
            continue
        facts[f"petition:{p.pk}"] = _petition_fact(p, answer_due=p.answer_due.isoformat())
    return facts


def _by_unit(level: str):
    """The unit of ``level`` a finding counts for: the first digits of its unit's code (None: a
    level the code does not cut at, e.g. helping units)."""
    digits = SIGNIFICANT_DIGITS.get(level)
    return Substr("unit_id", 1, digits) if digits else None


def rectification_on_time(
    *, year: int, level: str, root: str, as_of: dt.date | None = None, **_
) -> dict[str, Fact]:
    """问题整改按期完成率 per unit of ``level`` (the assessment's W-1 indicator, the dashboard tile):
    of the findings whose deadline fell in the year up to the period's end, the share closed
    (verified) on or before the deadline, in per cent; units with none due are not given a value."""
    head = _by_unit(level)
    if head is None:
        return {}
    end = period_end(year, as_of)
    rows = (
        Finding.objects.filter(unit__code__startswith=root, deadline__year=year, deadline__lte=end)
        .annotate(head=head)
        .order_by()
        .values("head")
        .annotate(
            due=Count("pk"),
            on_time=Count("pk", filter=Q(closed_on__isnull=False, closed_on__lte=F("deadline"))),
        )
        .values_list("head", "due", "on_time")
    )
    return {
        unit: Fact(
            (Decimal(on_time) * 100 / due).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
            on_time,
            due,
            {"unit": "%"},
        )
        for unit, due, on_time in rows
    }


def rectification_open(
    *, year: int, level: str, root: str, as_of: dt.date | None = None, **_
) -> dict[str, Fact]:
    """未完成整改的问题 per unit of ``level`` on the period's end (found by then, not closed by then)."""
    head = _by_unit(level)
    if head is None:
        return {}
    end = period_end(year, as_of)
    rows = (
        Finding.objects.filter(unit__code__startswith=root, found_on__lte=end)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=end))
        .annotate(head=head)
        .order_by()
        .values("head")
        .annotate(n=Count("pk"))
        .values_list("head", "n")
    )
    return {unit: Fact(Decimal(n), n, None, {"unit": "个"}) for unit, n in rows}


METRICS = {
    "findings_overdue": (findings_overdue, "整改逾期的问题"),
    "rectification_rejected": (rectification_rejected, "整改核验被退回次数"),
    "findings_reopened": (findings_reopened, "销号后重新打开的问题"),
    "supervision_uncovered": (supervision_uncovered, "年度综合督查未覆盖"),
    "petitions_overdue": (petitions_overdue, "逾期未答复的信访举报"),
    "petitions_unsatisfied": (petitions_unsatisfied, "答复后群众不满意的信访举报"),
    "rectification_on_time": (rectification_on_time, "问题整改按期完成率（%）"),
    "rectification_open": (rectification_open, "未完成整改的问题（个）"),
}
