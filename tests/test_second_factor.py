"""Issue 18 §3: the second factor (django-otp). Privileged accounts — system administrators,
jurisdiction administrators, discipline and audit roles, anyone who may see unmasked personal
data, staff — reach nothing but enrolment, verification and logout until their session is verified;
TOTP with an offline QR code, one-time backup codes, reset by the jurisdiction administrator of the
user's jurisdiction (recorded); the API refuses an unverified session and a privileged token."""

from __future__ import annotations

import re
import time

import pytest
from django.core.management import call_command
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from accountability.access.roles import ROLES, role_group, sync_roles
from accountability.access.second_factor import second_factor_required
from accountability.models import AuditEvent, AuditKind, User
from tests.factories import UserFactory
from tests.second_factor import verified_device

EAST = "349901000000"
WEST = "349902000000"
VILLAGE = "349901101201"
PASSWORD = "correct-horse-2026"

REQUIRED = {
    "system_admin",
    "jurisdiction_admin",
    "discipline_officer",
    "auditor",
    "county_office",
    "city_office",
}


@pytest.fixture
def roles(demo_city):
    return sync_roles()


def person(username, code, *roles_, **extra):
    user = UserFactory(username=username, jurisdiction_id=code, password=PASSWORD, **extra)
    user.groups.set([role_group(role) for role in roles_])
    return User.objects.get(pk=user.pk)


def code_for(device, step_offset: int = 0) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + step_offset * device.step
    return f"{totp.token():06d}"


def test_who_must_verify_a_second_factor(roles):
    for role in ROLES:
        user = person(f"r-{role.code}", EAST, role.code)
        assert second_factor_required(user) is (role.code in REQUIRED), role.code
    assert second_factor_required(person("root", None, is_superuser=True))
    assert second_factor_required(person("staff", EAST, "village_official", is_staff=True))
    assert not second_factor_required(person("inactive", EAST, "auditor", is_active=False))


def test_privileged_without_a_device_is_sent_to_enrolment(roles, password_only_client):
    password_only_client.force_login(person("admin1", EAST, "jurisdiction_admin"))
    for path in ("/", "/households/", "/users/", "/audit/", "/accounts/password/"):
        response = password_only_client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/otp/?next="), path
    page = password_only_client.get("/accounts/otp/")
    assert page.status_code == 200
    assert "<svg" in page.content.decode() and "<script" not in page.content.decode().split("<main")[1]


def test_privileged_with_a_device_is_sent_to_verification_and_the_api_refuses(roles, password_only_client):
    user = person("auditor1", EAST, "auditor")
    verified_device(user)
    password_only_client.force_login(user)
    response = password_only_client.get("/alerts/?x=1")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/otp/verify/?next=%2Falerts%2F%3Fx%3D1"
    api = password_only_client.get("/api/households/")
    assert api.status_code == 403
    assert "两步验证" in api.json()["detail"]
    # the enrolment page does not let a password alone replace the device
    assert password_only_client.get("/accounts/otp/")["Location"].startswith("/accounts/otp/verify/")
    refused = password_only_client.post("/accounts/otp/", {"action": "enrol", "code": "123456"})
    assert refused.status_code == 302 and TOTPDevice.objects.filter(user=user).count() == 1
    # the admin site too (a staff user)
    staff = person("staff1", EAST, "village_official", is_staff=True)
    password_only_client.force_login(staff)
    assert password_only_client.get("/admin/")["Location"].startswith("/accounts/otp/")


def test_non_privileged_users_are_unaffected(roles, password_only_client):
    user = person("village", VILLAGE, "village_official")
    password_only_client.force_login(user)
    assert password_only_client.get("/").status_code == 200
    assert password_only_client.get("/api/households/").status_code == 200
    token = Token.objects.create(user=user)
    assert (
        password_only_client.get("/api/households/", HTTP_AUTHORIZATION=f"Token {token.key}").status_code
        == 200
    )


