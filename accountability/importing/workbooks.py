"""Workbooks the import pages hand out: the template of a kind and the file with an error column."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from accountability.access.personal_data import mask_personal_text
from accountability.models import ImportJob
from accountability.platform import xlsx

from .kinds import ImportKind
from .reader import read_first_sheet

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
ERROR_HEADER = "错误说明"


def style_header(sheet, headers: list[str], required: set[str] = frozenset()) -> None:
    for index, header in enumerate(headers, start=1):
        cell = xlsx.set_cell(sheet, 1, index, header)
        cell.font = Font(bold=True)
        cell.fill = REQUIRED_FILL if header in required else HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(header) * 2 + 4)
    sheet.freeze_panes = "A2"


to_bytes = xlsx.to_bytes


def template_workbook(kind: type[ImportKind]) -> bytes:
    workbook = xlsx.new_workbook()
    sheet = workbook.active
    sheet.title = kind.label[:31]
    headers = [column.header for column in kind.columns]
    style_header(sheet, headers, {column.header for column in kind.columns if column.required})
    for index, column in enumerate(kind.columns, start=1):
        if column.help:
            sheet.cell(row=1, column=index).comment = Comment(column.help, "模板")
    sheet.column_dimensions["A"].width = max(sheet.column_dimensions["A"].width, 16)
    notes = workbook.create_sheet("填写说明")
    xlsx.append_row(notes, ["列标题", "是否必填", "说明", "也接受的列标题"])
    for column in kind.columns:
        xlsx.append_row(
            notes, [column.header, "必填" if column.required else "", column.help, "、".join(column.aliases)]
        )
    for cell in notes[1]:
        cell.font = Font(bold=True)
    notes.column_dimensions["A"].width = 18
    notes.column_dimensions["C"].width = 80
    xlsx.append_row(notes, [])
    xlsx.append_row(notes, ["第一行为列标题（橙色为必填列），从第二行起每行一条数据；只导入第一个工作表。"])
    if kind.description:
        xlsx.append_row(notes, [kind.description])
    return to_bytes(workbook)


def error_workbook(job: ImportJob, *, mask: bool = False) -> bytes:
    """The uploaded rows with an extra column saying what is wrong in each; bad rows highlighted.

    ``mask``: ID numbers and mobile numbers in the cells and the messages are masked (for readers
    without the personal-data right)."""
    sheet_data = read_first_sheet(Path(job.file.path))
    shown = mask_personal_text if mask else str
    messages: dict[int, list[str]] = defaultdict(list)
    for error in job.errors:
        messages[error["row"]].append(shown(f"【{error['column']}】{error['message']}"))
    workbook = xlsx.new_workbook()
    sheet = workbook.active
    sheet.title = "导入结果"
    headers = [*sheet_data.headers, ERROR_HEADER]
    style_header(sheet, headers)
    sheet.cell(row=1, column=len(headers)).fill = ERROR_FILL
    for number, cells in sheet_data.rows:
        row_errors = messages.get(number, [])
        if mask:
            cells = [mask_personal_text(cell) if isinstance(cell, str) else cell for cell in cells]
        xlsx.append_row(sheet, [*cells, "；".join(row_errors)])
        if row_errors:
            for cell in sheet[sheet.max_row]:
                cell.fill = ERROR_FILL
    sheet.column_dimensions[get_column_letter(len(headers))].width = 60
    return to_bytes(workbook)
