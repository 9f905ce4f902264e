"""A deterministic, realistic synthetic city for load tests and benchmarks.

Sizes follow the persons asked for: about 3.5 persons a household, 110 households a village,
10 villages a township, 10 townships a county. Units, officials (helping cadres) and households
with 1–8 members get valid ID numbers whose birth dates and sexes agree with the members'.
Rows are written with PostgreSQL COPY under one history context, so the history is kept.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from accountability.models import (
    AdminLevel,
    AdminUnit,
    Official,
    Organisation,
    OrganisationKind,
    Post,
    ResponsibilityAssignment,
)
from accountability.platform import xlsx
from accountability.platform.history import history_context
from accountability.platform.idnumbers import check_character

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国红梅玉林文斌志峰辉海波宁鹏飞雪琳晨阳浩然"
ATTRIBUTES = ["一般贫困户"] * 6 + ["低保贫困户"] * 3 + ["特困供养贫困户"]
CAUSES = [
    "因病",
    "因残",
    "因学",
    "因灾",
    "缺土地",
    "缺水",
    "缺技术",
    "缺劳力",
    "缺资金",
    "交通条件落后",
    "自身发展动力不足",
]
STATUSES = ["已脱贫"] * 7 + ["未脱贫"] * 2 + ["返贫"]
RELATIONS_AFTER_HEAD = ["配偶", "之子", "之女", "之父", "之母", "之孙子", "之孙女"]
CITY = "349800000000"
PERSONS_PER_HOUSEHOLD = 3.5
HOUSEHOLDS_PER_VILLAGE = 110


@dataclass(frozen=True)
class SyntheticMember:
    village: str
    number: str
    name: str
    id_number: str
    relation: str
    sex: str
    attribute: str
    cause: str
    income: str
    identified_year: int
    status: str
    exit_year: int | str
    cadre_id_number: str


class SyntheticCity:
    def __init__(self, persons: int, seed: int) -> None:
        self.persons = persons
        self.random = random.Random(seed)
        households = max(1, round(persons / PERSONS_PER_HOUSEHOLD))
        self.villages_needed = max(1, -(-households // HOUSEHOLDS_PER_VILLAGE))
        self.households = households
        self.sequences: dict[tuple[str, dt.date], int] = {}
        self.cadre_ids = self._cadres()  # drawn first, so every run draws the same people after them

    # --- units and officials -----------------------------------------------------------------

    def village_codes(self) -> list[str]:
        codes = []
        for index in range(self.villages_needed):
            county, rest = divmod(index, 100)
            township, village = divmod(rest, 10)
            codes.append(f"3498{county + 1:02d}{township + 101:03d}{village + 201:03d}")
        return codes

    def units(self) -> list[AdminUnit]:
        units = {CITY: AdminUnit(code=CITY, name="合成市", level=AdminLevel.CITY)}
        for code in self.village_codes():
            county, township = code[:6].ljust(12, "0"), code[:9].ljust(12, "0")
            units.setdefault(
                county,
                AdminUnit(code=county, name=f"合成{code[4:6]}县", level=AdminLevel.COUNTY, parent_id=CITY),
            )
            units.setdefault(
                township,
                AdminUnit(
                    code=township, name=f"合成{code[4:9]}镇", level=AdminLevel.TOWNSHIP, parent_id=county
                ),
            )
            units[code] = AdminUnit(
                code=code,
                name=f"合成{code[6:]}村",
                level=AdminLevel.VILLAGE,
                parent_id=township,
                is_poor_village=code.endswith(("1", "3")),
            )
        return list(units.values())

    def id_number(self, region: str, born: dt.date, sex: str) -> str:
        """Unique: the 3-digit sequence counts people of one region and birth date (odd for men)."""
        key = (region[:6], born)
        count = self.sequences.get(key, 0)
        while True:
            sequence = count * 2 + (1 if sex == "男" else 0)
            count += 1
            if sequence < 1000:
                break
            born += dt.timedelta(days=1)  # more than 500 of one sex born on a day: use the next day
            key, count = (region[:6], born), self.sequences.get((region[:6], born), 0)
        self.sequences[key] = count
        first17 = f"{region[:6]}{born:%Y%m%d}{sequence:03d}"
        return first17 + check_character(first17)

    def birth(self, low: int, high: int) -> dt.date:
        return dt.date(low, 1, 1) + dt.timedelta(days=self.random.randrange((high - low) * 365))

    def name(self) -> str:
        return self.random.choice(SURNAMES) + "".join(
            self.random.choice(GIVEN) for _ in range(self.random.choice((1, 2)))
        )

    def _cadres(self) -> dict[str, list[str]]:
        """Three helping cadres a village (ID numbers), born 1965–1990."""
        return {
            code: [self.id_number(code, self.birth(1965, 1990), self.random.choice("男女")) for _ in range(3)]
            for code in self.village_codes()
        }

    # --- households ----------------------------------------------------------------------------

    def members(self) -> Iterator[SyntheticMember]:
        cadres = self.cadre_ids
        villages = self.village_codes()
        for index in range(self.households):
            village = villages[index // HOUSEHOLDS_PER_VILLAGE]
            number = f"{village}{index % HOUSEHOLDS_PER_VILLAGE + 1:04d}"
            size = min(8, max(1, round(self.random.gauss(PERSONS_PER_HOUSEHOLD, 1.5))))
            status = self.random.choice(STATUSES)
            identified = self.random.choice((2014, 2015, 2016))
            exit_year = self.random.randrange(identified + 1, 2021) if status in {"已脱贫", "返贫"} else ""
            household = dict(
                attribute=self.random.choice(ATTRIBUTES),
                cause=self.random.choice(CAUSES),
                income=f"{self.random.randrange(2500, 12000)}.00",
                identified_year=identified,
                status=status,
                exit_year=exit_year,
                cadre_id_number=self.random.choice(cadres[village]),
            )
            for position in range(size):
                relation = (
                    "户主"
                    if position == 0
                    else RELATIONS_AFTER_HEAD[(position - 1) % len(RELATIONS_AFTER_HEAD)]
                )
                sex = "女" if relation in {"配偶", "之女", "之母", "之孙女"} else "男"
                born = (
                    self.birth(1945, 1985)
                    if position < 2 or relation in {"之父", "之母"}
                    else self.birth(1990, 2018)
                )
                yield SyntheticMember(
                    village,
                    number,
                    self.name(),
                    self.id_number(village, born, sex),
                    relation,
                    sex,
                    **household,
                )


HEADERS = [
    "行政区划代码",
    "户编号",
    "姓名",
    "证件号码",
    "与户主关系",
    "性别",
    "贫困户属性",
    "主要致贫原因",
    "人均纯收入",
    "识别年度",
    "户状态",
    "脱贫年度",
    "帮扶责任人证件号码",
]


def write_households_xlsx(city: SyntheticCity, path: Path) -> int:
    workbook = xlsx.new_workbook(write_only=True)
    sheet = workbook.create_sheet("贫困户")
    xlsx.append_row(sheet, HEADERS)
    rows = 0
    for m in city.members():
        xlsx.append_row(
            sheet,
            [
                m.village,
                m.number,
                m.name,
                m.id_number,
                m.relation,
                m.sex,
                m.attribute,
                m.cause,
                m.income,
                m.identified_year,
                m.status,
                m.exit_year,
                m.cadre_id_number,
            ],
        )
        rows += 1
    workbook.save(path)
    return rows


@transaction.atomic
def create_units_and_cadres(city: SyntheticCity) -> dict[str, list[str]]:
    """Units and helping cadres (idempotent); returns the cadres' ID numbers by village."""
    with history_context(reason="合成数据"):
        AdminUnit.objects.bulk_create(
            sorted(city.units(), key=lambda u: u.code.rstrip("0").__len__()),
            ignore_conflicts=True,
            batch_size=5000,
        )
        cadres = city.cadre_ids
        organisation, _ = Organisation.objects.get_or_create(
            unit_id=CITY, name="合成市帮扶单位", defaults={"kind": OrganisationKind.HELPING_UNIT}
        )
        Official.objects.bulk_create(
            [
                Official(name=f"帮扶干部{i}", id_number=id_number, organisation=organisation)
                for i, id_number in enumerate(n for numbers in cadres.values() for n in numbers)
            ],
            ignore_conflicts=True,
            batch_size=5000,
        )
        ids = dict(Official.objects.filter(organisation=organisation).values_list("id_number", "pk"))
        ResponsibilityAssignment.objects.bulk_create(
            [
                ResponsibilityAssignment(
                    official_id=ids[n],
                    scope_unit_id=village,
                    post=Post.HELPING_CADRE,
                    valid_from=dt.date(2014, 1, 1),
                )
                for village, numbers in cadres.items()
                for n in numbers
            ],
            ignore_conflicts=True,
            batch_size=5000,
        )
    return cadres
