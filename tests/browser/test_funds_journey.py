"""A fund project from the library to acceptance, as the township and the county would, at phone width."""

from __future__ import annotations

import pytest

from funds.models import PerformanceEvaluation, Project, Stage
from tests.browser.conftest import click_menu
from tests.browser.test_journeys import log_in as first_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username) -> None:
    page.context.clear_cookies()  # the other user leaves the phone to the next
    first_log_in(page, live_server, username)


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def take_step(page, code: str, day: str, **fields) -> None:
    form = page.locator(f"form:has(input[name=step][value={code}])")
    details = page.locator(f"details:has(input[name=step][value={code}])")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    form.locator("input[name=on]").fill(day)
    for name, value in fields.items():
        if name.startswith("radio_"):
            form.locator(f"input[name={name[6:]}][value='{value}']").check()
        else:
            form.locator(f"[name={name}]").fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "已办理" in page.inner_text("main"), page.inner_text("main")[:800]


def test_township_and_county_take_a_project_to_acceptance_on_a_phone(phone, live_server, demo, screenshot):
    log_in(phone, live_server, "township_staff")
    click_menu(phone, "扶贫项目")
    phone.wait_for_url("**/funds/")
    assert "扶贫项目库" in phone.inner_text("main")
    no_sideways_scroll(phone)
    screenshot(phone, "funds-01-library-township")
    phone.click("text=新增入库项目")
    phone.fill("input[name=number]", "QS-2024-99")
    phone.fill("input[name=name]", "青石东村机耕道")
    phone.fill("input[name=year]", "2024")
    phone.fill("input[name=location]", "349901101201")
    phone.fill("input[name=implementer]", "青石镇人民政府")
    phone.fill("input[name=person_responsible]", "陈立新")
    phone.fill("textarea[name=construction_content]", "修建机耕道 1.8 公里")
    phone.fill("input[name=subsidy]", "180000")
    phone.fill("input[name=library_on]", "2024-01-08")
    no_sideways_scroll(phone)
    phone.click("button:has-text('纳入项目库')")
    phone.wait_for_load_state()
    assert "已纳入项目库" in phone.inner_text("main")
    project_url = phone.url
    take_step(phone, "apply", "2024-02-01")
    screenshot(phone, "funds-02-project-applied")

    log_in(phone, live_server, "county_office")
    phone.goto(project_url)
    take_step(phone, "approve", "2024-03-01", document="县扶领〔2024〕9号")
    log_in(phone, live_server, "township_staff")
    phone.goto(project_url)
    take_step(phone, "plan_submit", "2024-03-05")
    log_in(phone, live_server, "county_office")
    phone.goto(project_url)
    take_step(phone, "plan_approve", "2024-03-11")
    log_in(phone, live_server, "township_staff")
    phone.goto(project_url)
    take_step(phone, "file", "2024-03-19")  # 5 working days after 11 March is 18 March: late by 1
    assert "逾期 1 个工作日完成" in phone.inner_text("#deadlines")
    take_step(phone, "start", "2024-03-25")
    take_step(phone, "complete", "2024-09-20")
    take_step(phone, "initial_check", "2024-09-23")
    take_step(phone, "acceptance_request", "2024-09-24")
    screenshot(phone, "funds-03-project-township-requests-acceptance")

    log_in(phone, live_server, "county_office")
    phone.goto(project_url)
    items = {
        f"radio_{n}": "1"
        for n in ("task_done", "funds_managed", "benefits", "archives", "notices_and_boards", "maintenance")
    }
    take_step(phone, "accept", "2024-10-10", **items)
    text = phone.inner_text("main")
    assert "已验收" in text and "缺项目公示牌" in text
    no_sideways_scroll(phone)
    screenshot(phone, "funds-04-project-accepted")
    assert Project.objects.get(number="QS-2024-99").stage == Stage.ACCEPTED

    # the township records the first year's dividend on the benefit page (F-12), on the phone
    log_in(phone, live_server, "township_staff")
    phone.goto(project_url + "benefits/")
    records = phone.locator("#records form")
    records.locator("input[name=year]").fill("2025")
    records.locator("input[name=invested]").fill("180000")
    records.locator("input[name=dividend]").fill("8000")
    records.locator("button[type=submit]").click()
    phone.wait_for_load_state()
    text = phone.inner_text("main")
    assert "已保存" in text and "4.444% 低于 5" in text, text[:600]
    no_sideways_scroll(phone)
    screenshot(phone, "funds-05-benefit-record")

    # the county office reads the running evaluation of last year's funds and may score (F-14); the
    # demo starts it on 25 March, so before that day of the year there is none to open
    if PerformanceEvaluation.objects.filter(county_id="349901000000").exists():
        log_in(phone, live_server, "county_office")
        phone.goto(live_server.url + "/funds/evaluations/")
        phone.locator("main h2 a").first.click()
        phone.wait_for_load_state()
        text = phone.inner_text("main")
        assert "各单位得分" in text and "录入得分" in text, text[:600]
        no_sideways_scroll(phone)
        screenshot(phone, "funds-06-evaluation-scores")

    log_in(phone, live_server, "county2_office")
    assert phone.goto(project_url).status == 404
