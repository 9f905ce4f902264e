"""Read the first sheet of an xlsx into header-keyed rows of text (python-calamine)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from python_calamine import CalamineWorkbook

from .safety import ImportFileError


@dataclass
class Sheet:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (Excel row number, cells as text)


def cell_text(value: object) -> str:
    """A cell as the user typed it: integral numbers without ``.0``, dates as YYYY-MM-DD."""
    if type(value) is str:  # the common case first: most cells of an export are text
        return value.strip()
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
    return str(value).strip()


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
        iterator = enumerate(sheet.iter_rows(), start=1)
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
            cells = [c.strip() if type(c) is str else cell_text(c) for c in raw[:width]]
            if any(cells):
                if len(cells) < width:
                    cells += [""] * (width - len(cells))
                yield row_number, cells

    return StreamedSheet(headers=headers, expected_rows=max(0, sheet.height - number), rows=rows())
