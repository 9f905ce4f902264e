"""Issue 18 §3 (without the second factor): lockout behind the proxy, unlocking by the
jurisdiction administrator, self-service password change in Chinese, and the audit records of
logins, lockouts, unlocks, exports and unmaskings, readable in the jurisdiction."""

from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client

from accountability.access.audit import audit_events_for, user_unlock
from accountability.access.roles import role_group, sync_roles
from accountability.models import AuditEvent, AuditKind
from tests.factories import UserFactory

EAST = "349901000000"  # a county of the demo city
WEST = "349902000000"  # the other county
PASSWORD = "correct-horse-2026"


@pytest.fixture
def roles(db):
    return sync_roles()


def person(username, code, *roles_):
    user = UserFactory(username=username, jurisdiction_id=code, password=PASSWORD)
    if roles_:
        user.groups.set([role_group(role) for role in roles_])
    return user


def through_proxy(address: str) -> Client:
    """A client behind the documented nginx: REMOTE_ADDR is the proxy, the client's address is
    the last X-Forwarded-For entry (``$proxy_add_x_forwarded_for``)."""
    return Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=address)


def login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def lock(client, username):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, username, "wrong")


# --- 1. lockout behind the proxy -----------------------------------------------------------------


@pytest.mark.django_db
def test_locking_one_client_behind_the_proxy_does_not_lock_another(demo_city, roles):
    person("zhangsan", EAST)
    attacker, owner = through_proxy("203.0.113.7"), through_proxy("198.51.100.20")
    lock(attacker, "zhangsan")
    assert login(attacker, "zhangsan", PASSWORD).status_code == 429
    response = login(owner, "zhangsan", PASSWORD)
    assert response.status_code == 302, "the owner at another address is locked out too"
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) <= {"203.0.113.7"}


@pytest.mark.django_db
def test_a_forged_left_entry_is_not_taken_as_the_client(demo_city, roles):
    """nginx appends the address it saw: what the client wrote before it may be forged."""
    person("zhangsan", EAST)
    for forged in ("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5"):
        login(through_proxy(f"{forged}, 203.0.113.7"), "zhangsan", "wrong")
    assert login(through_proxy("10.0.0.9, 203.0.113.7"), "zhangsan", PASSWORD).status_code == 429


