"""Benchmark: import N households (about 3.5 members each) from xlsx, validation included.

    DATABASE_URL=postgres://…/scratch REDIS_URL=redis://… \
        .venv/bin/python bench/import_households.py [--households 100000] [--peer]

Uses a fresh database named <DATABASE_URL's database>_bench (dropped and created) and one generated
file. In the same run and on the same file: the floor (bench/_import_floor.py: calamine read into
tuples, shaping, raw COPY into ``LIKE … INCLUDING ALL`` copies of the tables — no validation, no
history) and ours (bench/_import_phases.py: the service as ``import_xlsx`` runs it, validation and
history kept, its phases timed), then each phase, the totals, the ratio ours/floor and our peak
memory. ``--peer`` also imports the file with django-import-export's bulk mode (slow) and prints the
speed ratio.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
FLOOR_GOAL = 2.0  # issue 19: ours ≤ 2× the floor
MEMORY_LIMIT_MB = 1024
CREATE_USER = (
    "from accountability.models import User; User.objects.create_superuser('bench', password='bench-2026-x')"
)


CLEAR = (
    "from households.models import *; HelpingCadrePairing.objects.all().delete(); "
    "Member.objects.all().delete(); Household.objects.all().delete()"
)


def fresh_database(url: str) -> str:
    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_bench"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def run(env: dict, *args: str) -> tuple[float, int, str]:
    """Run a child; return its wall time, its own peak RSS in MB, and its output."""
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "bench/_peak.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    elapsed = time.monotonic() - started
    if result.returncode:
        sys.exit(f"failed: {' '.join(args)}\n{result.stdout}\n{result.stderr}")
    lines = result.stdout.strip().splitlines()
    peak = int(lines[-1].removeprefix("peak_rss_mb="))
    return elapsed, peak, "\n".join(lines[:-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--peer", action="store_true", help="also run django-import-export (slow)")
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database and file of an earlier --reuse run (faster)"
    )
    options = parser.parse_args()
    persons = int(options.households * 3.5)
    kept = Path(tempfile.gettempdir()) / f"bench_households_{options.households}.xlsx"
    with tempfile.TemporaryDirectory() as folder:
        path = kept if options.reuse else Path(folder) / "households.xlsx"
        if options.reuse and path.exists():
            parts = urlsplit(os.environ["DATABASE_URL"])
            url = urlunsplit(parts._replace(path=parts.path + "_bench"))
            env = dict(os.environ, DATABASE_URL=url, APP_ENV="development")
            run(env, "manage.py", "shell", "-c", CLEAR)
        else:
            env = dict(
                os.environ, DATABASE_URL=fresh_database(os.environ["DATABASE_URL"]), APP_ENV="development"
            )
            run(env, "manage.py", "migrate", "-v", "0")
            run(env, "manage.py", "shell", "-c", CREATE_USER)
            _, _, out = run(
                env,
                "manage.py",
                "generate_synthetic",
                "--persons",
                str(persons),
                "--seed",
                "1",
                "--xlsx",
                str(path),
                "--no-households",
            )
            print(out.strip())
        env["BENCH_FILE"] = str(path)
        # the floor first, on the same file (now in the page cache): calamine + raw COPY into copies
        floor_wall, floor_peak, out = run(env, "manage.py", "shell", "-c", shell_script("_import_floor.py"))
        floor = phases(out, "FLOOR")
        ours_wall, peak, out = run(env, "manage.py", "shell", "-c", shell_script("_import_phases.py"))
        ours = phases(out, "OURS")
        print(next(line for line in out.splitlines() if "共" in line))
        floor_total = sum(v for k, v in floor.items() if k not in ("rows", "households", "pairings"))
        print()
        print(f"{'phase':40} {'ours s':>8}   {'floor phase':32} {'floor s':>8}")
        print(f"{'read/parse':40} {ours['read/parse']:8.2f}   {'calamine read':32} {floor['read']:8.2f}")
        print(
            f"{'checks':40} {ours['checks']:8.2f}   {'shaping (labels looked up)':32} {floor['shape']:8.2f}"
        )
        print(f"{'diff':40} {ours['diff']:8.2f}   {'create the LIKE copies':32} {floor['create']:8.2f}")
        for table in ("households_household", "households_member", "households_helpingcadrepairing"):
            print(
                f"{'write ' + table:40} {ours['write ' + table]:8.2f}   "
                f"{'COPY ' + table:32} {floor['copy ' + table]:8.2f}"
            )
        print(f"{'write household summaries':40} {ours['write household summaries']:8.2f}")
        print(f"{'record the job':40} {ours['record the job']:8.2f}")
        print(f"{'commit':40} {ours['commit']:8.2f}   {'commit':32} {floor['commit']:8.2f}")
        print(f"{'other (job, file hash)':40} {ours['other (job, file hash)']:8.2f}")
        print(f"{'total':40} {ours['total']:8.2f}   {'total':32} {floor_total:8.2f}")
        print()
        print(
            f"ours: {ours['total']:.1f} s ({ours_wall:.1f} s with the process start), peak memory {peak} MB"
        )
        print(
            f"floor: {floor_total:.1f} s ({floor_wall:.1f} s with the process start), "
            f"peak memory {floor_peak} MB"
        )
        print(f"ratio ours/floor: {ours['total'] / floor_total:.2f} (goal of issue 19: ≤ {FLOOR_GOAL:.0f})")
        print(f"peak memory: {peak} MB (goal: ≤ {MEMORY_LIMIT_MB} MB)")
        if not options.peer:
            print(
                "peer (django-import-export) not run: --peer runs it (slow; run it when the import changes)"
            )
            return
        run(env, "manage.py", "shell", "-c", CLEAR)
        peer, peer_peak, out = run(env, "bench/peer_import_export.py", str(path))
        print(
            f"django-import-export (use_bulk, batch_size, skip_diff, force_init_instance): {peer:.1f} s, "
            f"peak memory {peer_peak} MB ({out.strip()})"
        )
        print(f"speed ratio peer/ours: {peer / ours_wall:.2f} (goal: ≥ 10)")


def shell_script(name: str) -> str:
    return f"import runpy; runpy.run_path('bench/{name}', run_name='bench')"


def phases(out: str, prefix: str) -> dict[str, float]:
    found = {}
    for line in out.splitlines():
        if line.startswith(prefix + " "):
            words = line.removeprefix(prefix + " ").split()
            if words[0] == "rows":  # FLOOR rows N households N pairings N
                found |= {words[i]: float(words[i + 1]) for i in range(0, len(words), 2)}
            else:
                found[" ".join(words[:-1])] = float(words[-1])
    return found


if __name__ == "__main__":
    main()
