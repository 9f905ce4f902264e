"""Issue 18 §3 in headless Chromium: a privileged user enrols a second factor on a phone — the
QR code is drawn (inline SVG, no script), the secret can be typed into an app, the backup codes
are shown once — under the strict Content-Security-Policy, and the page fits 390 px."""

from __future__ import annotations

import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP

from accountability.access.roles import role_group, sync_roles
from accountability.demo.hierarchy import load_hierarchy
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_privileged_user_enrols_on_a_phone(phone, live_server, screenshot):
    sync_roles()
    load_hierarchy()
    user = UserFactory(username="newadmin", jurisdiction_id="349901000000", password="correct-horse-2026")
    user.groups.set([role_group("jurisdiction_admin")])
    reports: list[str] = []
    phone.on("console", lambda m: reports.append(m.text) if "Content Security Policy" in m.text else None)

    phone.goto(f"{live_server.url}/accounts/login/?next=/users/")
    phone.fill("#id_username", "newadmin")
    phone.fill("#id_password", "correct-horse-2026")
    phone.click("button[type=submit]")
    phone.wait_for_load_state()
    assert "/accounts/otp/" in phone.url
    box = phone.locator(".otp-qr-box svg").bounding_box()
    assert box and box["width"] >= 150 and box["height"] >= 150
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(phone, "otp-enrol-phone")

    secret = phone.locator(".otp-secret").inner_text().replace(" ", "")
    totp = TOTP(b32decode(secret))
    totp.time = time.time()
    phone.fill("#id_code", f"{totp.token():06d}")
    phone.click("main form.stack button[type=submit]")
    phone.wait_for_load_state()
    codes = phone.locator(".otp-codes code").all_inner_texts()
    assert len(codes) == 10
    screenshot(phone, "otp-backup-codes-phone")
    phone.click("text=已保存，继续")
    phone.wait_for_load_state()
    assert phone.url.endswith("/users/") and "用户与角色" in phone.content()
    assert reports == []
