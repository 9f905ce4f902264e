"""The auditors' workbook: a cover sheet (filters, exporter, time, the hash-chain heads), a summary
by fund source and by project, and the detail sheet of every entry with its running balance.

Written through accountability/xlsx.py's rules in openpyxl's write-only mode, rows streamed from a
server-side cursor: constant memory whatever the size (bench/export_ledger.py). Text is always a
string cell, with Excel's quote-prefix style when it starts like a formula; amounts are numbers
formatted ``#,##0.00``; dates are dates. ID numbers and ID-like text are masked for users without
the personal-data right.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import tempfile
import zipfile
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from accountability.access.personal_data import can_see_personal_data, id_number_for, mask_personal_text
from accountability.platform import xlsx
from funds.ledger.models import EntryKind, Stage
from funds.ledger.selectors import (
    SUMMARY_COLUMNS,
    AccountSummary,
    LedgerFilters,
    allocation_summaries,
    ledger_entries_for,
    ledger_summary,
    project_summaries,
)

MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
BOLD = Font(bold=True)
ZERO = Decimal("0.00")

#: the detail sheet: (header, width, kind) — kind: text, money, date, time, int
DETAIL_COLUMNS = (
    ("账户", 30, "text"),
    ("项目编号", 14, "text"),
    ("资金来源文号", 20, "text"),
    ("序号", 6, "int"),
    ("凭证号", 14, "text"),
    ("日期", 11, "date"),
    ("业务类型", 12, "text"),
    ("拨付阶段", 8, "text"),
    ("收入（元）", 15, "money"),
    ("支出（元）", 15, "money"),
    ("金额（元）", 15, "money"),
    ("余额（元）", 15, "money"),
    ("对方单位/收款人", 20, "text"),
    ("收款人证件号码", 20, "text"),
    ("预算科目", 14, "text"),
    ("发票号码", 14, "text"),
    ("摘要", 36, "text"),
    ("冲销凭证号", 12, "text"),
    ("提示", 24, "text"),
    ("记账人", 10, "text"),
    ("记账时间", 19, "time"),
    ("哈希", 20, "text"),
)
DETAIL_QUERY = (
    "account__name",
    "account__project__number",
    "account__document_number",
    "source_account__document_number",
    "sequence",
    "voucher_number",
    "date",
    "kind",
    "corrects_kind",
    "stage",
    "delta",
    "amount",
    "balance_after",
    "counterpart",
    "counterpart_id_number",
    "budget_line",
    "invoice_number",
    "summary",
    "reverses__voucher_number",
    "warnings",
    "posted_by__username",
    "posted_at",
    "hash",
)
KIND_LABELS = {value: str(label) for value, label in EntryKind.choices}
STAGE_LABELS = {value: str(label) for value, label in Stage.choices}


@dataclass(frozen=True)
class ExportResult:
    rows: int
    sha256: str
    masked: bool


class _Cells:
    """One reusable write-only cell per column and format: openpyxl serialises a row when it is
    appended, so a cell object may carry the next row's value afterwards (no per-cell allocation)."""

    def __init__(self, sheet, columns):
        self.sheet = sheet
        self.plain, self.risky = [], []
        for _header, _width, kind in columns:
            cell = WriteOnlyCell(sheet)
            if kind == "money":
                cell.number_format = MONEY_FORMAT
            elif kind == "date":
                cell.number_format = DATE_FORMAT
            elif kind == "time":
                cell.number_format = TIME_FORMAT
            self.plain.append(cell)
            quoted = WriteOnlyCell(sheet)
            quoted.quotePrefix = True
            self.risky.append(quoted)
        self.kinds = [kind for _h, _w, kind in columns]

    def row(self, values) -> list:
        out = []
        for index, value in enumerate(values):
            if value is None or value == "":
                out.append(None)
                continue
            if isinstance(value, str):
                text = xlsx.clean_text(value)
                cell = self.risky[index] if xlsx.is_risky(text) else self.plain[index]
                cell.value = text
                cell.data_type = "s"  # never a formula, whatever the text starts with
            else:
                cell = self.plain[index]
                cell.value = value
            out.append(cell)
        return out


def _header(sheet, columns) -> None:
    cells = []
    for index, (header, width, _kind) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
        cell = xlsx.cell(sheet, header)
        cell.font, cell.fill = BOLD, HEADER_FILL
        cells.append(cell)
    sheet.freeze_panes = "A2"
    sheet.append(cells)


def _local(moment: dt.datetime) -> dt.datetime:
    return timezone.localtime(moment).replace(tzinfo=None)


