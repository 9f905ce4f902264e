"""The fictional demo city: 2 counties × 3 townships × 4 villages, some of them poor villages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from accountability.models import AdminLevel, AdminUnit

CITY = ("349900000000", "示范市")
COUNTIES = [("349901000000", "东山县"), ("349902000000", "西河县")]
TOWNSHIP_NAMES = {
    "349901": ["青石镇", "柳园乡", "桃花镇"],
    "349902": ["河湾镇", "长岭乡", "白杨镇"],
}
VILLAGE_NAMES = ["东村", "西村", "南庄村", "北岗村"]


@dataclass(frozen=True)
class DemoUnit:
    code: str
    name: str
    level: str
    parent: str | None
    is_poor_village: bool = False
    planned_exit_year: int | None = None
    exit_year: int | None = None
    rural_population: int | None = None
    groups_remediated_on: dt.date | None = None  # S-7: an exited poor village had completed it


def demo_units() -> list[DemoUnit]:
    units = [DemoUnit(CITY[0], CITY[1], AdminLevel.CITY, None)]
    for county_code, county_name in COUNTIES:
        units.append(DemoUnit(county_code, county_name, AdminLevel.COUNTY, CITY[0]))
        for t, township_name in enumerate(TOWNSHIP_NAMES[county_code[:6]], start=1):
            township_code = f"{county_code[:6]}{100 + t:03d}000"
            units.append(DemoUnit(township_code, township_name, AdminLevel.TOWNSHIP, county_code))
            for v, village_name in enumerate(VILLAGE_NAMES, start=1):
                poor = v in (1, 3)
                # the first township of each county has a poor village that missed its planned exit
                exited = None if (t == 1 and v == 3) else (2019 if v == 1 else 2020) if poor else None
                units.append(
                    DemoUnit(
                        code=f"{township_code[:9]}{200 + v:03d}",
                        name=township_name[:2] + village_name,
                        level=AdminLevel.VILLAGE,
                        parent=township_code,
                        is_poor_village=poor,
                        planned_exit_year=(2019 if v == 1 else 2020) if poor else None,
                        exit_year=exited,
                        rural_population=900 + 150 * v + 40 * t,
                        groups_remediated_on=dt.date(exited, 6, 30) if exited else None,
                    )
                )
    return units


def load_hierarchy() -> int:
    """Create or update the demo units (idempotent); returns how many rows changed."""
    existing = {u.code: u for u in AdminUnit.objects.filter(code__startswith=CITY[0][:4])}
    fields = [
        "name",
        "level",
        "parent_id",
        "is_poor_village",
        "planned_exit_year",
        "exit_year",
        "rural_population",
        "groups_remediated_on",
    ]
    to_create, to_update = [], []
    for demo in demo_units():
        wanted = AdminUnit(
            code=demo.code,
            name=demo.name,
            level=demo.level,
            parent_id=demo.parent,
            is_poor_village=demo.is_poor_village,
            planned_exit_year=demo.planned_exit_year,
            exit_year=demo.exit_year,
            rural_population=demo.rural_population,
            groups_remediated_on=demo.groups_remediated_on,
        )
        current = existing.get(demo.code)
        if current is None:
            to_create.append(wanted)
        elif any(getattr(current, f) != getattr(wanted, f) for f in fields):
            to_update.append(wanted)
    AdminUnit.objects.bulk_create(to_create)
    AdminUnit.objects.bulk_update(to_update, fields)
    return len(to_create) + len(to_update)
