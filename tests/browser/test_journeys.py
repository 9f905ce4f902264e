"""Journeys in headless Chromium (Debian's) driven by Playwright, at phone width."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from accountability.demo.users import DEMO_PASSWORD, demo_otp_code
from accountability.models import AdminUnit, User
from tests.browser.conftest import click_menu
from tests.conftest import UNIT_HEADERS, write_xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


TOTP_STEP_SECONDS = 30


@dataclass(frozen=True)
class SignedIn:
    """A session left by logging in through the form: its key and data, for the same user."""

    user_pk: int
    password: str
    key: str
    data: str


#: username → the session of its first login through the form in this test process
SIGNED_IN: dict[str, SignedIn] = {}


def log_in(page, live_server, username):
    """Logged in as the demo account: password, then — for the privileged demo accounts, enrolled
    with the demo secret by load_demo — the code their authenticator would show (docs/decisions/0028).

    Each account logs in through the form once per test process; later tests of the same account
    get that session back (its row put back into django_session, its cookie into the browser)
    rather than typing the password and a code again — a code is accepted once per 30 s time step,
    so a second login through the form soon after the first would wait for the next step
    (docs/decisions/0030). The session is used only while the account is the same user with the
    same password; if the page does not end up logged in, the form is used."""
    user = User.objects.get(username=username)
    if reuse_session(page, live_server, user):
        return
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    for attempt in range(3):
        if "/accounts/otp/verify/" not in page.url:
            break
        if attempt:  # each time step is accepted once: a journey logging in again soon waits for the next
            time.sleep(TOTP_STEP_SECONDS)
        page.fill("#id_code", demo_otp_code(User.objects.get(username=username)))
        page.click("main button[type=submit]")
        page.wait_for_load_state()
    assert "/accounts/otp/" not in page.url, page.url
    remember_session(page, user)


def reuse_session(page, live_server, user) -> bool:
    signed_in = SIGNED_IN.get(user.username)
    if signed_in is None or (signed_in.user_pk, signed_in.password) != (user.pk, user.password):
        return False
    Session.objects.update_or_create(
        session_key=signed_in.key,
        defaults={
            "session_data": signed_in.data,
            "expire_date": timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE),
        },
    )
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": signed_in.key, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/")  # where the login form leads (LOGIN_REDIRECT_URL)
    page.wait_for_load_state()
    return "/accounts/login/" not in page.url and "/accounts/otp/" not in page.url


def remember_session(page, user) -> None:
    key = next(
        (c["value"] for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME), None
    )
    session = Session.objects.filter(session_key=key).first() if key else None
    if session is not None:
        SIGNED_IN[user.username] = SignedIn(user.pk, user.password, key, session.session_data)


def test_county_office_browses_its_county_on_a_phone(phone, live_server, demo, screenshot):
    log_in(phone, live_server, "county_office")
    assert "工作台" in phone.content()
    screenshot(phone, "01-dashboard-county-office")
    click_menu(phone, "行政区划")
    phone.wait_for_url("**/units/349901000000/")
    text = phone.inner_text("main")
    assert "东山县" in text and "青石镇" in text and "西河县" not in text
    screenshot(phone, "02-county-page")
    phone.click("text=青石镇")
    phone.wait_for_url("**/units/349901101000/")
    assert "青石东村" in phone.inner_text("main")
    screenshot(phone, "03-township-page")
    response = phone.goto(f"{live_server.url}/units/349902000000/")
    assert response.status == 404


def test_village_official_sees_only_the_village(phone, live_server, demo, screenshot):
    log_in(phone, live_server, "village_official")
    click_menu(phone, "行政区划")
    phone.wait_for_url("**/units/349901101201/")
    text = phone.inner_text("main")
    assert "青石东村" in text and "贫困村" in text
    assert "村党组织书记" in text and "第一责任人" in text and "包保单位" in text
    screenshot(phone, "04-village-page")
    click_menu(phone, "干部")
    phone.wait_for_url("**/officials/")
    rows = phone.locator("table.data tbody tr")
    assert rows.count() >= 5
    assert "********" in phone.inner_text("main")  # a village official sees masked ID numbers
    screenshot(phone, "07-officials-of-the-village")
    assert phone.goto(f"{live_server.url}/units/349901101202/").status == 404


def test_import_with_a_bad_row_previews_errors_then_writes_the_good_rows(
    phone, live_server, demo, screenshot, tmp_path
):
    path = write_xlsx(
        tmp_path / "新增村.xlsx",
        UNIT_HEADERS,
        [
            ["349901101205", "青石新村", "村", "", "否", "", ""],
            ["34990110120", "坏代码村", "村", "", "", "", ""],
        ],
    )
    log_in(phone, live_server, "city_office")  # adding units is the city office's (docs/roles.md)
    phone.goto(f"{live_server.url}/imports/")
    phone.select_option("#id_kind", "units")
    phone.set_input_files("#id_file", str(path))
    phone.get_by_role("button", name="上传并校验").click()
    phone.wait_for_selector("text=错误明细")
    text = phone.inner_text("main")
    assert "行政区划代码应为 12 位数字" in text and "新增" in text
    screenshot(phone, "05-import-preview")
    assert not AdminUnit.objects.filter(code="349901101205").exists()
    phone.get_by_role("button", name="确认写入").click()
    phone.wait_for_selector("text=已写入 1 行")
    screenshot(phone, "06-import-done")
    assert AdminUnit.objects.get(code="349901101205").name == "青石新村"


def test_switching_to_english(phone, live_server, demo):
    log_in(phone, live_server, "city_office")
    phone.select_option("select[name=language]", "en")
    phone.wait_for_selector("text=Dashboard")
    assert "Data import" in phone.inner_text("body")


def test_city_office_sees_the_responsibility_gaps(phone, live_server, demo, screenshot):
    log_in(phone, live_server, "city_office")
    click_menu(phone, "责任缺口")
    phone.wait_for_url("**/gaps/")
    text = phone.inner_text("main")
    assert "白杨南庄村" in text and "第一书记(驻村工作队长)" in text and "包保单位" in text
    screenshot(phone, "08-gaps")
    phone.click("text=白杨南庄村 >> nth=0")
    phone.wait_for_url("**/units/349902103203/")
    assert "责任缺口" in phone.inner_text("main")
    screenshot(phone, "09-gap-village")


def test_village_official_finds_a_household_on_a_phone(phone, live_server, demo, screenshot):
    log_in(phone, live_server, "village_official")
    click_menu(phone, "贫困户")
    phone.wait_for_url("**/households/")
    assert "共 8 户" in phone.inner_text("main")
    screenshot(phone, "10-households")
    phone.locator("table.data tbody tr a").first.click()
    phone.wait_for_selector("text=家庭成员")
    text = phone.inner_text("main")
    assert "帮扶责任人" in text and "已隐藏" in text and "********" in text
    screenshot(phone, "11-household")


def test_village_official_records_a_visit_on_a_phone(phone, live_server, demo, screenshot):
    from visits.models import Visit

    log_in(phone, live_server, "village_official")
    click_menu(phone, "走访")
    phone.wait_for_url("**/visits/mine/")
    screenshot(phone, "20-my-visits-and-progress")
    phone.click("text=＋ 录入走访")
    phone.wait_for_url("**/visits/new/")
    options = phone.locator("#id_household option")
    assert options.count() > 1  # the official's own households only
    first = options.nth(1).inner_text()
    phone.fill("#household-search", first.split("（")[1][:6])  # part of the household number
    before = Visit.objects.count()
    phone.select_option("#id_household", index=1)
    phone.check("text=两不愁三保障")
    phone.fill("#id_problems", "房屋墙体有裂缝")
    screenshot(phone, "21-visit-form-filled")
    phone.click("text=保存走访")
    phone.wait_for_url("**/visits/mine/")
    assert "走访记录已保存" in phone.content()
    assert Visit.objects.count() == before + 1
    screenshot(phone, "22-visit-saved")


def test_county_office_sees_quota_compliance(phone, live_server, demo, screenshot):
    log_in(phone, live_server, "county_office")
    phone.goto(f"{live_server.url}/visits/compliance/")
    text = phone.inner_text("main")
    assert "走访考核" in text and "东山县" in text and "西河县" not in text
    screenshot(phone, "23-compliance-county")
    phone.goto(f"{live_server.url}/poor-villages/?year=2020")
    assert "贫困发生率" in phone.inner_text("main")
    screenshot(phone, "24-poor-villages")


def test_discipline_officer_reads_alerts_and_a_case(phone, live_server, demo, screenshot):
    log_in(phone, live_server, "discipline")
    phone.goto(f"{live_server.url}/alerts/?year=2020&rule=E-1")
    text = phone.inner_text("main")
    assert "E-1" in text
    screenshot(phone, "30-alerts")
    phone.click("table.data tbody tr >> nth=0 >> a")
    phone.wait_for_url("**/alerts/*/")
    assert "依据" in phone.inner_text("main")
    screenshot(phone, "31-alert-evidence")
    phone.goto(f"{live_server.url}/cases/?status=executed")
    phone.click("table.data tbody tr >> nth=0 >> a")
    phone.wait_for_url("**/cases/*/")
    text = phone.inner_text("main")
    assert "已执行" in text and "办理记录" in text
    screenshot(phone, "32-case")
