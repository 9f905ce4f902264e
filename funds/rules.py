"""Pure rules of seed 002 (no database, no clock): step order, duplicates, notices, reviews,
adjustments, acceptance, benefit linkage and performance evaluation. Services and the import call
them; each has an edge test in tests/test_funds_rules.py."""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

#: The one-off steps in the order of the "ten steps" (C2-09); ``True``: every later step needs it.
STEP_ORDER: tuple[tuple[str, str, bool], ...] = (
    ("library_on", "入库", True),
    ("applied_on", "申报", False),
    ("assessed_on", "立项评估", False),
    ("approved_on", "立项", True),
    ("plan_submitted_on", "实施方案报送", False),
    ("plan_approved_on", "实施方案批复", True),
    ("filed_on", "备案", True),
    ("started_on", "开工", True),
    ("completed_on", "完工", True),
    ("accepted_on", "验收", True),
)
STEP_LABELS = {name: label for name, label, _required in STEP_ORDER}


def order_problems(dates: Mapping[str, dt.date | None], *, taking: bool = False) -> list[tuple[str, str]]:
    """(field, Chinese message) for every step date given without the required step before it, or
    before an earlier step's date. Steps not in ``dates`` or None are "not taken". ``taking``:
    phrase the messages for a step being taken now rather than for dates given in a file."""
    problems = []
    for index, (name, label, _required) in enumerate(STEP_ORDER):
        day = dates.get(name)
        if day is None:
            continue
        for earlier, earlier_label, required in reversed(STEP_ORDER[:index]):
            earlier_day = dates.get(earlier)
            if earlier_day is None:
                if required:
                    message = (
                        f"项目尚未{earlier_label}，不能{label}"
                        if taking
                        else f"有{label}日期而没有{earlier_label}日期：{label}须在{earlier_label}之后"
                    )
                    problems.append((name, message))
                    break
                continue
            if day < earlier_day:
                problems.append((name, f"{label}日期 {day} 早于{earlier_label}日期 {earlier_day}"))
            break
    return problems


def next_step_problem(dates: Mapping[str, dt.date | None], step: str, day: dt.date) -> str | None:
    """Why ``step`` cannot be taken on ``day`` (the required earlier step missing or later), or None."""
    if dates.get(step) is not None:
        return f"该项目已有{STEP_LABELS[step]}日期 {dates[step]}"
    trial = dict(dates)
    trial[step] = day
    for name, message in order_problems(trial, taking=True):
        if name == step:
            return message
    return None


_PUNCTUATION = re.compile(r"[\s\W_]+", re.UNICODE)


def content_key(text: str) -> str:
    """The construction content compared for duplicates (F-4): NFKC, without spaces and punctuation."""
    return _PUNCTUATION.sub("", unicodedata.normalize("NFKC", text or "")).lower()[:300]


def bar_years(found_in: int) -> tuple[int, int]:
    """F-4: a project found false, forged or split bars its applicant that year and the next."""
    return found_in, found_in + 1


def required_review(subsidy: Decimal, threshold: Decimal) -> str:
    """F-2 / C2-14: expert review at or above the threshold (「以上」 includes it), office review below."""
    return "expert" if subsidy >= threshold else "office"


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def construction_warning(start: dt.date | None, end: dt.date | None, months: int) -> str | None:
    """F-6: construction period at most ``months`` (「原则上不超过1年」): a warning, not a refusal."""
    if start is None or end is None:
        return None
    if end > add_months(start, months):
        return f"计划建设期 {start} 至 {end} 超过 {months} 个月（建设期原则上不超过1年）"
    return None


def completion_due(started_on: dt.date, months: int) -> dt.date:
    """F-6: an unfinished project is overdue after ``months`` from its start."""
    return add_months(started_on, months)


def adjustment_deadline(released_on: dt.date, months: int) -> dt.date:
    """F-5: adjustments complete within ``months`` of fund release, the last day included."""
    return add_months(released_on, months)


def reimbursement_due(accepted_on: dt.date, days: int) -> dt.date:
    """C2-58: reimbursement complete within ``days`` calendar days after acceptance, inclusive."""
    return accepted_on + dt.timedelta(days=days)


#: F-7: the contents of the two notices (seed 002 §三(五)).
APPROVAL_NOTICE_FIELDS = ("资金规模", "资金来源", "资金用途", "使用单位", "分配原则", "分配结果", "监督电话")
SITE_NOTICE_FIELDS = (
    "项目名称",
    "实施地点",
    "建设内容",
    "实施期限",
    "实施单位及责任人",
    "资金来源",
    "资金构成及规模",
    "政府采购及招投标情况",
    "预期目标",
    "受益农户",
    "监督投诉方式",
)
NOTICE_FIELDS = {"approval": APPROVAL_NOTICE_FIELDS, "site": SITE_NOTICE_FIELDS}


