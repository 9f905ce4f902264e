"""The assessment's pure rules: sampling, rates with Wilson intervals, scoring, grades, ranking, the
veto cap, step deadlines, the problem triggers of Art. 8 and the quarterly village assessment.

No database, no clock: the numbers come from the indicator system (policy-profile data) and the
facts are arguments. docs/assessment.md explains each rule.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from accountability.rules.frames import FrameHousehold

#: the 97.5 % quantile of the standard normal distribution (two-sided 95 % interval)
Z95 = 1.959963984540054
CENT = Decimal("0.01")


# --- Wilson score interval -------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    """``successes`` out of ``trials`` with its Wilson 95 % interval (fractions, 0–1)."""

    successes: int
    trials: int
    low: float | None
    high: float | None

    @property
    def value(self) -> float | None:
        return self.successes / self.trials if self.trials else None

    def percent(self, which: str = "value") -> Decimal | None:
        number = getattr(self, which)
        if number is None:
            return None
        return (Decimal(repr(number)) * 100).quantize(CENT, rounding=ROUND_HALF_UP)


def wilson(successes: int, trials: int, z: float = Z95) -> Rate:
    """The Wilson score interval (Wilson 1927; Newcombe 1998, method 3) for a binomial proportion.
    Unlike the normal approximation it stays inside [0, 1] and is usable at 0 and at ``trials``."""
    if trials < 0 or not 0 <= successes <= trials:
        raise ValueError(f"need 0 ≤ successes ≤ trials, got {successes}/{trials}")
    if trials == 0:
        return Rate(0, 0, None, None)
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = p + z * z / (2 * trials)
    margin = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials))
    low = max(0.0, (centre - margin) / denominator)
    high = min(1.0, (centre + margin) / denominator)
    if successes == 0:
        low = 0.0
    if successes == trials:
        high = 1.0
    return Rate(successes, trials, low, high)


def complement(rate: Rate) -> Rate:
    """The interval of the failures (1 − p): an accuracy's error rate, and back."""
    if not rate.trials:
        return rate
    return Rate(rate.trials - rate.successes, rate.trials, 1 - rate.high, 1 - rate.low)


# --- reproducible stratified sampling --------------------------------------------------------

DIMENSIONS = ("village", "status", "cadre")


def stratum_of(household: FrameHousehold, dimensions: Sequence[str]) -> str:
    parts = []
    for dimension in dimensions:
        if dimension == "village":
            parts.append(household.village)
        elif dimension == "status":
            parts.append(household.status)
        elif dimension == "cadre":
            parts.append(f"cadre:{household.cadre or '-'}")
        else:
            raise ValueError(f"unknown stratum dimension {dimension!r} (allowed: {DIMENSIONS})")
    return "/".join(parts) or "all"


def sample_size(population: int, percent: Decimal, minimum: int) -> int:
    """``percent`` of the stratum rounded up, at least ``minimum``, never more than the stratum."""
    if population <= 0:
        return 0
    share = (Decimal(population) * Decimal(percent) / 100).to_integral_value(rounding=ROUND_CEILING)
    return min(population, max(minimum, int(share)))


def draw_rank(seed: str, number: str) -> str:
    """The household's place in the draw: SHA-256 of the seed and its number. The smallest enter
    the sample. The same seed always ranks the same households the same way, whatever the order
    the frame arrives in, the machine or the Python version."""
    return hashlib.sha256(f"{seed}\x1f{number}".encode()).hexdigest()


@dataclass(frozen=True)
class Drawn:
    household: FrameHousehold
    stratum: str
    stratum_size: int
    rank: str


def draw_sample(
    frame: Iterable[FrameHousehold],
    *,
    seed: str,
    percent: Decimal,
    minimum: int,
    dimensions: Sequence[str],
) -> list[Drawn]:
    """A stratified random sample without replacement: in each stratum, the ``sample_size``
    households with the smallest ``draw_rank``. Ordered by stratum, then rank."""
    if not seed:
        raise ValueError("a sample needs a seed")
    strata: dict[str, list[FrameHousehold]] = defaultdict(list)
    for household in frame:
        strata[stratum_of(household, dimensions)].append(household)
    drawn = []
    for stratum in sorted(strata):
        members = strata[stratum]
        ranked = sorted(members, key=lambda h: (draw_rank(seed, h.number), h.number))
        for household in ranked[: sample_size(len(members), percent, minimum)]:
            drawn.append(Drawn(household, stratum, len(members), draw_rank(seed, household.number)))
    return drawn


