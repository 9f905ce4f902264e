"""Load test (issue 19): gunicorn with production settings on a synthetic city, driven by locust.

    pip install -c requirements.lock ".[dev,bench]"          # locust, the bench extra
    DATABASE_URL=postgres://…/scratch REDIS_URL=redis://… \\
        .venv/bin/python bench/load.py [--persons 300000] [--reuse] [--officials 50] [--office 10] \\
            [--iterations 5] [--seconds 120] [--workers 4]

Uses the database of bench/compliance.py (<database>_bench_visits: the synthetic city with a year
of visits), building it unless --reuse. Creates logins for ``--officials`` village secretaries (each
in their own village, role village_official) and ``--office`` county poverty-office users, runs
``collectstatic`` and starts gunicorn on a free loopback port with APP_ENV=production (SECRET_KEY
and ALLOWED_HOSTS set here; static files by whitenoise; requests carry X-Forwarded-Proto as nginx
sets it; secure cookies off, as the loopback has no TLS). Then locust, headless and bounded: every
user logs in and does ``--iterations`` rounds — an official opens the visit form, saves a visit and
opens the progress page; an office user opens the filtered households list, the compliance page and
the alerts — and the run stops after ``--seconds`` at the latest. Prints the request mix and p50/p95
per request type against the goals (visit entry ≤ 200 ms, lists ≤ 300 ms, no errors), then stops
gunicorn. Only 127.0.0.1 is ever addressed.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from compliance import ROOT, manage  # bench/ is the script's folder, so its modules import
from rules import bench_database

PASSWORD = "bench-load-2026-x"
VISIT_ENTRY = ("visit form", "save a visit", "progress")
GOAL_MS = {"visit entry": 200, "lists": 300}
SETUP = """
import json, os
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from accountability.models import AdminUnit, Official, Post, ResponsibilityAssignment, User
from accountability.access.roles import role_group
from visits.models import Visit

officials, office = int(os.environ["BENCH_OFFICIALS"]), int(os.environ["BENCH_OFFICE"])
password = make_password(os.environ["BENCH_PASSWORD"])  # hashed once, shared by the bench logins
today = timezone.localdate()
posts = (ResponsibilityAssignment.objects.active_on(today).filter(post=Post.VILLAGE_SECRETARY)
         .order_by("scope_unit_id").distinct("scope_unit_id").select_related("official"))
