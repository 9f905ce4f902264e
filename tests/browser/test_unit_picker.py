"""Issue 18 §6 in headless Chromium: a unit is picked by typing its name (names first, with the
parents to tell same-named villages apart), not by typing a 12-digit code; on a phone, under the
strict Content-Security-Policy."""

from __future__ import annotations

import pytest

from tests.browser.test_journeys import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_unit_is_picked_by_name_on_a_phone(phone, live_server, demo, screenshot):
    reports: list[str] = []
    phone.on("console", lambda m: reports.append(m.text) if "Content Security Policy" in m.text else None)
    log_in(phone, live_server, "county_office")
    phone.goto(f"{live_server.url}/cases/new/")
    field = phone.locator("input[name=unit]")
    field.click()
    field.press_sequentially("东村", delay=50)
    options = phone.locator(".unit-picker-list [role=option]")
    options.first.wait_for()
    texts = options.all_inner_texts()
    assert all(text.startswith(("青石东村", "柳园东村", "桃花东村")) for text in texts), texts
    assert not any("河湾" in text for text in texts)  # the other county's villages are not offered
    screenshot(phone, "unit-picker-phone")
    phone.locator(".unit-picker-list [role=option]", has_text="青石东村").click()
    assert field.input_value() == "349901101201"
    assert "青石东村" in phone.locator(".unit-picker-chosen").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # the keyboard works too
    field.fill("")
    field.press_sequentially("柳园", delay=50)
    options.first.wait_for()
    field.press("ArrowDown")
    field.press("Enter")
    assert field.input_value().startswith("349901102")
    assert reports == []
