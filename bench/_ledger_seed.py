"""Seed of bench/export_ledger.py: the demo hierarchy, one allocation and projects whose special
accounts carry a release, a first stage and reimbursements, hash-chained like posted entries and
written with COPY (the bench measures the export, not the posting).

    python bench/_ledger_seed.py ENTRIES
"""

import os
import sys

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

import datetime as dt  # noqa: E402
import uuid  # noqa: E402
from decimal import Decimal  # noqa: E402

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accountability.demo.hierarchy import load_hierarchy  # noqa: E402
from accountability.models import AdminUnit, User  # noqa: E402
from accountability.platform.history import copy_rows  # noqa: E402
from funds.ledger import rules  # noqa: E402
from funds.ledger.models import LedgerAccount, LedgerEntry  # noqa: E402
from funds.models import Project, ProjectCategory  # noqa: E402

ENTRIES = int(sys.argv[1])
PER_PROJECT = 99
load_hierarchy()
root = User.objects.create_superuser("bench", password="bench-pass-2026")
villages = list(
    AdminUnit.objects.filter(level="village", code__startswith="349901").values_list("code", flat=True)
)
projects_n = max(1, (ENTRIES - 1) // (PER_PROJECT + 1))
category = ProjectCategory.objects.order_by("pk").first()
Project.objects.bulk_create(
    [
        Project(
            number=f"B{i:05d}",
            name=f"基准项目{i}",
            year=2024,
            category=category,
            use="industry",
            location_id=villages[i % len(villages)],
            county_id="349901000000",
            township_id=villages[i % len(villages)][:9] + "000",
            implementer="实施单位",
            construction_content=f"内容{i}",
            subsidy=Decimal("100000.01"),
            plan_approved_on=dt.date(2024, 1, 5),
        )
        for i in range(projects_n)
    ]
)
allocation = LedgerAccount.objects.create(
    kind="allocation",
    county_id="349901000000",
    unit_id="349901000000",
    name="中央资金 基准文号",
    year=2024,
    fund_level="central",
    document_number="基准〔2024〕1号",
    opened_by=root,
)
accounts = LedgerAccount.objects.bulk_create(
    [
        LedgerAccount(
            kind="project",
            county_id="349901000000",
            unit_id=p.location_id,
            project=p,
            name=f"{p.number} 专账",
            year=2024,
            subsidy=p.subsidy,
            deposit_percent=Decimal(5),
            opened_by=root,
        )
        for p in Project.objects.order_by("pk")
    ]
)
now = timezone.now()
columns = [
    "account_id",
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
    "reverses_id",
    "corrects_kind",
    "source_account_id",
    "warnings",
    "posted_by_id",
    "posted_at",
    "prev_hash",
    "hash",
]
heads = {}


def entry(account, sequence, previous, voucher, day, kind, amount, delta, balance, **extra):
    values = dict(
        account=account,
        sequence=sequence,
        batch=str(uuid.uuid4()),
        voucher_number=voucher,
        date=day,
        kind=kind,
        stage=extra.get("stage", ""),
        amount=amount,
        delta=delta,
        balance_after=balance,
        counterpart=extra.get("counterpart", ""),
        counterpart_id_number=extra.get("id_number", ""),
        budget_line=extra.get("budget_line", ""),
        invoice_number=extra.get("invoice", ""),
        roster_kind="",
        summary=extra.get("summary", ""),
        reverses=None,
        source_account=extra.get("source"),
        warnings=[],
        posted_by=root.pk,
        posted_at=now,
    )
    digest = rules.chain_hash(previous, values)
    row = (
        account,
        sequence,
        values["batch"],
        voucher,
        day,
        kind,
        values["stage"],
        amount,
        delta,
        balance,
        values["counterpart"],
        values["counterpart_id_number"],
        values["budget_line"],
        values["invoice_number"],
        "",
        values["summary"],
        None,
        "",
        values["source_account"],
        "[]",
        root.pk,
        now,
        previous,
        digest,
    )
    return row, digest


def rows():
    big = Decimal("1000000000.00")
    row, previous = entry(
        allocation.pk, 1, rules.GENESIS, "ZJ-1", dt.date(2024, 1, 2), "allocation", big, big, big
    )
    yield row
    balance = big
    for n, account in enumerate(accounts, start=2):
        balance -= account.subsidy
        row, previous = entry(
            allocation.pk,
            n,
            previous,
            f"XD-{n}",
            dt.date(2024, 2, 1),
            "release",
            account.subsidy,
            -account.subsidy,
            balance,
            counterpart=account.name,
        )
        yield row
    heads[allocation.pk] = (previous, len(accounts) + 1, balance)
    for account in accounts:
        subsidy = account.subsidy
        row, previous = entry(
            account.pk,
            1,
            rules.GENESIS,
            f"XD-{account.pk}",
            dt.date(2024, 2, 1),
            "release",
            subsidy,
            subsidy,
            subsidy,
            source=allocation.pk,
        )
        yield row
        first = Decimal("50000.01")
        row, previous = entry(
            account.pk,
            2,
            previous,
            f"BF-{account.pk}",
            dt.date(2024, 3, 1),
            "disbursement",
            first,
            -first,
            subsidy - first,
            stage="first",
            counterpart="某建设公司",
        )
        yield row
        for k in range(3, PER_PROJECT + 1):
            summary = '=HYPERLINK("http://x")' if k % 50 == 0 else f"报账第{k}笔 材料费 收款人 {k:03d}"
            row, previous = entry(
                account.pk,
                k,
                previous,
                f"BZ-{account.pk}-{k}",
                dt.date(2024, 4, 1) + dt.timedelta(days=k),
                "reimbursement",
                Decimal("123.45"),
                Decimal("0.00"),
                subsidy - first,
                counterpart="张三",
                id_number="110101199003070033",
                budget_line="材料费",
                invoice=f"FP{k:08d}",
                summary=summary,
            )
            yield row
        heads[account.pk] = (previous, PER_PROJECT, subsidy - first)


with transaction.atomic():
    copy_rows("funds_ledgerentry", columns, rows())
    for pk, (head, count, balance) in heads.items():
        LedgerAccount.objects.filter(pk=pk).update(head_hash=head, entry_count=count, balance=balance)
with connection.cursor() as cursor:
    cursor.execute("ANALYZE")
print(f"entries: {LedgerEntry.objects.count()}, accounts: {LedgerAccount.objects.count()}")
