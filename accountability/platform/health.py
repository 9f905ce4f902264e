"""Status of the database, Redis, the Celery worker and beat, for the health page and endpoint."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

HEARTBEAT_TASK_NAME = "系统心跳（检测 beat 与 worker）"
HEARTBEAT_CACHE_KEY = "health:worker-heartbeat"
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
            version = cursor.fetchone()[0]
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


def check_worker(timeout: float = 1.0) -> Check:
    from config.celery import app

    try:
        replies = app.control.ping(timeout=timeout) or []
    except Exception as exc:
        return Check("worker", False, f"{type(exc).__name__}: {exc}")
    names = sorted(name for reply in replies for name in reply)
    if not names:
        return Check("worker", False, "没有 Celery worker 响应")
    return Check("worker", True, f"{len(names)} 个 worker 在线：{', '.join(names)}")


def check_beat() -> Check:
    """Beat is alive when it has sent the heartbeat task recently (django-celery-beat records it)."""
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.filter(name=HEARTBEAT_TASK_NAME).only("last_run_at", "enabled").first()
    if task is None or not task.enabled:
        return Check("beat", False, "心跳定时任务不存在或已停用")
    if task.last_run_at is None:
        return Check("beat", False, "beat 尚未发送过心跳任务")
    age = timezone.now() - task.last_run_at
    if age > STALE_AFTER:
        return Check("beat", False, f"beat 最近一次发送任务在 {int(age.total_seconds())} 秒前")
    return Check("beat", True, f"beat 最近一次发送任务在 {int(age.total_seconds())} 秒前")


def system_status() -> dict:
    checks = [check_database(), check_redis(), check_worker(), check_beat()]
    last = cache.get(HEARTBEAT_CACHE_KEY) if checks[1].ok else None
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
