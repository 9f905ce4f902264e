"""The auditor's journey (issue 15): log in, filter a county's 2024 ledger, export, and the
downloaded workbook's totals equal the database to the cent — at phone width."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum
from openpyxl import load_workbook

from funds.ledger import services
from funds.ledger.models import LedgerEntry
from tests.browser.conftest import click_menu
from tests.browser.test_journeys import log_in
from tests.ledger_helpers import allocation, funded, make_project, poster, report_progress

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
COUNTY, OTHER = "349901000000", "349902000000"


@pytest.fixture
def ledger(demo):
    for county, village in ((COUNTY, "349901101201"), (OTHER, "349902101201")):
        actor = poster(county, username=f"finance-{county}")
        source = allocation(
            actor, county=county, document=f"财农〔2024〕{county[:6]}号", voucher=f"ZJ-{county}"
        )
        allocation(
            actor,
            county=county,
            document=f"财农〔2023〕{county[:6]}号",
            voucher=f"ZJ23-{county}",
            on=dt.date(2023, 6, 1),
        )
        project = make_project(
            f"LJ-{county[:6]}", subsidy="100000.01", location=village, started_on=dt.date(2024, 3, 1)
        )
        funded(actor, project, source, voucher=f"XD-{county}")
        services.ledger_disburse(
            actor=actor,
            project=project,
            stage="first",
            voucher_number=f"BF-{county}",
            date=dt.date(2024, 4, 1),
        )
        report_progress(project, 60)
        services.ledger_disburse(
            actor=actor,
            project=project,
            stage="second",
            voucher_number=f"BF2-{county}",
            date=dt.date(2024, 6, 1),
        )
        services.ledger_reimburse(
            actor=actor,
            project=project,
            voucher_number=f"BZ-{county}",
            date=dt.date(2024, 6, 5),
            amount="12345.67",
            budget_line="工程建设费",  # a line of the project's plan with room for it (F-11)
            invoice_number="FP1",
            summary="=SUM(A1)",
        )


def test_the_auditor_exports_a_county_2024_ledger_whose_totals_equal_the_database(
    phone, live_server, ledger, screenshot
):
    log_in(phone, live_server, "auditor")
    click_menu(phone, "资金台账")
    phone.wait_for_url("**/funds/ledger/")
    phone.fill("#id_year", "2024")
    phone.select_option("#id_unit", COUNTY)
    phone.click("#ledger-filters button[type=submit]")
    phone.wait_for_load_state()
    text = phone.inner_text("main")
    assert f"BF-{COUNTY}" in text and f"BF-{OTHER}" not in text
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1  # readable on a phone
    screenshot(phone, "ledger-01-auditor-filters-a-county")
    with phone.expect_download() as download_info:
        phone.click("#export-button")
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as handle:
        book = load_workbook(handle)
    assert book.sheetnames == ["封面", "汇总", "明细"]
    detail = book["明细"]
    header = [c.value for c in detail[1]]
    rows = [[c.value for c in r] for r in detail.iter_rows(min_row=2)]
    entries = LedgerEntry.objects.filter(date__year=2024, account__unit__code__startswith=COUNTY[:6])
    assert len(rows) == entries.count() > 0
    for column, field in (("金额（元）", "amount"),):
        assert (
            sum(Decimal(str(r[header.index(column)])) for r in rows) == entries.aggregate(t=Sum(field))["t"]
        )
    income = sum(Decimal(str(r[header.index("收入（元）")] or 0)) for r in rows)
    spent = sum(Decimal(str(r[header.index("支出（元）")] or 0)) for r in rows)
    assert income - spent == entries.aggregate(t=Sum("delta"))["t"]
    summary = [[c.value for c in r] for r in book["汇总"].iter_rows()]
    labels = next(r for r in summary if r and r[0] == "项目专账")
    project_total = dict(zip(labels, [r for r in summary if r and r[0] == "合计"][1], strict=False))
    assert Decimal(str(project_total["拨付"])) == Decimal("80000.01")
    assert Decimal(str(project_total["报账"])) == Decimal("12345.67")
    cover = "\n".join(str(c.value) for r in book["封面"].iter_rows() for c in r if c.value is not None)
    assert "auditor" in cover and "2024" in cover
    assert "=SUM(A1)" in [r[header.index("摘要")] for r in rows]
    # the project's money panel and its account read on a phone too
    for path in (f"/funds/ledger/projects/LJ-{COUNTY[:6]}/", "/funds/ledger/?year=2024&unit=" + COUNTY):
        phone.goto(f"{live_server.url}{path}")
        assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, path
    phone.goto(f"{live_server.url}/funds/ledger/projects/LJ-{COUNTY[:6]}/")
    assert "尚不能拨付" in phone.inner_text("main") and "项目尚未通过县级验收" in phone.inner_text("main")
    screenshot(phone, "ledger-02-money-panel")
    phone.click("text=专账余额（元） >> xpath=following::a[1]")
    phone.wait_for_url("**/funds/ledger/accounts/**")
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert "BZ-" + COUNTY in phone.inner_text("main")
