"""Pure ledger rules: the 532 split, stage preconditions, period locks and the hash chain.

No database, no clock: the facts and the policy numbers come in as arguments, a verdict goes out.
Amounts are ``Decimal`` yuan with two places; every split sums exactly to the subsidy because the
last part takes the remainder (docs/decisions/0022-fund-ledger.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
#: the previous hash of an account's first entry
GENESIS = "0" * 64


def cents(value: Decimal) -> Decimal:
    """``value`` rounded half up to the cent (the rounding of Chinese fiscal accounting)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def share_of(amount: Decimal, percent: Decimal) -> Decimal:
    return cents(Decimal(amount) * Decimal(percent) / HUNDRED)


# --- stages -------------------------------------------------------------------------------------

FIRST, SECOND, FINAL = "first", "second", "final"
STAGE_LABELS = {FIRST: "首期", SECOND: "二期", FINAL: "尾款"}
MODE_532, MODE_BUILD_FIRST = "532", "build_first"


@dataclass(frozen=True)
class StagePolicy:
    """The profile numbers of staged disbursement (seed 002 §六(二), CHECKLIST C2-57, C2-29)."""

    first_percent: Decimal = Decimal(50)
    second_percent: Decimal = Decimal(30)
    second_completion_percent: Decimal = Decimal(60)
    deposit_min_percent: Decimal = Decimal(5)
    deposit_max_percent: Decimal = Decimal(10)
    deposit_default_percent: Decimal = Decimal(5)
    warranty_months: int = 12
    reimbursement_days: int = 30


@dataclass(frozen=True)
class StageAmount:
    stage: str
    amount: Decimal  # paid out at this stage
    deposit: Decimal = Decimal("0.00")  # withheld at this stage (the last one only)

    @property
    def label(self) -> str:
        return STAGE_LABELS[self.stage]


def deposit_problem(rate: Decimal, policy: StagePolicy) -> str | None:
    """Why a quality-deposit rate is not allowed (None when it is): 5 %–profile maximum."""
    if not policy.deposit_min_percent <= rate <= policy.deposit_max_percent:
        return (
            f"质量保证金比例应在 {policy.deposit_min_percent}%–{policy.deposit_max_percent}% 之间，"
            f"而不是 {rate}%"
        )
    return None


def split_subsidy(
    subsidy: Decimal, *, mode: str, policy: StagePolicy, deposit_percent: Decimal | None
) -> list[StageAmount]:
    """The stages of a subsidy: 532 (first share, second share, the remainder less the deposit) or
    先建后补 (everything at the end less the deposit). ``deposit_percent`` None: no deposit (not an
    industry or infrastructure project). Paid amounts plus the deposit equal the subsidy exactly."""
    subsidy = Decimal(subsidy)
    if subsidy != cents(subsidy) or subsidy <= 0:
        raise ValueError(f"补助金额应为正数且精确到分：{subsidy}")
    deposit = share_of(subsidy, deposit_percent) if deposit_percent else Decimal("0.00")
    if mode == MODE_BUILD_FIRST:
        return [StageAmount(FINAL, subsidy - deposit, deposit)]
    if mode != MODE_532:
        raise ValueError(f"unknown disbursement mode {mode!r}")
    first = share_of(subsidy, policy.first_percent)
    second = share_of(subsidy, policy.second_percent)
    remainder = subsidy - first - second
    if remainder < deposit:
        raise ValueError("尾款不足以扣留质量保证金")
    return [
        StageAmount(FIRST, first),
        StageAmount(SECOND, second),
        StageAmount(FINAL, remainder - deposit, deposit),
    ]


@dataclass(frozen=True)
class ProjectFacts:
    """What the stage preconditions read about a project, as of the posting date."""

    started_on: dt.date | None = None
    completion_percent: Decimal | None = None
    accepted_on: dt.date | None = None  # the county acceptance that passed (优良 or 合格)
    blocked_reason: str | None = None  # an open rectification order (funds.selectors.disbursement_blocked)


