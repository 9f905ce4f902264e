"""The problem list (问题清单) and the rectification ledger (整改台账) as xlsx, per round, unit or
category — whatever the ledger's filters select (text always in string cells)."""

from __future__ import annotations

import datetime as dt

from openpyxl.styles import Font, PatternFill

from accountability.access.audit import audit_record_export
from accountability.platform import xlsx
from inspections.models import Finding
from inspections.rules import is_late
from inspections.selectors import policy_for

PROBLEM_LIST = [
    "问题编号",
    "来源",
    "督查巡查",
    "问题类别",
    "严重程度",
    "单位代码",
    "单位",
    "发现日期",
    "问题描述",
    "是否移交",
]
LEDGER = [
    "问题编号",
    "来源",
    "问题类别",
    "严重程度",
    "单位",
    "问题描述",
    "整改措施",
    "整改期限",
    "期限依据",
    "最新进展",
    "状态",
    "销号日期",
    "是否逾期",
    "退回次数",
]


def _header(sheet, titles: list[str]) -> None:
    row = []
    for title in titles:
        cell = xlsx.cell(sheet, title)
        cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
        row.append(cell)
    xlsx.append_row(sheet, row)


def findings_workbook(findings: list[Finding], *, kind: str, user, as_of: dt.date, filters: dict) -> bytes:
    """``kind``: ``list`` (问题清单) or ``ledger`` (整改台账). ``findings`` carry ``latest_step``."""
    policy = policy_for(findings[0].unit_id, as_of) if findings else None
    workbook = xlsx.new_workbook(write_only=True)
    sheet = workbook.create_sheet("问题清单" if kind == "list" else "整改台账")
    sheet.freeze_panes = "A2"
    _header(sheet, PROBLEM_LIST if kind == "list" else LEDGER)
    for f in findings:
        label = policy.category_label(f.category) if policy else f.category
        if kind == "list":
            values = [
                f.number,
                f.get_source_display(),
                f.round.number if f.round_id else "",
                label,
                f.get_severity_display(),
                f.unit_id,
                f.unit.name,
                f.found_on,
                f.description,
                f.get_transfer_to_display() if f.transfer_to else "否",
            ]
        else:
            values = [
                f.number,
                f.get_source_display(),
                label,
                f.get_severity_display(),
                f.unit.name,
                f.description,
                f.measures,
                f.deadline,
                f.deadline_basis,
                getattr(f, "latest_step_text", "") or "",
                f.get_status_display(),
                f.closed_on or "",
                "是" if is_late(deadline=f.deadline, closed_on=f.closed_on, as_of=as_of) else "否",
                f.rejections,
            ]
        xlsx.append_row(sheet, values)
    audit_record_export(
        user=user,
        kind=f"inspection_{kind}",
        label="问题清单" if kind == "list" else "整改台账",
        filters=filters,
        row_count=len(findings),
    )
    return xlsx.to_bytes(workbook)