def test_a_privileged_token_is_refused(roles, client):
    user = person("office", EAST, "county_office")
    token = Token.objects.create(user=user)
    response = client.get("/api/households/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 403
    assert "令牌" in response.json()["detail"]


def test_enrolment_with_a_wrong_code_then_the_right_one(roles, password_only_client):
    user = person("admin2", EAST, "jurisdiction_admin")
    client = password_only_client
    client.post("/accounts/login/", {"username": "admin2", "password": PASSWORD})
    page = client.get("/accounts/otp/?next=/users/")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    secret = re.search(r'class="otp-secret" translate="no">([A-Z2-7 ]+)<', page.content.decode()).group(1)
    assert len(secret.replace(" ", "")) == 32
    assert client.get("/accounts/otp/").content.decode().count(secret) == 1  # reload: same device

    bad = "000000" if code_for(device) != "000000" else "111111"
    wrong = client.post("/accounts/otp/", {"action": "enrol", "code": bad})
    assert wrong.status_code == 400
    assert "验证码不正确" in wrong.content.decode()
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/users/").status_code == 302

    device.refresh_from_db()
    device.throttle_reset()
    done = client.post("/accounts/otp/", {"action": "enrol", "code": code_for(device), "next": "/users/"})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    assert len(set(codes)) == 10
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/users/").status_code == 200
    kinds = list(AuditEvent.objects.filter(user=user).values_list("kind", flat=True))
    assert AuditKind.OTP_ENROL in kinds and AuditKind.OTP_FAILED in kinds


def test_verification_wrong_code_refused_right_code_and_backup_code_once(roles, password_only_client):
    user = person("disc", EAST, "discipline_officer")
    device = verified_device(user)
    backup = StaticDevice.objects.create(user=user, name="备用验证码", confirmed=True)
    StaticToken.objects.create(device=backup, token="abcd2345")

    def login():
        client = type(password_only_client)()
        client.post("/accounts/login/", {"username": "disc", "password": PASSWORD})
        return client

    client = login()
    bad = "000000" if code_for(device) != "000000" else "111111"
    wrong = client.post("/accounts/otp/verify/", {"code": bad, "next": "/cases/"})
    assert wrong.status_code == 400 and "验证码不正确" in wrong.content.decode()
    assert client.get("/cases/").status_code == 302
    assert AuditEvent.objects.filter(user=user, kind=AuditKind.OTP_FAILED).count() == 1

    ok = client.post("/accounts/otp/verify/", {"code": "ABCD 2345", "next": "/cases/"})
    assert ok.status_code == 302 and ok["Location"] == "/cases/"
    assert client.get("/cases/").status_code == 200
    assert client.get("/api/households/").status_code == 200

    again = login()
    assert again.post("/accounts/otp/verify/", {"code": "abcd2345"}).status_code == 400  # used once

    fresh = login()
    device.refresh_from_db()
    device.throttle_reset()
    full_width = code_for(device).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert (
        fresh.post("/accounts/otp/verify/", {"code": full_width, "next": "//evil.example/"})["Location"]
        == "/"
    )
    assert fresh.get("/audit/").status_code == 200
    # the same time step cannot be used twice (a code seen over a shoulder)
    replay = login()
    assert replay.post("/accounts/otp/verify/", {"code": full_width}).status_code == 400


def test_backup_codes_renewed_by_a_verified_user(roles, client):
    user = person("city", None, "city_office")
    client.force_login(user)
    page = client.post("/accounts/otp/", {"action": "codes"})
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page.content.decode())
    assert len(codes) == 10
    assert StaticToken.objects.filter(device__user=user).count() == 10
    client.post("/accounts/otp/", {"action": "codes"})
    assert not StaticToken.objects.filter(device__user=user, token__in=codes).exists()
    assert AuditEvent.objects.filter(user=user, kind=AuditKind.OTP_CODES).count() == 2


def test_reset_by_the_jurisdiction_administrator(roles, client):
    admin = person("east_admin", EAST, "jurisdiction_admin")
    own = person("east_office", VILLAGE, "county_office")
    foreign = person("west_office", WEST, "county_office")
    for user in (own, foreign):
        verified_device(user)
        StaticDevice.objects.create(user=user, name="备用验证码", confirmed=True)
    client.force_login(admin)
    listing = client.get("/users/").content.decode()
    assert f"/users/{own.pk}/otp/reset/" in listing and f"/users/{foreign.pk}/otp/reset/" not in listing

    assert client.post(f"/users/{foreign.pk}/otp/reset/").status_code == 404
    assert client.post("/users/999999/otp/reset/").status_code == 404
    assert TOTPDevice.objects.filter(user=foreign).exists()

    assert client.post(f"/users/{own.pk}/otp/reset/").status_code == 302
    assert not TOTPDevice.objects.filter(user=own).exists()
    assert not StaticDevice.objects.filter(user=own).exists()
    event = AuditEvent.objects.get(kind=AuditKind.OTP_RESET)
    assert (event.user, event.subject, event.detail["reset_user"]) == (admin, "east_office", own.pk)

    client.post(f"/users/{admin.pk}/otp/reset/")  # not himself
    assert TOTPDevice.objects.filter(user=admin).exists()

    client.force_login(person("village2", VILLAGE, "village_official"))
    assert client.post(f"/users/{foreign.pk}/otp/reset/").status_code == 403


def test_demo_accounts_are_enrolled_only_when_the_settings_say_demo(db, settings, capsys):
    from accountability.demo.users import DEMO_OTP_SECRET, demo_otp_code

    settings.DEMO_SECOND_FACTOR = False
    call_command("load_demo")
    assert not TOTPDevice.objects.exists()
    assert "扫描二维码" in capsys.readouterr().out

    settings.DEMO_SECOND_FACTOR = True
    call_command("load_demo")
    out = capsys.readouterr().out
    assert DEMO_OTP_SECRET in out
    enrolled = set(TOTPDevice.objects.values_list("user__username", flat=True))
    assert {"admin", "county_admin", "auditor", "discipline", "county_office"} <= enrolled
    assert not enrolled & {"village_official", "township_staff", "inspector"}
    call_command("demo_otp_code", "auditor")
    assert re.search(r"auditor\s+\d{6}", capsys.readouterr().out)

    from django.test import Client

    client = Client()
    client.post("/accounts/login/", {"username": "auditor", "password": "demo-2026-pass"})
    code = demo_otp_code(User.objects.get(username="auditor"))
    assert client.post("/accounts/otp/verify/", {"code": code})["Location"] == "/"
    assert client.get("/audit/").status_code == 200
