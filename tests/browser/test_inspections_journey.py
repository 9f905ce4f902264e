"""Issue 16's journey in headless Chromium at 390 px: an inspector records a finding with a photo,
the township reports its rectification on a phone with a photo, the owner is refused verification,
a county verifier closes it; the inspections pages fit a phone."""

from __future__ import annotations

import datetime as dt

import pytest

from accountability.access.roles import role_group
from accountability.demo.users import DEMO_PASSWORD
from accountability.models import User
from inspections.models import Finding, FindingStatus
from inspections.selectors import plans_visible_to
from tests.browser.test_csp_and_phone import RECORD_VIOLATIONS
from tests.browser.test_journeys import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TOWNSHIP = "349901101000"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
)


@pytest.fixture
def demo(demo):  # the demo city (tests/browser/conftest.py), plus a verifier inside the township
    owner = User.objects.create_user(
        username="township_inspector", password=DEMO_PASSWORD, jurisdiction_id=TOWNSHIP
    )
    owner.groups.add(role_group("inspector"))  # the right to verify, but inside the owning unit


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def log_out(page, live_server) -> None:
    page.context.clear_cookies()


def test_finding_to_close_out_on_a_phone(phone, live_server, demo, screenshot, tmp_path):
    photo = tmp_path / "site.png"
    photo.write_bytes(PNG)
    log_in(phone, live_server, "inspector")
    phone.goto(f"{live_server.url}/inspections/findings/new/")
    assert overflow(phone) <= 0
    phone.fill("#id_number", "BR-1")
    phone.fill("#id_unit", TOWNSHIP)
    phone.select_option("#id_source", "supervision")
    phone.select_option("#id_category", "pairing")
    phone.fill("#id_description", "帮扶台账与实际不符")
    phone.set_input_files("#id_files", str(photo))
    phone.click("form.stack button[type=submit]")
    phone.wait_for_load_state()
    assert "BR-1" in phone.content() and "已登记" in phone.content()
    finding = Finding.objects.get(number="BR-1")
    assert finding.evidence.count() == 1
    screenshot(phone, "inspections-01-finding-recorded")
    # the issuing office moves the deadline on the phone, with a reason kept in the timeline
    later = finding.deadline + dt.timedelta(days=30)
    phone.click("summary:has-text('调整整改期限')")
    phone.fill("#id_deadline-deadline", later.isoformat())
    phone.fill("#id_deadline-reason", "需跨季度完成台账整改")
    assert overflow(phone) <= 0
    phone.click("form[action$='/deadline/'] button[type=submit]")
    phone.wait_for_load_state()
    assert f"整改期限已调整为 {later}" in phone.content() and "需跨季度完成台账整改" in phone.content()
    finding.refresh_from_db()
    assert finding.deadline == later

    log_out(phone, live_server)
    log_in(phone, live_server, "township_staff")
    phone.goto(f"{live_server.url}/inspections/findings/{finding.pk}/")
    assert overflow(phone) <= 0
    phone.fill("#id_text", "已逐户核对并更新帮扶台账")
    phone.set_input_files("#id_files", str(photo))
    phone.check("#id_request_close")
    screenshot(phone, "inspections-02-township-report")
    phone.click(".report-form button[type=submit]")
    phone.wait_for_load_state()
    assert "等待核验" in phone.content()
    finding.refresh_from_db()
    assert finding.status == FindingStatus.AWAITING

    log_out(phone, live_server)
    log_in(phone, live_server, "township_inspector")
    phone.goto(f"{live_server.url}/inspections/findings/{finding.pk}/")
    assert "不能核验本单位" in phone.content()
    assert phone.locator("form[action$='/decide/']").count() == 0
    finding.refresh_from_db()
    assert finding.status == FindingStatus.AWAITING

    log_out(phone, live_server)
    log_in(phone, live_server, "county_office")
    phone.goto(f"{live_server.url}/inspections/findings/{finding.pk}/")
    phone.fill("#id_decision_text", "现场核验属实")
    phone.click("form[action$='/decide/'] button[type=submit]")
    phone.wait_for_load_state()
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CLOSED and finding.verified_by.username == "county_office"
    assert "已销号" in phone.content() and overflow(phone) <= 0
    screenshot(phone, "inspections-03-closed")


@pytest.mark.parametrize("role", ["inspector", "county_office", "township_staff", "discipline"])
def test_inspection_pages_fit_a_phone_without_csp_violations(phone, live_server, demo, role):
    phone.add_init_script(RECORD_VIOLATIONS)
    log_in(phone, live_server, role)
    first = Finding.objects.filter(number="XC-01").first()
    paths = [
        "/inspections/findings/",
        "/inspections/findings/?state=overdue",
        "/inspections/rounds/",
        "/inspections/plans/",
        "/inspections/petitions/",
        "/inspections/disclosure/" + ("" if role == "township_staff" else "?county=349901000000"),
        f"/units/{TOWNSHIP}/",
        f"/inspections/findings/{first.pk}/",
        "/inspections/rounds/new/",
    ]
    plan = plans_visible_to(User.objects.get(username=role)).order_by("pk").first()
    if plan is not None:  # the city's plan: not in a county's or township's jurisdiction
        paths.append(f"/inspections/plans/{plan.pk}/")
    for path in paths:
        response = phone.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert overflow(phone) <= 0, path
        assert phone.evaluate("window.__csp || []") == [], path