def notice_missing(kind: str, contents: Mapping[str, str], has_photo: bool) -> list[str]:
    """What a notice lacks to be complete: empty contents, and the photo of an on-site board."""
    missing = [name for name in NOTICE_FIELDS[kind] if not str(contents.get(name) or "").strip()]
    if kind == "site" and not has_photo:
        missing.append("公示牌照片")
    return missing


ACCEPTANCE_ITEMS = (
    ("task_done", "计划任务完成"),
    ("funds_managed", "资金使用和管理"),
    ("benefits", "综合效益"),
    ("archives", "项目和财务档案"),
    ("notices_and_boards", "公示和标牌"),
    ("maintenance", "管护制度"),
)


def acceptance_problems(
    *,
    items: Mapping[str, bool | None],
    grade: str,
    subsidy: Decimal,
    audit_threshold: Decimal,
    audit_opinion_on,
) -> list[str]:
    """F-10: the six items all assessed; a passing grade only when all six pass; a completion audit
    opinion before acceptance at or above the audit threshold."""
    problems = [f"验收项“{label}”未评定" for name, label in ACCEPTANCE_ITEMS if items.get(name) is None]
    if grade not in ("excellent", "pass", "fail"):
        problems.append("请选择验收等次（优良、合格、不合格）")
    elif grade != "fail" and any(items.get(name) is False for name, _label in ACCEPTANCE_ITEMS):
        failed = "、".join(label for name, label in ACCEPTANCE_ITEMS if items.get(name) is False)
        problems.append(f"验收项“{failed}”不合格，验收等次只能为不合格")
    if subsidy >= audit_threshold and audit_opinion_on is None:
        problems.append(f"财政补助资金 {subsidy} 元达到 {audit_threshold} 元，验收前须有竣工审计意见")
    return problems


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def share_problem(label: str, part: int, whole: int, minimum: Decimal | None) -> str | None:
    """F-12: a poor share below the profile's minimum; "not configured" when the county set none."""
    if minimum is None:
        return f"{label}最低比例未设置（种子文件未给出，由县级参数设定）"
    share = percent(part, whole)
    if share is None:
        return f"{label}：尚无名单"
    if share < minimum:
        return f"{label} {share}% 低于 {minimum}%"
    return None


@dataclass(frozen=True)
class BenefitYear:
    year: int
    invested: Decimal | None
    dividend: Decimal | None
    collective_income_increase: Decimal | None


def benefit_flags(
    records: Iterable[BenefitYear], *, dividend_minimum_percent: Decimal, collective_minimum: Decimal | None
) -> list[tuple[int, str]]:
    """F-12 / C2-63 / C2-65: per year, a guaranteed dividend under the minimum rate of the invested
    funds or not above the previous year's rate (「逐年递增」), and a collective income increase under
    the minimum (village-collective projects only: pass ``collective_minimum``)."""
    flags = []
    previous: Decimal | None = None
    for record in sorted(records, key=lambda r: r.year):
        if record.invested and record.dividend is not None:
            rate = record.dividend * 100 / record.invested  # exact: compared unrounded, shown rounded
            shown = rate.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP).normalize()
            if rate < dividend_minimum_percent:
                flags.append(
                    (record.year, f"{record.year} 年保底分红率 {shown}% 低于 {dividend_minimum_percent}%")
                )
            elif previous is not None and rate <= previous:
                before = previous.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP).normalize()
                flags.append(
                    (record.year, f"{record.year} 年保底分红率 {shown}% 未高于上年的 {before}%（应逐年递增）")
                )
            previous = rate
        increase = record.collective_income_increase
        if collective_minimum is not None and increase is not None and increase < collective_minimum:
            flags.append(
                (record.year, f"{record.year} 年村集体经济增收 {increase} 元低于 {collective_minimum} 元")
            )
    return flags


def evaluation_total(
    scores: Mapping[str, Decimal | int | str],
    indicators: list[dict],
    *,
    bonus: Decimal,
    deduction: Decimal,
    bonus_max: Decimal,
    deduction_max: Decimal,
) -> tuple[Decimal | None, list[str]]:
    """F-14: the total of a unit's scores on the indicator table, with bonus and deductions capped."""
    problems = []
    total = Decimal(0)
    known = {item["code"]: item for item in indicators}
    for code in scores:
        if code not in known:
            problems.append(f"没有指标“{code}”")
    for code, item in known.items():
        raw = scores.get(code)
        if raw is None or raw == "":
            problems.append(f"指标“{item['label']}”未评分")
            continue
        try:
            value = Decimal(str(raw))
        except ArithmeticError:
            problems.append(f"指标“{item['label']}”的得分“{raw}”不是数字")
            continue
        if value < 0 or value > Decimal(str(item["points"])):
            problems.append(f"指标“{item['label']}”得分须在 0 至 {item['points']} 之间")
            continue
        total += value
    if bonus < 0 or bonus > bonus_max:
        problems.append(f"加分须在 0 至 {bonus_max} 之间")
    if deduction < 0 or deduction > deduction_max:
        problems.append(f"扣分须在 0 至 {deduction_max} 之间")
    if problems:
        return None, problems
    return total + bonus - deduction, []