def stage_problems(
    stage: str,
    *,
    mode: str,
    facts: ProjectFacts,
    paid: set[str],
    policy: StagePolicy,
    on: dt.date,
    remaining: dict[str, Decimal] | None = None,
) -> list[str]:
    """What is missing before (a further part of) ``stage`` may be paid on day ``on``; empty when it
    may. ``paid``: the stages paid in full; ``remaining``: what is left of the stages begun (a stage
    may be paid in several parts up to its amount; the next one only once the earlier is complete)."""
    label = STAGE_LABELS[stage]
    problems: list[str] = []
    remaining = remaining or {}
    if stage in paid:
        return [f"{label}资金已经全额拨付，不能重复拨付"]
    if facts.blocked_reason:
        problems.append(f"项目处于整改期，停止拨款（{facts.blocked_reason}）")
    if mode == MODE_BUILD_FIRST and stage != FINAL:
        return [*problems, f"先建后补项目只在验收合格后一次拨付，没有{label}"]
    if mode == MODE_532:
        order = [FIRST, SECOND, FINAL]
        for earlier in order[: order.index(stage)]:
            if earlier not in paid:
                left = remaining.get(earlier)
                problems.append(
                    f"{STAGE_LABELS[earlier]}资金尚未拨付完毕（尚余 {left} 元）"
                    if left is not None
                    else f"{STAGE_LABELS[earlier]}资金尚未拨付"
                )
    if stage == FIRST and (facts.started_on is None or facts.started_on > on):
        problems.append("项目尚未确认开工")
    if stage == SECOND:
        done = facts.completion_percent
        if done is None:
            problems.append(f"尚未报告工程完成量（二期需完成 {policy.second_completion_percent}% 以上）")
        elif done < policy.second_completion_percent:
            problems.append(f"工程完成量 {done}% 未达到 {policy.second_completion_percent}%")
    if stage == FINAL:
        if mode == MODE_532 and (facts.completion_percent is None or facts.completion_percent < HUNDRED):
            problems.append(f"工程尚未全部完工（已报告完成量 {facts.completion_percent or 0}%）")
        if facts.accepted_on is None or facts.accepted_on > on:
            problems.append("项目尚未通过县级验收")
    return problems


def payment_problem(stage: StageAmount, *, already: Decimal, amount: Decimal) -> str | None:
    """Why paying ``amount`` now at ``stage`` (of which ``already`` was paid) is refused, or None:
    the parts of a stage never add up to more than its amount."""
    left = stage.amount - already
    if amount > left:
        return (
            f"{stage.label}应拨付 {stage.amount} 元，已拨付 {already} 元，"
            f"本次 {amount} 元超过尚余的 {left} 元"
        )
    return None


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day-of-month ``months`` later, or that month's last day (CHECKLIST §1)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in range(day.day, 27, -1):
        try:
            return dt.date(year, month, candidate)
        except ValueError:
            continue
    return dt.date(year, month, min(day.day, 28))


def deposit_return_problems(
    *, facts: ProjectFacts, held: Decimal, policy: StagePolicy, on: dt.date
) -> list[str]:
    problems = []
    if held <= 0:
        problems.append("没有扣留中的质量保证金")
    if facts.accepted_on is None:
        problems.append("项目尚未通过县级验收")
    else:
        due = add_months(facts.accepted_on, policy.warranty_months)
        if on < due:
            problems.append(
                f"质保期未满（验收 {facts.accepted_on}，质保 {policy.warranty_months} 个月，{due} 起可退还）"
            )
    return problems


def reimbursement_due(accepted_on: dt.date, policy: StagePolicy) -> dt.date:
    """「报账必须在项目竣工验收后30天内完成」: calendar days, acceptance day + N inclusive."""
    return accepted_on + dt.timedelta(days=policy.reimbursement_days)


# --- period locks -------------------------------------------------------------------------------


def locked_problem(day: dt.date, locked_through: dt.date | None) -> str | None:
    if locked_through is not None and day <= locked_through:
        return f"{day} 所在期间已结账（结账截至 {locked_through}），不能再记账；更正请记入未结账期间"
    return None


def period_end(year: int, month: int | None) -> dt.date:
    """The last day of a month, or of the year when ``month`` is None."""
    if month is None:
        return dt.date(year, 12, 31)
    return add_months(dt.date(year, month, 1), 1) - dt.timedelta(days=1)


# --- invoices (F-11) --------------------------------------------------------------------------

ROSTER_KINDS = {
    "household_subsidy": "直接补助到户",
    "training_allowance": "培训项目务工补助",
    "technician_allowance": "工程类项目技工补助",
}


