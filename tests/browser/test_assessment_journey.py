"""Issue 17's journey: the county office opens its dashboard, drills to a township, starts the 2024
annual report, watches the progress bar, downloads the docx and the xlsx; the files are opened and
checked against the page (a real Celery worker generates them)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from assessment.models import AssessmentResult
from tests.browser.test_journeys import log_in
from tests.test_celery_worker import queue, start, stop  # noqa: F401  (fixture and helpers)

pytestmark = [pytest.mark.browser, pytest.mark.celery, pytest.mark.django_db(transaction=True)]


def download(page, link: str) -> bytes:
    with page.expect_download() as info:
        page.click(link)
    return Path(info.value.path()).read_bytes()


def generate(page, format: str) -> bytes:
    page.select_option("#report-form select[name=format]", format)
    page.click("#report-form button[type=submit]")
    page.wait_for_url("**/assessment/reports/*/")
    assert page.locator("progress").count() == 1  # the progress bar, refreshed every second
    page.wait_for_selector("#report-download", timeout=60_000)
    return download(page, "#report-download")


def test_county_office_generates_the_2024_report(browser, live_server, demo, queue, tmp_path, screenshot):  # noqa: F811
    worker = start(
        queue, "worker", "--pool=solo", "--concurrency=1", "-Q", queue, media_root=tmp_path / "media"
    )
    try:
        context = browser.new_context(
            accept_downloads=True, viewport={"width": 390, "height": 844}, locale="zh-CN"
        )
        page = context.new_page()
        log_in(page, live_server, "county_office")
        assert "作战图 · 东山县" in page.inner_text("main")
        screenshot(page, "assessment-01-dashboard")
        page.click("#children >> text=青石镇")
        page.wait_for_url("**/dashboard/?unit=349901101000*")
        assert "作战图 · 青石镇" in page.inner_text("main")
        page.goto(f"{live_server.url}/dashboard/?unit=349901000000&year=2024")
        page.fill("#report-form input[name=year]", "2024")
        docx = generate(page, "docx")
        screenshot(page, "assessment-02-report-ready")
        round_url = page.locator(".breadcrumb a").nth(1).get_attribute("href")
        page.goto(f"{live_server.url}{round_url}")
        xlsx = generate(page, "xlsx")
        page.goto(f"{live_server.url}{round_url}")
        shown = re.findall(
            r'<tr data-code="(\d+)">.*?<td class="num score">([\d.]+)</td>', page.content(), re.S
        )
        context.close()
    finally:
        stop(worker)
    result = AssessmentResult.objects.get(round__unit_id="349901000000", round__year=2024)
    assert [code for code, _t in shown] == [row["code"] for row in result.rows]
    document = Document(io.BytesIO(docx))
    section = document.sections[0]
    assert [round(x.mm) for x in (section.page_width, section.page_height, section.top_margin)] == [
        210,
        297,
        37,
    ]
    texts = [p.text for p in document.paragraphs]
    for title in ("一、基本情况", "二、指标分析", "三、存在问题", "四、综合评价", "五、处理建议"):
        assert title in texts
    docx_scores = [
        (row.cells[1].text, row.cells[2].text) for row in document.tables[0].rows[1 : len(shown) + 1]
    ]
    assert [total for _name, total in docx_scores] == [total for _code, total in shown]
    ranking = list(load_workbook(io.BytesIO(xlsx))["得分与排名"].iter_rows(min_row=4, values_only=True))
    assert [(r[2], r[3]) for r in ranking[: len(shown)]] == [(code, float(total)) for code, total in shown]
