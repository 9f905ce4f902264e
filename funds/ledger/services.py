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
CLOSE = "funds.close_ledgerperiod"
ZERO = Decimal("0.00")

#: how an entry of each kind moves its account's held quality deposit
HELD_SIGN = {EntryKind.DEPOSIT_WITHHELD: 1, EntryKind.DEPOSIT_RETURNED: -1}


def _money(value, what: str = "金额") -> Decimal:
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


def paid_stages(account: LedgerAccount) -> set[str]:
    """Stages disbursed and not reversed."""
    return set(
        account.entries.filter(kind=EntryKind.DISBURSEMENT, reversed_by__isnull=True).values_list(
            "stage", flat=True
        )
    )


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
    paid: bool
    problems: tuple[str, ...]


def stage_statuses(project, *, on: dt.date | None = None) -> list[StageStatus]:
    """Each stage of the project: amount, paid or not, and what is missing before it may be paid."""
    on = on or timezone.localdate()
    account = LedgerAccount.objects.filter(project=project).first()
    if account is None:
        return []
    policy = stage_policy_for(account.unit_id, on)
    paid = paid_stages(account)
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
                )
            ),
        )
        for s in rules.split_subsidy(
            account.subsidy,
            mode=projects.disbursement_mode(account.project),
            policy=policy,
            deposit_percent=account.deposit_percent,
        )
    ]


def disbursement_check(
    *, project, account: LedgerAccount, stage: str, date: dt.date, amount=None
) -> rules.StageAmount:
    """The stage to pay, or a ValidationError naming what is missing before it may be paid."""
    if stage not in Stage.values:
        raise ValidationError("拨付阶段应为首期、二期或尾款")
    if not isinstance(date, dt.date):
        raise ValidationError("请填写日期")
    mode = projects.disbursement_mode(project)
    policy = stage_policy_for(account.unit_id, date)
    plan = {
        s.stage: s
        for s in rules.split_subsidy(
            account.subsidy, mode=mode, policy=policy, deposit_percent=account.deposit_percent
        )
    }
    problems = rules.stage_problems(
        stage,
        mode=mode,
        facts=projects.project_facts(project),
        paid=paid_stages(account),
        policy=policy,
        on=date,
    )
    if problems:
        raise ValidationError(f"不能拨付{rules.STAGE_LABELS[stage]}资金：" + "；".join(problems))
    planned = plan[stage]
    if amount is not None and _money(amount) != planned.amount:
        raise ValidationError(
            f"{planned.label}应拨付 {planned.amount} 元"
            f"（财政补助 {account.subsidy} 元按方案计算），而不是 {amount} 元"
        )
    return planned


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
    """项目拨付 of one stage (532 or 先建后补): refused before its precondition, with what is missing;
    the amount is the stage's to the cent (given: must match); the last stage withholds the deposit."""
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
    """报账 (township-level reimbursement, F-11): against a plan budget line, with a tax invoice unless
    paid on a roster; never more than what was paid out. From the browser both are required; an
    import from a spreadsheet that cannot carry them posts with a warning on the entry."""
    account = _project_account(actor, project)
    _require_account(actor, account)
    amount = _money(amount)
    if roster_kind and roster_kind not in RosterKind.values:
        raise ValidationError("按名册报账的类别应为直接补助到户、培训项目务工补助或工程类项目技工补助")
    reason = projects.blocked_reason(project)
    if reason:
        raise ValidationError(f"项目处于整改期，停止报账（{reason}）")
    budget_line = (budget_line or "").strip()
    line = (
        BudgetLine.objects.filter(Q(code=budget_line) | Q(name=budget_line), active=True).first()
        if budget_line
        else None
    )
    if line is not None:
        budget_line = line.name
        if line.roster_payment and not roster_kind:
            roster_kind = ROSTER_LINES.get(line.code, RosterKind.HOUSEHOLD_SUBSIDY)
    warnings = rules.reimbursement_warnings(
        budget_line=budget_line, invoice_number=invoice_number, roster_kind=roster_kind
    )
    if budget_line and line is None:
        warnings.append(f"预算科目“{budget_line}”不在实施方案预算科目中")
    warnings += extra_warnings or []
    if warnings and not warnings_allowed:
        raise ValidationError("；".join(warnings))
    paid_out = net_total(account, EntryKind.DISBURSEMENT) + net_total(account, EntryKind.DEPOSIT_RETURNED)
    reimbursed = net_total(account, EntryKind.REIMBURSEMENT)
    if reimbursed + amount > paid_out:
        raise ValidationError(
            f"报账金额超过已拨付金额：已拨付 {paid_out} 元，已报账 {reimbursed} 元，本次 {amount} 元"
        )
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