def plan_line_problem(*, name: str, amount: Decimal, line_amount: Decimal, reimbursed: Decimal) -> str | None:
    """Why a reimbursement of ``amount`` on the plan line ``name`` is refused, or None: never more
    than what is left of the line (F-11)."""
    left = line_amount - reimbursed
    if amount > left:
        return (
            f"报账金额超过实施方案预算科目“{name}”的剩余额度：预算 {line_amount} 元，"
            f"已报账 {reimbursed} 元，尚余 {left} 元，本次 {amount} 元"
        )
    return None


def plan_lines_problems(lines: list[tuple[str, Decimal]], *, subsidy: Decimal) -> list[str]:
    """What is wrong with the budget lines of an implementation plan: each named once, each
    positive, together exactly the subsidy (to the cent)."""
    problems, seen = [], set()
    if not lines:
        return ["请列出实施方案的预算科目及金额"]
    for name, amount in lines:
        if not name:
            problems.append("预算科目名称不能为空")
        elif name in seen:
            problems.append(f"预算科目“{name}”重复")
        seen.add(name)
        if amount <= 0:
            problems.append(f"预算科目“{name}”的金额应大于 0")
    total = sum((amount for _name, amount in lines), Decimal("0.00"))
    if total != subsidy:
        problems.append(f"各预算科目合计 {total} 元，应等于财政补助资金 {subsidy} 元")
    return problems


def reimbursement_warnings(*, budget_line: str, invoice_number: str, roster_kind: str) -> list[str]:
    """What a reimbursement lacks under F-11: a budget line of the plan, and a tax invoice unless
    it is paid on a roster (household subsidies, training and technician allowances)."""
    warnings = []
    if not budget_line.strip():
        warnings.append("未注明实施方案预算科目")
    if not roster_kind and not invoice_number.strip():
        warnings.append("未附税务发票（按名册报账的除外）")
    return warnings


# --- hash chain ---------------------------------------------------------------------------------

CHAINED_FIELDS = (
    "account",
    "sequence",
    "batch",
    "voucher_number",
    "date",
    "kind",
    "stage",
    "amount",
    "delta",
    "balance_after",
    "counterpart",
    "counterpart_id_number",
    "budget_line",
    "invoice_number",
    "roster_kind",
    "summary",
    "reverses",
    "source_account",
    "warnings",
    "posted_by",
    "posted_at",
)


def _canonical_value(value):
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_canonical_value(v) for v in value]
    if value is None or isinstance(value, (str, int, bool)):
        return value
    return str(value)


def canonical(values: dict) -> bytes:
    """The canonical form of an entry: its chained fields as sorted, compact UTF-8 JSON."""
    data = {name: _canonical_value(values.get(name)) for name in CHAINED_FIELDS}
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def chain_hash(previous: str, values: dict) -> str:
    """SHA-256 over the previous entry's hash and this entry's canonical form."""
    return hashlib.sha256(previous.encode("ascii") + b"\n" + canonical(values)).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    sequence: int
    voucher_number: str
    reason: str


def first_break(entries, *, head: str, count: int) -> ChainBreak | None:
    """The first entry where the chain of one account does not hold (None when it holds).

    ``entries``: dicts of the chained fields plus ``prev_hash`` and ``hash``, in sequence order;
    ``head``/``count``: the account's recorded last hash and number of entries (a deleted last entry
    leaves every remaining link intact, so the recorded head is checked too)."""
    previous, expected_sequence, last = GENESIS, 1, None
    for entry in entries:
        last = entry
        if entry["sequence"] != expected_sequence:
            return ChainBreak(
                entry["sequence"],
                entry["voucher_number"],
                f"序号不连续（应为 {expected_sequence}）：有分录被删除",
            )
        if entry["prev_hash"] != previous:
            return ChainBreak(
                entry["sequence"], entry["voucher_number"], "前一哈希不符：前面的分录被改动或删除"
            )
        if chain_hash(previous, entry) != entry["hash"]:
            return ChainBreak(entry["sequence"], entry["voucher_number"], "内容与哈希不符：分录被改动")
        previous, expected_sequence = entry["hash"], expected_sequence + 1
    if expected_sequence - 1 != count or previous != head:
        voucher = last["voucher_number"] if last else ""
        return ChainBreak(
            expected_sequence - 1, voucher, f"账户记录的链头（{count} 笔）与分录不符：末尾分录被删除或改动"
        )
    return None
