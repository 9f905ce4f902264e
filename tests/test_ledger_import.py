"""Import kind fund_entries: the issue's headers, every ledger rule per row in file order, implied
releases, corrections by 原凭证号, warnings for what a spreadsheet cannot carry, strict mode."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accountability.importing.services import run_import
from funds.ledger.importers import FundEntriesImport
from funds.ledger.models import EntryKind, LedgerAccount, LedgerEntry
from tests.ledger_helpers import COUNTY, make_project, poster, report_progress

pytestmark = pytest.mark.django_db
D = Decimal
HEADERS = [
    "凭证号",
    "日期",
    "项目编号",
    "资金来源文号",
    "行政区划代码",
    "资金级次",
    "业务类型",
    "拨付阶段",
    "金额（元）",
    "预算科目",
    "摘要",
    "原凭证号",
]
DOC = "黔财农〔2024〕1号"


def test_the_headers_are_exactly_the_issues():
    assert [c.header for c in FundEntriesImport.columns] == HEADERS


def row(voucher, day, project, document, county, level, kind, stage, amount, line="", text="", original=""):
    return [voucher, day, project, document, county, level, kind, stage, amount, line, text, original]


@pytest.fixture
def actor():
    return poster()


@pytest.fixture
def project(actor):
    project = make_project("P2024-001", subsidy="100000.01", started_on=dt.date(2024, 4, 1))
    report_progress(project, 60)
    return project


def rows_ok():
    return [
        row("ZJ-1", "2024-02-01", "", DOC, COUNTY, "中央", "资金下达", "", "200000.00"),
        row("BF-1", "2024-04-10", "P2024-001", DOC, "", "", "项目拨付", "首期", "50000.01"),
        row("BF-2", "2024-06-10", "P2024-001", DOC, "", "", "项目拨付", "二期", "30000.00"),
        row(
            "BZ-1", "2024-06-20", "P2024-001", "", "", "", "报账", "", "1,000.50", "直接补助到户", "=到户补助"
        ),
        row("BZ-2", "2024-06-21", "P2024-001", "", "", "", "报账", "", "500.00", "不存在的科目"),
        row("GZ-1", "2024-06-22", "P2024-001", "", "", "", "更正", "", "500.00", "", "科目错", "BZ-2"),
    ]


def test_a_spreadsheet_ledger_is_posted_with_implied_releases_and_warnings(actor, project, xlsx):
    job = run_import(kind="fund_entries", path=xlsx(rows_ok(), HEADERS), actor=actor)
    assert job.errors == [], job.errors
    account = LedgerAccount.objects.get(project=project)
    releases = account.entries.filter(kind=EntryKind.RELEASE).values_list("amount", flat=True)
    assert sorted(releases) == [D("30000.00"), D("50000.01")]  # what each disbursement needed
    assert account.balance == D("0.00")
    allocation = LedgerAccount.objects.get(document_number=DOC)
    assert allocation.balance == D("200000.00") - D("80000.01")
    roster = LedgerEntry.objects.get(voucher_number="BZ-1")
    assert roster.roster_kind == "household_subsidy" and roster.warnings == []
    unknown = LedgerEntry.objects.get(voucher_number="BZ-2")
    assert "不在本项目实施方案预算科目中" in "".join(unknown.warnings) and "未附税务发票" in "".join(
        unknown.warnings
    )
    correction = LedgerEntry.objects.get(voucher_number="GZ-1")
    assert correction.reverses == unknown and correction.kind == EntryKind.CORRECTION
    posted = LedgerEntry.objects.count()
    assert posted == 10  # 6 rows, two implied releases of two legs each
    # the same file again: nothing posted twice
    again = run_import(kind="fund_entries", path=xlsx(rows_ok(), HEADERS), actor=actor)
    assert again.errors == [] and LedgerEntry.objects.count() == posted


def test_a_second_stage_before_the_first_is_an_error_on_that_row(actor, project, xlsx):
    rows = [
        row("ZJ-1", "2024-02-01", "", DOC, COUNTY, "中央", "资金下达", "", "200000.00"),
        row("BF-2", "2024-06-10", "P2024-001", DOC, "", "", "项目拨付", "二期", "30000.00"),
        row("BF-1", "2024-04-10", "P2024-001", DOC, "", "", "项目拨付", "首期", "50000.01"),
        row("BF-X", "2024-04-11", "P2024-001", DOC, "", "", "项目拨付", "首期", "50000.01"),
    ]
    job = run_import(kind="fund_entries", path=xlsx(rows, HEADERS), actor=actor)
    errors = {(e["row"], e["column"]): e["message"] for e in job.errors}
    assert list(errors) == [(3, "拨付阶段"), (5, "拨付阶段")]
    assert "首期资金尚未拨付" in errors[(3, "拨付阶段")]
    assert "已经全额拨付" in errors[(5, "拨付阶段")]
    # not strict: the valid rows are posted, and nothing of the refused rows
    assert set(LedgerEntry.objects.values_list("voucher_number", flat=True)) == {"ZJ-1", "BF-1"}


def test_a_stage_in_several_rows_is_posted_up_to_its_amount(actor, project, xlsx):
    rows = [
        row("ZJ-1", "2024-02-01", "", DOC, COUNTY, "中央", "资金下达", "", "200000.00"),
        row("BF-1a", "2024-04-10", "P2024-001", DOC, "", "", "项目拨付", "首期", "20,000.00"),
        row("BF-1b", "2024-04-20", "P2024-001", DOC, "", "", "项目拨付", "首期", "30000.01"),
        row("BF-1c", "2024-04-21", "P2024-001", DOC, "", "", "项目拨付", "首期", "0.01"),
        row("BF-9", "2024-04-22", "P2024-001", DOC, "", "", "项目拨付", "首期", "1e30"),
    ]
    job = run_import(kind="fund_entries", path=xlsx(rows, HEADERS), actor=actor)
    errors = {(e["row"], e["column"]): e["message"] for e in job.errors}
    assert list(errors) == [(5, "拨付阶段"), (6, "金额（元）")]
    assert "已经全额拨付" in errors[(5, "拨付阶段")] and "金额不能达到" in errors[(6, "金额（元）")]
    paid = LedgerEntry.objects.filter(kind=EntryKind.DISBURSEMENT).values_list("amount", flat=True)
    assert sorted(paid) == [Decimal("20000.00"), Decimal("30000.01")]


def test_strict_mode_posts_nothing_when_a_row_fails_and_the_command_exits_non_zero(actor, project, xlsx):
    rows = rows_ok()
    rows[2][8] = "30000.01"  # not the second stage's amount
    path = xlsx(rows, HEADERS)
    with pytest.raises(CommandError):
        call_command(
            "import_xlsx", "fund_entries", str(path), "--strict", "--as", actor.username, stdout=StringIO()
        )
    assert not LedgerEntry.objects.exists()
    job = run_import(kind="fund_entries", path=path, actor=actor, strict=True)
    assert [(e["row"], e["column"]) for e in job.errors] == [(4, "拨付阶段")]
    assert "应拨付 30000.00 元" in job.errors[0]["message"]


@pytest.mark.parametrize(
    "bad, column, message",
    [
        (row("X", "2024-02-01", "", DOC, COUNTY, "", "资金下达", "", "1.00"), "资金级次", "须填写资金级次"),
        (row("X", "2024-02-01", "", DOC, COUNTY, "中央", "资金下达", "", "1.001"), "金额（元）", "精确到分"),
        (row("X", "2024-02-01", "", DOC, COUNTY, "中央", "资金下达", "", "-1"), "金额（元）", "大于 0"),
        (row("X", "2024-02-01", "", DOC, COUNTY, "中央", "拨款", "", "1.00"), "业务类型", "不在可选值中"),
        (row("X", "2024-02-01", "NOPE", DOC, "", "", "报账", "", "1.00"), "项目编号", "不存在"),
        (
            row("X", "2024-02-01", "P2024-001", "", "", "", "项目拨付", "", "1.00"),
            "拨付阶段",
            "须填写拨付阶段",
        ),
        (row("X", "2024-02-01", "P2024-001", "", "", "", "更正", "", "1.00"), "原凭证号", "须填写原凭证号"),
        (
            row("X", "2024-02-01", "P2024-001", "", "", "", "更正", "", "1.00", "", "", "NOPE"),
            "原凭证号",
            "不存在",
        ),
        (
            row("X", "2024-02-01", "", DOC, "349902000000", "中央", "资金下达", "", "1.00"),
            "金额（元）",
            "管辖范围",
        ),
    ],
)
def test_bad_rows_name_row_and_column_in_chinese(actor, project, xlsx, bad, column, message):
    job = run_import(kind="fund_entries", path=xlsx([bad], HEADERS), actor=actor)
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, column)]
    assert message in job.errors[0]["message"]
    assert not LedgerEntry.objects.exists()


def test_a_project_outside_the_jurisdiction_is_unknown(project, xlsx):
    west = poster("349902000000", username="west")
    job = run_import(
        kind="fund_entries",
        path=xlsx([row("X", "2024-02-01", "P2024-001", "", "", "", "报账", "", "1.00")], HEADERS),
        actor=west,
    )
    assert job.errors[0]["message"] == "项目 P2024-001 不存在"


def test_a_number_two_counties_use_is_told_apart_by_the_county_code(project, xlsx):
    """Project numbers are unique per county only (decision 0033): a city-level importer names the
    county of a number two counties use; the entry is booked to that county's project."""
    twin = make_project("P2024-001", location="349902101201", started_on=dt.date(2024, 4, 1))
    report_progress(twin, 60)
    city = poster("349900000000", username="city")
    ambiguous = row("BZ-9", "2024-06-20", "P2024-001", "", "", "", "报账", "", "1.00")
    job = run_import(kind="fund_entries", path=xlsx([ambiguous], HEADERS), actor=city)
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "行政区划代码")]
    assert "在多个县使用" in job.errors[0]["message"]
    rows = [
        row("ZJ-2", "2024-02-01", "", DOC, "349902000000", "中央", "资金下达", "", "200000.00"),
        row("BF-1", "2024-04-10", "P2024-001", DOC, "349902000000", "", "项目拨付", "首期", "50000.01"),
    ]
    job = run_import(kind="fund_entries", path=xlsx(rows, HEADERS), actor=city)
    assert job.errors == [], job.errors
    assert LedgerEntry.objects.get(voucher_number="BF-1", kind=EntryKind.DISBURSEMENT).account.project == twin
    assert not LedgerAccount.objects.filter(project=project).exists()