# --- rates from the verification sample ------------------------------------------------------


@dataclass(frozen=True)
class Checked:
    """One sampled household's result (or one omitted family) as the rates need it."""

    exited: bool  # exited during the year (checked for exit accuracy), else registered poor
    verdict: str  # "", accurate, misidentified, wrong_exit
    satisfaction: str = ""  # "", satisfied, fairly, dissatisfied


@dataclass(frozen=True)
class SampleRates:
    identification_accuracy: Rate
    exit_accuracy: Rate
    wrong_exit_rate: Rate
    omission_rate: Rate
    satisfaction: Rate
    sampled: int
    checked: int

    def as_dict(self) -> dict[str, Rate]:
        return {
            "identification_accuracy": self.identification_accuracy,
            "exit_accuracy": self.exit_accuracy,
            "wrong_exit_rate": self.wrong_exit_rate,
            "omission_rate": self.omission_rate,
            "satisfaction": self.satisfaction,
        }


def sample_rates(checked: Sequence[Checked], omitted: int) -> SampleRates:
    """The rates of a subject's sample (docs/assessment.md §抽样):

    * identification accuracy = poor households found accurate / poor households checked;
    * exit accuracy = exited households found accurate / exited households checked, and the
      wrong-exit rate (错退率) its complement;
    * omission rate (漏评率) = omitted families found / (poor households checked + omitted found);
    * satisfaction = satisfied or fairly satisfied / households that answered.

    Households not yet checked (no verdict) count in none of them."""
    poor = [c for c in checked if not c.exited and c.verdict]
    exited = [c for c in checked if c.exited and c.verdict]
    exit_accuracy = wilson(sum(c.verdict == "accurate" for c in exited), len(exited))
    answered = [c for c in checked if c.satisfaction]
    return SampleRates(
        identification_accuracy=wilson(sum(c.verdict == "accurate" for c in poor), len(poor)),
        exit_accuracy=exit_accuracy,
        wrong_exit_rate=complement(exit_accuracy),
        omission_rate=wilson(omitted, len(poor) + omitted),
        satisfaction=wilson(sum(c.satisfaction in ("satisfied", "fairly") for c in answered), len(answered)),
        sampled=len(checked),
        checked=len(poor) + len(exited),
    )


# --- scoring ---------------------------------------------------------------------------------


def linear_score(value: Decimal, *, full_at: Decimal, zero_at: Decimal, points: Decimal) -> Decimal:
    """Full ``points`` at ``full_at`` or beyond, zero at ``zero_at`` or beyond, linear between.
    Higher is better when ``full_at > zero_at`` (a rate), lower when ``full_at < zero_at`` (a count
    of problems)."""
    if full_at == zero_at:
        raise ValueError("full_at and zero_at must differ")
    fraction = (Decimal(value) - zero_at) / (full_at - zero_at)
    fraction = min(Decimal(1), max(Decimal(0), fraction))
    return (points * fraction).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    dimension: str
    label: str
    points: Decimal
    full_at: Decimal
    zero_at: Decimal


NO_SOURCE = "no_source"  # 无数据来源: the metric is not registered (its app is not installed)
NO_DATA = "no_data"  # 无数据: the source gives no value for this unit
SCORED = "scored"

STATE_LABELS = {NO_SOURCE: "无数据来源", NO_DATA: "无数据", SCORED: "已计分"}


@dataclass(frozen=True)
class IndicatorScore:
    code: str
    dimension: str
    value: Decimal | None
    state: str
    score: Decimal | None  # before scaling; None when not scored
    points: Decimal


@dataclass(frozen=True)
class SubjectScore:
    subject: str
    indicators: list[IndicatorScore]
    total: Decimal  # 0–sum of points, after the no-source rule
    by_dimension: dict[str, Decimal]
    scale: Decimal  # factor applied by the "exclude" rule (1 when none)


