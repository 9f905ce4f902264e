"""Demo officials for every post of the demo city, helping units and their village pairings.

Deliberate features for the demo: 青石东村's party secretary was handed over on 2026-07-01; 白杨镇's
third village (a poor village) has no first secretary and no helping unit, so the gaps page shows it.
"""

from __future__ import annotations

import datetime as dt

from accountability.models import (
    AdminLevel,
    AdminUnit,
    CadreLevel,
    Department,
    HelpingUnitPairing,
    Official,
    Organisation,
    OrganisationKind,
    Post,
    ResponsibilityAssignment,
)

from .hierarchy import CITY
from .people import People

TERM_START = dt.date(2018, 1, 1)
HANDOVER_DAY = dt.date(2026, 7, 1)
HANDOVER_VILLAGE = "349901101201"
GAP_VILLAGE = "349902103203"


class DemoBuilder:
    def __init__(self) -> None:
        self.people = People(seed=2020)
        self.units = {u.code: u for u in AdminUnit.objects.filter(code__startswith=CITY[0][:4])}
        self.unit_heads: dict[int, Official] = {}

    def organisation(self, unit: str, name: str, kind: str, department: str = "") -> Organisation:
        organisation, _ = Organisation.objects.update_or_create(
            unit_id=unit, name=name, defaults={"kind": kind, "department": department}
        )
        return organisation

    def official(self, organisation: Organisation, title: str, cadre_level: str) -> Official:
        name = self.people.name()
        id_number = self.people.id_number(organisation.unit_id)
        mobile = self.people.mobile()
        official, _ = Official.objects.update_or_create(
            id_number=id_number,
            defaults={
                "name": name,
                "mobile": mobile,
                "organisation": organisation,
                "title": title,
                "cadre_level": cadre_level,
            },
        )
        return official

    def assign(self, official: Official, unit: str, post: Post, start=TERM_START, end=None) -> None:
        ResponsibilityAssignment.objects.update_or_create(
            official=official, scope_unit_id=unit, post=post, valid_from=start, defaults={"valid_to": end}
        )

    def build(self) -> dict[str, Official]:
        """Fill every post; returns a few officials by role for the demo logins."""
        named: dict[str, Official] = {}
        city = CITY[0]
        city_committee = self.organisation(city, "示范市委", OrganisationKind.PARTY_COMMITTEE)
        city_government = self.organisation(city, "示范市人民政府", OrganisationKind.GOVERNMENT)
        self.organisation(city, "示范市扶贫办", OrganisationKind.DEPARTMENT, Department.POVERTY_OFFICE)
        self.organisation(city, "示范市纪委监委", OrganisationKind.DEPARTMENT, Department.DISCIPLINE)
        self.organisation(city, "示范市审计局", OrganisationKind.DEPARTMENT, Department.AUDIT)
        CM = CadreLevel.CITY_MANAGED
        self.assign(self.official(city_committee, "市委书记", CM), city, Post.CITY_SECRETARY)
        self.assign(self.official(city_government, "市长", CM), city, Post.CITY_MAYOR)
        self.assign(self.official(city_government, "副市长", CM), city, Post.CITY_LEADER_IN_CHARGE)
        for title in ("市人大常委会副主任", "市政协副主席"):
            self.assign(self.official(city_committee, title, CM), city, Post.CITY_LEADER)
        for county in (u for u in self.units.values() if u.level == AdminLevel.COUNTY):
            self.build_county(county, named)
        return named

    def build_county(self, county: AdminUnit, named: dict[str, Official]) -> None:
        c, name = county.code, county.name
        committee = self.organisation(c, f"{name}委", OrganisationKind.PARTY_COMMITTEE)
        government = self.organisation(c, f"{name}人民政府", OrganisationKind.GOVERNMENT)
        self.organisation(c, f"{name}扶贫办", OrganisationKind.DEPARTMENT, Department.POVERTY_OFFICE)
        helping_units = [
            self.organisation(c, f"{name}{dept}", OrganisationKind.HELPING_UNIT)
            for dept in ("交通运输局", "教育局", "农业农村局")
        ]
        CM = CadreLevel.CITY_MANAGED
        self.assign(self.official(committee, "县委书记", CM), c, Post.COUNTY_SECRETARY)
        self.assign(self.official(government, "县长", CM), c, Post.COUNTY_HEAD)
        self.assign(self.official(government, "副县长", CM), c, Post.COUNTY_LEADER_IN_CHARGE)
        county_leaders = [
            self.official(committee, title, CM) for title in ("县委常委", "县人大副主任", "县政协副主席")
        ]
        for leader in county_leaders:
            self.assign(leader, c, Post.COUNTY_LEADER)
        townships = sorted((u for u in self.units.values() if u.parent_id == c), key=lambda u: u.code)
        for index, township in enumerate(townships):
            self.assign(
                county_leaders[index % len(county_leaders)], township.code, Post.COUNTY_LEADER_FOR_TOWNSHIP
            )
            self.build_township(township, helping_units, named)

    def build_township(self, township: AdminUnit, helping_units: list[Organisation], named) -> None:
        t, name = township.code, township.name
        committee = self.organisation(t, f"{name}党委", OrganisationKind.PARTY_COMMITTEE)
        government = self.organisation(t, f"{name}人民政府", OrganisationKind.GOVERNMENT)
        CM, TM = CadreLevel.COUNTY_MANAGED, CadreLevel.TOWNSHIP_MANAGED
        self.assign(self.official(committee, "党委书记", CM), t, Post.TOWNSHIP_SECRETARY)
        self.assign(
            self.official(government, "镇长" if name.endswith("镇") else "乡长", CM), t, Post.TOWNSHIP_HEAD
        )
        self.assign(self.official(government, "副镇长", CM), t, Post.TOWNSHIP_LEADER_IN_CHARGE)
        villages = sorted((u for u in self.units.values() if u.parent_id == t), key=lambda u: u.code)
        for index, village in enumerate(villages):
            cadre = self.official(government, "包村干部", TM)
            self.assign(cadre, village.code, Post.TOWNSHIP_CADRE_FOR_VILLAGE)
            self.build_village(village, helping_units[index % len(helping_units)], named)

    def build_village(self, village: AdminUnit, helping_unit: Organisation, named) -> None:
        v = village.code
        committees = self.organisation(v, f"{village.name}两委", OrganisationKind.VILLAGE_COMMITTEES)
        VL = CadreLevel.VILLAGE
        secretary = self.official(committees, "村党组织书记", VL)
        if v == HANDOVER_VILLAGE:
            self.assign(secretary, v, Post.VILLAGE_SECRETARY, end=HANDOVER_DAY - dt.timedelta(days=1))
            successor = self.official(committees, "村党组织书记", VL)
            self.assign(successor, v, Post.VILLAGE_SECRETARY, start=HANDOVER_DAY)
            named["village_official"] = successor
            named["former_village_secretary"] = secretary
        else:
            self.assign(secretary, v, Post.VILLAGE_SECRETARY)
        self.assign(self.official(committees, "村委会主任", VL), v, Post.VILLAGE_DIRECTOR)
        self.assign(self.official(committees, "村包户干部", VL), v, Post.VILLAGE_HOUSEHOLD_CADRE)
        if not village.is_poor_village or v == GAP_VILLAGE:
            return
        TM = CadreLevel.TOWNSHIP_MANAGED
        self.assign(self.official(helping_unit, "选派第一书记", TM), v, Post.FIRST_SECRETARY)
        for _ in range(2):
            self.assign(self.official(helping_unit, "驻村工作队员", TM), v, Post.WORK_TEAM_MEMBER)
        if helping_unit.pk not in self.unit_heads:  # one head per helping unit, for all its villages
            self.unit_heads[helping_unit.pk] = self.official(helping_unit, "局长", CadreLevel.COUNTY_MANAGED)
        self.assign(self.unit_heads[helping_unit.pk], v, Post.HELPING_UNIT_HEAD)
        for _ in range(2):
            self.assign(self.official(helping_unit, "帮扶责任人", TM), v, Post.HELPING_CADRE)
        HelpingUnitPairing.objects.update_or_create(
            organisation=helping_unit, village_id=v, valid_from=TERM_START, defaults={"valid_to": None}
        )


def load_responsibility() -> dict[str, Official]:
    return DemoBuilder().build()
