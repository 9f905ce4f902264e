"""Production settings pass Django's deployment checks and refuse to start without a secret."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, **env}
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set while browser tests run; never in production
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True
    )


PRODUCTION = {
    "APP_ENV": "production",
    "SECRET_KEY": "a-production-secret-key-that-is-long-enough-and-random-0123456789",
    "ALLOWED_HOSTS": "fupin.example.gov.cn",
}


def test_production_settings_pass_the_deploy_check():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", **{**PRODUCTION, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr


def test_production_has_debug_off_and_secure_cookies():
    code = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_HSTS_SECONDS > 0, s.TIME_ZONE, s.LANGUAGE_CODE)"
    )
    result = run_manage("shell", "-c", code, **PRODUCTION)
    assert result.stdout.split()[-6:] == ["False", "True", "True", "True", "Asia/Shanghai", "zh-hans"], (
        result.stderr
    )