def _cover(
    sheet, *, user, filters: LedgerFilters, summaries: list[AccountSummary], total: int, masked: bool
) -> None:
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 40
    sheet.column_dimensions["C"].width = 10
    sheet.column_dimensions["D"].width = 68
    title = xlsx.cell(sheet, "扶贫专项资金台账（审计导出）")
    title.font = Font(bold=True, size=14)
    sheet.append([title])
    when = xlsx.cell(sheet, _local(timezone.now()))
    when.number_format = TIME_FORMAT
    lines = [
        ["导出人", f"{user.get_full_name() or user.get_username()}（{user.get_username()}）"],
        ["导出时间", when],
        ["导出人辖区", str(user.jurisdiction) if getattr(user, "jurisdiction_id", None) else "全部"],
        ["分录数", total],
        ["个人信息", "已脱敏（无查看个人信息权限）" if masked else "未脱敏"],
    ]
    described = filters.described()
    lines += [[f"筛选：{label}", value] for label, value in described.items()] or [
        ["筛选", "无（全部可见分录）"]
    ]
    for label, value in lines:
        xlsx.append_row(sheet, [label, value])
    sheet.append([])
    xlsx.append_row(
        sheet,
        [
            "哈希链链头（导出时）",
            "用 python manage.py verify_ledger 重新计算各账户的链，与此处及以往导出的链头核对",
        ],
    )
    heads = [xlsx.cell(sheet, text) for text in ("账户", "", "分录数", "链头哈希（SHA-256）")]
    for cell in heads:
        cell.font, cell.fill = BOLD, HEADER_FILL
    sheet.append(heads)
    for s in summaries:
        xlsx.append_row(sheet, [s.name, s.project_number or s.document_number, s.entry_count, s.head_hash])


SUMMARY_LABELS = [label for label, _kinds in SUMMARY_COLUMNS]


def _summary(sheet, summaries: list[AccountSummary]) -> None:
    money_cells = _Cells(sheet, [("", 0, "text")] * 4 + [("", 0, "money")] * 10)
    widths = [26, 22, 16, 14] + [15] * 10
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width

    def heading(texts):
        cells = [xlsx.cell(sheet, t) for t in texts]
        for c in cells:
            c.font, c.fill = BOLD, HEADER_FILL
        sheet.append(cells)

    def table(title, rows, first_columns, extra):
        sheet.append([xlsx.cell(sheet, title)])
        heading([*first_columns, *SUMMARY_LABELS, "质保金余额", "期末余额"][: 4 + len(SUMMARY_LABELS) + 2])
        totals = [ZERO] * (len(SUMMARY_LABELS) + 2)
        for s in rows:
            figures = [s.totals.get(label, ZERO) for label in SUMMARY_LABELS] + [s.deposit_held, s.balance]
            totals = [a + b for a, b in zip(totals, figures, strict=True)]
            sheet.append(money_cells.row([*extra(s), *figures]))
        total_row = money_cells.row(["", "", "", "", *totals])
        label = xlsx.cell(sheet, "合计")
        label.font = BOLD
        total_row[0] = label
        sheet.append(total_row)
        sheet.append([])

    table(
        "按资金来源汇总",
        allocation_summaries(summaries),
        ["资金来源", "资金来源文号", "资金级次", "县(区)"],
        lambda s: [s.name, s.document_number, s.fund_level, s.county],
    )
    table(
        "按项目汇总",
        project_summaries(summaries),
        ["项目专账", "项目编号", "财政补助（元）", "县(区)"],
        lambda s: [s.name, s.project_number, s.subsidy, s.county],
    )


EXCEL_EPOCH = dt.date(1899, 12, 30).toordinal()
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
XML_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
DETAIL_SHEET = "xl/worksheets/sheet3.xml"


def _detail_styles(sheet) -> dict[str, int]:
    """The style ids (in the workbook's cell-style table) of the detail sheet's cell formats,
    registered before the workbook is saved so that styles.xml holds them."""
    ids = {}
    for name, number_format, quoted in (
        ("money", MONEY_FORMAT, False),
        ("date", DATE_FORMAT, False),
        ("time", TIME_FORMAT, False),
        ("risky", None, True),
    ):
        cell = WriteOnlyCell(sheet)
        if number_format:
            cell.number_format = number_format
        if quoted:
            cell.quotePrefix = True
        ids[name] = cell.style_id
    return ids


def _row_writer(styles: dict[str, int]):
    """A function turning one row of values into the sheet XML of that row. Text is an inline
    string cell (never a formula), cleaned of characters XML cannot hold, with the quote-prefix
    style when it starts like a formula (accountability/xlsx.py's rules); numbers and dates are
    numbers with their formats."""
    letters = [get_column_letter(i) for i in range(1, len(DETAIL_COLUMNS) + 1)]
    kinds = [kind for _h, _w, kind in DETAIL_COLUMNS]
    money, date_style, time_style, risky = styles["money"], styles["date"], styles["time"], styles["risky"]
    clean, is_risky = xlsx.clean_text, xlsx.is_risky

    def row_xml(number: int, values) -> str:
        cells = []
        append = cells.append
        for letter, kind, value in zip(letters, kinds, values, strict=True):
            if value is None or value == "":
                continue
            ref = f"{letter}{number}"
            if kind == "money":
                append(f'<c r="{ref}" s="{money}"><v>{value}</v></c>')
            elif kind == "int":
                append(f'<c r="{ref}"><v>{value}</v></c>')
            elif kind == "date":
                append(f'<c r="{ref}" s="{date_style}"><v>{value.toordinal() - EXCEL_EPOCH}</v></c>')
            elif kind == "time":
                serial = (
                    value.toordinal()
                    - EXCEL_EPOCH
                    + (value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6) / 86400
                )
                append(f'<c r="{ref}" s="{time_style}"><v>{serial!r}</v></c>')
            else:
                text = clean(value)
                style = f' s="{risky}"' if is_risky(text) else ""
                append(
                    f'<c r="{ref}" t="inlineStr"{style}><is><t xml:space="preserve">'
                    f"{text.translate(XML_TEXT)}</t></is></c>"
                )
        return f'<row r="{number}">{"".join(cells)}</row>'

    return row_xml


