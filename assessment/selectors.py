"""Reads of the assessment: rounds, results and reports a user may see; the dashboard (作战图)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, QuerySet
from django.db.models.functions import Substr
from django.http import Http404

from accountability.access.scoping import visible_to
from accountability.hierarchy.models import LEVEL_ORDER, SIGNIFICANT_DIGITS
from accountability.hierarchy.selectors import unit_for
from accountability.models import AccountabilityCase, AdminLevel, AdminUnit, Alert, AlertStatus
from accountability.rules.metrics import METRICS
from assessment import rules
from assessment.models import AssessmentReport, AssessmentResult, AssessmentRound, RoundStep, SampleHousehold

NOT_FOUND = "该考核不存在或不在您的管辖范围内"


def rounds_visible_to(user) -> QuerySet[AssessmentRound]:
    return visible_to(AssessmentRound.objects.select_related("unit", "system"), user).order_by(
        "-year", "unit_id"
    )


def round_for(user, pk: int) -> AssessmentRound:
    round_ = rounds_visible_to(user).filter(pk=pk).first()
    if round_ is None:
        raise Http404(NOT_FOUND)
    return round_


def report_for(user, pk: int) -> AssessmentReport:
    report = (
        visible_to(
            AssessmentReport.objects.select_related("result__round__unit", "unit", "generated_by"), user
        )
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise Http404("该报告不存在或不在您的管辖范围内")
    return report


@dataclass(frozen=True)
class StepRow:
    step: RoundStep
    status: str

    @property
    def status_label(self) -> str:
        return rules.STEP_STATUS_LABELS[self.status]


def steps_of(round_: AssessmentRound, today: dt.date) -> list[StepRow]:
    return [
        StepRow(step, rules.step_status(step.due, step.done_on, today))
        for step in round_.steps.order_by("order")
    ]


def sample_of(round_: AssessmentRound, user) -> QuerySet[SampleHousehold]:
    """The round's drawn households the user may see, for the sample sheet."""
    return (
        visible_to(SampleHousehold.objects.filter(round=round_), user)
        .select_related("village")
        .order_by("village_id", "number")
    )


@dataclass(frozen=True)
class SampleSummary:
    sampled: int
    checked: int
    strata: int
    omitted: int


def sample_summary(round_: AssessmentRound) -> SampleSummary:
    counts = SampleHousehold.objects.filter(round=round_).aggregate(
        sampled=Count("pk"),
        checked=Count("pk", filter=~_empty_verdict()),
        strata=Count("stratum", distinct=True),
    )
    return SampleSummary(counts["sampled"], counts["checked"], counts["strata"], round_.omitted.count())


def _empty_verdict():
    from django.db.models import Q

    return Q(verdict="")


def latest_result(round_: AssessmentRound) -> AssessmentResult | None:
    return AssessmentResult.objects.filter(round=round_).order_by("-version").first()


def versions_of(round_: AssessmentRound) -> list[AssessmentResult]:
    return list(
        AssessmentResult.objects.filter(round=round_)
        .select_related("computed_by")
        .defer("inputs", "rows")
        .order_by("-version")
    )


def reports_of(round_: AssessmentRound, user) -> list[AssessmentReport]:
    return list(
        visible_to(AssessmentReport.objects.select_related("result", "generated_by"), user)
        .filter(result__round=round_)
        .defer("content")
        .order_by("-generated_at")[:20]
    )


# --- the dashboard (作战图) -------------------------------------------------------------------------


@dataclass
class Tile:
    """One indicator of the dashboard for the unit and each of its children."""

    code: str
    label: str
    unit_value: str
    by_child: dict[str, str]
    list_url: str = ""  # the list behind the figures
    no_source: bool = False
    chart: list[tuple[str, Decimal]] = field(default_factory=list)


@dataclass
class Dashboard:
    unit: AdminUnit
    children: list[AdminUnit]
    child_level: str | None
    tiles: list[Tile]
    year: int
    ancestors: list[AdminUnit]


#: what the dashboard shows from the registry: (code, label, metric, format)
METRIC_TILES = (
    ("incidence", "贫困发生率（%）", "poverty_incidence"),
    ("exited", "脱贫人口完成年度任务（%）", "persons_exited_progress"),
    ("villages", "贫困村出列完成年度任务（%）", "villages_exited_progress"),
    ("visits", "走访指标完成率（%）", "visit_compliance"),
    ("funds", "扶贫资金支出进度（%）", "fund_spending_progress"),
    ("overdue_projects", "逾期项目（个）", "fund_overdue_projects"),
    ("rectification", "问题整改按期完成率（%）", "rectification_on_time"),
    ("open_rectification", "未完成整改（个）", "rectification_open"),
)


def _metric_values(name: str, *, year: int, level: str, root: str) -> dict[str, str]:
    """A registered metric's values by subject prefix, kept ``DASHBOARD_CACHE_SECONDS`` in the cache
    (the whole city's figures are set-based queries over a million persons: seconds, not milliseconds)."""
    seconds = settings.DASHBOARD_CACHE_SECONDS
    key = f"assessment:dashboard:{name}:{year}:{level}:{root}"
    if seconds:
        found = cache.get(key)
        if found is not None:
            return found
    try:
        facts = METRICS[name].function(year=year, level=level, root=root)
    except KeyError:  # a metric computed for some levels only
        facts = {}
    values = {subject: str(fact.value) for subject, fact in facts.items()}
    if seconds:
        cache.set(key, values, seconds)
    return values


