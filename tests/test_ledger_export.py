"""The auditors' workbook: three sheets, real numbers and dates, totals equal to the database,
formula-looking text kept as text with the quote-prefix style, masking, the export recorded."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum
from openpyxl import load_workbook

from accountability.models import ExportRecord
from funds.ledger import services
from funds.ledger.exports import ledger_export_create, ledger_export_run
from funds.ledger.models import ExportStatus, LedgerEntry, LedgerExport
from funds.ledger.selectors import LedgerFilters
from tests.ledger_helpers import COUNTY, OTHER_COUNTY, allocation, funded, grant, make_project, poster

pytestmark = pytest.mark.django_db
D = Decimal
RISKY = ['=HYPERLINK("http://x","点我")', "+1+1", "-2", "@SUM(A1)", "\tTAB", "\rCR"]
ID_NUMBER = "110101199003070033"


@pytest.fixture
def ledger():
    actor = poster()
    source = allocation(actor, amount="1000000.00")
    project = make_project("P2024-001", subsidy="100000.01", started_on=dt.date(2024, 3, 1))
    funded(actor, project, source, on=dt.date(2024, 3, 2))
    services.ledger_disburse(
        actor=actor, project=project, stage="first", voucher_number="BF-1", date=dt.date(2024, 4, 1)
    )
    for i, text in enumerate(RISKY):
        services.ledger_reimburse(
            actor=actor,
            project=project,
            voucher_number=f"BZ-{i}",
            date=dt.date(2024, 5, 1),
            amount="10.01",
            budget_line="直接补助到户",
            roster_kind="household_subsidy",
            counterpart="张三",
            counterpart_id_number=ID_NUMBER,
            summary=text,
        )
    services.ledger_interest(
        actor=actor, account=source, voucher_number="LX-2023", date=dt.date(2023, 12, 1), amount="1.00"
    )
    other = poster(OTHER_COUNTY, username="west")
    allocation(other, county=OTHER_COUNTY, document="西财〔2024〕9号", amount="777.77")
    return actor


def export(tmp_path, *args) -> tuple[object, str]:
    out = tmp_path / "ledger.xlsx"
    stdout = StringIO()
    call_command("export_ledger", *args, "--out", str(out), stdout=stdout)
    return load_workbook(out), stdout.getvalue()


def auditor(code=COUNTY, personal=False):
    user = poster(code, username=f"auditor{code}{personal}")
    if personal:
        from django.contrib.auth.models import Permission

        user.user_permissions.add(Permission.objects.get(codename="view_personal_data"))
        user = type(user).objects.get(pk=user.pk)
    return user


def test_three_sheets_with_formats_and_totals_equal_to_the_database(ledger, tmp_path):
    user = auditor()
    book, output = export(tmp_path, "--year", "2024", "--unit", COUNTY, "--as", user.username)
    assert book.sheetnames == ["封面", "汇总", "明细"]
    detail = book["明细"]
    header = [c.value for c in detail[1]]
    assert header[:6] == ["账户", "项目编号", "资金来源文号", "序号", "凭证号", "日期"]
    assert detail.freeze_panes == "A2"
    rows = list(detail.iter_rows(min_row=2))
    entries = LedgerEntry.objects.filter(date__year=2024, account__unit__code__startswith="349901")
    assert detail.auto_filter.ref == f"A1:V{len(rows) + 1}"
    assert len(rows) == entries.count()
    amount_col, date_col, balance_col = (
        header.index("金额（元）"),
        header.index("日期"),
        header.index("余额（元）"),
    )
    assert sum(D(str(r[amount_col].value)) for r in rows) == entries.aggregate(t=Sum("amount"))["t"]
    assert all(r[amount_col].number_format == "#,##0.00" for r in rows)
    assert all(
        isinstance(r[date_col].value, dt.datetime) and r[date_col].number_format == "yyyy-mm-dd" for r in rows
    )
    # running balance per account: the balance after each entry
    for r in rows:
        voucher = r[header.index("凭证号")].value
        assert D(str(r[balance_col].value)) in set(
            entries.filter(voucher_number=voucher).values_list("balance_after", flat=True)
        )
    assert "LX-2023" not in {r[header.index("凭证号")].value for r in rows}  # the year filter
    assert "西财〔2024〕9号" not in str([[c.value for c in r] for r in rows])  # the unit filter
    summary = [[c.value for c in r] for r in book["汇总"].iter_rows()]
    totals = [r for r in summary if r and r[0] == "合计"]
    assert len(totals) == 2
    labels = next(r for r in summary if r and r[0] == "项目专账")
    project_total = dict(zip(labels, totals[1], strict=False))
    assert D(str(project_total["拨付"])) == D("50000.01")
    assert D(str(project_total["报账"])) == D("60.06")
    assert D(str(project_total["期末余额"])) == D("50000.00")
    cover = [[c.value for c in r] for r in book["封面"].iter_rows()]
    heads = {r[3] for r in cover if r and len(r) > 3 and r[3] and len(str(r[3])) == 64}
    assert heads == set(
        LedgerEntry.objects.filter(account__unit__code__startswith="349901").values_list(
            "account__head_hash", flat=True
        )
    )
    assert "SHA-256" in output


def test_formula_looking_text_stays_text_with_the_quote_prefix_style(ledger, tmp_path):
    book, _ = export(tmp_path, "--year", "2024", "--as", auditor().username)
    detail = book["明细"]
    header = [c.value for c in detail[1]]
    cells = {c.value: c for r in detail.iter_rows(min_row=2) for c in [r[header.index("摘要")]] if c.value}
    for text in RISKY:
        cell = cells[text]  # the text the auditor reads is unchanged: no added apostrophe
        assert cell.data_type == "s"
        assert cell.quotePrefix is True, repr(text)
    assert not any(c.data_type == "f" for r in detail.iter_rows() for c in r)


def test_id_numbers_are_masked_without_the_personal_data_right(ledger, tmp_path):
    book, _ = export(tmp_path, "--year", "2024", "--as", auditor().username)
    values = str([[c.value for c in r] for r in book["明细"].iter_rows()])
    assert ID_NUMBER not in values and "1101" in values
    book, _ = export(tmp_path, "--year", "2024", "--as", auditor(personal=True).username)
    assert ID_NUMBER in str([[c.value for c in r] for r in book["明细"].iter_rows()])


def test_every_export_is_recorded_with_the_file_hash(ledger, tmp_path):
    user = auditor()
    export(tmp_path, "--year", "2024", "--as", user.username)
    record = LedgerExport.objects.get()
    assert record.sha256 == hashlib.sha256((tmp_path / "ledger.xlsx").read_bytes()).hexdigest()
    assert record.created_by == user and record.filters == {"year": 2024}
    assert (
        record.row_count
        == LedgerEntry.objects.filter(date__year=2024, account__unit__code__startswith="349901").count()
    )
    audit = ExportRecord.objects.get(kind="ledger")
    assert audit.filters["sha256"] == record.sha256 and audit.row_count == record.row_count


def test_another_county_exports_nothing_of_this_one(ledger, tmp_path):
    west = auditor(OTHER_COUNTY)
    book, _ = export(tmp_path, "--year", "2024", "--as", west.username)
    values = str([[c.value for c in r] for r in book["明细"].iter_rows()])
    assert "BF-1" not in values and "西财〔2024〕9号" in values
    with pytest.raises(CommandError, match="不存在"):
        export(tmp_path, "--year", "2024", "--unit", COUNTY, "--as", west.username)


@pytest.mark.parametrize("args", [["--year", "1900"], ["--year", "2024", "--unit", "000000000000"]])
def test_the_command_refuses_bad_arguments_in_chinese(ledger, tmp_path, args):
    with pytest.raises(CommandError):
        export(tmp_path, *args)


def test_a_large_export_runs_as_a_job_with_progress_and_a_file(ledger):
    user = auditor()
    job = ledger_export_create(actor=user, filters=LedgerFilters(year=2024))
    assert job.status == ExportStatus.QUEUED and job.total > 0
    ledger_export_run(job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.row_count == job.total
    content = job.file.read()
    assert hashlib.sha256(content).hexdigest() == job.sha256
    ledger_export_run(job.pk)  # delivered twice: written once
    assert ExportRecord.objects.filter(kind="ledger").count() == 1


def test_exporting_needs_the_right(ledger, tmp_path):
    from django.core.exceptions import PermissionDenied

    from tests.factories import UserFactory

    nobody = UserFactory(username="nobody", jurisdiction_id=COUNTY)
    with pytest.raises(PermissionDenied):
        ledger_export_create(actor=nobody, filters=LedgerFilters(year=2024))
    grant(nobody, "view_ledgerentry")