step = max(1, posts.count() // officials)
logins = {"official": [], "office": []}
group = role_group("village_official")
for k, post in enumerate(list(posts)[::step][:officials]):
    user, _ = User.objects.update_or_create(
        username=f"bench_vo_{k}", defaults={"jurisdiction_id": post.scope_unit_id, "password": password}
    )
    user.groups.set([group])
    Official.objects.filter(user=user).exclude(pk=post.official_id).update(user=None)
    Official.objects.filter(pk=post.official_id).update(user=user)
    logins["official"].append({"username": user.username, "offset": k, "today": today.isoformat()})
# a rerun saves the same visits again (one per official, household and day): remove the bench's own
Visit.objects.filter(entered_by__username__startswith="bench_vo_", on=today).delete()
counties = list(AdminUnit.objects.filter(level="county").order_by("code").values_list("code", flat=True))
group = role_group("county_office")
for k in range(office):
    county = counties[k % len(counties)]
    user, _ = User.objects.update_or_create(
        username=f"bench_office_{k}", defaults={"jurisdiction_id": county, "password": password}
    )
    user.groups.set([group])
    logins["office"].append({"username": user.username, "unit": county})
for kind in logins.values():
    for login in kind:
        login["password"] = os.environ["BENCH_PASSWORD"]
print("LOGINS " + json.dumps(logins))
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(
                urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"}), timeout=5
            )
            return
        except Exception:
            time.sleep(0.5)
    sys.exit(f"gunicorn did not answer {url} within {seconds:.0f} s")


def group_of(name: str) -> str:
    if name.startswith("login"):
        return "login"
    return "visit entry" if name.startswith(VISIT_ENTRY) else "lists"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=300_000)
    parser.add_argument("--reuse", action="store_true", help="use the database bench/compliance.py built")
    parser.add_argument("--officials", type=int, default=50)
    parser.add_argument("--office", type=int, default=10)
    parser.add_argument("--iterations", type=int, default=5, help="rounds per user, then it stops")
    parser.add_argument(
        "--seconds", type=int, default=120, help="the whole run stops after this at the latest"
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    options = parser.parse_args()
    if not options.reuse:
        subprocess.run(
            [sys.executable, "bench/compliance.py", "--persons", str(options.persons)], cwd=ROOT, check=True
        )
    env = dict(os.environ, DATABASE_URL=bench_database(os.environ["DATABASE_URL"]), APP_ENV="development")
    manage(env, "migrate", "-v", "0")
    env |= {
        "BENCH_OFFICIALS": str(options.officials),
        "BENCH_OFFICE": str(options.office),
        "BENCH_PASSWORD": PASSWORD,
        "BENCH_ITERATIONS": str(options.iterations),
    }
    out = manage(env, "shell", "-c", SETUP)
    logins = json.loads(next(line for line in out.splitlines() if line.startswith("LOGINS "))[7:])
    port = free_port()
    production = dict(
        env,
        APP_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_COOKIES="0",
        LOG_LEVEL="WARNING",
    )
    manage(production, "collectstatic", "--noinput", "-v", "0")
    with tempfile.TemporaryDirectory() as folder:
        login_file = Path(folder) / "logins.json"
        login_file.write_text(json.dumps(logins), encoding="utf-8")
        production["BENCH_LOGINS"] = str(login_file)
        gunicorn = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(options.workers),
                "--timeout",
                "120",
            ],
            cwd=ROOT,
            env=production,
            stdout=subprocess.DEVNULL,
            stderr=open(Path(folder) / "gunicorn.log", "w"),  # noqa: SIM115
        )
        try:
            wait_for(f"http://127.0.0.1:{port}/accounts/login/", 60)
            load = os.getloadavg()
            started = time.monotonic()
            subprocess.run(
                [
                    str(Path(sys.executable).with_name("locust")),
                    "-f",
                    "bench/_locustfile.py",
                    "--headless",
                    "--host",
                    f"http://127.0.0.1:{port}",
                    "--users",
                    str(options.officials + options.office),
                    "--spawn-rate",
                    "10",
                    "--run-time",
                    f"{options.seconds}s",
                    "--stop-timeout",
                    "10",
                    "--csv",
                    str(Path(folder) / "load"),
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                ],
                cwd=ROOT,
                env=production,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=options.seconds + 120,
            )
            elapsed = time.monotonic() - started
            report(Path(folder) / "load_stats.csv", elapsed, load, options)
        finally:
            gunicorn.send_signal(signal.SIGTERM)
            try:
                gunicorn.wait(timeout=30)
            except subprocess.TimeoutExpired:
                gunicorn.kill()


def report(stats: Path, elapsed: float, load: tuple, options) -> None:
    with stats.open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["Name"] != "Aggregated"]
    total = sum(int(r["Request Count"]) for r in rows)
    errors = sum(int(r["Failure Count"]) for r in rows)
    print(
        f"{options.officials} village officials + {options.office} office users, {options.iterations} rounds "
        f"each, gunicorn {options.workers} workers; {elapsed:.0f} s; load average before "
        f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, after {os.getloadavg()[0]:.2f}"
    )
    print(f"{'request':44} {'count':>6} {'mix':>6} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7} {'goal':>6}")
    verdicts = []
    for r in sorted(rows, key=lambda r: (group_of(r["Name"]), r["Name"])):
        group = group_of(r["Name"])
        goal = GOAL_MS.get(group)
        p95 = float(r["95%"])
        count = int(r["Request Count"])
        if goal:
            verdicts.append(p95 <= goal)
        print(
            f"{r['Name']:44} {count:>6} {count / total:6.1%} {r['Failure Count']:>6} "
            f"{float(r['50%']):7.0f} {p95:7.0f} {goal or '':>6}"
        )
    print(
        f"{total} requests, {errors} errors, {total / elapsed:.1f} requests/s; "
        f"goals met: {sum(verdicts)}/{len(verdicts)} request types, errors {errors or 'none'}"
    )


if __name__ == "__main__":
    main()
