"""Read the first sheet of an xlsx into header-keyed rows of text (python-calamine).

Every cell is read as the user typed it: non-ASCII text is NFKC-normalised when that makes it
ASCII (full-width digits of ID numbers, phones, codes, amounts and dates: ``１２３`` is ``123``),
zero-width characters are dropped, and a formula cell is read as its formula text (``=1+1``),
never as the value it computes, so that the row checks name the cell (docs/imports.md).
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import fromstring, iterparse

from python_calamine import CalamineWorkbook

from accountability.platform.validators import ZERO_WIDTH

from .safety import ImportFileError

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
CELL_REFERENCE = re.compile(r"([A-Z]+)([0-9]+)")


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def first_sheet_formulas(path: Path) -> dict[tuple[int, int], str]:
    """Formula cells of the first sheet: (Excel row number, 0-based column) -> ``=formula``.

    calamine hands out only the cached values of formula cells (nothing when a program other than
    Excel wrote the file); the sheet's XML says which cells are formulas. One streaming pass, and
    none when the sheet holds no formula at all.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            part = _first_sheet_part(archive)
            if not _has_formula(archive, part):
                return {}
            formulas: dict[tuple[int, int], str] = {}
            with archive.open(part) as handle:
                reference = None
                for event, element in iterparse(handle, events=("start", "end")):
                    if event == "start" and element.tag == MAIN + "c":
                        reference = element.get("r")
                    elif event == "end" and element.tag == MAIN + "f" and reference:
                        match = CELL_REFERENCE.fullmatch(reference)
                        if match:
                            text = (element.text or "").strip()
                            formulas[(int(match[2]), _column_index(match[1]))] = (
                                f"={text}" if text else "=（公式）"
                            )
                    elif event == "end" and element.tag == MAIN + "row":
                        element.clear()
            return formulas
    except (KeyError, zipfile.BadZipFile, SyntaxError, ValueError):
        return {}  # calamine names what is broken in the file


def _first_sheet_part(archive: zipfile.ZipFile) -> str:
    sheet = _parse(archive.read("xl/workbook.xml")).find(f"{MAIN}sheets/{MAIN}sheet")
    relation_id = sheet.get(RELATIONSHIP_ID) if sheet is not None else None
    for relation in _parse(archive.read("xl/_rels/workbook.xml.rels")):
        if relation.get("Id") == relation_id:
            target = relation.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)
    raise KeyError(relation_id)


def _parse(content: bytes):
    return fromstring(content)


def _has_formula(archive: zipfile.ZipFile, part: str) -> bool:
    with archive.open(part) as handle:
        tail = b""
        while chunk := handle.read(1 << 20):
            if b"<f>" in tail + chunk or b"<f " in tail + chunk or b":f>" in tail + chunk:
                return True
            tail = chunk[-4:]
    return False


def typed_text(text: str) -> str:
    """A text cell as the user meant it (see the module's docstring)."""
    text = text.strip()
    if text.isascii():
        return text
    text = text.translate(ZERO_WIDTH)
    normal = unicodedata.normalize("NFKC", text)
    return normal.strip() if normal.isascii() else text.strip()


@dataclass
class Sheet:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (Excel row number, cells as text)


def cell_text(value: object) -> str:
    """A cell as the user typed it: integral numbers without ``.0``, dates as YYYY-MM-DD."""
    if type(value) is str:  # the common case first: most cells of an export are text
        return typed_text(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return typed_text(str(value))


def _with_formulas(data, formulas, first_column: int = 0):
    """Rows of ``data`` (the first is Excel row 1; the first cell of each is in the 0-based column
    ``first_column``) with formula cells as their formula text."""
    for number, raw in enumerate(data, start=1):
        if formulas and any((number, first_column + i) in formulas for i in range(len(raw))):
            raw = [formulas.get((number, first_column + i), value) for i, value in enumerate(raw)]
        yield number, raw


def read_first_sheet(path: Path) -> Sheet:
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        if not workbook.sheet_names:
            raise ImportFileError("工作簿中没有工作表。")
        data = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except ImportFileError:
        raise
    except Exception as exc:  # calamine raises its own error types for broken parts
        raise ImportFileError(f"无法读取 Excel 文件：{exc}") from exc
    formulas = first_sheet_formulas(path)
    if formulas:
        data = [raw for _number, raw in _with_formulas(data, formulas)]
    header_index = next((i for i, row in enumerate(data) if any(cell_text(c) for c in row)), None)
    if header_index is None:
        raise ImportFileError("工作表是空的：第一行应为列标题。")
    headers = [cell_text(c) for c in data[header_index]]
    rows = []
    for offset, raw in enumerate(data[header_index + 1 :], start=header_index + 2):
        cells = [cell_text(c) for c in raw]
        if any(cells):
            cells += [""] * (len(headers) - len(cells))
            rows.append((offset, cells[: len(headers)]))
    return Sheet(headers=headers, rows=rows)


@dataclass
class StreamedSheet:
    headers: list[str]
    expected_rows: int  # an upper bound, for progress
    rows: Iterator[tuple[int, list[str]]]  # (Excel row number, cells as text), non-empty rows only


def stream_first_sheet(path: Path) -> StreamedSheet:
    """Like ``read_first_sheet`` but yields the rows one by one, so that a large file is never held
    in memory as a whole."""
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        if not workbook.sheet_names:
            raise ImportFileError("工作簿中没有工作表。")
        sheet = workbook.get_sheet_by_index(0)
        formulas = first_sheet_formulas(path)
        # iter_rows starts at row 1 but at the first used column (calamine 0.9)
        iterator = _with_formulas(sheet.iter_rows(), formulas, sheet.start[1] if sheet.start else 0)
        for number, raw in iterator:  # noqa: B007  (number is the header row, used below)
            headers = [cell_text(c) for c in raw]
            if any(headers):
                break
        else:
            raise ImportFileError("工作表是空的：第一行应为列标题。")
    except ImportFileError:
        raise
    except Exception as exc:  # calamine raises its own error types for broken parts
        raise ImportFileError(f"无法读取 Excel 文件：{exc}") from exc
    width = len(headers)

    def rows() -> Iterator[tuple[int, list[str]]]:
        for row_number, raw in iterator:
            cells = [
                (c.strip() if c.isascii() else typed_text(c)) if type(c) is str else cell_text(c)
                for c in raw[:width]
            ]
            if any(cells):
                if len(cells) < width:
                    cells += [""] * (width - len(cells))
                yield row_number, cells

    return StreamedSheet(headers=headers, expected_rows=max(0, sheet.height - number), rows=rows())
