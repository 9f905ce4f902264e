from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_health_endpoint_reports_each_component(client):
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
def test_health_page_is_readable(client):
    page = client.get("/health/").content.decode()
    assert "系统状态" in page and "数据库" in page and "Celery 工作进程" in page
