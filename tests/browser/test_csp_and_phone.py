"""Issue 18 §4 and §6 in headless Chromium: no Content-Security-Policy violation on the main
pages of the demo roles (the header present on each), Swagger UI still starts under its own
policy, and the phone defects: no horizontal overflow at 390 px, a menu that folds away, a
readable unread badge."""

from __future__ import annotations

import pytest

from accountability.models import User
from accountability.platform.models import Notification
from tests.browser.conftest import open_menu
from tests.browser.test_journeys import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Playwright's init script runs before any page script and is not itself subject to the policy:
# it records every violation the page reports.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""
MAIN_PAGES = [
    "/",
    "/dashboard/?year=2024",
    "/assessment/",
    "/units/",
    "/households/",
    "/poor-villages/",
    "/visits/mine/",
    "/visits/new/",
    "/visits/batch/",
    "/visits/attendance/",
    "/visits/compliance/",
    "/visits/unvisited/",
    "/officials/",
    "/alerts/",
    "/cases/",
    "/gaps/",
    "/imports/",
    "/inbox/",
    "/health/",
    "/units/search/",
    "/funds/ledger/",
]
ROLES = ["county_office", "township_staff", "village_official", "discipline"]


@pytest.fixture
def watched(phone):
    """The phone page, recording CSP violations (events and console reports)."""
    console: list[str] = []
    phone.add_init_script(RECORD_VIOLATIONS)
    phone.on(
        "console",
        lambda m: console.append(m.text) if "Content Security Policy" in m.text else None,
    )
    phone.console_reports = console
    return phone


def violations(page) -> list[str]:
    return page.evaluate("window.__csp || []") + page.console_reports


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("role", ROLES)
def test_main_pages_raise_no_csp_violation_and_fit_a_phone(watched, live_server, demo, role):
    log_in(watched, live_server, role)
    problems = []
    for path in MAIN_PAGES:
        response = watched.goto(f"{live_server.url}{path}")
        watched.wait_for_load_state("load")
        header = response.headers.get("content-security-policy", "")
        if "default-src 'self'" not in header:
            problems.append(f"{path}: no Content-Security-Policy header")
        if found := violations(watched):
            problems.append(f"{path}: {found}")
        if (extra := overflow(watched)) > 0:
            problems.append(f"{path}: {extra} px wider than the 390 px screen")
    assert problems == []


def test_an_inline_script_would_be_caught(watched, live_server, demo):
    """The watch itself can fail: a script injected into the page is blocked and reported."""
    log_in(watched, live_server, "county_office")
    watched.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.x = 1';"
        " document.body.appendChild(s); }"
    )
    watched.wait_for_timeout(200)
    assert any("script-src" in v for v in violations(watched))
    assert watched.evaluate("window.x") is None


def test_swagger_ui_starts_under_its_own_policy(watched, live_server, demo):
    log_in(watched, live_server, "county_office")
    watched.goto(f"{live_server.url}/api/docs/")
    watched.wait_for_selector(".swagger-ui .info", timeout=15000)
    watched.wait_for_selector(".opblock", timeout=15000)  # the schema was fetched and rendered
    assert violations(watched) == []


def test_language_switch_still_submits_without_an_inline_handler(watched, live_server, demo):
    log_in(watched, live_server, "city_office")
    watched.select_option("select[name=language]", "en")
    watched.wait_for_selector("text=Dashboard")
    assert violations(watched) == []


def test_the_menu_folds_away_on_a_phone(watched, live_server, demo):
    log_in(watched, live_server, "county_office")
    height = watched.evaluate("document.querySelector('.topbar').getBoundingClientRect().height")
    assert height <= 0.1 * 844, f"top bar {height} px high on an 844 px screen"
    assert not watched.is_visible("nav.mainnav")
    toggle = watched.locator(".menu-toggle")
    assert toggle.get_attribute("aria-expanded") == "false"
    open_menu(watched)
    assert watched.is_visible("nav.mainnav >> text=走访考核")
    assert toggle.get_attribute("aria-expanded") == "true"
    watched.click("nav.mainnav >> text=走访考核")
    watched.wait_for_url("**/visits/compliance/")
    assert violations(watched) == []


def test_the_menu_stays_open_on_a_wide_screen(browser, live_server, demo):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server, "county_office")
    assert page.is_visible("nav.mainnav >> text=走访考核")
    assert not page.is_visible(".menu-toggle")
    context.close()


def test_the_compliance_page_fits_a_phone(watched, live_server, demo):
    log_in(watched, live_server, "county_office")
    watched.goto(f"{live_server.url}/visits/compliance/")
    assert overflow(watched) <= 0


CONTRAST = """(selector) => {
  const el = document.querySelector(selector);
  const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 4).map(Number);
  let node = el, bg = null;
  while (node) {
    const c = rgb(getComputedStyle(node).backgroundColor);
    if (c.length < 4 || c[3] > 0) { bg = c; break; }
    node = node.parentElement;
  }
  const lum = (c) => {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const a = lum(rgb(getComputedStyle(el).color)), b = lum(bg);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


def test_the_unread_badge_is_readable(watched, live_server, demo):
    user = User.objects.get(username="county_office")
    Notification.objects.create(
        recipient=user, kind="test", title="测试", body="正文", dedupe_key="csp-browser"
    )
    log_in(watched, live_server, "county_office")
    open_menu(watched)
    ratio = watched.evaluate(CONTRAST, "nav.mainnav .badge")
    assert ratio >= 4.5, f"unread badge contrast {ratio:.2f}:1"


def test_on_track_is_not_the_colour_of_missed(watched, live_server, demo):
    log_in(watched, live_server, "county_office")
    watched.goto(f"{live_server.url}/visits/compliance/")
    colour = "(el) => getComputedStyle(el).color"
    missed = watched.locator("main .badge", has_text="未完成").first.evaluate(colour)
    on_track = watched.locator("main .badge", has_text="进度正常").first.evaluate(colour)
    met = watched.locator("main .badge", has_text="已完成").first.evaluate(colour)
    assert on_track != missed and on_track == met


ADMIN_PAGES = [
    "/admin/",
    "/admin/accountability/user/",
    "/admin/accountability/adminunit/",
    "/admin/accountability/adminunit/349901000000/change/",
]


def test_admin_pages_under_the_strict_policy(watched, live_server, demo):
    log_in(watched, live_server, "admin")
    found = {}
    for path in ADMIN_PAGES:
        watched.goto(f"{live_server.url}{path}")
        watched.wait_for_load_state("load")
        assert "/login/" not in watched.url and "系统管理" in watched.title()
        if reported := violations(watched):
            found[path] = reported
    assert found == {}
