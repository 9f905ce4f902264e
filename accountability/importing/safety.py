"""Reject what is not a real xlsx, oversized files and zip bombs, before any parsing."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls / encrypted workbooks
REQUIRED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")


class ImportFileError(ValueError):
    """The file as a whole cannot be imported; the message is for the user, in Chinese."""


@dataclass(frozen=True)
class XlsxLimits:
    max_bytes: int
    max_uncompressed_bytes: int
    max_entries: int
    max_ratio: int

    @classmethod
    def from_settings(cls) -> XlsxLimits:
        return cls(
            max_bytes=settings.IMPORT_MAX_UPLOAD_BYTES,
            max_uncompressed_bytes=settings.IMPORT_MAX_UNCOMPRESSED_BYTES,
            max_entries=settings.IMPORT_MAX_ZIP_ENTRIES,
            max_ratio=settings.IMPORT_MAX_COMPRESSION_RATIO,
        )


def _megabytes(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def check_xlsx(path: Path, limits: XlsxLimits | None = None) -> None:
    """Raise ImportFileError unless ``path`` is an xlsx within the size and archive limits.

    Only the zip directory is read here (declared sizes and entry count), never the contents, so
    a zip bomb is refused before a single byte of it is inflated.
    """
    limits = limits or XlsxLimits.from_settings()
    size = path.stat().st_size
    if size == 0:
        raise ImportFileError("文件为空，请选择一个 Excel (.xlsx) 文件。")
    if size > limits.max_bytes:
        raise ImportFileError(f"文件过大（{_megabytes(size)}），上限为 {_megabytes(limits.max_bytes)}。")
    with path.open("rb") as handle:
        head = handle.read(8)
    if head == OLE_SIGNATURE:
        raise ImportFileError(
            "这是旧版 Excel (.xls) 或加密的工作簿，请在 Excel 中“另存为” .xlsx 格式后再导入。"
        )
    if not zipfile.is_zipfile(path):
        raise ImportFileError("文件不是有效的 Excel (.xlsx) 文件，请确认文件格式。")
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportFileError("文件已损坏，无法作为 Excel (.xlsx) 文件读取。") from exc
    if len(entries) > limits.max_entries:
        raise ImportFileError(f"文件内部条目过多（{len(entries)} 个，上限 {limits.max_entries}），已拒绝。")
    names = {entry.filename for entry in entries}
    if not all(part in names for part in REQUIRED_PARTS):
        raise ImportFileError("文件不是 Excel 工作簿（缺少工作簿结构），请上传 .xlsx 文件。")
    total = sum(entry.file_size for entry in entries)
    if total > limits.max_uncompressed_bytes:
        raise ImportFileError(
            f"文件解压后体积过大（{_megabytes(total)}，上限 {_megabytes(limits.max_uncompressed_bytes)}），"
            "疑似压缩炸弹，已拒绝。"
        )
    for entry in entries:
        if entry.compress_size and entry.file_size / entry.compress_size > limits.max_ratio:
            raise ImportFileError(
                f"文件中 {entry.filename} 的压缩比异常（{entry.file_size // entry.compress_size}:1），"
                "疑似压缩炸弹，已拒绝。"
            )
