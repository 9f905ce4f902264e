"""Import kind ``households``: one row per member, as the national registration system exports it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Hashable, Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accountability.access.scoping import unit_code_in_jurisdiction
from accountability.importing.kinds import (
    Column,
    ImportKind,
    Row,
    choice_labels,
    choice_parser,
    parse_id_number,
    parse_non_negative_decimal,
    parse_phone,
    parse_repeated_id_number,
    parse_unit_code,
    parse_year,
    register,
)
from accountability.models import AdminLevel, AdminUnit, Official
from accountability.platform.history import copy_rows
from accountability.platform.idnumbers import id_sex
from households.models import (
    Health,
    HelpingCadrePairing,
    Household,
    HouseholdStatus,
    LabourSkill,
    Member,
    PovertyAttribute,
    PovertyCause,
    Relation,
    Sex,
)
from households.services import household_summaries_refresh

RELATIONS = choice_labels(
    Relation,
    本人=Relation.HEAD,
    妻=Relation.SPOUSE,
    夫=Relation.SPOUSE,
    子=Relation.SON,
    女=Relation.DAUGHTER,
)
SEXES = choice_labels(Sex)
ATTRIBUTES = choice_labels(PovertyAttribute)
CAUSES = choice_labels(PovertyCause)
STATUSES = choice_labels(HouseholdStatus)
HEALTH = choice_labels(Health)
SKILLS = choice_labels(LabourSkill)

#: a row matching a record of another jurisdiction: say only that it cannot be imported here
NOT_HERE_ID = gettext_noop("该证件号码不能在本辖区导入：请联系其所在辖区")
NOT_HERE_HOUSEHOLD = gettext_noop("该户编号不能在本辖区导入：请联系其所在辖区")
#: household-level fields: every row of one household must agree on them
HOUSEHOLD_FIELDS = (
    "village_id",
    "attribute",
    "main_cause",
    "income_per_capita",
    "identified_year",
    "status",
    "exit_year",
    "phone",
    "cadre_id_number",
)
MEMBER_FIELDS = (
    "name",
    "relation",
    "sex",
    "ethnicity",
    "education",
    "schooling",
    "health",
    "labour_skill",
    "employment",
)
#: columns that COPY must fill with the model defaults (COPY does not know Django's defaults)
COPY_HOUSEHOLD_DEFAULTS = {
    "other_causes": [],
    "income_sources": "",
    "has_handbook": False,
    "has_exit_certificate": False,
}
COPY_MEMBER_DEFAULTS = {"active": True, "left_reason": ""}
HEADER_OF = {
    "village_id": "行政区划代码",
    "attribute": "贫困户属性",
    "main_cause": "主要致贫原因",
    "income_per_capita": "人均纯收入",
    "identified_year": "识别年度",
    "status": "户状态",
    "exit_year": "脱贫年度",
    "phone": "联系电话",
    "cadre_id_number": "帮扶责任人证件号码",
}


@register
class HouseholdsImport(ImportKind):
    name = "households"
    label = "贫困户及家庭成员"
    permissions = (
        "households.add_household",
        "households.change_household",
        "households.add_member",
        "households.change_member",
        "households.add_helpingcadrepairing",
    )
    description = "每行一名家庭成员；同一户的各行“户”信息须一致，且每户恰有一名户主。"
    columns = (
        Column("行政区划代码", "village_id", required=True, parse=parse_unit_code, help="所在村 12 位代码"),
        Column("户编号", "number", required=True),
        Column("姓名", "name", required=True),
        Column("证件号码", "id_number", required=True, parse=parse_id_number, aliases=("身份证号码",)),
        Column("与户主关系", "relation", required=True, parse=choice_parser(RELATIONS, "与户主关系")),
        Column("性别", "sex", parse=choice_parser(SEXES, "性别")),
        Column("民族", "ethnicity"),
        Column("文化程度", "education"),
        Column("在校生状况", "schooling"),
        Column("健康状况", "health", parse=choice_parser(HEALTH, "健康状况")),
        Column("劳动技能", "labour_skill", parse=choice_parser(SKILLS, "劳动技能")),
        Column("务工状况", "employment"),
        Column("贫困户属性", "attribute", required=True, parse=choice_parser(ATTRIBUTES, "贫困户属性")),
        Column("主要致贫原因", "main_cause", parse=choice_parser(CAUSES, "主要致贫原因")),
        Column("人均纯收入", "income_per_capita", parse=parse_non_negative_decimal),
        Column("识别年度", "identified_year", required=True, parse=parse_year),
        Column("户状态", "status", required=True, parse=choice_parser(STATUSES, "户状态")),
        Column("脱贫年度", "exit_year", parse=parse_year),
        Column("联系电话", "phone", parse=parse_phone),
        Column("帮扶责任人证件号码", "cadre_id_number", parse=parse_repeated_id_number),
    )
    compared_fields = (*HOUSEHOLD_FIELDS[:-1], *MEMBER_FIELDS)

    def key(self, values: dict[str, Any]) -> Hashable:
        return (values["number"], values["id_number"])

    # --- checks --------------------------------------------------------------------------------

    def check(self, rows: list[Row]) -> None:
        villages = dict(
            AdminUnit.objects.filter(
                code__in={r.values["village_id"] for r in rows if r.values.get("village_id")}
            ).values_list("code", "level")
        )
        cadres = {r.values["cadre_id_number"] for r in rows if r.values.get("cadre_id_number")}
        # helping cadres often belong to units outside the village: not limited to the jurisdiction,
        # as on the household page (docs/registry.md); the pairing is a record of this household
        self.cadres = dict(Official.objects.filter(id_number__in=cadres).values_list("id_number", "pk"))
        for row in rows:
            self._check_row(row, villages)
        by_household: dict[str, list[Row]] = defaultdict(list)
        for row in rows:
            if row.values.get("number"):
                by_household[row.values["number"]].append(row)
        for household_rows in by_household.values():
            self._check_household(household_rows)
        self._check_duplicate_ids(rows)
        self._check_existing_households(by_household)
        reject_incomplete_households(by_household.values())

    def _check_row(self, row: Row, villages: dict[str, str]) -> None:
        v = row.values
        code = v.get("village_id")
        if code:
            if code not in villages:
                row.error("行政区划代码", f"村 {code} 不存在，请先导入行政区划")
            elif villages[code] != AdminLevel.VILLAGE:
                row.error("行政区划代码", f"{code} 不是村级单位")
            elif not unit_code_in_jurisdiction(self.user, code):
                row.error("行政区划代码", f"村 {code} 不在您的管辖范围内")
        if v.get("id_number"):
            sex = id_sex(v["id_number"])
            if v.get("sex") and v["sex"] != sex:
                row.error("性别", f"性别与证件号码不符（证件号码第 17 位表示{Sex(sex).label}性）")
            v["sex"] = v.get("sex") or sex
        if v.get("cadre_id_number") and v["cadre_id_number"] not in self.cadres:
            row.error("帮扶责任人证件号码", "该证件号码不是系统中的干部，请先导入干部")
        if v.get("status") in {HouseholdStatus.EXITED} and not v.get("exit_year"):
            row.error("脱贫年度", "户状态为已脱贫时须填写脱贫年度")
        if v.get("exit_year") and v.get("identified_year") and v["exit_year"] < v["identified_year"]:
            row.error("脱贫年度", "脱贫年度不能早于识别年度")
        for field in ("ethnicity", "education", "schooling", "employment", "phone", "health", "labour_skill"):
            v[field] = v.get(field) or ""
        v["main_cause"] = v.get("main_cause") or PovertyCause.OTHER

    def _check_household(self, rows: list[Row]) -> None:
        first = rows[0]
        for row in rows[1:]:
            for field in HOUSEHOLD_FIELDS:
                if row.values.get(field) != first.values.get(field) and row.values.get(field) is not None:
                    row.error(HEADER_OF[field], f"与同户第 {first.number} 行不一致（同一户的户信息须相同）")
        heads = [row for row in rows if row.values.get("relation") == Relation.HEAD]
        if not heads:
            for row in rows:
                row.error("与户主关系", f"户 {first.values['number']} 没有户主")
        for extra in heads[1:]:
            extra.error(
                "与户主关系", f"户 {first.values['number']} 有两名户主（另见第 {heads[0].number} 行）"
            )

    def _check_duplicate_ids(self, rows: list[Row]) -> None:
        """An ID number on two rows of the file is an error on both (every) rows; an ID number that is
        an active member of another household in the database is an error too, naming that household
        only when the importer may see it."""
        first: dict[str, Row] = {}
        repeated: dict[str, list[Row]] = {}  # only the ID numbers seen more than once get a list
        for row in rows:
            id_number = row.values.get("id_number")
            if not id_number:
                continue
            seen = first.setdefault(id_number, row)
            if seen is not row:
                repeated.setdefault(id_number, [seen]).append(row)
        for same in repeated.values():
            for row in same:
                others = "、".join(str(other.number) for other in same if other is not row)
                row.error(
                    "证件号码", _("该证件号码在本文件中重复出现（另见第 %(rows)s 行）") % {"rows": others}
                )
        elsewhere = {
            id_number: (number, village)
            for id_number, number, village in Member.objects.filter(
                active=True, id_number__any=list(first)
            ).values_list("id_number", "household__number", "household__village_id")
        }
        for row in rows:
            id_number, number = row.values.get("id_number"), row.values.get("number")
            if id_number not in elsewhere or elsewhere[id_number][0] == number:
                continue
            other_number, other_village = elsewhere[id_number]
            if unit_code_in_jurisdiction(self.user, other_village):
                row.error("证件号码", f"该证件号码已是户 {other_number} 的在户成员")
            else:
                row.error("证件号码", _(NOT_HERE_ID))

    def _check_existing_households(self, by_household: dict[str, list[Row]]) -> None:
        """A household number already in the database: the household must lie in the importer's
        jurisdiction, stay in its village (moving is a transfer, not an import) and keep its head
        (changing the head is a procedure on the household page)."""
        if not by_household:
            return
        current = {
            number: (pk, village)
            for number, pk, village in Household.objects.filter(number__any=list(by_household)).values_list(
                "number", "pk", "village_id"
            )
        }
        if not current:
            return
        heads = dict(
            Member.objects.filter(
                active=True, relation=Relation.HEAD, household_id__any=[pk for pk, _v in current.values()]
            ).values_list("household_id", "id_number")
        )
        for number, (pk, village) in current.items():
            household_rows = by_household[number]
            if not unit_code_in_jurisdiction(self.user, village):
                for row in household_rows:
                    row.error("户编号", _(NOT_HERE_HOUSEHOLD))
                continue
            for row in household_rows:
                if row.values.get("village_id") and row.values["village_id"] != village:
                    row.error(
                        "行政区划代码",
                        _("该户在系统中属于村 %(village)s；户迁移须办理迁移手续，不能通过导入变更")
                        % {"village": village},
                    )
            head = heads.get(pk)
            for row in household_rows:
                if (
                    head
                    and row.values.get("relation") == Relation.HEAD
                    and row.values.get("id_number")
                    and row.values["id_number"] != head
                ):
                    row.error(
                        "与户主关系",
                        _("该户在系统中的户主是另一人；更换户主请先在户页面为原户主办理减员，再导入"),
                    )

    # --- diff and write --------------------------------------------------------------------------

    def existing(self, keys: Iterable[Hashable]) -> dict[Hashable, dict[str, Any]]:
        numbers = list({key[0] for key in keys})
        fields = [f"household__{f}" for f in HOUSEHOLD_FIELDS[:-1]] + list(MEMBER_FIELDS)
        result = {}
        for values in Member.objects.filter(household__number__any=numbers).values(
            "household__number", "id_number", *fields
        ):
            key = (values.pop("household__number"), values.pop("id_number"))
            result[key] = {name.removeprefix("household__"): value for name, value in values.items()}
        return result

    def rule_years(self, rows: list[Row]) -> set[int]:
        """Exits count against the year's targets; the registered population is E-6/E-7's denominator."""
        return {row.values["exit_year"] for row in rows if row.values.get("exit_year")} | {
            timezone.localdate().year
        }

    def write(self, new: list[Row], changed: list[Row]) -> int:
        rows = new + changed
        household_ids, created = self._write_households(rows)
        self._write_members(rows, household_ids, created)
        self._write_pairings(rows, household_ids, created)
        return len(rows)

    def _write_households(self, rows: list[Row]) -> tuple[dict[str, int], set[str]]:
        """Upsert the households; returns their ids by number, and the numbers that are new.
        New households go in by COPY, straight from the parsed values (no model instances)."""
        fields = list(HOUSEHOLD_FIELDS[:-1])
        wanted: dict[str, dict[str, Any]] = {}
        for row in rows:
            wanted.setdefault(row.values["number"], row.values)
        current = {
            h.number: h for h in Household.objects.filter(number__any=list(wanted)).only("number", *fields)
        }
        updating = []
        for number, household in current.items():
            values = wanted[number]
            if any(getattr(household, f) != values[f] for f in fields):
                for f in fields:
                    setattr(household, f, values[f])
                updating.append(household)
        Household.objects.bulk_update(updating, fields, batch_size=5000)
        created = [number for number in wanted if number not in current]
        if created:
            # a new household's members are exactly its rows: its size and head are known here
            size: dict[str, int] = defaultdict(int)
            head: dict[str, str] = {}
            for row in rows:
                size[row.values["number"]] += 1
                if row.values["relation"] == Relation.HEAD:
                    head[row.values["number"]] = row.values["name"]
            defaults = tuple(COPY_HOUSEHOLD_DEFAULTS.values())
            copy_rows(
                "households_household",
                ["head_name", "member_count", *COPY_HOUSEHOLD_DEFAULTS, "number", *fields],
                (
                    (head[number], size[number], *defaults, number, *(wanted[number][f] for f in fields))
                    for number in created
                ),
            )
        ids = {number: household.pk for number, household in current.items()}
        if created:
            ids.update(Household.objects.filter(number__any=created).values_list("number", "pk"))
        return ids, set(created)

    def _write_members(self, rows: list[Row], household_ids: dict[str, int], created: set[str]) -> None:
        """New members by COPY; members of households that existed before are compared first."""
        old = [r for r in rows if r.values["number"] not in created]
        current = (
            {
                (m.household_id, m.id_number): m
                for m in Member.objects.filter(
                    household_id__any=list({household_ids[r.values["number"]] for r in old}),
                    id_number__any=[r.values["id_number"] for r in old],
                )
            }
            if old
            else {}
        )
        creating, updating = [], []
        for row in rows:
            v = row.values
            household_id = household_ids[v["number"]]
            member = current.get((household_id, v["id_number"]))
            if member is None:
                creating.append((household_id, v["id_number"], *(v[f] for f in MEMBER_FIELDS)))
            else:
                for f in MEMBER_FIELDS:
                    setattr(member, f, v[f])
                updating.append(member)
        defaults = tuple(COPY_MEMBER_DEFAULTS.values())
        copy_rows(
            "households_member",
            ["household_id", "id_number", *MEMBER_FIELDS, *COPY_MEMBER_DEFAULTS],
            ((*member, *defaults) for member in creating),
        )
        Member.objects.bulk_update(updating, list(MEMBER_FIELDS), batch_size=5000)
        household_summaries_refresh({household_ids[r.values["number"]] for r in old})

    def _write_pairings(self, rows: list[Row], household_ids: dict[str, int], created: set[str]) -> None:
        """A pairing with the row's helping cadre from the identification year, unless one is in force.
        New households' pairings go in by COPY."""
        wanted = {
            (self.cadres[r.values["cadre_id_number"]], household_ids[r.values["number"]])
            for r in rows
            if r.values.get("cadre_id_number")
        }
        if not wanted:
            return
        new_ids = {household_ids[number] for number in created}
        existing = set(
            HelpingCadrePairing.objects.filter(
                household_id__any=list({h for _official, h in wanted} - new_ids), valid_to__isnull=True
            ).values_list("official_id", "household_id")
        )
        start = {household_ids[r.values["number"]]: r.values["identified_year"] for r in rows}
        copy_rows(
            "households_helpingcadrepairing",
            ["official_id", "household_id", "valid_from"],
            ((o, h, dt.date(start[h], 1, 1)) for o, h in wanted if h in new_ids),
        )
        HelpingCadrePairing.objects.bulk_create(
            [
                HelpingCadrePairing(official_id=o, household_id=h, valid_from=dt.date(start[h], 1, 1))
                for o, h in wanted - existing
                if h not in new_ids
            ],
            batch_size=5000,
            ignore_conflicts=True,
        )


def reject_incomplete_households(households: Iterable[list[Row]]) -> None:
    """A household is imported whole or not at all: when any row of a household has an error,
    every other row of it is marked too, so that none of it is written."""
    for household_rows in households:
        bad = [row.number for row in household_rows if not row.valid]
        if not bad:
            continue
        shown = "、".join(str(number) for number in bad[:5]) + ("等" if len(bad) > 5 else "")
        message = _("同户第 %(rows)s 行有错误，本户未导入") % {"rows": shown}
        for row in household_rows:
            if row.valid:
                row.error("户编号", message)
