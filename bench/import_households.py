"""Benchmark: import N households (about 3.5 members each) from xlsx, validation included.

    DATABASE_URL=postgres://…/scratch REDIS_URL=redis://… \
        .venv/bin/python bench/import_households.py [--households 100000] [--skip-peer]

Uses a fresh database named <DATABASE_URL's database>_bench (dropped and created). Prints our time
and peak memory, the limit ratios (30 s, 1 GB), the same file imported by django-import-export
with its bulk options, and the speed ratio. History of the imported rows is kept (triggers on).
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
TIME_LIMIT_S = 30.0
MEMORY_LIMIT_MB = 1024
CREATE_USER = (
    "from accountability.models import User; User.objects.create_superuser('bench', password='bench-2026-x')"
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
    parser.add_argument("--skip-peer", action="store_true")
    options = parser.parse_args()
    env = dict(os.environ, DATABASE_URL=fresh_database(os.environ["DATABASE_URL"]), APP_ENV="development")
    persons = int(options.households * 3.5)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "households.xlsx"
        run(env, "manage.py", "migrate", "-v", "0")
        run(
            env,
            "manage.py",
            "shell",
            "-c",
            CREATE_USER,
        )
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
        ours, peak, out = run(env, "manage.py", "import_xlsx", "households", str(path), "--as", "bench")
        print(out.strip().splitlines()[2])
        print(f"ours: {ours:.1f} s, peak memory {peak} MB")
        print(f"ratio to the {TIME_LIMIT_S:.0f} s limit: {ours / TIME_LIMIT_S:.2f} (≤ 1.00 passes)")
        print(f"ratio to the {MEMORY_LIMIT_MB} MB limit: {peak / MEMORY_LIMIT_MB:.2f} (≤ 1.00 passes)")
        if options.skip_peer:
            return
        run(
            env,
            "manage.py",
            "shell",
            "-c",
            "from households.models import *; HelpingCadrePairing.objects.all().delete(); "
            "Member.objects.all().delete(); Household.objects.all().delete()",
        )
        peer, peer_peak, out = run(env, "bench/peer_import_export.py", str(path))
        print(
            f"django-import-export (use_bulk, batch_size, skip_diff, force_init_instance): {peer:.1f} s, "
            f"peak memory {peer_peak} MB ({out.strip()})"
        )
        print(f"speed ratio peer/ours: {peer / ours:.2f} (≥ 5.00 passes)")


if __name__ == "__main__":
    main()
