"""Import kind ``assessment_values``: values of the indicators entered by hand (third-party
evaluation, satisfaction surveys, self-evaluation, income growth), one row per unit and indicator."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

from accountability.access.scoping import unit_code_in_jurisdiction
from accountability.importing.kinds import (
    Column,
    ImportKind,
    Row,
    parse_decimal,
    parse_unit_code,
    parse_year,
    register,
)
from accountability.models import AdminUnit
from assessment.importers.samples import parse_short, round_not_found
from assessment.models import AssessmentRound, EnteredValue, Indicator, SourceKind


@register
class AssessmentValuesImport(ImportKind):
    name = "assessment_values"
    label = "考核录入指标值"
    permissions = ("assessment.add_enteredvalue", "assessment.change_enteredvalue")
    description = "第三方评估、满意度调查、自查自评等“录入”类指标的数值，每个被考核单位每项指标一行。"
    columns = (
        Column("考核年度", "year", required=True, parse=parse_year),
        Column("考核单位代码", "round_unit", required=True, parse=parse_unit_code, help="组织考核的单位"),
        Column("被考核单位代码", "subject", required=True, parse=parse_unit_code),
        Column("指标编号", "indicator_code", required=True, help="如 I-5"),
        Column("数值", "value", required=True, parse=parse_decimal),
        Column("说明", "note", parse=parse_short(300)),
    )
    compared_fields = ("value", "note")

    def key(self, values: dict[str, Any]) -> Hashable:
        return (values["year"], values["round_unit"], values["subject"], values["indicator_code"])

    def check(self, rows: list[Row]) -> None:
        pairs = {(r.values["year"], r.values["round_unit"]) for r in rows if r.valid}
        self.rounds = {
            (r.year, r.unit_id): r
            for r in AssessmentRound.objects.filter(
                year__in={y for y, _u in pairs}, unit_id__in={u for _y, u in pairs}
            )
        }
        entered = {
            (system, code)
            for system, code in Indicator.objects.filter(
                system__in={r.system_id for r in self.rounds.values()}, source=SourceKind.ENTERED
            ).values_list("system_id", "code")
        }
        parents = dict(
            AdminUnit.objects.filter(code__in={r.values["subject"] for r in rows if r.valid}).values_list(
                "code", "parent_id"
            )
        )
        for row in rows:
            if not row.valid:
                continue
            v = row.values
            v["note"] = v.get("note") or ""
            round_ = self.rounds.get((v["year"], v["round_unit"]))
            if round_ is None or not unit_code_in_jurisdiction(self.user, round_.unit_id):
                # unknown and foreign answer alike: an import is no oracle of other jurisdictions
                row.error("考核单位代码", round_not_found(v["round_unit"], v["year"]))
            elif parents.get(v["subject"]) != round_.unit_id:
                row.error("被考核单位代码", f"{v['subject']} 不是 {round_.unit_id} 的下一级单位（下考一级）")
            elif (round_.system_id, v["indicator_code"]) not in entered:
                row.error("指标编号", f"{v['indicator_code']} 不是本轮指标体系中的录入类指标")
            else:
                v["round_id"] = round_.pk

    def _existing(self, keys: set[Hashable]) -> dict[Hashable, EnteredValue]:
        by_round = {r.pk: pair for pair, r in self.rounds.items()}
        found = {}
        for value in EnteredValue.objects.filter(round_id__in=list(by_round)):
            year, unit = by_round[value.round_id]
            key = (year, unit, value.subject_id, value.indicator_code)
            if key in keys:
                found[key] = value
        return found

    def existing(self, keys: Iterable[Hashable]) -> dict[Hashable, dict[str, Any]]:
        return {
            key: {name: getattr(v, name) for name in self.compared_fields}
            for key, v in self._existing(set(keys)).items()
        }

    def write(self, new: list[Row], changed: list[Row]) -> int:
        EnteredValue.objects.bulk_create(
            [
                EnteredValue(
                    round_id=row.values["round_id"],
                    subject_id=row.values["subject"],
                    indicator_code=row.values["indicator_code"],
                    value=row.values["value"],
                    note=row.values["note"],
                )
                for row in new
            ]
        )
        current = self._existing({self.key(r.values) for r in changed})
        for row in changed:
            target = current[self.key(row.values)]
            target.value, target.note = row.values["value"], row.values["note"]
        EnteredValue.objects.bulk_update(current.values(), ["value", "note"])
        return len(new) + len(changed)