def _raw_rows(entries):
    """The detail query's rows straight from a PostgreSQL server-side cursor, without Django's
    per-value converters (the SQL is the queryset's own, so scoping and filters are the same);
    ``warnings`` may come as JSON text."""
    queryset = entries.order_by("account_id", "sequence").values_list(*DETAIL_QUERY)
    sql, params = queryset.query.sql_with_params()
    with (
        transaction.atomic(),
        connection.cursor() as django_cursor,
        django_cursor.connection.cursor(name=f"ledger_export_{id(queryset)}") as cursor,
    ):
        cursor.itersize = 4000
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(4000):
            yield from batch


def _detail_rows(user, entries, masked: bool):
    """The detail sheet's values, row by row, from a server-side cursor."""
    rows = _raw_rows(entries)
    for (
        account,
        project,
        document,
        source_document,
        sequence,
        voucher,
        date,
        kind,
        corrects,
        stage,
        delta,
        amount,
        balance,
        counterpart,
        id_number,
        budget_line,
        invoice,
        text,
        reversed_voucher,
        warnings,
        posted_by,
        posted_at,
        digest,
    ) in rows:
        yield (
            account,
            project,
            document or source_document,
            sequence,
            voucher,
            date,
            KIND_LABELS[kind] + (f"（{KIND_LABELS[corrects]}）" if corrects else ""),
            STAGE_LABELS.get(stage, ""),
            delta if delta > 0 else None,
            -delta if delta < 0 else None,
            amount,
            balance,
            counterpart,
            id_number_for(user, id_number) if id_number else "",
            budget_line,
            invoice,
            mask_personal_text(text) if masked else text,
            reversed_voucher,
            _warnings_text(warnings),
            posted_by,
            posted_at.astimezone(SHANGHAI).replace(tzinfo=None),
            digest,
        )


def _warnings_text(warnings) -> str:
    if isinstance(warnings, str):
        warnings = json.loads(warnings)
    return "；".join(warnings) if warnings else ""


def write_ledger_workbook(
    target: Path,
    *,
    user,
    filters: LedgerFilters,
    progress: Callable[[int, int], None] | None = None,
) -> ExportResult:
    """Write the workbook of the entries ``user`` may see under ``filters`` to ``target``.

    openpyxl (write-only) writes the cover, the summary and the detail sheet's header, frozen
    panes, widths and autofilter; the detail rows — up to hundreds of thousands — are then streamed
    as sheet XML into the package, in constant memory (docs/decisions/0023)."""
    masked = not can_see_personal_data(user)
    entries = ledger_entries_for(user, filters)
    summaries = ledger_summary(entries)
    total = sum(s.entries for s in summaries)
    workbook = xlsx.new_workbook(write_only=True)
    cover = workbook.create_sheet("封面")
    summary = workbook.create_sheet("汇总")
    detail = workbook.create_sheet("明细")
    _cover(cover, user=user, filters=filters, summaries=summaries, total=total, masked=masked)
    _summary(summary, summaries)
    _header(detail, DETAIL_COLUMNS)
    styles = _detail_styles(detail)
    last_column = get_column_letter(len(DETAIL_COLUMNS))
    detail.auto_filter.ref = f"A1:{last_column}1"  # replaced once the rows are counted
    row_xml = _row_writer(styles)
    written = 0
    with tempfile.TemporaryDirectory() as directory:
        skeleton = Path(directory) / "skeleton.xlsx"
        workbook.save(skeleton)
        with (
            zipfile.ZipFile(skeleton) as source,
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package,
        ):
            for item in source.infolist():
                if item.filename != DETAIL_SHEET:
                    package.writestr(item, source.read(item.filename))
                    continue
                head, tail = source.read(item.filename).decode().split("</sheetData>", 1)
                with package.open(DETAIL_SHEET, "w", force_zip64=True) as sheet:
                    sheet.write(head.encode())
                    buffer = []
                    for number, values in enumerate(_detail_rows(user, entries, masked), start=2):
                        buffer.append(row_xml(number, values))
                        written += 1
                        if written % 5000 == 0:
                            sheet.write("".join(buffer).encode())
                            buffer.clear()
                            if progress:
                                progress(written, total)
                    sheet.write("".join(buffer).encode())
                    tail = tail.replace(f'ref="A1:{last_column}1"', f'ref="A1:{last_column}{written + 1}"')
                    sheet.write(("</sheetData>" + tail).encode())
    if progress:
        progress(written, total)
    return ExportResult(written, _sha256(target), masked)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
