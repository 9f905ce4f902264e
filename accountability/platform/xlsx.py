"""The one xlsx writer of the project: every workbook it hands out is written through here.

Text is always stored as a string cell, never as a formula. openpyxl turns any string starting
with ``=`` into a formula; Excel and WPS evaluate cells starting with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return as formulas once a user edits them. Such text is written as a string
cell with the *quote prefix* style (Excel's leading apostrophe, not part of the value): the text
the user typed comes out unchanged, and nobody who opens the file runs it (OWASP "CSV injection").
Characters that XML cannot hold (control characters) are dropped instead of failing the export.

CSV has no cell types: ``csv_text`` prefixes such text with an apostrophe (OWASP guidance).
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

#: first characters that make a spreadsheet program read a cell as a formula
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def is_risky(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def clean_text(text: str) -> str:
    """``text`` without the control characters an xlsx cannot store."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def csv_text(value: object) -> str:
    """A value for a CSV cell: text a spreadsheet would evaluate gets a leading apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if is_risky(text) else text


def new_workbook(*, write_only: bool = False) -> Workbook:
    return Workbook(write_only=write_only)


def _as_text_cell(cell, text: str) -> None:
    cell.value = text
    cell.data_type = "s"  # never "f", whatever the text starts with
    if is_risky(text):
        cell.quotePrefix = True


def set_cell(sheet, row: int, column: int, value: object):
    """``sheet.cell(row, column, value)`` for a normal (not write-only) sheet, text kept as text."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        _as_text_cell(cell, clean_text(value))
    else:
        cell.value = value
    return cell


def cell(sheet, value: object) -> WriteOnlyCell:
    """A cell for a write-only sheet, text kept as text (style it before appending)."""
    result = WriteOnlyCell(sheet)
    if isinstance(value, str):
        _as_text_cell(result, clean_text(value))
    else:
        result.value = value
    return result


def append_row(sheet, values: Iterable[object]) -> None:
    """``sheet.append(values)`` with every text stored as a string cell (both sheet modes)."""
    values = list(values)
    if isinstance(sheet, WriteOnlyWorksheet):
        sheet.append([v if isinstance(v, Cell) else cell(sheet, v) for v in values])
        return
    sheet.append([clean_text(v) if isinstance(v, str) else v for v in values])
    row = sheet._current_row  # the row just appended (openpyxl's own counter)
    for column, value in enumerate(values, start=1):
        if isinstance(value, str):
            _as_text_cell(sheet.cell(row=row, column=column), clean_text(value))


def to_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
