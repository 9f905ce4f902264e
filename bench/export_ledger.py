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
        seeded = subprocess.run(
            [sys.executable, "bench/_ledger_seed.py", str(options.entries)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        if seeded.returncode:
            sys.exit(f"seeding failed\n{seeded.stdout}\n{seeded.stderr}")
        print(seeded.stdout.strip())
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
