"""Benchmark: the auditors' ledger export of 100,000 entries, side by side in one run with a naive
openpyxl export (normal, not write-only, workbook) of the same rows and a plain CSV write of them
(the floor). Each runs in its own process under bench/_peak.py for its peak RSS.

    DATABASE_URL=postgres://…/scratch REDIS_URL=redis://… \
        .venv/bin/python bench/export_ledger.py [--entries 100000] [--reuse]

Builds a fresh database <DATABASE_URL's database>_bench_ledger (unless --reuse): the demo hierarchy,
one county allocation and projects whose special accounts carry a release, a first stage and
reimbursements, hash-chained like posted entries (written with COPY: the bench measures the export,
not the posting). Limits (issue 15): ours ≤ 15 s and ≤ 200 MB peak RSS.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
TIME_LIMIT_S, RSS_LIMIT_MB = 15.0, 200

SEED = """
import datetime as dt, uuid
from decimal import Decimal
from django.db import connection, transaction
from django.utils import timezone
from accountability.demo.hierarchy import load_hierarchy
from accountability.platform.history import copy_rows
from accountability.models import AdminUnit, User
from funds.ledger import rules
from funds.ledger.models import LedgerAccount, LedgerEntry
from funds.models import Project, ProjectCategory

ENTRIES = {entries}
PER_PROJECT = 99
load_hierarchy()
root = User.objects.create_superuser("bench", password="bench-pass-2026")
villages = list(AdminUnit.objects.filter(level="village", code__startswith="349901").values_list("code", flat=True))
projects_n = max(1, (ENTRIES - 1) // (PER_PROJECT + 1))
category = ProjectCategory.objects.order_by("pk").first()
Project.objects.bulk_create([
    Project(number=f"B{{i:05d}}", name=f"基准项目{{i}}", year=2024, category=category, use="industry",
            location_id=villages[i % len(villages)], county_id="349901000000",
            township_id=villages[i % len(villages)][:9] + "000", implementer="实施单位",
            construction_content=f"内容{{i}}", subsidy=Decimal("100000.01"), plan_approved_on=dt.date(2024, 1, 5))
    for i in range(projects_n)
])
allocation = LedgerAccount.objects.create(kind="allocation", county_id="349901000000", unit_id="349901000000",
    name="中央资金 基准文号", year=2024, fund_level="central", document_number="基准〔2024〕1号", opened_by=root)
accounts = LedgerAccount.objects.bulk_create([
    LedgerAccount(kind="project", county_id="349901000000", unit_id=p.location_id, project=p, name=f"{{p.number}} 专账",
                  year=2024, subsidy=p.subsidy, deposit_percent=Decimal(5), opened_by=root)
    for p in Project.objects.order_by("pk")
])
now = timezone.now()
columns = ["account_id", "sequence", "batch", "voucher_number", "date", "kind", "stage", "amount", "delta",
           "balance_after", "counterpart", "counterpart_id_number", "budget_line", "invoice_number", "roster_kind",
           "summary", "reverses_id", "corrects_kind", "source_account_id", "warnings", "posted_by_id", "posted_at",
           "prev_hash", "hash"]
heads = {{}}
def entry(account, sequence, previous, voucher, day, kind, amount, delta, balance, **extra):
    values = dict(account=account, sequence=sequence, batch=str(uuid.uuid4()), voucher_number=voucher, date=day,
                  kind=kind, stage=extra.get("stage", ""), amount=amount, delta=delta, balance_after=balance,
                  counterpart=extra.get("counterpart", ""), counterpart_id_number=extra.get("id_number", ""),
                  budget_line=extra.get("budget_line", ""), invoice_number=extra.get("invoice", ""), roster_kind="",
                  summary=extra.get("summary", ""), reverses=None, source_account=extra.get("source"),
                  warnings=[], posted_by=root.pk, posted_at=now)
    digest = rules.chain_hash(previous, values)
    row = (account, sequence, values["batch"], voucher, day, kind, values["stage"], amount, delta, balance,
           values["counterpart"], values["counterpart_id_number"], values["budget_line"], values["invoice_number"],
           "", values["summary"], None, "", values["source_account"], "[]", root.pk, now, previous, digest)
    return row, digest
def rows():
    big = Decimal("1000000000.00")
    row, previous = entry(allocation.pk, 1, rules.GENESIS, "ZJ-1", dt.date(2024, 1, 2), "allocation", big, big, big)
    yield row
    balance = big
    for n, account in enumerate(accounts, start=2):
        balance -= account.subsidy
        row, previous = entry(allocation.pk, n, previous, f"XD-{{n}}", dt.date(2024, 2, 1), "release", account.subsidy,
                              -account.subsidy, balance, counterpart=account.name)
        yield row
    heads[allocation.pk] = (previous, len(accounts) + 1, balance)
    for account in accounts:
        subsidy = account.subsidy
        row, previous = entry(account.pk, 1, rules.GENESIS, f"XD-{{account.pk}}", dt.date(2024, 2, 1), "release",
                              subsidy, subsidy, subsidy, source=allocation.pk)
        yield row
        first = Decimal("50000.01")
        row, previous = entry(account.pk, 2, previous, f"BF-{{account.pk}}", dt.date(2024, 3, 1), "disbursement",
                              first, -first, subsidy - first, stage="first", counterpart="某建设公司")
        yield row
        for k in range(3, PER_PROJECT + 1):
            summary = ("=HYPERLINK(\\"http://x\\")" if k % 50 == 0 else f"报账第{{k}}笔 材料费 收款人 {{k:03d}}")
            row, previous = entry(account.pk, k, previous, f"BZ-{{account.pk}}-{{k}}", dt.date(2024, 4, 1) + dt.timedelta(days=k),
                                  "reimbursement", Decimal("123.45"), Decimal("0.00"), subsidy - first,
                                  counterpart="张三", id_number="110101199003070033", budget_line="材料费",
                                  invoice=f"FP{{k:08d}}", summary=summary)
            yield row
        heads[account.pk] = (previous, PER_PROJECT, subsidy - first)
with transaction.atomic():
    copy_rows("funds_ledgerentry", columns, rows())
    for pk, (head, count, balance) in heads.items():
        LedgerAccount.objects.filter(pk=pk).update(head_hash=head, entry_count=count, balance=balance)
with connection.cursor() as cursor:
    cursor.execute("ANALYZE")
print(f"entries: {{LedgerEntry.objects.count()}}, accounts: {{LedgerAccount.objects.count()}}")
"""


def fresh_database(url: str) -> str:
    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_bench_ledger"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def run(env: dict, *args: str) -> tuple[float, int, str]:
    """Run a program under bench/_peak.py: (seconds, peak RSS in MB, output)."""
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "_peak.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    elapsed = time.monotonic() - started
    if result.returncode:
        sys.exit(f"failed: {' '.join(args)}\n{result.stdout}\n{result.stderr}")
    peak = int(re.search(r"peak_rss_mb=(\d+)", result.stdout).group(1))
    return elapsed, peak, result.stdout


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        sys.exit(f"failed: manage.py {' '.join(args)}\n{result.stdout}\n{result.stderr}")
    return result.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true", help="measure the database built by an earlier run")
    options = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    if options.reuse:
        parts = urlsplit(url)
        url = urlunsplit(parts._replace(path=parts.path + "_bench_ledger"))
    else:
        url = fresh_database(url)
    env = dict(os.environ, DATABASE_URL=url, APP_ENV="development")
    if not options.reuse:
        manage(env, "migrate", "-v", "0")
        print(manage(env, "shell", "-c", SEED.format(entries=options.entries)))
    with tempfile.TemporaryDirectory() as directory:
        out = Path(directory)
        ours = run(
            env,
            "manage.py",
            "export_ledger",
            "--year",
            "2024",
            "--as",
            "bench",
            "--out",
            str(out / "ours.xlsx"),
        )
        naive = run(env, "bench/_ledger_peers.py", "naive", str(out / "naive.xlsx"))
        floor = run(env, "bench/_ledger_peers.py", "csv", str(out / "floor.csv"))
        sizes = {
            name: (out / name).stat().st_size // 1024 for name in ("ours.xlsx", "naive.xlsx", "floor.csv")
        }
    rows = re.search(r"已导出 (\d+) 笔", ours[2]).group(1)
    print(f"rows exported: {rows}")
    print(f"{'':28}{'seconds':>9}{'peak RSS MB':>13}{'file KB':>10}")
    for label, (seconds, peak, _out), size in (
        ("ours (write-only, streamed)", ours, sizes["ours.xlsx"]),
        ("naive openpyxl (normal)", naive, sizes["naive.xlsx"]),
        ("CSV (floor)", floor, sizes["floor.csv"]),
    ):
        print(f"{label:28}{seconds:9.2f}{peak:13d}{size:10d}")
    print(f"ratio ours / CSV floor:     time {ours[0] / floor[0]:.2f}×, memory {ours[1] / floor[1]:.2f}×")
    print(f"ratio naive / ours:         time {naive[0] / ours[0]:.2f}×, memory {naive[1] / ours[1]:.2f}×")
    verdict = "passes" if ours[0] <= TIME_LIMIT_S and ours[1] <= RSS_LIMIT_MB else "FAILS"
    print(f"limits ≤ {TIME_LIMIT_S:.0f} s and ≤ {RSS_LIMIT_MB} MB: {ours[0]:.2f} s, {ours[1]} MB — {verdict}")


if __name__ == "__main__":
    main()
