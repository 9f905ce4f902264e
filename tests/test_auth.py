"""Login, brute-force lockout, session idle timeout, language."""

from __future__ import annotations

import pytest
from django.conf import settings

from tests.factories import UserFactory


@pytest.fixture
def official(db):
    return UserFactory(username="zhangsan", password="correct-horse-2026")


def login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


@pytest.mark.django_db
def test_login_page_is_chinese_by_default(client):
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="zh-hans">' in page and "登录" in page and "密码" in page


@pytest.mark.django_db
def test_login_with_correct_password(client, official):
    response = login(client, "zhangsan", "correct-horse-2026")
    assert response.status_code == 302 and response["Location"] == "/"


@pytest.mark.django_db
def test_wrong_password_is_refused_in_chinese(client, official):
    response = login(client, "zhangsan", "wrong")
    assert response.status_code == 200
    assert "请输入一个正确的用户名和密码" in response.content.decode()


@pytest.mark.django_db
def test_repeated_failures_lock_the_account(client, official):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "zhangsan", "wrong")
    response = login(client, "zhangsan", "correct-horse-2026")
    assert response.status_code == 429
    assert "账号已被暂时锁定" in response.content.decode()


@pytest.mark.django_db
def test_session_expires_after_idle_time(client, official):
    login(client, "zhangsan", "correct-horse-2026")
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE <= 60 * 60


@pytest.mark.django_db
def test_language_switch_to_english(client, official):
    client.force_login(official)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page
    assert "Data import" in page and "数据导入" not in page


def test_password_validators_require_length():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("short1")
