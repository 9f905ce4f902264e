"""Import kind ``verifications``: verification findings (核查结果) from assessments, audits, petitions."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

from accountability.access.scoping import unit_code_in_jurisdiction
from accountability.hierarchy.selectors import UNIT_NOT_FOUND
from accountability.importing.kinds import (
    Column,
    ImportKind,
    Row,
    choice_labels,
    choice_parser,
    parse_date,
    parse_id_number,
    parse_positive_int,
    parse_unit_code,
    parse_year,
    register,
)
from accountability.models import AdminLevel, AdminUnit
from households.models import FindingKind, FindingSource, FindingStatus, Household, VerificationFinding
from households.selectors import HOUSEHOLD_NOT_FOUND

KINDS, SOURCES, STATUSES = (
    choice_labels(FindingKind),
    choice_labels(FindingSource),
    choice_labels(FindingStatus),
)


@register
class VerificationsImport(ImportKind):
    name = "verifications"
    label = "核查结果"
    permissions = ("households.add_verificationfinding", "households.change_verificationfinding")
    description = (
        "识别不精准、退出不精准等填写户编号；漏评填写行政区划代码和该户户主姓名、证件号码。"
        "只有“已确认”的结果计入问责规则。"
    )
    columns = (
        Column("户编号", "number"),
        Column("证件号码", "family_id_number", parse=parse_id_number, help="漏评户户主的证件号码"),
        Column("姓名", "family_name", help="漏评户户主姓名"),
        Column("行政区划代码", "village_code", parse=parse_unit_code, help="漏评户所在村"),
        Column("核查结论", "kind", required=True, parse=choice_parser(KINDS, "核查结论")),
        Column("涉及人数", "persons_affected", parse=parse_positive_int, help="默认为该户人口"),
        Column("发现来源", "source", required=True, parse=choice_parser(SOURCES, "发现来源")),
        Column("发现日期", "found_date", required=True, parse=parse_date),
        Column("考核年度", "assessment_year", required=True, parse=parse_year),
        Column(
            "状态", "status", parse=choice_parser(STATUSES, "状态"), help="待核实（默认）、已确认、已排除"
        ),
        Column("说明", "note"),
    )
    compared_fields = ("persons_affected", "status", "note", "assessment_year")

    def key(self, values: dict[str, Any]) -> Hashable:
        subject = values.get("number") or f"{values.get('village_code')}:{values.get('family_id_number')}"
        return (subject, values["kind"], values["source"], values["found_date"])

    def check(self, rows: list[Row]) -> None:
        numbers = {r.values["number"] for r in rows if r.values.get("number")}
        self.households = {h.number: h for h in Household.objects.filter(number__in=numbers)}
        codes = {r.values["village_code"] for r in rows if r.values.get("village_code")}
        villages = dict(AdminUnit.objects.filter(code__in=codes).values_list("code", "level"))
        for row in rows:
            v = row.values
            v["status"] = v.get("status") or FindingStatus.PENDING
            v["note"] = v.get("note") or ""
            if v.get("kind") == FindingKind.OMISSION:
                if not v.get("village_code"):
                    row.error("行政区划代码", "漏评须填写所在村的行政区划代码")
                elif villages.get(v["village_code"]) != AdminLevel.VILLAGE:
                    row.error("行政区划代码", f"{v['village_code']} 不是系统中的村")
                if not v.get("family_name") or not v.get("family_id_number"):
                    row.error("证件号码", "漏评须填写该户户主的姓名和证件号码")
                village = v.get("village_code")
            elif v.get("kind"):
                household = self.households.get(v.get("number") or "")
                if not v.get("number"):
                    row.error("户编号", "须填写户编号（只有漏评可不填）")
                elif household is None or not unit_code_in_jurisdiction(self.user, household.village_id):
                    # unknown and foreign answer alike: an import is no oracle of other jurisdictions
                    row.error("户编号", f"户编号 {v['number']}：{HOUSEHOLD_NOT_FOUND}")
                    household = None
                village = household.village_id if household else None
                if household and v.get("persons_affected") is None:
                    v["persons_affected"] = household.member_count
            else:
                village = None
            if village and not unit_code_in_jurisdiction(self.user, village):
                row.error("行政区划代码", UNIT_NOT_FOUND)
            if v.get("persons_affected") is None:
                v["persons_affected"] = 1
            v["village_id"] = village

    def _findings(self, keys: set[Hashable]) -> dict[Hashable, VerificationFinding]:
        """Findings already recorded under these keys (one query)."""
        found = VerificationFinding.objects.filter(found_date__in={k[3] for k in keys}).select_related(
            "household"
        )
        result = {}
        for f in found:
            subject = f.household.number if f.household else f"{f.village_id}:{f.family_id_number}"
            key = (subject, f.kind, f.source, f.found_date)
            if key in keys:
                result[key] = f
        return result

    def existing(self, keys: Iterable[Hashable]) -> dict[Hashable, dict[str, Any]]:
        return {
            key: {name: getattr(f, name) for name in self.compared_fields}
            for key, f in self._findings(set(keys)).items()
        }

    def rule_years(self, rows: list[Row]) -> set[int]:
        return {row.values["assessment_year"] for row in rows if row.values.get("assessment_year")}

    def write(self, new: list[Row], changed: list[Row]) -> int:
        def finding(row: Row) -> VerificationFinding:
            v = row.values
            household = self.households.get(v.get("number") or "")
            return VerificationFinding(
                village_id=v["village_id"],
                household=household,
                family_name=v.get("family_name") or "",
                family_id_number=v.get("family_id_number") or "",
                kind=v["kind"],
                source=v["source"],
                found_date=v["found_date"],
                assessment_year=v["assessment_year"],
                persons_affected=v["persons_affected"],
                status=v["status"],
                note=v["note"],
            )

        VerificationFinding.objects.bulk_create([finding(r) for r in new], batch_size=5000)
        current = self._findings({self.key(r.values) for r in changed})
        for row in changed:
            target, wanted = current[self.key(row.values)], finding(row)
            for name in self.compared_fields:
                setattr(target, name, getattr(wanted, name))
        VerificationFinding.objects.bulk_update(current.values(), list(self.compared_fields), batch_size=5000)
        return len(new) + len(changed)
