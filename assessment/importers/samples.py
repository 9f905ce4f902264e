"""Import kind ``assessment_samples``: the field teams' verification results of a round's sample.

One row per sampled household (户编号, its verdict and the household's satisfaction), and one row
per omitted family (漏评) found in a sampled village (行政区划代码 and the head's name and ID number).
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
    parse_unit_code,
    parse_year,
    register,
)
from assessment.models import AssessmentRound, OmittedFamily, SampleHousehold, Satisfaction, Verdict

OMISSION = "omission"
VERDICTS = {**choice_labels(Verdict), "漏评": OMISSION}
SATISFACTIONS = choice_labels(Satisfaction)


def round_not_found(unit: str, year: int) -> str:
    return f"{unit} 的 {year} 年度考核轮次不存在或不在您的管辖范围内"


def parse_verdict(text: str) -> str:
    return choice_parser(VERDICTS, "核查结论")(text)


def parse_short(limit: int):
    def parse(text: str) -> str:
        if len(text) > limit:
            raise CellError(f"不能超过 {limit} 个字")
        return text

    return parse


@register
class AssessmentSamplesImport(ImportKind):
    name = "assessment_samples"
    label = "考核抽查核查结果"
    permissions = (
        "assessment.change_samplehousehold",
        "assessment.add_omittedfamily",
        "assessment.change_omittedfamily",
    )
    description = (
        "填写抽查户的核查结论（准确、识别不准确、错退）和满意度；在抽查村发现的漏评户另起一行，"
        "核查结论填“漏评”，填写行政区划代码和户主姓名、证件号码。"
    )
    columns = (
        Column("考核年度", "year", required=True, parse=parse_year),
        Column("考核单位代码", "round_unit", required=True, parse=parse_unit_code, help="组织考核的单位"),
        Column("户编号", "number", help="抽查户的户编号；漏评户不填"),
        Column(
            "核查结论", "verdict", required=True, parse=parse_verdict, help="准确、识别不准确、错退、漏评"
        ),
        Column(
            "满意度",
            "satisfaction",
            parse=choice_parser(SATISFACTIONS, "满意度"),
            help="满意、基本满意、不满意",
        ),
        Column("行政区划代码", "village_code", parse=parse_unit_code, help="漏评户所在村"),
        Column("户主姓名", "head_name", parse=parse_short(50), help="漏评户户主姓名"),
        Column("证件号码", "id_number", parse=parse_id_number, help="漏评户户主证件号码"),
        Column("核查日期", "checked_on", parse=parse_date),
        Column("核查人", "checked_by", parse=parse_short(50)),
        Column("说明", "note", parse=parse_short(300)),
    )
    compared_fields = ("verdict", "satisfaction", "checked_on", "checked_by", "note")

    def key(self, values: dict[str, Any]) -> Hashable:
        if values.get("verdict") == OMISSION:
            return (
                "omitted",
                values["year"],
                values["round_unit"],
                values["village_code"],
                values["id_number"],
            )
        return ("sampled", values["year"], values["round_unit"], values["number"])

    def check(self, rows: list[Row]) -> None:
        pairs = {(r.values["year"], r.values["round_unit"]) for r in rows if r.valid}
        rounds = {}
        for pair in pairs:
            round_ = AssessmentRound.objects.filter(year=pair[0], unit_id=pair[1]).first()
            rounds[pair] = round_
        self.rounds = rounds
        numbers = {r.values.get("number") for r in rows if r.values.get("number")}
        self.sampled = {
            (s.round_id, s.number): s
            for s in SampleHousehold.objects.filter(
                round__in=[r for r in rounds.values() if r], number__in=numbers
            )
        }
        sampled_villages = set(
            SampleHousehold.objects.filter(round__in=[r for r in rounds.values() if r])
            .values_list("round_id", "village_id")
            .distinct()
        )
        for row in rows:
            if not row.valid:
                continue
            v = row.values
            for name in ("satisfaction", "checked_by", "note"):
                v[name] = v.get(name) or ""
            round_ = rounds.get((v["year"], v["round_unit"]))
            if round_ is None or not unit_code_in_jurisdiction(self.user, round_.unit_id):
                # unknown and foreign answer alike: an import is no oracle of other jurisdictions
                row.error("考核单位代码", round_not_found(v["round_unit"], v["year"]))
                continue
            v["round_id"] = round_.pk
            if v["verdict"] == OMISSION:
                if v.get("number"):
                    row.error("户编号", "漏评户不在建档立卡名单中，不填户编号")
                if not v.get("village_code"):
                    row.error("行政区划代码", "漏评须填写所在村的行政区划代码")
                elif (round_.pk, v["village_code"]) not in sampled_villages:
                    row.error("行政区划代码", f"{v['village_code']} 不是本轮抽查的村")
                if not v.get("head_name") or not v.get("id_number"):
                    row.error("证件号码", "漏评须填写户主姓名和证件号码")
                if v.get("satisfaction"):
                    row.error("满意度", "漏评户不填满意度")
                continue
            sampled = self.sampled.get((round_.pk, v.get("number")))
            if not v.get("number"):
                row.error("户编号", "须填写抽查户的户编号（只有漏评可不填）")
            elif sampled is None:
                row.error("户编号", f"户编号 {v['number']} 不在本轮抽查名单中")
            elif v["verdict"] == Verdict.WRONG_EXIT and not sampled.exited:
                row.error("核查结论", "“错退”只适用于当年脱贫的抽查户")
            elif v["verdict"] == Verdict.MISIDENTIFIED and sampled.exited:
                row.error("核查结论", "当年脱贫户的核查结论为“准确”或“错退”")

    def existing(self, keys: Iterable[Hashable]) -> dict[Hashable, dict[str, Any]]:
        keys = set(keys)
        result: dict[Hashable, dict[str, Any]] = {}
        by_round = {r.pk: pair for pair, r in self.rounds.items() if r}
        for (round_id, number), s in self.sampled.items():
            year, unit = by_round[round_id]
            key = ("sampled", year, unit, number)
            if key in keys and s.verdict:
                result[key] = {name: getattr(s, name) for name in self.compared_fields}
            elif key in keys:
                result[key] = {"verdict": None}  # in the sample, not yet checked: a change
        omitted = OmittedFamily.objects.filter(round_id__in=list(by_round))
        for o in omitted:
            year, unit = by_round[o.round_id]
            key = ("omitted", year, unit, o.village_id, o.id_number)
            if key in keys:
                result[key] = {
                    "verdict": OMISSION,
                    "satisfaction": "",
                    "checked_on": o.checked_on,
                    "checked_by": o.checked_by,
                    "note": o.note,
                }
        return result

    def write(self, new: list[Row], changed: list[Row]) -> int:
        rows = new + changed
        to_update = []
        omitted = []
        for row in rows:
            v = row.values
            if v["verdict"] == OMISSION:
                omitted.append(
                    OmittedFamily(
                        round_id=v["round_id"],
                        village_id=v["village_code"],
                        id_number=v["id_number"],
                        head_name=v["head_name"],
                        checked_on=v.get("checked_on"),
                        checked_by=v["checked_by"],
                        note=v["note"],
                    )
                )
                continue
            sampled = self.sampled[(v["round_id"], v["number"])]
            for name in self.compared_fields:
                setattr(sampled, name, v.get(name))
            to_update.append(sampled)
        SampleHousehold.objects.bulk_update(to_update, list(self.compared_fields), batch_size=2000)
        OmittedFamily.objects.bulk_create(
            omitted,
            update_conflicts=True,
            unique_fields=["round", "village", "id_number"],
            update_fields=["head_name", "checked_on", "checked_by", "note"],
        )
        return len(rows)
