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
    assert "系统状态" in page and "数据库" in page and "Celery 工作进程" in page


VERSION_OR_HOST = re.compile(r"PostgreSQL|Redis \d|\d+\.\d+\.\d+|worker 在线|celery@")


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
