"""Import kind ``units``: the administrative hierarchy (行政区划)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

from accountability.access.scoping import unit_code_in_jurisdiction
from accountability.hierarchy.models import LEVEL_ORDER
from accountability.hierarchy.rules import level_problem, parent_code
from accountability.importing.kinds import (
    Column,
    ImportKind,
    Row,
    choice_parser,
    parse_positive_int,
    parse_unit_code,
    parse_year,
    parse_yes_no,
    register,
)
from accountability.models import AdminLevel, AdminUnit

LEVELS = {
    "市": AdminLevel.CITY,
    "县": AdminLevel.COUNTY,
    "区": AdminLevel.COUNTY,
    "县(区)": AdminLevel.COUNTY,
    "县（区）": AdminLevel.COUNTY,
    "乡": AdminLevel.TOWNSHIP,
    "镇": AdminLevel.TOWNSHIP,
    "乡镇": AdminLevel.TOWNSHIP,
    "街道": AdminLevel.TOWNSHIP,
    "村": AdminLevel.VILLAGE,
    "社区": AdminLevel.VILLAGE,
}


@register
class UnitsImport(ImportKind):
    name = "units"
    label = "行政区划"
    permissions = ("accountability.add_adminunit", "accountability.change_adminunit")
    description = "市、县(区)、乡镇、村四级行政区划；上级代码可省略（由代码推出）。"
    columns = (
        Column(
            "行政区划代码",
            "code",
            required=True,
            parse=parse_unit_code,
            aliases=("区划代码", "代码"),
            help="12 位统计用区划代码，如 341302100201",
        ),
        Column("名称", "name", required=True, aliases=("单位名称",), help="如 某某村"),
        Column("层级", "level", required=True, parse=choice_parser(LEVELS, "层级"), help="市、县、乡 或 村"),
        Column("上级代码", "parent_code", parse=parse_unit_code, help="可省略：由行政区划代码推出"),
        Column("是否贫困村", "is_poor_village", parse=parse_yes_no, help="是/否，仅村级填写"),
        Column("计划出列年度", "planned_exit_year", parse=parse_year, help="贫困村计划出列年度，如 2019"),
        Column("出列年度", "exit_year", parse=parse_year, help="贫困村实际出列年度"),
        Column(
            "农村户籍人口", "rural_population", parse=parse_positive_int, help="村级填写，贫困发生率的分母"
        ),
    )
    compared_fields = (
        "name",
        "level",
        "parent_id",
        "is_poor_village",
        "planned_exit_year",
        "exit_year",
        "rural_population",
    )

    def key(self, values: dict[str, Any]) -> Hashable:
        return values["code"]

    def check(self, rows: list[Row]) -> None:
        first_row_of: dict[str, int] = {}
        for row in rows:
            self._check_row(row, first_row_of)
        self._check_parents(rows)

    def _check_row(self, row: Row, first_row_of: dict[str, int]) -> None:
        values = row.values
        code, level = values.get("code"), values.get("level")
        if code:
            if code in first_row_of:
                row.error("行政区划代码", f"代码 {code} 与第 {first_row_of[code]} 行重复")
            else:
                first_row_of[code] = row.number
            if not unit_code_in_jurisdiction(self.user, code):
                row.error("行政区划代码", f"代码 {code} 不在您的管辖范围内")
        if code and level:
            problem = level_problem(code, level)
            if problem:
                row.error("层级", problem)
            derived = parent_code(code, level)
            given = values.get("parent_code")
            if given and derived and given != derived:
                row.error("上级代码", f"上级代码 {given} 与行政区划代码不一致，应为 {derived}")
            elif given and derived is None:
                row.error("上级代码", "市级单位没有上级代码，请留空")
            values["parent_id"] = derived
        is_poor = values.get("is_poor_village")
        if level and level != AdminLevel.VILLAGE:
            for field, header in (
                ("is_poor_village", "是否贫困村"),
                ("planned_exit_year", "计划出列年度"),
                ("exit_year", "出列年度"),
                ("rural_population", "农村户籍人口"),
            ):
                if values.get(field):
                    row.error(header, "只有村级单位可以填写此项")
        values["is_poor_village"] = bool(is_poor)
        if values.get("exit_year") and not is_poor and level == AdminLevel.VILLAGE:
            row.error("出列年度", "非贫困村不应有出列年度")

    def _check_parents(self, rows: list[Row]) -> None:
        """A parent must exist in the database or be a valid row of this file (checked top down)."""
        wanted = {row.values["parent_id"] for row in rows if row.values.get("parent_id")}
        in_database = set(AdminUnit.objects.filter(code__in=wanted).values_list("code", flat=True))
        by_code = {row.values["code"]: row for row in rows if row.values.get("code")}
        depth = {level: index for index, level in enumerate(LEVEL_ORDER)}
        valid_in_file: set[str] = set()
        for row in sorted(rows, key=lambda r: depth.get(r.values.get("level"), 99)):
            parent = row.values.get("parent_id")
            if parent and parent not in in_database:
                parent_row = by_code.get(parent)
                if parent_row is None:
                    row.error("上级代码", f"上级单位 {parent} 不存在（系统和本文件中都没有）")
                elif parent not in valid_in_file:
                    row.error(
                        "上级代码", f"上级单位 {parent}（第 {parent_row.number} 行）有错误，本行无法导入"
                    )
            if row.valid and row.values.get("code"):
                valid_in_file.add(row.values["code"])

    def existing(self, keys: Iterable[Hashable]) -> dict[Hashable, dict[str, Any]]:
        fields = ("code", *self.compared_fields)
        return {
            values["code"]: values for values in AdminUnit.objects.filter(code__in=list(keys)).values(*fields)
        }

    def write(self, new: list[Row], changed: list[Row]) -> int:
        depth = {level: index for index, level in enumerate(LEVEL_ORDER)}
        fields = self.compared_fields
        new_units = [
            AdminUnit(code=row.values["code"], **{f: row.values[f] for f in fields})
            for row in sorted(new, key=lambda r: depth[r.values["level"]])
        ]
        AdminUnit.objects.bulk_create(new_units, batch_size=2000)
        changed_units = [
            AdminUnit(code=row.values["code"], **{f: row.values[f] for f in fields}) for row in changed
        ]
        AdminUnit.objects.bulk_update(changed_units, fields=list(fields), batch_size=2000)
        return len(new_units) + len(changed_units)
