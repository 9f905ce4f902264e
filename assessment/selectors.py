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
from assessment.models import (
    AssessmentReport,
    AssessmentResult,
    AssessmentRound,
    ReportTemplate,
    RoundStep,
    SampleHousehold,
)

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


def report_templates_visible_to(user) -> QuerySet[ReportTemplate]:
    """The Word templates uploaded in the user's jurisdiction (newest first; the file not loaded)."""
    return (
        visible_to(ReportTemplate.objects.select_related("unit", "uploaded_by"), user)
        .defer("content")
        .order_by("unit_id", "-uploaded_at", "-pk")
    )


def report_template_of(user, pk: int) -> ReportTemplate:
    template = visible_to(ReportTemplate.objects.all(), user).filter(pk=pk).first()
    if template is None:
        raise Http404("该模板不存在或不在您的管辖范围内")
    return template


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


def warm_key(name: str, year: int, level: str) -> str:
    """The cache key of a metric's city-wide values at one level (``dashboard_warm``)."""
    return f"assessment:dashboard:warm:{name}:{year}:{level}"


def warm_values(name: str, *, year: int, level: str, root: str) -> dict[str, str] | None:
    """The values ``dashboard_warm`` computed for every unit of the level, cut to the subtree of
    ``root`` (None when not warmed: the dashboard computes them itself)."""
    if not settings.DASHBOARD_WARM_SECONDS:
        return None
    snapshot = cache.get(warm_key(name, year, level))
    if snapshot is None:
        return None
    return {subject: value for subject, value in snapshot["values"].items() if subject.startswith(root)}


def warmed_at(year: int) -> dt.datetime | None:
    """When the dashboard's figures of the year were last computed by ``dashboard_warm``."""
    if not settings.DASHBOARD_WARM_SECONDS:
        return None
    stamp = cache.get(f"assessment:dashboard:warm:{year}:at")
    return dt.datetime.fromisoformat(stamp) if stamp else None


def _metric_values(name: str, *, year: int, level: str, root: str) -> dict[str, str]:
    """A registered metric's values by subject prefix: from the snapshot ``dashboard_warm`` keeps
    (every unit of every level, computed by the worker on a schedule), else computed here and kept
    ``DASHBOARD_CACHE_SECONDS`` in the cache (the whole city's figures are set-based queries over a
    million persons: seconds, not milliseconds)."""
    warmed = warm_values(name, year=year, level=level, root=root)
    if warmed is not None:
        return warmed
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

    @property
    def quarter_list(self) -> list[Decimal | None]:
        return [self.quarters.get(q) for q in (1, 2, 3, 4)]


def _village_years(township: AdminUnit, years: list[int], system_of) -> dict[int, list[VillageYear]]:
    """The township's villages per year: quarterly scores, year score (20/20/20/40) and the
    consequences of their rank under ``system_of(year)`` (two queries whatever the years)."""
    from assessment.models import QuarterlyScore

    villages = list(AdminUnit.objects.filter(parent=township).order_by("code"))
    quarters: dict[tuple[int, str], dict[int, Decimal]] = {}
    for village, year, quarter, score in QuarterlyScore.objects.filter(
        village__parent=township, year__in=years
    ).values_list("village_id", "year", "quarter", "score"):
        quarters.setdefault((year, village), {})[quarter] = score
    out = {}
    for year in years:
        system = system_of(year)
        weights = [Decimal(w) for w in (system.quarter_weights or [20, 20, 20, 40])]
        of_year = {v.code: quarters.get((year, v.code), {}) for v in villages}
        scores = {code: s for code, q in of_year.items() if (s := rules.year_score(q, weights)) is not None}
        outcomes = {
            o.village: o
            for o in rules.village_outcomes(
                scores,
                pass_mark=system.village_pass_mark,
                bottom=system.village_bottom,
                top=system.village_top,
            )
        }
        rows = [VillageYear(v, of_year[v.code], scores.get(v.code), outcomes.get(v.code)) for v in villages]
        out[year] = sorted(
            rows, key=lambda r: (r.outcome is None, r.outcome.rank if r.outcome else 0, r.village.code)
        )
    return out


