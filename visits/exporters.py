"""Compliance as an xlsx for the poverty office (one row per official, quota and period)."""

from __future__ import annotations

from openpyxl.styles import Font, PatternFill

from accountability.access.audit import audit_record_export
from accountability.platform import xlsx
from visits.selectors import ComplianceView

HEADERS = [
    "指标",
    "指标名称",
    "干部",
    "岗位",
    "责任单位",
    "考核期",
    "在岗期间",
    "应完成",
    "已完成",
    "完成率",
    "状态",
]


def compliance_workbook(views: list[ComplianceView], *, user, filters: dict) -> bytes:
    workbook = xlsx.new_workbook(write_only=True)
    sheet = workbook.create_sheet("走访考核")
    sheet.freeze_panes = "A2"
    header = []
    for title in HEADERS:
        cell = xlsx.cell(sheet, title)
        cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
        header.append(cell)
    xlsx.append_row(sheet, header)
    for v in views:
        r = v.row
        xlsx.append_row(
            sheet,
            [
                r.quota_code,
                r.quota_label,
                v.official.name,
                r.post_label,
                v.unit.name,
                str(r.period),
                str(r.held),
                r.required,
                r.done,
                r.percent / 100,
                r.status_label,
            ],
        )
    content = xlsx.to_bytes(workbook)
    audit_record_export(
        user=user,
        kind="compliance",
        label="走访任务完成情况",
        filters=filters,
        row_count=len(views),
        masked=True,
    )
    return content
