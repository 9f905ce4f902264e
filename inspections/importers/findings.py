"""Import kind ``inspection_findings``: findings of external audits and assessments, and the
spreadsheets of problems kept so far (docs/inspections.md has the columns)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

from django.utils import timezone

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
    parse_unit_code,
    parse_yes_no,
    register,
)
from accountability.models import AdminUnit, Official
from accountability.platform.idnumbers import normalise
from accountability.policy.profiles import versions_by_prefix
from inspections import services
from inspections.models import Finding, FindingSeverity, ProblemSource, TransferTo
from inspections.selectors import policy_for

SOURCES = choice_labels(ProblemSource, 纪检=ProblemSource.DISCIPLINE, 信访=ProblemSource.PETITION)
SEVERITIES = choice_labels(FindingSeverity)


def parse_id_numbers(text: str) -> list[str]:
    """One or more ID numbers separated by 、，, ; or spaces."""
    parts = [
        p
        for p in text.replace("，", "、").replace(",", "、").replace(";", "、").replace(" ", "、").split("、")
        if p
    ]
    if not parts:
        raise CellError("请填写证件号码")
    return [parse_id_number(p) for p in parts]


@register
class FindingsImport(ImportKind):
    name = "inspection_findings"
    label = "督查巡查等发现的问题"
    permissions = ("inspections.add_finding", "inspections.change_finding")
    description = (
        "每行一个问题；问题编号已存在的行只更新问题描述、类别和严重程度，整改进展不受影响。"
        "整改期限留空：巡查问题为反馈日期（无则发现日期）起 2 个月，其他来源按政策参数的默认期限。"
        "责任人证件号码留空：按发现日期在岗的责任人确定。"
    )
    columns = (
        Column("问题编号", "number", required=True),
        Column("发现日期", "found_on", required=True, parse=parse_date),
        Column(
            "来源",
            "source",
            required=True,
            parse=choice_parser(SOURCES, "来源"),
            help="督查、巡查、审计、纪检监察、信访举报、第三方评估 或 自查",
        ),
        Column(
            "问题类别",
            "category_label",
            required=True,
            help="政策参数中的问题类别名称，如 责任落实、作风问题",
        ),
        Column(
            "严重程度",
            "severity",
            required=True,
            parse=choice_parser(SEVERITIES, "严重程度"),
            help="一般、较重 或 严重",
        ),
        Column("单位代码", "unit_code", required=True, parse=parse_unit_code),
        Column("问题描述", "description", required=True),
        Column("整改期限", "deadline", parse=parse_date),
        Column(
            "反馈日期", "feedback_on", parse=parse_date, help="巡查反馈意见之日，巡查问题的整改期限由此起算"
        ),
        Column("责任人证件号码", "id_numbers", parse=parse_id_numbers, help="多人用顿号分隔；留空按任职确定"),
        Column("是否移交", "transfer", parse=parse_yes_no, help="是：移交纪检监察机关"),
    )
    compared_fields = ("description", "category", "severity")

    def key(self, values: dict[str, Any]) -> Hashable:
        return values["number"]

    def check(self, rows: list[Row]) -> None:
        today = timezone.localdate()
        versions = versions_by_prefix("inspection_policy")
        codes = {r.values["unit_code"] for r in rows if r.values.get("unit_code")}
        units = AdminUnit.objects.in_bulk(list(codes))
        wanted = {n for r in rows for n in r.values.get("id_numbers") or []}
        officials = (
            dict(Official.objects.filter(id_number__in=wanted).values_list("id_number", "pk"))
            if wanted
            else {}
        )
        numbers = [r.values["number"] for r in rows if r.values.get("number")]
        mine = set(visible_findings(self.user, numbers).values_list("number", flat=True))
        taken = set(Finding.objects.filter(number__in=numbers).values_list("number", flat=True)) - mine
        seen: dict[str, int] = {}
        for row in rows:
            v = row.values
            code = v.get("unit_code")
            if code and code not in units:
                row.error("单位代码", f"单位 {code} 不存在")
            elif code and not unit_code_in_jurisdiction(self.user, code):
                row.error("单位代码", f"单位 {code} 不在您的管辖范围内")
            found_on = v.get("found_on")
            if found_on and found_on > today:
                row.error("发现日期", "发现日期不能晚于今天")
            if found_on and v.get("deadline") and v["deadline"] < found_on:
                row.error("整改期限", "整改期限不能早于发现日期")
            if found_on and v.get("feedback_on") and v["feedback_on"] < found_on:
                row.error("反馈日期", "反馈日期不能早于发现日期")
            if v.get("feedback_on") and v["feedback_on"] > today:
                row.error("反馈日期", "反馈日期不能晚于今天")
            missing = [n for n in v.get("id_numbers") or [] if normalise(n) not in officials]
            if missing:
                row.error("责任人证件号码", f"系统中没有证件号码为 {'、'.join(missing)} 的干部")
            if code in units and found_on and v.get("category_label"):
                by_label = policy_for(code, found_on, versions).category_by_label()
                if v["category_label"] not in by_label:
                    row.error(
                        "问题类别",
                        f"问题类别“{v['category_label']}”不在现行类别中（可填：{'、'.join(by_label)}）",
                    )
                else:
                    v["category"] = by_label[v["category_label"]]
            number = v.get("number")
            if number in taken:
                row.error("问题编号", f"问题编号 {number} 已被使用")
            elif number in seen:
                row.error("问题编号", f"与第 {seen[number]} 行的问题编号重复")
            elif number:
                seen[number] = row.number
            v["official_ids"] = [
                officials[normalise(n)] for n in v.get("id_numbers") or [] if normalise(n) in officials
            ]

    def existing(self, keys: Iterable[Hashable]) -> dict[Hashable, dict[str, Any]]:
        found = visible_findings(self.user, list(keys))
        return {
            f.number: {"description": f.description, "category": f.category, "severity": f.severity}
            for f in found
        }

    def write(self, new: list[Row], changed: list[Row]) -> int:
        units = AdminUnit.objects.in_bulk(list({r.values["unit_code"] for r in new}))
        officials = Official.objects.in_bulk(list({pk for r in new for pk in r.values["official_ids"]}))
        for row in new:
            v = row.values
            services.finding_create(
                actor=self.user,
                number=v["number"],
                unit=units[v["unit_code"]],
                found_on=v["found_on"],
                source=v["source"],
                category=v["category"],
                severity=v["severity"],
                description=v["description"],
                feedback_on=v.get("feedback_on"),
                deadline=v.get("deadline"),
                responsible=[officials[pk] for pk in v["official_ids"]] if v["official_ids"] else None,
                transfer_to=TransferTo.DISCIPLINE if v.get("transfer") else "",
                reason="导入问题",
            )
        by_number = {r.values["number"]: r.values for r in changed}
        current = list(visible_findings(self.user, list(by_number)))
        for f in current:
            values = by_number[f.number]
            f.description, f.category, f.severity = (
                values["description"],
                values["category"],
                values["severity"],
            )
        Finding.objects.bulk_update(current, ["description", "category", "severity"])
        return len(new) + len(changed)

    def rule_years(self, rows: list[Row]) -> set[int]:
        return {timezone.localdate().year}


def visible_findings(user, numbers: list[str]):
    """Findings by number; one outside the user's jurisdiction is never matched (an import may not
    change it: the row then fails as a duplicate number on write)."""
    from accountability.access.scoping import visible_to

    return visible_to(Finding.objects.filter(number__in=numbers), user)