def evaluation_timing(year: int, started_on: dt.date | None, finished_on: dt.date | None) -> list[str]:
    """C2-70: the evaluation of ``year``'s funds starts by 31 March and is finished by 30 April of
    the next year (both inclusive)."""
    problems = []
    start_by, finish_by = dt.date(year + 1, 3, 31), dt.date(year + 1, 4, 30)
    if started_on is not None and started_on > start_by:
        problems.append(f"{year} 年度资金绩效考评应于 {start_by} 前启动，实际 {started_on}")
    if finished_on is not None and finished_on > finish_by:
        problems.append(f"{year} 年度资金绩效考评应于 {finish_by} 前完成，实际 {finished_on}")
    return problems


#: F-15: largest upload accepted in the archive (bytes); types are the model's validator's.
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


#: amounts the money columns hold: 14 digits, two of them after the point (funds/models.py MONEY)
MONEY_LIMIT = Decimal(10) ** 12


def money_problem(amount: Decimal) -> str | None:
    """Why ``amount`` cannot be stored as yuan to the cent, or None: every form, service and import
    of the funds checks this before writing, so a typo never reaches the database as a 500."""
    if not amount.is_finite():
        return "金额应为数字"
    if abs(amount) >= MONEY_LIMIT:
        return f"金额不能达到 {MONEY_LIMIT:,} 元"
    if amount != amount.quantize(Decimal("0.01")):
        return "金额应精确到分（两位小数）"
    return None


def evaluation_window_problem(
    started_on: dt.date | None, finished_on: dt.date | None, published_on: dt.date | None, on: dt.date
) -> str | None:
    """F-14: scores are entered and changed while the evaluation runs — from its start to its
    finish, both days included — and never once the results are published."""
    if published_on is not None:
        return f"考评结果已于 {published_on} 通报，得分不能再修改"
    if started_on is None:
        return "考评尚未启动（请先登记启动日期），不能录入得分"
    if on < started_on:
        return f"考评于 {started_on} 启动，{on} 不能录入得分"
    if finished_on is not None and on > finished_on:
        return f"考评已于 {finished_on} 完成，{on} 不能再录入或修改得分"
    return None


@dataclass(frozen=True)
class RectificationCause:
    """Why the nightly rule orders a project to rectify (F-5): the reason, the date that caused it
    (one order per project, reason and date) and the Chinese explanation."""

    reason: str  # a RectificationReason value
    cause_on: dt.date
    details: str


def rectification_causes(
    *,
    as_of: dt.date,
    completed_on: dt.date | None,
    planned_end: dt.date | None,
    completion_due: dt.date | None,
    entries: Iterable[tuple[dt.date, int | None, str]],
    shortfall_years: Iterable[int],
    behind_plan_days: int | None,
    not_reporting_days: int | None,
    shortfall_year_count: int | None,
) -> list[RectificationCause]:
    """F-5 / C2-23 / C2-34: the causes for which a project gets a rectification order by rule.

    - behind plan: not completed ``behind_plan_days`` calendar days or more after the earlier of its
      planned end and the end of its construction period (the order's date is that end);
    - not reporting: an information entry after a disbursement or reimbursement overdue by
      ``not_reporting_days`` working days or more (``entries``: (due, working days late or None
      while the calendar lacks the year, what it is); the order's date is the entry's due day);
    - performing badly: benefit-linkage shortfalls in ``shortfall_year_count`` years or more (the
      order's date is the 31 December of the last such year).
    A threshold of None switches that cause off. The nightly run issues only causes not yet ordered."""
    causes = []
    if behind_plan_days is not None and completed_on is None:
        ends = [day for day in (planned_end, completion_due) if day is not None]
        if ends:
            end = min(ends)
            late = (as_of - end).days
            if late > 0 and late >= behind_plan_days:
                causes.append(
                    RectificationCause(
                        "behind_plan",
                        end,
                        f"项目应于 {end} 前完工，至 {as_of} 仍未完工（滞后 {late} 天，"
                        f"达到自动整改的 {behind_plan_days} 天）",
                    )
                )
    if not_reporting_days is not None:
        for due, late_by, what in sorted(entries, key=lambda e: e[0]):
            if late_by and late_by >= max(not_reporting_days, 1):
                causes.append(
                    RectificationCause(
                        "not_reporting",
                        due,
                        f"{what}后的信息应于 {due} 前录入，已逾期 {late_by} 个工作日"
                        f"（达到自动整改的 {not_reporting_days} 个工作日）",
                    )
                )
    years = sorted(set(shortfall_years))
    if shortfall_year_count is not None and years and len(years) >= max(shortfall_year_count, 1):
        last, listed = years[-1], "、".join(str(y) for y in years)
        causes.append(
            RectificationCause(
                "poor_results",
                dt.date(last, 12, 31),
                f"利益联结未达标的年度：{listed}（达到自动整改的 {shortfall_year_count} 年）",
            )
        )
    return causes
