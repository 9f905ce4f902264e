"""Status of the database, Redis, the Celery worker and beat, for the health page and endpoint."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

HEARTBEAT_TASK_NAME = "系统心跳（检测 beat 与 worker）"
HEARTBEAT_CACHE_KEY = "health:worker-heartbeat"
HEARTBEAT_WORKER_KEY = "health:worker-heartbeat-host"
HEARTBEAT_EVERY_SECONDS = 30
STALE_AFTER = dt.timedelta(seconds=HEARTBEAT_EVERY_SECONDS * 4)


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('server_version')")
            version = cursor.fetchone()[0].split()[0]  # "16.4 (Debian 16.4-1.pgdg120+2)" → 16.4
        return Check("database", True, f"PostgreSQL {version}")
    except Exception as exc:
        return Check("database", False, f"{type(exc).__name__}: {exc}")


def check_redis() -> Check:
    try:
        client = cache._cache.get_client(write=True)
        client.ping()
        return Check("redis", True, f"Redis {client.info('server').get('redis_version', '?')}")
    except Exception as exc:
        return Check("redis", False, f"{type(exc).__name__}: {exc}")


def check_worker(timeout: float = 1.0, limit: int | None = None) -> Check:
    """Ask the workers over the broker (a broadcast ping): waits ``timeout`` unless ``limit``
    replies come sooner."""
    from config.celery import app

    try:
        replies = app.control.ping(timeout=timeout, limit=limit) or []
    except Exception as exc:
        return Check("worker", False, f"{type(exc).__name__}: {exc}")
    names = sorted(name for reply in replies for name in reply)
    if not names:
        return Check("worker", False, "没有后台工作进程响应")
    return Check("worker", True, f"{len(names)} 个工作进程在线：{', '.join(names)}")


def worker_status(last_heartbeat: str | None) -> Check:
    """The page's worker check, fast: a heartbeat run by a worker within ``STALE_AFTER`` proves one
    is alive without asking; only without it the workers are pinged (first reply, at most 0.3 s)."""
    if last_heartbeat:
        try:
            age = timezone.now() - dt.datetime.fromisoformat(last_heartbeat)
        except ValueError:
            age = None
        if age is not None and age <= STALE_AFTER:
            host = cache.get(HEARTBEAT_WORKER_KEY) or "?"
            return Check("worker", True, f"工作进程 {host} {int(age.total_seconds())} 秒前执行了心跳任务")
    return check_worker(timeout=0.3, limit=1)


def check_beat() -> Check:
    """Beat is alive when it has sent the heartbeat task recently (django-celery-beat records it)."""
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.filter(name=HEARTBEAT_TASK_NAME).only("last_run_at", "enabled").first()
    if task is None or not task.enabled:
        return Check("beat", False, "心跳定时任务不存在或已停用")
    if task.last_run_at is None:
        return Check("beat", False, "定时调度尚未发送过心跳任务")
    age = timezone.now() - task.last_run_at
    if age > STALE_AFTER:
        return Check("beat", False, f"定时调度最近一次发送任务在 {int(age.total_seconds())} 秒前")
    return Check("beat", True, f"定时调度最近一次发送任务在 {int(age.total_seconds())} 秒前")


def system_status() -> dict:
    database, redis = check_database(), check_redis()
    last = cache.get(HEARTBEAT_CACHE_KEY) if redis.ok else None
    checks = [database, redis, worker_status(last), check_beat()]
    return {
        "ok": all(check.ok for check in checks),
        "checks": [asdict(check) for check in checks],
        "last_worker_heartbeat": last,
        "time": timezone.localtime().isoformat(),
    }


def status_for(user) -> dict:
    """What a caller may learn: versions, worker host names and timings only for staff (system and
    jurisdiction administrators); every one else — anonymous load balancers included — gets up/down
    for the whole and for each component."""
    status = system_status()
    if user is not None and user.is_authenticated and user.is_staff:
        return status
    return {
        "ok": status["ok"],
        "checks": [{"name": check["name"], "ok": check["ok"], "detail": ""} for check in status["checks"]],
        "last_worker_heartbeat": None,
        "time": status["time"],
    }