@pytest.mark.django_db
def test_without_a_trusted_proxy_the_header_is_ignored(demo_city, roles, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    person("zhangsan", EAST)
    lock(Client(REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="203.0.113.7"), "zhangsan")
    forged = Client(REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert login(forged, "zhangsan", PASSWORD).status_code == 429


@pytest.mark.django_db
def test_a_client_reaching_gunicorn_directly_cannot_choose_its_address(demo_city, roles):
    """X-Forwarded-For is read only on requests from the proxy's own address."""
    person("zhangsan", EAST)
    for forged in ("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5"):
        login(Client(REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=forged), "zhangsan", "wrong")
    direct = Client(REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="10.0.0.9")
    assert login(direct, "zhangsan", PASSWORD).status_code == 429


# --- 2. the jurisdiction administrator unlocks users of his jurisdiction ---------------------------


@pytest.mark.django_db
def test_jurisdiction_admin_sees_and_unlocks_his_countys_user(client, demo_city, roles):
    admin = person("east_admin", EAST, "jurisdiction_admin")
    person("zhangsan", f"{EAST[:6]}101000")
    person("lisi", WEST)
    lock(through_proxy("203.0.113.7"), "zhangsan")
    lock(through_proxy("203.0.113.8"), "lisi")
    client.force_login(admin)
    page = client.get("/users/locked/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "zhangsan" in text and "已锁定" in text and "lisi" not in text
    target = UserFactory._meta.model.objects.get(username="zhangsan")
    response = client.post(f"/users/{target.pk}/unlock/")
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="zhangsan").exists()
    assert login(through_proxy("203.0.113.7"), "zhangsan", PASSWORD).status_code == 302
    event = AuditEvent.objects.get(kind=AuditKind.UNLOCK)
    assert (event.user, event.subject, event.jurisdiction_id) == (admin, "zhangsan", EAST)


@pytest.mark.django_db
def test_jurisdiction_admin_cannot_unlock_another_countys_user(client, demo_city, roles):
    admin = person("east_admin", EAST, "jurisdiction_admin")
    other = person("lisi", WEST)
    lock(through_proxy("203.0.113.8"), "lisi")
    client.force_login(admin)
    assert client.post(f"/users/{other.pk}/unlock/").status_code == 404
    assert AccessAttempt.objects.filter(username="lisi").exists()
    assert not AuditEvent.objects.filter(kind=AuditKind.UNLOCK).exists()
    with pytest.raises(LookupError):
        user_unlock(actor=admin, user=other)


@pytest.mark.django_db
def test_users_without_the_admin_right_get_no_lock_list(client, demo_city, roles):
    client.force_login(person("clerk", EAST, "county_office"))
    assert client.get("/users/locked/").status_code == 403


# --- 3. password change --------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_user_changes_his_own_password(client, demo_city, roles):
    user = person("zhangsan", "349901101201", "village_official")
    client.force_login(user)
    page = client.get("/")
    assert 'href="/accounts/password/"' in page.content.decode()
    form = client.get("/accounts/password/")
    assert form.status_code == 200 and "修改密码" in form.content.decode()
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "Lanzhou-river-88", "new_password2": "Lanzhou-river-88"},
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/password/done/"
    user.refresh_from_db()
    assert user.check_password("Lanzhou-river-88")


@pytest.mark.django_db
def test_a_too_short_password_is_refused_in_chinese(client, demo_city, roles):
    client.force_login(person("zhangsan", EAST))
    response = client.post(
        "/accounts/password/", {"old_password": PASSWORD, "new_password1": "Ab3$x", "new_password2": "Ab3$x"}
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "密码太短，至少需要 10 个字符。" in text
    assert "too short" not in text


@pytest.mark.parametrize("password", ["Ab3$x", "1234567890123", "password123", "zhangsan-2026"])
def test_every_password_validator_message_is_chinese(db, password):
    from django.contrib.auth.password_validation import password_validators_help_texts, validate_password
    from django.core.exceptions import ValidationError

    user = UserFactory.build(username="zhangsan-2026", first_name="张三")
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    for message in [*refused.value.messages, *password_validators_help_texts()]:
        assert not re.search(r"[A-Za-z]{3,}", message), message


# --- 4. audit records ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_logins_failures_and_lockouts_are_recorded_with_the_client_address(demo_city, roles):
    person("zhangsan", EAST)
    client = through_proxy("203.0.113.7")
    assert login(client, "zhangsan", PASSWORD).status_code == 302
    lock(through_proxy("203.0.113.9"), "zhangsan")
    login(through_proxy("203.0.113.9"), "nobody", "wrong")
    events = list(
        AuditEvent.objects.order_by("pk").values_list("kind", "username", "ip_address", "jurisdiction")
    )
    assert events[0] == (AuditKind.LOGIN, "zhangsan", "203.0.113.7", EAST)
    failures = [e for e in events if e[0] == AuditKind.LOGIN_FAILED]
    assert len(failures) == settings.AXES_FAILURE_LIMIT + 1
    assert failures[0] == (AuditKind.LOGIN_FAILED, "zhangsan", "203.0.113.9", EAST)
    assert failures[-1] == (AuditKind.LOGIN_FAILED, "nobody", "203.0.113.9", None)
    assert (AuditKind.LOCKOUT, "zhangsan", "203.0.113.9", EAST) in events


@pytest.mark.django_db
def test_exports_are_recorded(client, demo_city, roles):
    user = person("clerk", EAST, "county_office")
    client.force_login(user)
    assert client.get("/households/export.xlsx").status_code == 200
    assert client.get("/visits/compliance/?format=xlsx").status_code == 200
    exports = AuditEvent.objects.filter(kind=AuditKind.EXPORT, user=user)
    assert sorted(e.detail["kind"] for e in exports) == ["compliance", "households"]
    # the audit page shows names, not codes
    assert set(exports.values_list("subject", flat=True)) == {"走访任务完成情况", "贫困户名册"}
    assert exports.get(subject="贫困户名册").detail["masked"] is False


@pytest.mark.django_db
def test_the_import_error_workbook_download_is_recorded(client, demo_city, roles):
    from django.core.files.base import ContentFile

    from accountability.models import ImportJob, ImportStatus
    from tests.conftest import UNIT_HEADERS, xlsx_bytes

    user = person("clerk", EAST, "county_office")
    content = xlsx_bytes(UNIT_HEADERS, [["349901101299", "", "村", "349901101000", "", "", ""]])
    job = ImportJob.objects.create(
        kind="units",
        file=ContentFile(content, name="units.xlsx"),
        file_name="units.xlsx",
        jurisdiction_id=EAST,
        created_by=user,
        status=ImportStatus.VALIDATED,
        errors=[{"row": 2, "column": "名称", "message": "不能为空"}],
    )
    client.force_login(user)
    response = client.get(f"/imports/{job.pk}/errors.xlsx")
    assert response.status_code == 200
    event = AuditEvent.objects.get(kind=AuditKind.EXPORT, user=user)
    assert (
        event.subject == "导入错误说明"
        and event.detail["kind"] == "import_errors"
        and event.detail["rows"] == 1
    )


@pytest.mark.django_db
def test_unmasked_reads_are_recorded_for_roles_with_the_right_only(client, demo_city, roles):
    from accountability.models import Official, Organisation

    organisation = Organisation.objects.create(name="东山县扶贫办", unit_id=EAST)
    official = Official.objects.create(name="王五", id_number="11010519491231002X", organisation=organisation)
    with_right = person("clerk", EAST, "county_office")
    without = person("auditor", EAST, "auditor")
    for user in (with_right, without):
        client.force_login(user)
        assert client.get(f"/officials/{official.pk}/").status_code == 200
        assert client.get(f"/api/officials/{official.pk}/").status_code == 200
    events = AuditEvent.objects.filter(kind=AuditKind.UNMASK).order_by("pk")
    assert list(events.values_list("user__username", "subject")) == [("clerk", f"official:{official.pk}")] * 2


@pytest.mark.django_db
def test_audit_records_are_read_by_discipline_and_audit_roles_in_their_jurisdiction(client, demo_city, roles):
    east_user, west_user = person("zhangsan", EAST), person("lisi", WEST)
    login(through_proxy("203.0.113.7"), "zhangsan", PASSWORD)
    login(through_proxy("203.0.113.8"), "lisi", PASSWORD)
    auditor = person("east_auditor", EAST, "auditor")
    discipline = person("east_discipline", EAST, "discipline_officer")
    clerk = person("east_clerk", EAST, "county_office")
    for reader in (auditor, discipline):
        assert set(audit_events_for(reader).values_list("username", flat=True)) == {"zhangsan"}
    assert not audit_events_for(clerk).exists()
    for reader in (auditor, discipline):
        client.force_login(reader)  # itself a recorded login
        page = client.get("/audit/")
        assert page.status_code == 200
        text = page.content.decode()
        assert "zhangsan" in text and "lisi" not in text and "登录成功" in text
    client.force_login(clerk)
    assert client.get("/audit/").status_code == 403
    assert AuditEvent.objects.filter(user=west_user, kind=AuditKind.LOGIN).exists()
    assert AuditEvent.objects.filter(user=east_user, kind=AuditKind.LOGIN).exists()
