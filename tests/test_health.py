from __future__ import annotations

import re

import pytest

from tests.factories import UserFactory


@pytest.fixture
def staff(db):
    return UserFactory(username="ops", is_staff=True)


@pytest.mark.django_db
def test_health_endpoint_reports_each_component(client, staff):
    client.force_login(staff)
    response = client.get("/api/health/")
    data = response.json()
    checks = {check["name"]: check for check in data["checks"]}
    assert set(checks) == {"database", "redis", "worker", "beat"}
    assert checks["database"]["ok"] and checks["database"]["detail"].startswith("PostgreSQL")
    assert checks["redis"]["ok"] and checks["redis"]["detail"].startswith("Redis")
    # no worker runs in this test: the endpoint must say so, and answer 503
    assert checks["worker"]["ok"] is False
    assert response.status_code == 503 and data["ok"] is False


@pytest.mark.django_db
def test_health_page_is_readable(client, staff):
    client.force_login(staff)
    page = client.get("/health/").content.decode()
    assert "系统状态" in page and "数据库" in page and "后台工作进程" in page


VERSION_OR_HOST = re.compile(r"PostgreSQL|Redis \d|\d+\.\d+\.\d+|工作进程在线|心跳任务|celery@")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/health/", "/health/", "/health/?format=json"])
@pytest.mark.parametrize("who", ["anonymous", "official"])
def test_health_tells_non_staff_callers_only_up_or_down(client, path, who):
    if who == "official":
        client.force_login(UserFactory(username="plain"))
    response = client.get(path)
    assert response.status_code == 503  # no worker in tests: down, and said so
    assert not VERSION_OR_HOST.search(response.content.decode())
    if "json" in path or path.startswith("/api/"):
        data = response.json()
        assert data["ok"] is False
        assert all(check["detail"] == "" for check in data["checks"])
        assert data["last_worker_heartbeat"] is None


@pytest.mark.django_db
def test_health_page_is_chinese_and_fast(client, staff):
    """Issue 18 §6: the page was English and took about a second (a broadcast ping waited its
    whole timeout). Now the worker's recent heartbeat answers without asking, and without one the
    ping returns at its first reply or after 0.3 s."""
    import time

    from django.core.cache import cache
    from django.utils import timezone

    from accountability.platform.health import HEARTBEAT_CACHE_KEY, HEARTBEAT_WORKER_KEY

    client.force_login(UserFactory(username="plain"))
    client.get("/health/")  # warm up (templates, translations)
    started = time.perf_counter()
    page = client.get("/health/")
    elapsed = time.perf_counter() - started
    assert elapsed < 0.6, f"/health/ took {elapsed:.2f} s"
    main = page.content.decode().split("<main")[1].split(">", 1)[1]
    visible = re.sub(r"<[^>]+>", " ", main)
    assert not re.search(r"[A-Za-z]{2,}", visible), visible

    cache.set(HEARTBEAT_CACHE_KEY, timezone.localtime().isoformat())
    cache.set(HEARTBEAT_WORKER_KEY, "celery@web1")
    try:
        client.force_login(staff)
        started = time.perf_counter()
        data = client.get("/health/?format=json").json()
        assert time.perf_counter() - started < 0.3
        worker = next(check for check in data["checks"] if check["name"] == "worker")
        assert worker["ok"] and "celery@web1" in worker["detail"]
        page = client.get("/health/").content.decode()  # the heartbeat as a local date and time
        assert re.search(r"最近一次后台心跳：\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", page)
        assert not re.search(r"\d{4}-\d{2}-\d{2}T\d", page)
    finally:
        cache.delete(HEARTBEAT_CACHE_KEY)
        cache.delete(HEARTBEAT_WORKER_KEY)
