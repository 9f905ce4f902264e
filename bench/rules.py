"""Benchmark: all accountability rules for a synthetic city (default 1,000,000 persons).

    DATABASE_URL=postgres://…/scratch REDIS_URL=redis://… \
        .venv/bin/python bench/rules.py [--persons 1000000] [--reuse]

Uses the database of bench/compliance.py (<database>_bench_visits: the synthetic city, officials in
every post, a year of visits, confirmed findings, poor villages), building it unless --reuse. Adds
annual targets, then runs every rule of the default profile for 2020 twice — the first run writes the
alerts, the second finds them unchanged — for the whole city and for one county, printing time, SQL
queries and alerts. The time of the first full run is compared with the 30 s limit; the query counts
must not depend on the number of units.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from urllib.parse import urlsplit, urlunsplit

from compliance import ROOT, manage  # bench/ is the script's folder, so its modules import

TIME_LIMIT_S = 30.0
MEASURE = """
import datetime as dt, time
from django.db import connection
from django.test.utils import CaptureQueriesContext
from accountability.models import AdminUnit, Alert, AnnualTarget
from accountability.rule_runs import run_rules

AnnualTarget.objects.bulk_create(
    [AnnualTarget(unit=u, year=2020, households_to_exit=40 if u.level == "township" else 400)
     for u in AdminUnit.objects.filter(code__startswith="3498", level__in=["township", "county"])],
    ignore_conflicts=True,
)
print(f"units: {AdminUnit.objects.filter(code__startswith='3498').count()}")
for label, root in (("one county", "349801"), ("city", "")):
    for attempt in ("first", "again"):
        with CaptureQueriesContext(connection) as queries:
            started = time.monotonic()
            result = run_rules(year=2020, as_of=dt.date(2021, 1, 31), triggered_by="bench", root=root)
            elapsed = time.monotonic() - started
        run = result.run
        print(f"rules {label} ({attempt} run): {elapsed:.2f} s, {len(queries)} queries, "
              f"{len(result.triggered)} triggered, {run.created} new, {run.updated} updated, "
              f"{run.unchanged} unchanged")
        if label == "city" and attempt == "first":
            print(f"RESULT {elapsed:.2f}")
print(f"alerts: {Alert.objects.count()}")
"""


def bench_database(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path + "_bench_visits"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--reuse", action="store_true", help="use the database bench/compliance.py built")
    options = parser.parse_args()
    if not options.reuse:
        subprocess.run(
            [sys.executable, "bench/compliance.py", "--persons", str(options.persons)], cwd=ROOT, check=True
        )
    env = dict(os.environ, DATABASE_URL=bench_database(os.environ["DATABASE_URL"]), APP_ENV="development")
    manage(env, "migrate", "-v", "0")
    manage(env, "shell", "-c", "from accountability.models import Alert; Alert.objects.all().delete()")
    out = manage(env, "shell", "-c", MEASURE)
    lines = out.splitlines()
    print("\n".join(line for line in lines if not line.startswith("RESULT")))
    seconds = float(next(line for line in lines if line.startswith("RESULT")).split()[1])
    print(
        f"ratio of the city's first run to the {TIME_LIMIT_S:.0f} s limit: "
        f"{seconds / TIME_LIMIT_S:.2f} (≤ 1.00 passes)"
    )


if __name__ == "__main__":
    main()
