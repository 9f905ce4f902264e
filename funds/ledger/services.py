"""Writes of the ledger. Every entry is posted through ``_post`` — under a row lock on its account,
checked against the county's lock date and the balance, appended to the account's hash chain —
and is never changed afterwards: a correction is ``ledger_reverse``.

Services are keyword-only, take the acting user, check permission and jurisdiction, run in one
transaction and raise ``ValidationError`` with a Chinese message naming what is missing.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from accountability.access.guards import require_in_jurisdiction, require_permission
from accountability.models import AdminLevel, AdminUnit
from accountability.platform.history import history_context
from funds.ledger import projects, rules
from funds.ledger.models import (
    AccountKind,
    EntryKind,
    LedgerAccount,
    LedgerEntry,
    LedgerLock,
    PlanBudgetLine,
    RosterKind,
    Stage,
)
from funds.ledger.policy import stage_policy_for
from funds.models import BudgetLine, FundLevel
from funds.rules import money_problem

#: budget lines paid on a roster (funds' reference data, F-11) → the ledger's roster categories
ROSTER_LINES = {
    "household_subsidy": RosterKind.HOUSEHOLD_SUBSIDY,
    "training_work_subsidy": RosterKind.TRAINING_ALLOWANCE,
    "technician_subsidy": RosterKind.TECHNICIAN_ALLOWANCE,
}

POST = "funds.post_ledgerentry"
#: who enters a plan's budget lines: the applicant with the plan, or the county approving it
PLAN_LINE_PERMISSIONS = ("funds.apply_project", "funds.approve_project")
CLOSE = "funds.close_ledgerperiod"
ZERO = Decimal("0.00")

#: how an entry of each kind moves its account's held quality deposit
HELD_SIGN = {EntryKind.DEPOSIT_WITHHELD: 1, EntryKind.DEPOSIT_RETURNED: -1}


def money_value(value, what: str = "金额") -> Decimal:
    """An amount as posted: yuan to the cent, within the money columns (``funds.rules.money_problem``,
    the one check of the funds app), greater than 0 — from a form, the API or an import cell (a
    string with thousands separators is accepted; nothing is rounded)."""
    if isinstance(value, str):
        value = value.strip().replace(",", "").replace("，", "")
    try:
        amount = Decimal(value)
    except Exception:
        raise ValidationError(f"{what}应为数字") from None
    problem = money_problem(amount)
    if problem:
        raise ValidationError(f"{what}：{problem}（{value}）")
    if amount <= 0:
        raise ValidationError(f"{what}应大于 0：{value}")
    return amount


_money = money_value


def _voucher(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError("请填写凭证号")
    if len(text) > 50:
        raise ValidationError("凭证号不能超过 50 个字符")
    return text


# --- accounts -------------------------------------------------------------------------------


@transaction.atomic
def ledger_allocation_open(
    *,
    actor,
    county: AdminUnit,
    fund_level: str,
    document_number: str,
    document_date: dt.date | None,
    year: int,
    name: str = "",
) -> LedgerAccount:
    """The allocation account of a fund-source document for a county (idempotent per document)."""
    require_permission(actor, POST)
    require_in_jurisdiction(actor, county.code)
    if county.level != AdminLevel.COUNTY:
        raise ValidationError(f"资金来源指标应属于县(区)，而 {county.name} 不是县级单位")
    if fund_level not in FundLevel.values:
        raise ValidationError(f"资金级次应为 {'/'.join(FundLevel.labels)}")
    document_number = (document_number or "").strip()
    if not document_number:
        raise ValidationError("请填写资金来源文号")
    account = LedgerAccount.objects.filter(
        kind=AccountKind.ALLOCATION, county=county, document_number=document_number, fund_level=fund_level
    ).first()
    if account:
        return account
    with history_context(actor=actor, reason="开设资金来源指标账户"):
        return LedgerAccount.objects.create(
            kind=AccountKind.ALLOCATION,
            county=county,
            unit=county,
            name=name or f"{FundLevel(fund_level).label}资金 {document_number}",
            year=year,
            fund_level=fund_level,
            document_number=document_number,
            document_date=document_date,
            opened_by=actor,
        )


@transaction.atomic
def ledger_project_account_open(*, actor, project, deposit_percent: Decimal | None = None) -> LedgerAccount:
    """The special account of a project (one per project, F-13), with its quality-deposit rate
    (industry and infrastructure projects: 5 %–profile maximum; the profile's default if not given)."""
    existing = LedgerAccount.objects.filter(project=project).first()
    if existing:
        return existing
    require_permission(actor, POST)
    unit_code = projects.project_unit_code(project)
    require_in_jurisdiction(actor, unit_code)
    policy = stage_policy_for(unit_code, timezone.localdate())
    if projects.deposit_applies(project):
        deposit_percent = (
            policy.deposit_default_percent if deposit_percent is None else Decimal(deposit_percent)
        )
        problem = rules.deposit_problem(deposit_percent, policy)
        if problem:
            raise ValidationError(problem)
    elif deposit_percent:
        raise ValidationError("只有产业扶贫和基础设施项目扣留质量保证金")
    else:
        deposit_percent = None
    subsidy = projects.project_subsidy(project)
    if not subsidy or subsidy <= 0:
        raise ValidationError("项目未填写财政补助资金，不能开设专账")
    with history_context(actor=actor, reason="开设项目专账"):
        return LedgerAccount.objects.create(
            kind=AccountKind.PROJECT,
            county_id=projects.project_county_code(project),
            unit_id=unit_code,
            project=project,
            name=f"{projects.project_code(project)} {project}",
            year=getattr(project, "year", None) or timezone.localdate().year,
            deposit_percent=deposit_percent,
            subsidy=subsidy,
            opened_by=actor,
        )


# --- posting --------------------------------------------------------------------------------


@dataclass
class Leg:
    """One entry of a posting, before its account's chain position is known."""

    account: LedgerAccount
    kind: str
    amount: Decimal
    delta: Decimal
    stage: str = ""
    counterpart: str = ""
    counterpart_id_number: str = ""
    budget_line: str = ""
    invoice_number: str = ""
    roster_kind: str = ""
    summary: str = ""
    reverses: LedgerEntry | None = None
    corrects_kind: str = ""
    source_account: LedgerAccount | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def held_delta(self) -> Decimal:
        kind = self.corrects_kind if self.kind == EntryKind.CORRECTION else self.kind
        sign = HELD_SIGN.get(kind, 0)
        return self.amount * sign * (-1 if self.kind == EntryKind.CORRECTION else 1)


def _locked(accounts: list[LedgerAccount]) -> dict[int, LedgerAccount]:
    """The accounts re-read under a row lock, in primary-key order (no deadlock between postings)."""
    ids = sorted({a.pk for a in accounts})
    return {a.pk: a for a in LedgerAccount.objects.select_for_update().filter(pk__in=ids).order_by("pk")}


def lock_date_for(county_code: str) -> dt.date | None:
    return LedgerLock.objects.filter(county_id=county_code).values_list("locked_through", flat=True).first()


def _post(*, actor, voucher_number: str, date: dt.date, legs: list[Leg]) -> list[LedgerEntry]:
    """Append the legs of one posting to their accounts' chains (inside the caller's transaction)."""
    voucher_number = _voucher(voucher_number)
    if not isinstance(date, dt.date):
        raise ValidationError("请填写日期")
    locked = _locked([leg.account for leg in legs])
    for county in {a.county_id for a in locked.values()}:
        problem = rules.locked_problem(date, lock_date_for(county))
        if problem:
            raise ValidationError(problem)
    batch, now, entries = uuid.uuid4(), timezone.now(), []
    for leg in legs:
        account = locked[leg.account.pk]
        if LedgerEntry.objects.filter(account=account, voucher_number=voucher_number, kind=leg.kind).exists():
            raise ValidationError(
                f"凭证号 {voucher_number} 的“{EntryKind(leg.kind).label}”已在 {account} 记账，不能重复记账"
            )
        balance, held = account.balance + leg.delta, account.deposit_held + leg.held_delta
        if balance < 0:
            if account.kind == AccountKind.ALLOCATION:
                raise ValidationError(
                    f"金额 {leg.amount} 元超过资金来源 {account.document_number} "
                    f"的剩余指标 {account.balance} 元"
                )
            raise ValidationError(f"项目专账余额不足：余额 {account.balance} 元，本笔需 {-leg.delta} 元")
        if held < 0 or held > balance:
            raise ValidationError(
                f"项目专账可用余额不足：余额 {account.balance} 元，"
                f"其中质量保证金 {account.deposit_held} 元不可拨付"
            )
        entry = LedgerEntry(
            account=account,
            sequence=account.entry_count + 1,
            batch=batch,
            voucher_number=voucher_number,
            date=date,
            kind=leg.kind,
            stage=leg.stage,
            amount=leg.amount,
            delta=leg.delta,
            balance_after=balance,
            counterpart=(leg.counterpart or "").strip()[:200],
            counterpart_id_number=(leg.counterpart_id_number or "").strip(),
            budget_line=(leg.budget_line or "").strip()[:200],
            invoice_number=(leg.invoice_number or "").strip()[:100],
            roster_kind=leg.roster_kind or "",
            summary=(leg.summary or "")[:500],  # as written: the export keeps it text, unchanged
            reverses=leg.reverses,
            corrects_kind=leg.corrects_kind,
            source_account=leg.source_account,
            warnings=list(leg.warnings),
            posted_by=actor,
            posted_at=now,
            prev_hash=account.head_hash,
        )
        entry.hash = rules.chain_hash(account.head_hash, entry.chained_values())
        entry.save(force_insert=True)
        account.entry_count, account.head_hash = entry.sequence, entry.hash
        account.balance, account.deposit_held = balance, held
        account.save(update_fields=["entry_count", "head_hash", "balance", "deposit_held"])
        entries.append(entry)
    return entries


def _require_account(actor, account: LedgerAccount) -> None:
    require_permission(actor, POST)
    require_in_jurisdiction(actor, account.unit_id)


@transaction.atomic
def ledger_allocation_receive(
    *,
    actor,
    account: LedgerAccount,
    voucher_number: str,
    date: dt.date,
    amount,
    counterpart: str = "",
    summary: str = "",
) -> LedgerEntry:
    """资金下达: a fund-source allocation received by the county."""
    _require_account(actor, account)
    if account.kind != AccountKind.ALLOCATION:
        raise ValidationError("资金下达只能记入资金来源指标账户")
    amount = _money(amount)
    with history_context(actor=actor, reason="资金下达"):
        leg = Leg(account, EntryKind.ALLOCATION, amount, amount, counterpart=counterpart, summary=summary)
        return _post(actor=actor, voucher_number=voucher_number, date=date, legs=[leg])[0]


def _project_account(actor, project) -> LedgerAccount:
    account = LedgerAccount.objects.filter(project=project).first()
    return account or ledger_project_account_open(actor=actor, project=project)


@transaction.atomic
def ledger_release(
    *,
    actor,
    allocation: LedgerAccount,
    project,
    voucher_number: str,
    date: dt.date,
    amount,
    summary: str = "",
    reallocation: bool = False,
) -> list[LedgerEntry]:
    """下达到项目 (or 收回资金再安排): from an allocation to a project's special account; never more
    than the allocation's remaining amount, never more than the project's subsidy."""
    _require_account(actor, allocation)
    if allocation.kind != AccountKind.ALLOCATION:
        raise ValidationError("资金只能从资金来源指标下达到项目")
    account = _project_account(actor, project)
    _require_account(actor, account)
    if allocation.county_id != account.county_id:
        raise ValidationError("资金来源指标与项目不在同一县(区)")
    amount = _money(amount)
    released = net_total(account, EntryKind.RELEASE) + net_total(account, EntryKind.REALLOCATION)
    released -= net_total(account, EntryKind.RECOVERY)
    if released + amount > account.subsidy:
        raise ValidationError(
            f"下达到项目的资金将超过项目财政补助 {account.subsidy} 元（已下达 {released} 元）"
        )
    kind = EntryKind.REALLOCATION if reallocation else EntryKind.RELEASE
    with history_context(actor=actor, reason=EntryKind(kind).label):
        return _post(
            actor=actor,
            voucher_number=voucher_number,
            date=date,
            legs=[
                Leg(allocation, kind, amount, -amount, counterpart=str(account), summary=summary),
                Leg(
                    account,
                    kind,
                    amount,
                    amount,
                    counterpart=allocation.document_number,
                    summary=summary,
                    source_account=allocation,
                ),
            ],
        )


def net_total(account: LedgerAccount, kind: str, **extra) -> Decimal:
    """Sum of ``kind`` on the account, less the corrections that reversed entries of that kind."""
    rows = LedgerEntry.objects.filter(account=account).filter(Q(kind=kind) | Q(corrects_kind=kind), **extra)
    totals = dict(rows.values_list("kind").annotate(total=Sum("amount")).order_by())
    return (totals.get(kind) or ZERO) - (totals.get(EntryKind.CORRECTION) or ZERO)


def stage_paid_amounts(account: LedgerAccount) -> dict[str, Decimal]:
    """What was paid at each stage, net of reversals (a stage may be paid in several parts)."""
    rows = (
        LedgerEntry.objects.filter(account=account)
        .filter(Q(kind=EntryKind.DISBURSEMENT) | Q(corrects_kind=EntryKind.DISBURSEMENT))
        .values_list("stage", "kind")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    paid: dict[str, Decimal] = {}
    for stage, kind, total in rows:
        paid[stage] = paid.get(stage, ZERO) + (-total if kind == EntryKind.CORRECTION else total)
    return paid


@dataclass(frozen=True)
class StageProgress:
    """The stages of an account as paid so far: amounts paid, the stages paid in full, and what is
    left of the stages begun."""

    plan: dict[str, rules.StageAmount]
    already: dict[str, Decimal]

    @property
    def full(self) -> set[str]:
        return {s for s, planned in self.plan.items() if self.already.get(s, ZERO) >= planned.amount}

    @property
    def remaining(self) -> dict[str, Decimal]:
        return {
            s: planned.amount - self.already[s]
            for s, planned in self.plan.items()
            if self.already.get(s, ZERO) > 0 and s not in self.full
        }


def stage_progress(account: LedgerAccount, on: dt.date | None = None) -> StageProgress:
    return StageProgress(
        plan={s.stage: s for s in stage_plan(account, on)}, already=stage_paid_amounts(account)
    )


def paid_stages(account: LedgerAccount) -> set[str]:
    """Stages paid in full (net of reversals)."""
    return stage_progress(account).full


def stage_plan(account: LedgerAccount, on: dt.date | None = None) -> list[rules.StageAmount]:
    policy = stage_policy_for(account.unit_id, on or timezone.localdate())
    return rules.split_subsidy(
        account.subsidy,
        mode=projects.disbursement_mode(account.project),
        policy=policy,
        deposit_percent=account.deposit_percent,
    )


@dataclass(frozen=True)
class StageStatus:
    stage: rules.StageAmount
    paid: bool  # in full
    problems: tuple[str, ...]
    paid_amount: Decimal = ZERO

    @property
    def remaining(self) -> Decimal:
        return self.stage.amount - self.paid_amount


def stage_statuses(project, *, on: dt.date | None = None) -> list[StageStatus]:
    """Each stage of the project: amount, paid or not, and what is missing before it may be paid."""
    on = on or timezone.localdate()
    account = LedgerAccount.objects.filter(project=project).first()
    if account is None:
        return []
    policy = stage_policy_for(account.unit_id, on)
    progress = stage_progress(account, on)
    paid, remaining = progress.full, progress.remaining
    facts = projects.project_facts(project)
    return [
        StageStatus(
            s,
            s.stage in paid,
            ()
            if s.stage in paid
            else tuple(
                rules.stage_problems(
                    s.stage,
                    mode=projects.disbursement_mode(account.project),
                    facts=facts,
                    paid=paid,
                    policy=policy,
                    on=on,
                    remaining=remaining,
                )
            ),
            progress.already.get(s.stage, ZERO),
        )
        for s in progress.plan.values()
    ]


@dataclass(frozen=True)
class StagePayment:
    """One payment at a stage: its amount (all or part of what is left of the stage) and the
    quality deposit withheld with it (with the first payment of the last stage)."""

    stage: rules.StageAmount
    amount: Decimal
    deposit: Decimal

    @property
    def label(self) -> str:
        return self.stage.label


def disbursement_check(
    *, project, account: LedgerAccount, stage: str, date: dt.date, amount=None
) -> StagePayment:
    """The payment to make at ``stage`` — ``amount`` (part of what is left of the stage) or, when
    not given, all that is left — or a ValidationError naming what is missing before it may be paid."""
    if stage not in Stage.values:
        raise ValidationError("拨付阶段应为首期、二期或尾款")
    if not isinstance(date, dt.date):
        raise ValidationError("请填写日期")
    mode = projects.disbursement_mode(project)
    policy = stage_policy_for(account.unit_id, date)
    progress = stage_progress(account, date)
    problems = rules.stage_problems(
        stage,
        mode=mode,
        facts=projects.project_facts(project),
        paid=progress.full,
        policy=policy,
        on=date,
        remaining=progress.remaining,
    )
    if problems:
        raise ValidationError(f"不能拨付{rules.STAGE_LABELS[stage]}资金：" + "；".join(problems))
    planned = progress.plan[stage]
    already = progress.already.get(stage, ZERO)
    if amount is None or amount == "":
        amount = planned.amount - already
    else:
        amount = _money(amount)
        problem = rules.payment_problem(planned, already=already, amount=amount)
        if problem:
            raise ValidationError(f"{problem}（财政补助 {account.subsidy} 元按方案计算）")
    withheld = net_total(account, EntryKind.DEPOSIT_WITHHELD) if planned.deposit > 0 else ZERO
    return StagePayment(planned, amount, planned.deposit if planned.deposit > 0 and withheld == 0 else ZERO)


@transaction.atomic
def ledger_disburse(
    *,
    actor,
    project,
    stage: str,
    voucher_number: str,
    date: dt.date,
    counterpart: str = "",
    summary: str = "",
    amount=None,
) -> list[LedgerEntry]:
    """项目拨付 at one stage (532 or 先建后补): refused before its precondition, with what is missing;
    ``amount`` may be part of the stage (never more than what is left of it; not given: all that is
    left); the first payment of the last stage withholds the quality deposit."""
    account = _project_account(actor, project)
    _require_account(actor, account)
    planned = disbursement_check(project=project, account=account, stage=stage, date=date, amount=amount)
    legs = [
        Leg(
            account,
            EntryKind.DISBURSEMENT,
            planned.amount,
            -planned.amount,
            stage=stage,
            counterpart=counterpart,
            summary=summary,
        )
    ]
    if planned.deposit > 0:
        legs.append(
            Leg(
                account,
                EntryKind.DEPOSIT_WITHHELD,
                planned.deposit,
                ZERO,
                counterpart=counterpart,
                summary=f"扣留质量保证金 {account.deposit_percent}%",
            )
        )
    with history_context(actor=actor, reason=f"拨付{planned.label}"):
        return _post(actor=actor, voucher_number=voucher_number, date=date, legs=legs)


# --- the implementation plan's budget lines (F-11) -------------------------------------------


def _category(name: str) -> BudgetLine | None:
    """The city-wide 预算科目 a plan line belongs to, by its name or code (None: an ordinary line)."""
    return BudgetLine.objects.filter(Q(code=name) | Q(name=name), active=True).first()


def plan_lines_parse(text: str) -> list[tuple[str, Decimal]]:
    """Budget lines as typed with the plan, one a line: ``名称 金额`` (space, tab or comma between)."""
    lines = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        raw = raw.strip()
        if not raw:
            continue
        parts = raw.replace("，", " ").replace(",", " ").replace("\t", " ").rsplit(None, 1)
        if len(parts) != 2:
            raise ValidationError(f"预算科目第 {number} 行应为“科目名称 金额”：{raw[:60]}")
        lines.append((parts[0].strip(), money_value(parts[1], f"预算科目“{parts[0].strip()}”的金额")))
    return lines


@transaction.atomic
def plan_budget_lines_set(*, actor, project, lines) -> list[PlanBudgetLine]:
    """The budget lines of the project's implementation plan (F-11), entered with the plan: each
    named once, together exactly the subsidy. Replaced freely until the plan is approved; after
    that only entered when the plan has none yet (projects approved before lines were kept) —
    changing an approved plan is a project adjustment (F-5). ``lines``: (name, amount) pairs or the
    typed text (``plan_lines_parse``)."""
    if not any(actor.has_perm(p) for p in PLAN_LINE_PERMISSIONS):
        require_permission(actor, PLAN_LINE_PERMISSIONS[0])
    require_in_jurisdiction(actor, projects.project_unit_code(project))
    if isinstance(lines, str):
        lines = plan_lines_parse(lines)
    lines = [
        ((name or "").strip()[:100], money_value(amount, f"预算科目“{name}”的金额")) for name, amount in lines
    ]
    problems = rules.plan_lines_problems(lines, subsidy=projects.project_subsidy(project))
    if problems:
        raise ValidationError("；".join(problems))
    existing = PlanBudgetLine.objects.select_for_update().filter(project=project)
    if project.plan_approved_on is not None and existing.exists():
        raise ValidationError(
            f"实施方案已于 {project.plan_approved_on} 批复，预算科目不能再改；"
            "需要调整的，请按项目调整程序报批"
        )
    with history_context(actor=actor, reason="实施方案预算科目"):
        existing.delete()
        return [
            PlanBudgetLine.objects.create(
                project=project, name=name, category=_category(name), amount=amount, created_by=actor
            )
            for name, amount in lines
        ]


def _plan_line(lines: list[PlanBudgetLine], named: str) -> PlanBudgetLine | None:
    """The plan line a voucher names: by its name, or by its category's code or name when only one
    line of the plan has that category."""
    for line in lines:
        if line.name == named:
            return line
    by_category = [
        line for line in lines if line.category_id and named in {line.category.code, line.category.name}
    ]
    return by_category[0] if len(by_category) == 1 else None


@transaction.atomic
def ledger_reimburse(
    *,
    actor,
    project,
    voucher_number: str,
    date: dt.date,
    amount,
    budget_line: str = "",
    invoice_number: str = "",
    roster_kind: str = "",
    counterpart: str = "",
    counterpart_id_number: str = "",
    summary: str = "",
    warnings_allowed: bool = False,
    extra_warnings: list[str] | None = None,
) -> LedgerEntry:
    """报账 (township-level reimbursement, F-11): against a budget line of the project's
    implementation plan, never more than what is left of that line nor more than what was paid
    out; with a tax invoice unless the line is paid on a roster (household subsidies, training
    allowances, technicians' labour). From the browser a plan line and the invoice are required;
    an import from a spreadsheet that cannot carry them posts with a warning on the entry."""
    account = _project_account(actor, project)
    _require_account(actor, account)
    amount = _money(amount)
    if roster_kind and roster_kind not in RosterKind.values:
        raise ValidationError("按名册报账的类别应为直接补助到户、培训项目务工补助或工程类项目技工补助")
    reason = projects.blocked_reason(project)
    if reason:
        raise ValidationError(f"项目处于整改期，停止报账（{reason}）")
    budget_line = (budget_line or "").strip()
    plan = list(PlanBudgetLine.objects.filter(project=project).select_related("category").order_by("pk"))
    line = _plan_line(plan, budget_line) if budget_line else None
    if line is not None:
        budget_line = line.name
        # the plan line decides whether a roster replaces the invoice, not the voucher
        roster_kind = (
            ROSTER_LINES.get(line.category.code, RosterKind.HOUSEHOLD_SUBSIDY) if line.roster_payment else ""
        )
    warnings = rules.reimbursement_warnings(
        budget_line=budget_line, invoice_number=invoice_number, roster_kind=roster_kind
    )
    if budget_line and line is None:
        names = "、".join(p.name for p in plan)
        warnings.append(
            f"预算科目“{budget_line}”不在本项目实施方案预算科目中"
            + (f"（方案科目：{names}）" if names else "（实施方案未列预算科目）")
        )
    warnings += extra_warnings or []
    if warnings and not warnings_allowed:
        raise ValidationError("；".join(warnings))
    paid_out = net_total(account, EntryKind.DISBURSEMENT) + net_total(account, EntryKind.DEPOSIT_RETURNED)
    reimbursed = net_total(account, EntryKind.REIMBURSEMENT)
    if reimbursed + amount > paid_out:
        raise ValidationError(
            f"报账金额超过已拨付金额：已拨付 {paid_out} 元，已报账 {reimbursed} 元，本次 {amount} 元"
        )
    if line is not None:
        problem = rules.plan_line_problem(
            name=line.name,
            amount=amount,
            line_amount=line.amount,
            reimbursed=net_total(account, EntryKind.REIMBURSEMENT, budget_line=line.name),
        )
        if problem:
            raise ValidationError(problem)
    leg = Leg(
        account,
        EntryKind.REIMBURSEMENT,
        amount,
        ZERO,
        budget_line=budget_line,
        invoice_number=invoice_number,
        roster_kind=roster_kind,
        counterpart=counterpart,
        counterpart_id_number=counterpart_id_number,
        summary=summary,
        warnings=warnings,
    )
    with history_context(actor=actor, reason="报账"):
        return _post(actor=actor, voucher_number=voucher_number, date=date, legs=[leg])[0]


@dataclass(frozen=True)
class PlanLineStatus:
    line: PlanBudgetLine
    reimbursed: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.line.amount - self.reimbursed


def plan_line_statuses(project) -> list[PlanLineStatus]:
    """The plan's budget lines with what was reimbursed on each (two queries)."""
    lines = list(PlanBudgetLine.objects.filter(project=project).select_related("category").order_by("pk"))
    account = LedgerAccount.objects.filter(project=project).first()
    spent: dict[str, Decimal] = {}
    if account is not None and lines:
        rows = (
            LedgerEntry.objects.filter(account=account)
            .filter(Q(kind=EntryKind.REIMBURSEMENT) | Q(corrects_kind=EntryKind.REIMBURSEMENT))
            .values_list("budget_line", "kind")
            .annotate(total=Sum("amount"))
            .order_by()
        )
        for name, kind, total in rows:
            spent[name] = spent.get(name, ZERO) + (-total if kind == EntryKind.CORRECTION else total)
    return [PlanLineStatus(line, spent.get(line.name, ZERO)) for line in lines]


@transaction.atomic
def ledger_deposit_return(
    *, actor, project, voucher_number: str, date: dt.date, counterpart: str = "", summary: str = ""
) -> LedgerEntry:
    """质保金退还: the whole deposit held, after acceptance and the warranty period."""
    account = _project_account(actor, project)
    _require_account(actor, account)
    policy = stage_policy_for(account.unit_id, date)
    problems = rules.deposit_return_problems(
        facts=projects.project_facts(project), held=account.deposit_held, policy=policy, on=date
    )
    if problems:
        raise ValidationError("不能退还质量保证金：" + "；".join(problems))
    held = account.deposit_held
    leg = Leg(account, EntryKind.DEPOSIT_RETURNED, held, -held, counterpart=counterpart, summary=summary)
    with history_context(actor=actor, reason="退还质量保证金"):
        return _post(actor=actor, voucher_number=voucher_number, date=date, legs=[leg])[0]


@transaction.atomic
def ledger_recover(
    *,
    actor,
    project,
    allocation: LedgerAccount,
    voucher_number: str,
    date: dt.date,
    amount,
    summary: str = "",
) -> list[LedgerEntry]:
    """收回 (F-5): funds of a project not rectified in time go back to the allocation, from which they
    are re-allocated (``ledger_release(..., reallocation=True)``)."""
    account = _project_account(actor, project)
    _require_account(actor, account)
    _require_account(actor, allocation)
    if allocation.kind != AccountKind.ALLOCATION or allocation.county_id != account.county_id:
        raise ValidationError("收回的资金应回到本县(区)的资金来源指标")
    amount = _money(amount)
    with history_context(actor=actor, reason="收回"):
        return _post(
            actor=actor,
            voucher_number=voucher_number,
            date=date,
            legs=[
                Leg(
                    account,
                    EntryKind.RECOVERY,
                    amount,
                    -amount,
                    counterpart=allocation.document_number,
                    summary=summary,
                    source_account=allocation,
                ),
                Leg(
                    allocation, EntryKind.RECOVERY, amount, amount, counterpart=str(account), summary=summary
                ),
            ],
        )


@transaction.atomic
def ledger_interest(
    *, actor, account: LedgerAccount, voucher_number: str, date: dt.date, amount, summary: str = ""
) -> LedgerEntry:
    _require_account(actor, account)
    amount = _money(amount)
    with history_context(actor=actor, reason="利息收入"):
        leg = Leg(account, EntryKind.INTEREST, amount, amount, summary=summary)
        return _post(actor=actor, voucher_number=voucher_number, date=date, legs=[leg])[0]


@transaction.atomic
def ledger_reverse(
    *, actor, entry: LedgerEntry, voucher_number: str, date: dt.date, reason: str
) -> list[LedgerEntry]:
    """更正: a reversing entry for each entry of the original posting (both ends of a release, a
    final stage with its deposit), naming the original; the original stays as it was."""
    _require_account(actor, entry.account)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("请填写更正原因")
    if entry.kind == EntryKind.CORRECTION:
        raise ValidationError("更正分录不能再被冲销；请按正确内容重新记账")
    originals = list(
        LedgerEntry.objects.filter(batch=entry.batch)
        .select_related("account", "source_account")
        .order_by("pk")
    )
    if any(LedgerEntry.objects.filter(reverses=o).exists() for o in originals):
        raise ValidationError(f"凭证 {entry.voucher_number} 已被冲销")
    legs = [
        Leg(
            o.account,
            EntryKind.CORRECTION,
            o.amount,
            -o.delta,
            stage=o.stage,
            counterpart=o.counterpart,
            counterpart_id_number=o.counterpart_id_number,
            budget_line=o.budget_line,
            summary=f"冲销凭证 {o.voucher_number}：{reason}",
            reverses=o,
            corrects_kind=o.kind,
            source_account=o.source_account,
        )
        for o in originals
    ]
    for leg in legs:
        _require_account(actor, leg.account)
    with history_context(actor=actor, reason=f"更正：{reason}"):
        return _post(actor=actor, voucher_number=voucher_number, date=date, legs=legs)


@transaction.atomic
def ledger_period_close(
    *, actor, county: AdminUnit, year: int, month: int | None = None, reason: str = ""
) -> LedgerLock:
    """结账: close a month or a year of a county's ledger (its lock date moves forward only)."""
    require_permission(actor, CLOSE)
    require_in_jurisdiction(actor, county.code)
    if county.level != AdminLevel.COUNTY:
        raise ValidationError("结账按县(区)进行")
    if month is not None and not 1 <= month <= 12:
        raise ValidationError("月份应为 1–12")
    through = rules.period_end(year, month)
    lock = LedgerLock.objects.select_for_update().filter(county=county).first()
    with history_context(actor=actor, reason=reason or f"结账至 {through}"):
        if lock is None:
            return LedgerLock.objects.create(
                county=county, locked_through=through, updated_by=actor, reason=reason
            )
        if through <= lock.locked_through:
            raise ValidationError(f"{county.name}已结账至 {lock.locked_through}，结账日期只能向后推进")
        lock.locked_through, lock.updated_by, lock.reason = through, actor, reason
        lock.save()
        return lock
