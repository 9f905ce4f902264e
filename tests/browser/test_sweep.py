"""Issue 18 §6: every page of the menu, for every demo role, at 390 px and at 1280 px, in headless
Chromium. Each page fails on

- horizontal overflow (``scrollWidth > innerWidth``);
- an axe-core violation of impact serious or critical (axe vendored from npm under
  static/vendor/axe-core/, injected by the test only — no template loads it);
- Latin words in the visible text outside an allow-list (codes, units, product names);
- a form offered to a role that the server would refuse (its submission answers 403).

Screenshots of every page and width go to artifacts/screenshots/sweep/ (kept by CI).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from accountability.demo.users import DEMO_LOGINS
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_journeys import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_DIR = Path(__file__).resolve().parents[2] / "static" / "vendor" / "axe-core"
WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
#: Latin words a Chinese user may meet: rule and quota codes (E-1, Q-9), units of measure, file
#: formats, the language switch's own name, product names on the staff-only status details
ALLOWED_LATIN = {
    "English",
    "xlsx",
    "Excel",
    "Word",  # the office suite's name, as users say it (Word 模板, Word 报告)
    "API",
    "ID",
    "MB",
    "KB",
    "GB",
    "TOTP",
    "PostgreSQL",
    "Redis",
    "celery",
    "JSON",
}
#: login names are identifiers, shown as typed (user lists, audit records); so are worker host
#: names (name@host, staff-only status details)
LOGIN_NAMES = {login.username for login in DEMO_LOGINS}
#: a code: capitals, a hyphen and a number (E-1, Q-9, A-5.7 — rules, quotas, case situations)
CODE = re.compile(r"^[A-Z]{1,3}(-\d+(\.\d+)*[a-z]?)?$")
#: a document number: letters and digits with hyphens, at least one digit (project numbers
#: FP349901-2026-01, finding numbers XF-2026-001-1, voucher numbers) — an identifier, not a word
DOCUMENT_NUMBER = re.compile(r"^(?=[A-Za-z0-9._-]*\d)[A-Za-z0-9][A-Za-z0-9._-]*$")
#: pages that answer an error status by design: the status page says 503 while a component is
#: down (no Celery worker runs in the browser tests)
EXPECTED_STATUS = {"/health/": 503}
#: forms whose submission is not a piece of the role's work (leaving, the language)
NOT_WORK = ("/accounts/logout/", "/i18n/setlang/")

SUBMIT_FORMS = """
async (skip) => {
  const found = [];
  for (const form of document.querySelectorAll("form")) {
    if ((form.method || "get").toLowerCase() !== "post") continue;
    const action = new URL(form.getAttribute("action") || location.href, location.href);
    if (skip.some((path) => action.pathname.startsWith(path))) continue;
    const response = await fetch(action, {
      method: "POST", body: new FormData(form), credentials: "same-origin", redirect: "manual",
    });
    found.push([action.pathname + action.search, response.status]);
  }
  return found;
}
"""
RUN_AXE = """
async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
}
"""


def axe_source() -> str:
    """The vendored axe-core, checked against the hash written when it was copied from npm."""
    source = (AXE_DIR / "axe.min.js").read_bytes()
    recorded = re.search(r"axe\.min\.js sha256 ([0-9a-f]{64})", (AXE_DIR / "VERSION").read_text()).group(1)
    assert hashlib.sha256(source).hexdigest() == recorded, "static/vendor/axe-core/axe.min.js was edited"
    assert (AXE_DIR / "LICENSE").exists()
    return source.decode()


def menu_paths(page) -> list[str]:
    """The main menu's pages and the account's own pages (password, second factor), in order."""
    hrefs = page.eval_on_selector_all(
        "nav.mainnav a, .account a", "links => links.map(a => a.getAttribute('href'))"
    )
    seen: list[str] = []
    for href in hrefs:
        if href and href.startswith("/") and href not in seen and not href.startswith("/admin/"):
            seen.append(href)
    return seen


#: the text of elements marked translate="no" (a secret to type into an app) is not language
VISIBLE_TEXT = """() => {
  let text = document.body.innerText;
  document.querySelectorAll("[translate=no]").forEach((el) => { text = text.split(el.innerText).join(" "); });
  return text;
}"""


def latin_words(page) -> set[str]:
    text = page.evaluate(VISIBLE_TEXT)
    words = set(re.findall(r"[A-Za-z][A-Za-z0-9_.@-]*[A-Za-z0-9]|[A-Za-z]", text))
    return {
        w
        for w in words
        if w not in ALLOWED_LATIN | LOGIN_NAMES
        and not CODE.match(w)
        and not DOCUMENT_NUMBER.match(w)
        and len(w) > 1
    }


def slug(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"


@pytest.mark.parametrize("username", [login.username for login in DEMO_LOGINS])
def test_every_menu_page_for_every_role(browser, live_server, demo, username):
    context = browser.new_context(viewport=WIDTHS["phone"], locale="zh-CN")
    context.add_init_script(axe_source())  # init scripts are not subject to the page's CSP
    page = context.new_page()
    shots = SCREENSHOTS / "sweep"
    shots.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    try:
        log_in(page, live_server, username)
        page.goto(f"{live_server.url}/")
        paths = menu_paths(page)
        assert len(paths) >= 10, paths
        for path in paths:
            for width, size in WIDTHS.items():
                page.set_viewport_size(size)
                response = page.goto(f"{live_server.url}{path}")
                page.wait_for_load_state("load")
                where = f"{username} {path} @{size['width']}"
                expected = EXPECTED_STATUS.get(path, 200)
                if response is None or (response.status >= 400 and response.status != expected):
                    # a menu page the role may not open should not be in its menu
                    problems.append(f"{where}: HTTP {response.status if response else '?'}")
                    continue
                overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                if overflow > 0:
                    problems.append(f"{where}: {overflow} px wider than the screen")
                page.screenshot(path=str(shots / f"{username}-{slug(path)}-{width}.png"), full_page=True)
                if width != "phone":
                    continue
                for violation in page.evaluate(RUN_AXE):
                    problems.append(f"{where}: axe {violation}")
                if words := latin_words(page):
                    problems.append(f"{where}: Latin words {sorted(words)}")
                for action, status in page.evaluate(SUBMIT_FORMS, list(NOT_WORK)):
                    if status == 403:
                        problems.append(f"{where}: form to {action} is offered but refused (403)")
    finally:
        context.close()
    assert problems == [], "\n".join(problems)
