"""Benchmark: the dashboard (作战图) of a synthetic city (default 1,000,000 persons), set-based.

    DATABASE_URL=postgres://…/scratch REDIS_URL=redis://… \
        .venv/bin/python bench/dashboard.py [--persons 1000000] [--reuse]

Builds a fresh database <DATABASE_URL's database>_bench_dashboard (unless --reuse) with the
synthetic city and a year (2020) of visits, then renders the dashboard page for the city and for
one county as a superuser (the server time of the whole request: selectors, metrics and template),
printing time and SQL queries. Queries must not depend on the number of child units; the time is
compared with issue 17's 300 ms.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compliance import manage  # the same helper

TIME_LIMIT_S = 0.300
MEASURE = """
import time
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from accountability.models import User

user = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser("bench", password=None)
client = Client()
client.force_login(user)
client.get("/dashboard/?year=2020&unit=349800000000")  # warm up
worst = 0.0
for label, code in (("city", "349800000000"), ("one county", "349801000000")):
    with CaptureQueriesContext(connection) as queries:
        started = time.monotonic()
        response = client.get(f"/dashboard/?year=2020&unit={code}")
        elapsed = time.monotonic() - started
    assert response.status_code == 200, response.status_code
    worst = max(worst, elapsed)
    print(f"dashboard {label}: {elapsed * 1000:.0f} ms, {len(queries)} queries")
print(f"RESULT {worst:.3f}")
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--reuse", action="store_true", help="measure the database built by an earlier run")
    options = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    if options.reuse:
        parts = urlsplit(url)
        url = urlunsplit(parts._replace(path=parts.path + "_bench_dashboard"))
    else:
        url = fresh_database_named(url, "_bench_dashboard")
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
    lines = manage(env, "shell", "-c", MEASURE).splitlines()
    print("\n".join(line for line in lines if not line.startswith("RESULT")))
    seconds = float(next(line for line in lines if line.startswith("RESULT")).split()[1])
    ratio = seconds / TIME_LIMIT_S
    limit = f"{TIME_LIMIT_S * 1000:.0f} ms"
    print(f"ratio of the slower dashboard to the {limit} limit: {ratio:.2f} (≤ 1.00 passes)")


def fresh_database_named(url: str, suffix: str) -> str:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/") + suffix
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


if __name__ == "__main__":
    main()
