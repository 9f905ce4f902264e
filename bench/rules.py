"""Benchmark: all accountability rules for a synthetic city (default 1,000,000 persons).

    DATABASE_URL=postgres://…/scratch REDIS_URL=redis://… \
        .venv/bin/python bench/rules.py [--persons 1000000] [--reuse]

Uses the database of bench/compliance.py (<database>_bench_visits: the synthetic city, officials in
every post, a year of visits, confirmed findings, poor villages), building it unless --reuse. Adds
annual targets, then runs every rule of the default profile for 2020 twice — the first run writes the
alerts, the second finds them unchanged — for the whole city and for one county, printing time, SQL
queries and alerts (bench/_rules_measure.py). For the city's first run, each metric's time against
its floor — the same aggregates as plain ``SELECT … GROUP BY`` without the rule machinery, measured
in the same run — and the ratios; the whole run against the sum of the floors. The query counts must
not depend on the number of units.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from urllib.parse import urlsplit, urlunsplit

from compliance import ROOT, manage  # bench/ is the script's folder, so its modules import

GOAL_S = 15.0  # issue 19, the whole nightly run of the 1M-person city
MEASURE = "import runpy; runpy.run_path('bench/_rules_measure.py', run_name='bench')"


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
    print(f"whole nightly run of the city: {seconds:.2f} s (goal of issue 19 for 1M persons: {GOAL_S:.0f} s)")


if __name__ == "__main__":
    main()
