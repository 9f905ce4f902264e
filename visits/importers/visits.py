"""Import kind ``visits``: visit logs typed from paper forms or exported from another system."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

from django.utils import timezone

from accountability.access.scoping import unit_code_in_jurisdiction, visible_to
from accountability.importing.kinds import (
    CellError,
    Column,
    ImportKind,
    Row,
    choice_labels,
    choice_parser,
    parse_date,
    parse_repeated_id_number,
    register,
)
from accountability.models import Official
from accountability.responsibility.selectors import ID_NUMBER_NOT_FOUND
from households.models import Household
from households.selectors import HOUSEHOLD_NOT_FOUND
from visits.models import Visit, VisitCheck, VisitKind
from visits.rules import visit_problem
from visits.selectors import in_scope_rows

KINDS = choice_labels(VisitKind, 入户=VisitKind.HOME, 电话=VisitKind.PHONE, 集中=VisitKind.GROUP)
CHECKS = choice_labels(
    VisitCheck,
    收入=VisitCheck.INCOME,
    两不愁三保障=VisitCheck.ASSURANCES,
    措施=VisitCheck.MEASURES,
    政策=VisitCheck.POLICY,
)


def parse_checks(text: str) -> list[str]:
    """``收入、两不愁三保障`` → the check codes; separators 、，,; and spaces."""
    parts = [
        p
        for p in text.replace("，", "、").replace(",", "、").replace(";", "、").replace(" ", "、").split("、")
        if p
    ]
    unknown = [p for p in parts if p not in CHECKS]
    if unknown:
        allowed = "、".join(map(str, VisitCheck.labels))  # lazy labels: str.join wants str
        raise CellError(f"未知的走访内容：{'、'.join(unknown)}（可填：{allowed}）")
    return sorted({CHECKS[p] for p in parts})


@register
class VisitsImport(ImportKind):
    name = "visits"
    label = "走访记录"
    permissions = ("visits.add_visit", "visits.change_visit")
    description = (
        "每行一次走访；同一走访人同一天同一户只记一次。走访户须是走访人当日的结对户或责任范围内的户。"
    )
    columns = (
        Column("走访人证件号码", "official_id_number", required=True, parse=parse_repeated_id_number),
        Column("户编号", "number", required=True),
        Column("走访日期", "on", required=True, parse=parse_date),
        Column(
            "走访方式", "kind", parse=choice_parser(KINDS, "走访方式"), help="入户走访、电话联系 或 集中走访"
        ),
        Column(
            "走访内容",
            "checked",
            parse=parse_checks,
            help="收入情况、两不愁三保障、帮扶措施落实、政策宣传，用顿号分隔",
        ),
        Column("发现问题", "problems"),
    )
    compared_fields = ("kind", "checked", "problems")

    def key(self, values: dict[str, Any]) -> Hashable:
        return (values["official_id"], values["household_id"], values["on"])

    def check(self, rows: list[Row]) -> None:
        officials = dict(
            Official.objects.filter(
                id_number__in={
                    r.values["official_id_number"] for r in rows if r.values.get("official_id_number")
                }
            ).values_list("id_number", "pk")
        )
        # an official outside the jurisdiction (a city-level helping cadre, say) is known to this
        # import only through a household of the jurisdiction paired with him on the visit's day;
        # otherwise he answers as an unknown number: the import is no oracle of other rosters
        reachable = visible_to(Official.objects.filter(pk__in=officials.values()), self.user)
        foreign = set(officials.values()) - set(reachable.values_list("pk", flat=True))
        households = {
            number: (pk, village)
            for number, pk, village in Household.objects.filter(
                number__any=list({r.values["number"] for r in rows if r.values.get("number")})
            ).values_list("number", "pk", "village_id")
        }
        today = timezone.localdate()
        seen: dict[Hashable, int] = {}
        candidates = []
        for row in rows:
            v = row.values
            v["kind"] = v.get("kind") or VisitKind.HOME
            v["checked"] = v.get("checked") or []
            v["problems"] = v.get("problems") or ""
            if v.get("official_id_number") and v["official_id_number"] not in officials:
                row.error("走访人证件号码", f"{ID_NUMBER_NOT_FOUND}；请先导入干部")
            household = households.get(v.get("number"))
            if v.get("number") and (
                household is None or not unit_code_in_jurisdiction(self.user, household[1])
            ):
                # unknown and foreign answer alike: an import is no oracle of other jurisdictions
                row.error("户编号", f"户编号 {v['number']}：{HOUSEHOLD_NOT_FOUND}")
            if v.get("on") and v["on"] > today:
                row.error("走访日期", "走访日期不能晚于今天")
            if not row.valid:
                continue
            v["official_id"], v["household_id"] = officials[v["official_id_number"]], household[0]
            key = self.key(v)
            if key in seen:
                row.error("走访日期", f"与第 {seen[key]} 行重复（同一走访人同一天同一户只记一次）")
                continue
            seen[key] = row.number
            candidates.append(row)
        in_scope = in_scope_rows(
            [(r.values["official_id"], r.values["household_id"], r.values["on"]) for r in candidates]
        )
        for index, row in enumerate(candidates):
            if row.values["official_id"] in foreign and index not in in_scope:
                row.error("走访人证件号码", f"{ID_NUMBER_NOT_FOUND}；请先导入干部")
                continue
            problem = visit_problem(
                on=row.values["on"],
                today=today,
                in_scope=index in in_scope,
                follow_up_due=None,
                earliest=row.values["on"],
            )
            if problem:
                row.error("户编号", problem)

    def existing(self, keys: Iterable[Hashable]) -> dict[Hashable, dict[str, Any]]:
        keys = set(keys)
        found = Visit.objects.filter(
            official_id__any=list({k[0] for k in keys}), household_id__any=list({k[1] for k in keys})
        )
        return {
            key: {"kind": v.kind, "checked": v.checked, "problems": v.problems}
            for v in found.only("official_id", "household_id", "on", "kind", "checked", "problems")
            if (key := (v.official_id, v.household_id, v.on)) in keys
        }

    def write(self, new: list[Row], changed: list[Row]) -> int:
        fields = ("official_id", "household_id", "on", "kind", "checked", "problems")
        Visit.objects.bulk_create(
            [Visit(entered_by=self.user, **{f: r.values[f] for f in fields}) for r in new], batch_size=5000
        )
        by_key = {self.key(r.values): r.values for r in changed}
        current = [
            v
            for v in Visit.objects.filter(
                official_id__any=list({k[0] for k in by_key}), household_id__any=list({k[1] for k in by_key})
            )
            if (v.official_id, v.household_id, v.on) in by_key
        ]
        for visit in current:
            values = by_key[(visit.official_id, visit.household_id, visit.on)]
            visit.kind, visit.checked, visit.problems = values["kind"], values["checked"], values["problems"]
        Visit.objects.bulk_update(current, ["kind", "checked", "problems"], batch_size=5000)
        return len(new) + len(changed)