def score_subject(
    subject: str,
    specs: Sequence[IndicatorSpec],
    values: dict[str, tuple[str, Decimal | None]],
    *,
    no_source_rule: str,
) -> SubjectScore:
    """Score one unit: ``values`` maps an indicator code to (state, value). An indicator without a
    value scores by ``no_source_rule``: ``zero`` gives 0, ``full`` its points, ``exclude`` leaves it
    out — within its dimension, the scored indicators are scaled up to the dimension's points; a
    dimension with nothing scored is left out and the total is scaled up to the system's full points
    (so units stay comparable whatever is installed). Dimension subtotals stay within their points;
    total = Σ dimension subtotals × full points ÷ points of the dimensions scored."""
    rows: list[IndicatorScore] = []
    possible = sum((s.points for s in specs), Decimal(0))
    points_of: dict[str, Decimal] = defaultdict(Decimal)
    counted: dict[str, Decimal] = defaultdict(Decimal)
    raw: dict[str, Decimal] = defaultdict(Decimal)
    for spec in specs:
        points_of[spec.dimension] += spec.points
        state, value = values.get(spec.code, (NO_SOURCE, None))
        if state == SCORED and value is not None:
            score = linear_score(value, full_at=spec.full_at, zero_at=spec.zero_at, points=spec.points)
        elif no_source_rule == "full":
            score = spec.points
        elif no_source_rule == "zero":
            score = Decimal(0)
        else:
            rows.append(IndicatorScore(spec.code, spec.dimension, value, state, None, spec.points))
            continue
        counted[spec.dimension] += spec.points
        raw[spec.dimension] += score
        rows.append(IndicatorScore(spec.code, spec.dimension, value, state, score, spec.points))
    by_dimension = {
        d: (raw[d] * points_of[d] / counted[d]).quantize(CENT, rounding=ROUND_HALF_UP)
        for d in points_of
        if counted[d]
    }
    scored_points = sum((points_of[d] for d in by_dimension), Decimal(0))
    scale = (possible / scored_points) if scored_points else Decimal(0)
    total = (sum(by_dimension.values(), Decimal(0)) * scale).quantize(CENT, rounding=ROUND_HALF_UP)
    return SubjectScore(subject, rows, total, by_dimension, scale)


def grade_for(total: Decimal, bands: Sequence[Sequence], *, vetoed: bool, veto_grade: str) -> str:
    """The first band (highest first) whose minimum ``total`` reaches; the last band below all of
    them. A vetoed unit (一票否决, Art. 41) gets at best ``veto_grade``."""
    names = [str(name) for name, _minimum in bands]
    grade = names[-1]
    for name, minimum in bands:
        if total >= Decimal(str(minimum)):
            grade = str(name)
            break
    if vetoed and veto_grade in names and names.index(grade) < names.index(veto_grade):
        grade = veto_grade
    return grade


def rank(totals: dict[str, Decimal], vetoed: Iterable[str] = ()) -> dict[str, int]:
    """Standard competition ranking (1, 2, 2, 4) by total, highest first; vetoed units rank after
    every unit that is not, among themselves by total."""
    vetoed = set(vetoed)
    order = sorted(totals, key=lambda s: (s in vetoed, -totals[s], s))
    ranks: dict[str, int] = {}
    previous = None
    for position, subject in enumerate(order, start=1):
        key = (subject in vetoed, totals[subject])
        if key != previous:
            current = position
            previous = key
        ranks[subject] = current
    return ranks


# --- problems of Art. 8 -----------------------------------------------------------------------

TRIGGERS = {
    "task_failed": "未完成年度减贫计划任务",
    "fund_violation": "违反扶贫资金管理使用规定",
    "false_exit": "违反贫困退出规定、弄虚作假、搞“数字脱贫”",
    "low_accuracy": "贫困人口识别和退出准确率、帮扶工作群众满意度较低",
    "violation_found": "纪检、监察、审计和社会监督发现违纪违规问题",
}


@dataclass(frozen=True)
class TriggerFacts:
    exit_task_done_percent: Decimal | None = None
    identification_accuracy: Decimal | None = None
    exit_accuracy: Decimal | None = None
    satisfaction: Decimal | None = None
    wrong_exits: int = 0
    fund_violations: int | None = None
    violations_found: int | None = None


