"""Reads of the ledger, every one scoped to the user's jurisdiction (``visible_to``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from accountability.access.scoping import visible_to
from funds.ledger.models import AccountKind, EntryKind, LedgerAccount, LedgerEntry, LedgerExport, LedgerLock

ZERO = Decimal("0.00")
NOT_FOUND = "账户或分录不存在"


def accounts_visible_to(user) -> QuerySet[LedgerAccount]:
    return visible_to(LedgerAccount.objects.select_related("county", "unit", "project"), user)


def entries_visible_to(user) -> QuerySet[LedgerEntry]:
    return visible_to(
        LedgerEntry.objects.select_related(
            "account", "account__project", "posted_by", "reverses", "source_account"
        ),
        user,
    )


def exports_visible_to(user) -> QuerySet[LedgerExport]:
    """A user's own exports (an export log is read by its author; superusers read all)."""
    exports = LedgerExport.objects.select_related("created_by")
    if user.is_superuser:
        return exports
    return exports.filter(created_by=user)


def locks_visible_to(user) -> QuerySet[LedgerLock]:
    return visible_to(LedgerLock.objects.select_related("county", "updated_by"), user)


def account_for(user, pk) -> LedgerAccount:
    account = accounts_visible_to(user).filter(pk=pk).first() if str(pk).isdigit() else None
    if account is None:
        raise Http404(NOT_FOUND)
    return account


def entry_for(user, pk) -> LedgerEntry:
    entry = entries_visible_to(user).filter(pk=pk).first() if str(pk).isdigit() else None
    if entry is None:
        raise Http404(NOT_FOUND)
    return entry


def project_account_for(user, project) -> LedgerAccount | None:
    return accounts_visible_to(user).filter(project=project).first()


@dataclass(frozen=True)
class LedgerFilters:
    """The auditor's filters: year, county/township (a unit code), fund source (an allocation's
    document number or a fund level), project number, entry kind, date range."""

    year: int | None = None
    unit: str = ""  # a 12-digit code: the subtree of that unit
    fund_level: str = ""
    document_number: str = ""
    project: str = ""
    kind: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def apply(self, entries: QuerySet[LedgerEntry]) -> QuerySet[LedgerEntry]:
        from accountability.models import AdminUnit

        if self.year:
            entries = entries.filter(date__year=self.year)
        if self.unit:
            unit = AdminUnit.objects.filter(code=self.unit).first()
            prefix = unit.prefix if unit else self.unit
            entries = entries.filter(account__unit__code__startswith=prefix)
        if self.fund_level:
            entries = entries.filter(
                Q(account__fund_level=self.fund_level) | Q(source_account__fund_level=self.fund_level)
            )
        if self.document_number:
            entries = entries.filter(
                Q(account__document_number=self.document_number)
                | Q(source_account__document_number=self.document_number)
            )
        if self.project:
            entries = entries.filter(account__project__number=self.project)
        if self.kind:
            entries = entries.filter(Q(kind=self.kind) | Q(corrects_kind=self.kind))
        if self.date_from:
            entries = entries.filter(date__gte=self.date_from)
        if self.date_to:
            entries = entries.filter(date__lte=self.date_to)
        return entries

    def described(self) -> dict[str, str]:
        """The filters in Chinese, for the cover sheet and the export record."""
        labels = {
            "year": "年度",
            "unit": "县(区)/乡镇代码",
            "fund_level": "资金级次",
            "document_number": "资金来源文号",
            "project": "项目编号",
            "kind": "业务类型",
            "date_from": "起始日期",
            "date_to": "截止日期",
        }
        shown = {}
        for name, label in labels.items():
            value = getattr(self, name)
            if value in (None, ""):
                continue
            if name == "kind":
                value = EntryKind(value).label
            if name == "fund_level":
                from funds.models import FundLevel

                value = FundLevel(value).label
            shown[label] = str(value)
        return shown

    def as_json(self) -> dict:
        return {
            k: (v.isoformat() if isinstance(v, dt.date) else v)
            for k, v in self.__dict__.items()
            if v not in (None, "")
        }


def ledger_entries_for(user, filters: LedgerFilters) -> QuerySet[LedgerEntry]:
    return filters.apply(entries_visible_to(user))


#: the summary's columns: (label, kinds whose net amounts it adds)
SUMMARY_COLUMNS = (
    ("下达", (EntryKind.ALLOCATION,)),
    ("下达到项目", (EntryKind.RELEASE, EntryKind.REALLOCATION)),
    ("拨付", (EntryKind.DISBURSEMENT,)),
    ("报账", (EntryKind.REIMBURSEMENT,)),
    ("质保金扣留", (EntryKind.DEPOSIT_WITHHELD,)),
    ("质保金退还", (EntryKind.DEPOSIT_RETURNED,)),
    ("收回", (EntryKind.RECOVERY,)),
    ("利息", (EntryKind.INTEREST,)),
)