def _metric_tile(
    code: str, label: str, name: str, *, unit: AdminUnit, child_level: str | None, year: int
) -> Tile:
    if name not in METRICS:
        return Tile(code, label, "无数据来源", {}, no_source=True)
    own = (
        _metric_values(name, year=year, level=unit.level, root=unit.prefix)
        if unit.level != AdminLevel.CITY
        else {}
    )
    children = _metric_values(name, year=year, level=child_level, root=unit.prefix) if child_level else {}
    return Tile(
        code,
        label,
        own.get(unit.prefix, "—"),
        children,
        chart=[(key, Decimal(value)) for key, value in sorted(children.items())],
    )


def dashboard_for(user, code: str | None, year: int) -> Dashboard:
    """The jurisdiction's dashboard: the indicators that matter this year for the unit and each of
    its children (city → county → township → village), each set-based over the subtree: a constant
    number of queries whatever the number of children."""
    if code:
        unit = unit_for(user, code)
    else:
        unit = visible_to(AdminUnit.objects.all(), user).filter(code=user.jurisdiction_id).first()
        unit = (
            unit or visible_to(AdminUnit.objects.filter(level=AdminLevel.CITY), user).order_by("code").first()
        )
        if unit is None:
            raise Http404("您的账号尚未设置管辖范围")
    index = LEVEL_ORDER.index(AdminLevel(unit.level))
    child_level = LEVEL_ORDER[index + 1] if index + 1 < len(LEVEL_ORDER) else None
    children = list(visible_to(AdminUnit.objects.filter(parent=unit), user).order_by("code"))
    ancestors = list(
        visible_to(AdminUnit.objects.filter(code__in=unit.ancestor_codes()), user).order_by("code")
    )
    tiles = [
        _metric_tile(c, label, name, unit=unit, child_level=child_level, year=year)
        for c, label, name in METRIC_TILES
    ]
    # the core's own facts: open alerts by rule, cases by state
    digits = SIGNIFICANT_DIGITS[child_level] if child_level else 12
    alerts = list(
        Alert.objects.filter(unit__code__startswith=unit.prefix, status=AlertStatus.OPEN)
        .annotate(head=Substr("unit_id", 1, digits))
        .order_by()
        .values_list("head", "rule_code")
        .annotate(n=Count("pk"))
    )
    by_child = Counter()
    by_rule = Counter()
    for head, rule, n in alerts:
        by_child[head] += n
        by_rule[rule] += n
    tiles.append(
        Tile(
            "alerts",
            "未处理预警（条）",
            str(sum(by_rule.values())),
            {k: str(v) for k, v in by_child.items()},
            list_url="/alerts/",
            chart=[(rule, Decimal(n)) for rule, n in sorted(by_rule.items())],
        )
    )
    cases = list(
        AccountabilityCase.objects.filter(unit__code__startswith=unit.prefix)
        .annotate(head=Substr("unit_id", 1, digits))
        .order_by()
        .values_list("head", "status")
        .annotate(n=Count("pk"))
    )
    status_labels = dict(AccountabilityCase._meta.get_field("status").choices)
    case_child = Counter()
    case_status = Counter()
    for head, status, n in cases:
        case_child[head] += n
        case_status[status] += n
    tiles.append(
        Tile(
            "cases",
            "问责案件（件）",
            str(sum(case_status.values())),
            {k: str(v) for k, v in case_child.items()},
            list_url="/cases/",
            chart=[
                (str(status_labels.get(status, status)), Decimal(n))
                for status, n in sorted(case_status.items())
            ],
        )
    )
    return Dashboard(unit, children, child_level, tiles, year, ancestors)


# --- quarterly village assessment (seed 004, C4-01 … C4-04) ---------------------------------------


@dataclass(frozen=True)
class VillageYear:
    village: AdminUnit
    quarters: dict[int, Decimal]
    score: Decimal | None
    outcome: rules.VillageOutcome | None


def quarterly_outcomes(round_: AssessmentRound) -> list[VillageYear]:
    """A township round's villages with their quarterly scores, year score (20/20/20/40) and the
    consequences of their rank (two queries). Villages without four quarters are listed unranked."""
    from assessment.models import QuarterlyScore

    if round_.unit.level != AdminLevel.TOWNSHIP:
        return []
    system = round_.system
    villages = list(AdminUnit.objects.filter(parent=round_.unit).order_by("code"))
    quarters: dict[str, dict[int, Decimal]] = {v.code: {} for v in villages}
    for village, quarter, score in QuarterlyScore.objects.filter(
        village__parent=round_.unit, year=round_.year
    ).values_list("village_id", "quarter", "score"):
        quarters.setdefault(village, {})[quarter] = score
    weights = [Decimal(w) for w in (system.quarter_weights or [20, 20, 20, 40])]
    scores = {code: s for code in quarters if (s := rules.year_score(quarters[code], weights)) is not None}
    outcomes = {
        o.village: o
        for o in rules.village_outcomes(
            scores, pass_mark=system.village_pass_mark, bottom=system.village_bottom, top=system.village_top
        )
    }
    rows = [VillageYear(v, quarters[v.code], scores.get(v.code), outcomes.get(v.code)) for v in villages]
    return sorted(rows, key=lambda r: (r.outcome is None, r.outcome.rank if r.outcome else 0, r.village.code))