def quarterly_outcomes(round_: AssessmentRound) -> list[VillageYear]:
    """A township round's villages with their quarterly scores, year score (20/20/20/40) and the
    consequences of their rank. Villages without four quarters are listed unranked."""
    if round_.unit.level != AdminLevel.TOWNSHIP:
        return []
    return _village_years(round_.unit, [round_.year], lambda _year: round_.system)[round_.year]


def _system_in_force(unit: AdminUnit, year: int):
    """The indicator system governing ``unit`` on 31 December of ``year`` (read only: with none
    installed, the model's defaults — the same numbers as the shipped preset)."""
    from assessment.models import IndicatorSystem

    day = dt.date(year, 12, 31)
    best = None
    for system in IndicatorSystem.objects.select_related("jurisdiction").filter(effective_from__lte=day):
        prefix = system.jurisdiction.prefix if system.jurisdiction_id else ""
        if unit.code.startswith(prefix):
            key = (len(prefix), system.effective_from)
            if best is None or key > best[0]:
                best = (key, system)
    return best[1] if best else IndicatorSystem()


#: years shown on a unit's or an official's page
QUARTERLY_YEARS_SHOWN = 3


def _years_with_scores(prefix: str) -> list[int]:
    from assessment.models import QuarterlyScore

    years = QuarterlyScore.objects.filter(village__code__startswith=prefix).order_by("-year")
    return list(years.values_list("year", flat=True).distinct()[:QUARTERLY_YEARS_SHOWN])


def quarterly_for_unit(user, unit: AdminUnit) -> dict:
    """The unit page's section (seed 004): a village's quarterly scores and outcome per year, or a
    township's villages in the latest year with scores; ``{}`` for other levels or without scores."""
    if not user.has_perm("assessment.view_quarterlyscore"):
        return {}
    if unit.level == AdminLevel.VILLAGE:
        township = unit.parent
        if township is None:
            return {}
        years = _years_with_scores(unit.code)
        if not years:
            return {}
        by_year = _village_years(township, years, lambda y: _system_in_force(township, y))
        rows = [(year, next(r for r in by_year[year] if r.village.code == unit.code)) for year in years]
        return {"unit": unit, "village_rows": rows}
    if unit.level == AdminLevel.TOWNSHIP:
        years = _years_with_scores(unit.prefix)
        if not years:
            return {}
        year = years[0]
        rows = _village_years(unit, [year], lambda y: _system_in_force(unit, y))[year]
        return {"unit": unit, "year": year, "township_rows": rows}
    return {}


#: the posts of a village whose holders are shown their village's outcome; the talk and written
#: self-criticism of C4-03 concern the village's party secretary
VILLAGE_POSTS = ("village_secretary", "village_director", "first_secretary")
SECRETARY_POST = "village_secretary"


@dataclass(frozen=True)
class OfficialVillageYear:
    village: AdminUnit
    year: int
    post_label: str
    row: VillageYear
    concerns_secretary: bool


def quarterly_for_official(user, official) -> dict:
    """The official page's section: for each village post the official held (secretary, director,
    first secretary), the village's quarterly outcome of each year of the tenure with scores."""
    from accountability.models import ResponsibilityAssignment

    if not user.has_perm("assessment.view_quarterlyscore"):
        return {}
    assignments = list(
        visible_to(ResponsibilityAssignment.objects.select_related("scope_unit__parent"), user).filter(
            official=official, post__in=VILLAGE_POSTS, scope_unit__level=AdminLevel.VILLAGE
        )
    )
    out = []
    for assignment in assignments:
        village = assignment.scope_unit
        first = assignment.valid_from.year
        last = assignment.valid_to.year if assignment.valid_to else dt.date.max.year
        years = [y for y in _years_with_scores(village.code) if first <= y <= last]
        if not years or village.parent is None:
            continue
        by_year = _village_years(village.parent, years, lambda y, t=village.parent: _system_in_force(t, y))
        for year in years:
            row = next(r for r in by_year[year] if r.village.code == village.code)
            out.append(
                OfficialVillageYear(
                    village,
                    year,
                    assignment.get_post_display(),
                    row,
                    assignment.post == SECRETARY_POST and bool(row.outcome and row.outcome.talk),
                )
            )
    out.sort(key=lambda r: (-r.year, r.village.code))
    return {"official_rows": out} if out else {}
