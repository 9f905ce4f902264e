"""Benchmark: quota compliance for a synthetic city (default 1,000,000 persons), set-based.

    DATABASE_URL=postgres://…/scratch REDIS_URL=redis://… \
        .venv/bin/python bench/compliance.py [--persons 1000000] [--reuse]

Builds a fresh database <DATABASE_URL's database>_bench_visits (unless --reuse): the synthetic city,
officials in every post, a year (2020) of visits, stationed days and research trips. Then computes
compliance for every official in the periods containing 2020-06-15 — for the whole city and for one
county — and the missed quotas of the whole year, printing time, rows and SQL queries of each.
The query counts must not depend on how many officials are evaluated; the time is compared with
a 30 s limit.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
TIME_LIMIT_S = 30.0
MEASURE = """
import datetime as dt, time
from django.db import connection
from django.test.utils import CaptureQueriesContext
from accountability.models import Official
from visits.compliance import compliance
from visits.models import Visit
from visits.selectors import missed_quotas

print(f"officials: {Official.objects.count()}, visits: {Visit.objects.count()}")
on, today = dt.date(2020, 6, 15), dt.date(2021, 1, 1)
for label, root in (("city", "3498"), ("one county", "349801")):
    with CaptureQueriesContext(connection) as queries:
        started = time.monotonic()
        rows = compliance(root, on=on, today=today)
        elapsed = time.monotonic() - started
    officials = len({r.official_id for r in rows})
    print(f"compliance {label}: {elapsed:.2f} s, {len(rows)} rows, {officials} officials, "
          f"{len(queries)} queries")
with CaptureQueriesContext(connection) as queries:
    started = time.monotonic()
    missed = missed_quotas(year=2020, as_of=today, root="3498")
    elapsed = time.monotonic() - started
print(f"missed quotas 2020, every period of the year: {elapsed:.2f} s, {len(missed)} missed, "
      f"{len(queries)} queries")
print(f"RESULT {elapsed:.2f}")
"""


def fresh_database(url: str) -> str:
    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_bench_visits"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        sys.exit(f"failed: manage.py {' '.join(args)}\n{result.stdout}\n{result.stderr}")
    return result.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--reuse", action="store_true", help="measure the database built by an earlier run")
    options = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    if options.reuse:
        parts = urlsplit(url)
        url = urlunsplit(parts._replace(path=parts.path + "_bench_visits"))
    else:
        url = fresh_database(url)
    env = dict(os.environ, DATABASE_URL=url, APP_ENV="development")
    manage(env, "migrate", "-v", "0")
    if not options.reuse:
        print(manage(env, "generate_synthetic", "--persons", str(options.persons), "--seed", "1"))
        print(manage(env, "generate_synthetic_visits", "--year", "2020"))
        manage(
            env,
            "shell",
            "-c",
            "from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')",
        )
    out = manage(env, "shell", "-c", MEASURE)
    lines = out.splitlines()
    print("\n".join(line for line in lines if not line.startswith("RESULT")))
    seconds = float(next(line for line in lines if line.startswith("RESULT")).split()[1])
    print(
        f"ratio of the year's evaluation to the {TIME_LIMIT_S:.0f} s limit: "
        f"{seconds / TIME_LIMIT_S:.2f} (≤ 1.00 passes)"
    )


if __name__ == "__main__":
    main()