@dataclass
class AccountSummary:
    account_id: int
    kind: str
    name: str
    county: str
    fund_level: str
    document_number: str
    project_number: str
    subsidy: Decimal | None
    totals: dict[str, Decimal] = field(default_factory=dict)
    entries: int = 0
    balance: Decimal = ZERO  # balance after the last entry in the selection
    head_hash: str = ""
    entry_count: int = 0

    @property
    def deposit_held(self) -> Decimal:
        return self.totals.get("质保金扣留", ZERO) - self.totals.get("质保金退还", ZERO)


def ledger_summary(entries: QuerySet[LedgerEntry]) -> list[AccountSummary]:
    """Net amounts by account and column of the selected entries (a correction subtracts from the
    kind it reverses), with each account's balance after its last selected entry (3 queries)."""
    by_kind = (
        entries.order_by()
        .values("account_id", "kind", "corrects_kind")
        .annotate(total=Sum("amount"))
        .values_list("account_id", "kind", "corrects_kind", "total")
    )
    column_of = {kind: label for label, kinds in SUMMARY_COLUMNS for kind in kinds}
    totals: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for account_id, kind, corrects, total in by_kind:
        if kind == EntryKind.CORRECTION:
            totals[account_id][column_of[corrects]] -= total
        else:
            totals[account_id][column_of[kind]] += total
    last = (
        entries.order_by("account_id", "-sequence")
        .distinct("account_id")
        .values_list("account_id", "balance_after")
    )
    counts = dict(
        entries.order_by().values("account_id").annotate(n=Count("pk")).values_list("account_id", "n")
    )
    balances = dict(last)
    accounts = (
        LedgerAccount.objects.filter(pk__in=list(balances))
        .select_related("county", "project")
        .order_by("kind", "county_id", "document_number", "project__number")
    )
    return [
        AccountSummary(
            account_id=a.pk,
            kind=a.kind,
            name=a.name,
            county=a.county.name,
            fund_level=a.get_fund_level_display() if a.fund_level else "",
            document_number=a.document_number,
            project_number=a.project.number if a.project_id else "",
            subsidy=a.subsidy,
            totals=dict(totals[a.pk]),
            entries=counts.get(a.pk, 0),
            balance=balances[a.pk],
            head_hash=a.head_hash,
            entry_count=a.entry_count,
        )
        for a in accounts
    ]


def allocation_summaries(summaries: list[AccountSummary]) -> list[AccountSummary]:
    return [s for s in summaries if s.kind == AccountKind.ALLOCATION]


def project_summaries(summaries: list[AccountSummary]) -> list[AccountSummary]:
    return [s for s in summaries if s.kind == AccountKind.PROJECT]


PAID_OUT = {EntryKind.DISBURSEMENT, EntryKind.DEPOSIT_RETURNED}


def reimbursement_completed_on(projects) -> dict[int, dt.date]:
    """The day each project's 报账 entries reached the amount paid out to it (disbursements and
    deposit returned, corrections netted), for the projects' 30-day deadline after acceptance
    (C2-58, funds.selectors.register_reimbursement_source). One query."""
    ids = [p.pk for p in projects]
    rows = (
        LedgerEntry.objects.filter(account__project_id__in=ids)
        .filter(
            Q(kind__in=[*PAID_OUT, EntryKind.REIMBURSEMENT])
            | Q(kind=EntryKind.CORRECTION, corrects_kind__in=[*PAID_OUT, EntryKind.REIMBURSEMENT])
        )
        .order_by("account__project_id", "sequence")
        .values_list("account__project_id", "kind", "corrects_kind", "amount", "date")
    )
    paid: dict[int, Decimal] = defaultdict(lambda: ZERO)
    steps: dict[int, list[tuple[Decimal, dt.date]]] = defaultdict(list)
    for project_id, kind, corrects, amount, date in rows:
        sign, effective = (-1, corrects) if kind == EntryKind.CORRECTION else (1, kind)
        if effective in PAID_OUT:
            paid[project_id] += sign * amount
        else:
            steps[project_id].append((sign * amount, date))
    done = {}
    for project_id, total in paid.items():
        reimbursed = ZERO
        for amount, date in steps.get(project_id, []):
            reimbursed += amount
            if total > 0 and reimbursed >= total:
                done[project_id] = date
                break
    return done