def problems(facts: TriggerFacts, *, accuracy_floor: Decimal, satisfaction_floor: Decimal) -> list[str]:
    """The Art. 8 problem triggers a unit's facts meet (codes of ``TRIGGERS``); facts without a
    source (None) trigger nothing."""
    found = []
    if facts.exit_task_done_percent is not None and facts.exit_task_done_percent < 100:
        found.append("task_failed")
    if facts.fund_violations:
        found.append("fund_violation")
    if facts.wrong_exits:
        found.append("false_exit")
    if any(
        value is not None and value < accuracy_floor
        for value in (facts.identification_accuracy, facts.exit_accuracy)
    ) or (facts.satisfaction is not None and facts.satisfaction < satisfaction_floor):
        found.append("low_accuracy")
    if facts.violations_found:
        found.append("violation_found")
    return found


def months_after(day: dt.date, months: int) -> dt.date:
    """「N个月内」 (CHECKLIST §1): the same day of the month N months later, or that month's last day."""
    import calendar

    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- dated steps ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepPlan:
    code: str
    label: str
    due: dt.date


def step_plan(steps: Sequence[dict], year: int) -> list[StepPlan]:
    """The round's steps with their deadlines: ``month``/``day`` of the assessment year, or of the
    next year when ``next_year`` (Art. 7: the work ends by the end of January)."""
    return [
        StepPlan(
            s["code"], s["label"], dt.date(year + (1 if s.get("next_year") else 0), s["month"], s["day"])
        )
        for s in steps
    ]


def step_status(due: dt.date, done_on: dt.date | None, today: dt.date) -> str:
    """``done`` (on or before the due day, CHECKLIST: 「X月Y日前」 is inclusive), ``done_late``,
    ``overdue`` (not done and the due day has passed) or ``pending``."""
    if done_on is not None:
        return "done" if done_on <= due else "done_late"
    return "overdue" if today > due else "pending"


STEP_STATUS_LABELS = {"done": "按期完成", "done_late": "逾期完成", "overdue": "已逾期", "pending": "未到期"}


# --- quarterly village assessment (seed 004, C4-01 … C4-04) ----------------------------------


def year_score(quarters: dict[int, Decimal], weights: Sequence[Decimal]) -> Decimal | None:
    """Σ weight × quarter score / 100 (C4-01: 20/20/20/40, the fourth quarter's being the year-end
    assessment); None until all four quarters are scored."""
    if any(q not in quarters for q in (1, 2, 3, 4)):
        return None
    total = sum((Decimal(weights[q - 1]) * quarters[q] for q in (1, 2, 3, 4)), Decimal(0))
    return (total / 100).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class VillageOutcome:
    village: str
    score: Decimal
    rank: int
    passed: bool
    award_ineligible: bool = False  # bottom N (ties at the edge included, C4-02)
    evaluation_ineligible: bool = False  # failed and bottom N: loses 综合评价 eligibility (C4-03)
    talk: bool = False  # its secretary is called to a talk and writes a self-criticism (C4-03)
    rewarded: bool = False  # passed and within the top N (C4-04)
    notes: list[str] = field(default_factory=list)


def village_outcomes(
    scores: dict[str, Decimal], *, pass_mark: Decimal, bottom: int, top: int
) -> list[VillageOutcome]:
    """Rank the villages of a township by year score and apply C4-02 … C4-04. "Bottom two": every
    village whose score is at or below the score of the ``bottom``-th lowest (ties included); "top
    three": every village ranked ``top`` or better, that passed (score ≥ pass mark)."""
    ranks = rank(scores)
    ascending = sorted(scores.values())
    edge = ascending[min(bottom, len(ascending)) - 1] if ascending and bottom else None
    outcomes = []
    for village in sorted(scores, key=lambda v: (ranks[v], v)):
        score = scores[village]
        passed = score >= pass_mark
        in_bottom = edge is not None and score <= edge
        notes = []
        if in_bottom:
            notes.append("末位，取消年终评优评先资格")
        if in_bottom and not passed:
            notes.append("不合格且末位，取消当年综合评价资格；村支书约谈并向政府主要领导书面检讨")
        rewarded = passed and ranks[village] <= top and not in_bottom
        if rewarded:
            notes.append("合格且排名前列，年终奖励")
        outcomes.append(
            VillageOutcome(
                village,
                score,
                ranks[village],
                passed,
                award_ineligible=in_bottom,
                evaluation_ineligible=in_bottom and not passed,
                talk=in_bottom and not passed,
                rewarded=rewarded,
                notes=notes,
            )
        )
    return outcomes
