"""Recompute the hash chains of the ledger (``verify_ledger``, the nightly task, the cover sheet)."""

from __future__ import annotations

from dataclasses import dataclass

from funds.ledger import rules
from funds.ledger.models import LedgerAccount, LedgerEntry

FIELDS = {
    "account": "account_id",
    "reverses": "reverses_id",
    "source_account": "source_account_id",
    "posted_by": "posted_by_id",
}


@dataclass(frozen=True)
class AccountBreak:
    account: LedgerAccount
    found: rules.ChainBreak

    def describe(self) -> str:
        return (
            f"账户“{self.account.name}”（#{self.account.pk}）第 {self.found.sequence} 笔 "
            f"凭证号 {self.found.voucher_number}：{self.found.reason}"
        )


@dataclass(frozen=True)
class Verification:
    accounts: int
    entries: int
    breaks: list[AccountBreak]

    @property
    def holds(self) -> bool:
        return not self.breaks


def _entries(account_ids: list[int]):
    columns = [FIELDS.get(name, name) for name in rules.CHAINED_FIELDS] + ["prev_hash", "hash"]
    rows = (
        LedgerEntry.objects.filter(account_id__in=account_ids)
        .order_by("account_id", "sequence")
        .values_list(*columns)
        .iterator(chunk_size=5000)
    )
    names = [*rules.CHAINED_FIELDS, "prev_hash", "hash"]
    for row in rows:
        values = dict(zip(names, row, strict=True))
        values["batch"] = str(values["batch"])
        yield values


def verify_chains(prefix: str = "") -> Verification:
    """Every account under the code prefix ``prefix`` ("" = all): the first break of each."""
    accounts = {
        a.pk: a
        for a in LedgerAccount.objects.filter(unit__code__startswith=prefix)
        .select_related("unit")
        .order_by("pk")
    }
    breaks, count, current, pending = [], 0, None, []

    def close(account_id, entries):
        account = accounts[account_id]
        found = rules.first_break(entries, head=account.head_hash, count=account.entry_count)
        if found:
            breaks.append(AccountBreak(account, found))

    seen = set()
    for values in _entries(list(accounts)):
        count += 1
        if values["account"] != current:
            if current is not None:
                close(current, pending)
            current, pending = values["account"], []
            seen.add(current)
        pending.append(values)
    if current is not None:
        close(current, pending)
    for account_id in accounts.keys() - seen:  # an account whose every entry was deleted
        close(account_id, [])
    return Verification(len(accounts), count, breaks)
