"""Import kind ``fund_projects``: the project library and the dates of the steps already taken, for
migrating from spreadsheets. A row is keyed by its county (from 实施地点代码) and 项目编号: numbers are
unique in a county's library (re-importing updates the project).

The dates given must be in the order of the ten steps (an approval date without a library date, or
before it, is an error on that row). Steps the file does not record — notices, the initial check, the
acceptance items — are not row errors: they show as missing on the project and raise their alerts.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

from accountability.access.scoping import unit_code_in_jurisdiction
from accountability.importing.kinds import (
    CellError,
    Column,
    ImportKind,
    Row,
    choice_labels,
    choice_parser,
    parse_date,
    parse_id_number,
    parse_non_negative_decimal,
    parse_unit_code,
    parse_year,
    register,
)
from accountability.models import AdminLevel, AdminUnit
from funds import rules
from funds.models import Acceptance, FundUse, Grade, Project, ProjectCategory
from funds.services import stage_of, township_and_county

USES = choice_labels(
    FundUse,
    其他=FundUse.OTHER,
    产业发展=FundUse.INDUSTRY,
    产业=FundUse.INDUSTRY,
    产业扶持=FundUse.INDUSTRY,
    基础设施=FundUse.LIVING_CONDITIONS,
    基础设施建设=FundUse.LIVING_CONDITIONS,
    改善生产生活条件=FundUse.LIVING_CONDITIONS,
    生产生活条件改善=FundUse.LIVING_CONDITIONS,
    培训=FundUse.TRAINING,
    技能培训=FundUse.TRAINING,
    贫困人口培训=FundUse.TRAINING,
    贫困村干部培训=FundUse.TRAINING,
    扶贫贷款贴息=FundUse.LOAN_INTEREST,
    贴息=FundUse.LOAN_INTEREST,
    风险补偿=FundUse.LOAN_RISK,
    保险补贴=FundUse.INSURANCE,
    政策性农业保险补贴=FundUse.INSURANCE,
)
GRADES = choice_labels(Grade, 优秀=Grade.EXCELLENT, 良好=Grade.EXCELLENT, 通过=Grade.PASS)

#: header of each step date, by model field
DATE_HEADERS = {
    "library_on": "入库日期",
    "approved_on": "立项日期",
    "plan_approved_on": "实施方案批复日期",
    "filed_on": "备案日期",
    "started_on": "开工日期",
    "completed_on": "完工日期",
    "accepted_on": "验收日期",
}


def parse_category(text: str) -> str:
    return text  # checked against the reference table in ``check`` (one query)


@register
class FundProjectsImport(ImportKind):
    name = "fund_projects"
    label = "扶贫项目库"
    permissions = (
        "funds.add_project",
        "funds.change_project",
        "funds.add_acceptance",
        "funds.change_acceptance",
    )
    description = (
        "项目库及已办步骤的日期（从表格迁移）。按项目编号更新。日期须符合“十步骤”的先后顺序；"
        "文件未记录的步骤（公告公示、初验、验收六项）在项目页显示为缺失并产生预警。"
    )
    columns = (
        Column("项目编号", "number", required=True),
        Column("项目名称", "name", required=True),
        Column("年度", "year", required=True, parse=parse_year),
        Column(
            "项目类别",
            "category",
            required=True,
            parse=parse_category,
            help="发展资金、以工代赈、国有贫困农场、国有贫困林场、扶贫贷款贴息、其它",
        ),
        Column(
            "资金用途",
            "use",
            required=True,
            parse=choice_parser(USES, "资金用途"),
            help="产业扶贫、生产生活条件、培训、贷款贴息、其它等",
        ),
        Column(
            "实施地点代码",
            "location_code",
            required=True,
            parse=parse_unit_code,
            help="村或乡镇的行政区划代码",
        ),
        Column("实施单位", "implementer", required=True),
        Column("项目负责人证件号码", "person_responsible_id_number", parse=parse_id_number),
        Column("建设内容", "construction_content", required=True),
        Column(
            "财政补助资金（元）",
            "subsidy",
            required=True,
            parse=parse_non_negative_decimal,
            aliases=("财政补助资金(元)", "财政补助资金"),
        ),
        Column("计划开工日期", "planned_start", parse=parse_date),
        Column("计划完工日期", "planned_end", parse=parse_date),
        Column("入库日期", "library_on", parse=parse_date),
        Column("立项日期", "approved_on", parse=parse_date),
        Column("实施方案批复日期", "plan_approved_on", parse=parse_date),
        Column("备案日期", "filed_on", parse=parse_date),
        Column("开工日期", "started_on", parse=parse_date),
        Column("完工日期", "completed_on", parse=parse_date),
        Column("验收日期", "accepted_on", parse=parse_date),
        Column(
            "验收等次", "acceptance_grade", parse=choice_parser(GRADES, "验收等次"), help="优良、合格、不合格"
        ),
    )
    compared_fields = (
        "name",
        "year",
        "category_id",
        "use",
        "location_id",
        "implementer",
        "person_responsible_id_number",
        "construction_content",
        "subsidy",
        "planned_start",
        "planned_end",
        *DATE_HEADERS,
        "acceptance_grade",
    )

    def key(self, values: dict[str, Any]) -> Hashable:
        # numbers are unique in a county's library only (decision 0033): the county comes from the
        # row's place, so a number another county uses is simply a new project here
        return (values.get("county_id"), values["number"])

    def check(self, rows: list[Row]) -> None:
        categories: dict[str, int] = {}
        for category in ProjectCategory.objects.filter(active=True):
            categories[category.name] = category.pk
            for alias in category.aliases.replace("，", ",").replace("、", ",").split(","):
                if alias.strip():
                    categories[alias.strip()] = category.pk
        codes = {r.values["location_code"] for r in rows if r.values.get("location_code")}
        self.units = {u.code: u for u in AdminUnit.objects.filter(code__in=codes)}
        keys = {rules.content_key(r.values.get("construction_content") or "") for r in rows}
        # F-4 within each county's library (another county's projects are not named: no oracle)
        taken: dict[tuple[str, str], str] = {
            (county, key): number
            for key, county, number in Project.objects.filter(content_key__in=keys - {""}).values_list(
                "content_key", "county_id", "number"
            )
        }
        seen_numbers: set[tuple] = set()
        for row in rows:
            v = row.values
            number = v.get("number")
            name = v.get("category")
            if name:
                if name in categories:
                    v["category_id"] = categories[name]
                else:
                    allowed = "、".join(
                        ProjectCategory.objects.filter(active=True).values_list("name", flat=True)
                    )
                    row.error("项目类别", f"项目类别“{name}”不在可选值中（{allowed}）")
            code = v.get("location_code")
            if code:
                unit = self.units.get(code)
                if unit is None:
                    row.error("实施地点代码", f"行政区划代码 {code} 不存在")
                elif unit.level not in (AdminLevel.VILLAGE, AdminLevel.TOWNSHIP):
                    row.error(
                        "实施地点代码",
                        f"实施地点须为村或乡镇，{unit.name}（{code}）是{AdminLevel(unit.level).label}级",
                    )
                elif not unit_code_in_jurisdiction(self.user, code):
                    row.error("实施地点代码", f"{code} 不在您的管辖范围内")
                else:
                    v["location_id"] = code
                    v["county_id"] = township_and_county(unit)[1]
            county = v.get("county_id")
            if number and county:
                if (county, number) in seen_numbers:
                    row.error("项目编号", f"项目编号 {number} 在文件中重复")
                seen_numbers.add((county, number))
            start, end = v.get("planned_start"), v.get("planned_end")
            if start and end and end < start:
                row.error("计划完工日期", f"计划完工日期 {end} 早于计划开工日期 {start}")
            dates = {name: v.get(name) for name in DATE_HEADERS}
            for name, message in rules.order_problems(dates):
                row.error(DATE_HEADERS[name], message)
            if v.get("acceptance_grade") and not v.get("accepted_on"):
                row.error("验收等次", "有验收等次而没有验收日期")
            if v.get("accepted_on") and not v.get("acceptance_grade"):
                row.error("验收等次", "有验收日期须填写验收等次（优良、合格、不合格）")
            key = rules.content_key(v.get("construction_content") or "")
            if key and county:
                other = taken.get((county, key))
                if other and other != number:
                    row.error(
                        "建设内容", f"建设内容与项目 {other} 相同，不得重复申报（续建项目请在系统中标明）"
                    )
                elif other is None and number:
                    taken[(county, key)] = number
            v["content_key"] = key
            v["person_responsible_id_number"] = v.get("person_responsible_id_number") or ""
            v["acceptance_grade"] = v.get("acceptance_grade") or ""

    def _projects(self, keys: Iterable[Hashable]) -> dict[Hashable, Project]:
        keys = set(keys)
        return {
            (p.county_id, p.number): p
            for p in Project.objects.filter(
                county_id__in={county for county, _number in keys}, number__in={n for _c, n in keys}
            )
            if (p.county_id, p.number) in keys
        }

    def existing(self, keys: Iterable[Hashable]) -> dict[Hashable, dict[str, Any]]:
        return {
            key: {name: getattr(project, name) for name in self.compared_fields}
            for key, project in self._projects(keys).items()
        }

    def _apply(self, project: Project, v: dict[str, Any]) -> Project:
        for name in self.compared_fields:
            setattr(project, name, v.get(name))
        project.number, project.content_key = v["number"], v["content_key"]
        township, county = township_and_county(self.units[v["location_id"]])
        project.township_id, project.county_id = township, county
        if project.plan_approved_on and not project.funds_released_on:
            project.funds_released_on = project.plan_approved_on  # C2-13: released with the plan approval
        project.stage = stage_of(project)
        return project

    def write(self, new: list[Row], changed: list[Row]) -> int:
        created = [self._apply(Project(), row.values) for row in new]
        Project.objects.bulk_create(created, batch_size=2000)
        current = self._projects(self.key(row.values) for row in changed)
        updated = [self._apply(current[self.key(row.values)], row.values) for row in changed]
        fields = [
            *self.compared_fields,
            "content_key",
            "township_id",
            "county_id",
            "funds_released_on",
            "stage",
        ]
        Project.objects.bulk_update(
            updated, [f.removesuffix("_id") if f.endswith("_id") else f for f in fields], batch_size=2000
        )
        self._acceptances([*created, *updated])
        return len(created) + len(updated)

    def _acceptances(self, projects: list[Project]) -> None:
        """The acceptance date and grade a file gives become the project's last acceptance round
        (its six items unrecorded: shown as missing)."""
        accepted = [p for p in projects if p.accepted_on]
        rounds = {
            a.project_id: a
            for a in Acceptance.objects.filter(project__in=[p.pk for p in accepted]).order_by(
                "project_id", "round"
            )
        }
        for project in accepted:
            last = rounds.get(project.pk)
            if last is None:
                Acceptance.objects.create(
                    project=project, round=1, accepted_on=project.accepted_on, grade=project.acceptance_grade
                )
            elif last.accepted_on != project.accepted_on or last.grade != project.acceptance_grade:
                last.accepted_on, last.grade = project.accepted_on, project.acceptance_grade
                last.save(update_fields=["accepted_on", "grade"])


__all__ = ["CellError", "FundProjectsImport"]
