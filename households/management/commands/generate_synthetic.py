from __future__ import annotations

import time
from collections import OrderedDict
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from accountability.platform.history import copy_rows, history_context
from households.importers.households import ATTRIBUTES as ATTRIBUTE
from households.importers.households import CAUSES as CAUSE
from households.importers.households import RELATIONS as RELATION
from households.importers.households import STATUSES as STATUS
from households.services import household_summaries_refresh
from households.synthetic import CITY, SyntheticCity, create_units_and_cadres, write_households_xlsx

#: household numbers start with the synthetic city's 4-digit prefix
SYNTHETIC_PREFIX = CITY[:4]
MISIDENTIFIED_SHARE_SQL = """
INSERT INTO households_verificationfinding (village_id, household_id, family_name, family_id_number, kind,
    source, found_date, assessment_year, persons_affected, status, note)
SELECT village_id, id, '', '', CASE WHEN id %% 3 = 0 THEN 'wrong_exit' ELSE 'misidentified' END,
       'third_party', DATE '2020-11-30', 2020, member_count, 'confirmed', '合成数据'
  FROM households_household WHERE number LIKE %(prefix)s AND id %% 400 = 7
"""


class Command(BaseCommand):
    help = (
        "生成确定性的合成数据（行政区划、帮扶干部、贫困户及成员、核查结果），可同时写出 households 导入文件。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--xlsx", type=Path, help="把同样的户和成员写成 households 导入文件")
        parser.add_argument(
            "--no-households", action="store_true", help="只生成行政区划和干部（导入基准测试用）"
        )

    def handle(self, *args, persons, seed, xlsx, no_households, **options):
        started = time.monotonic()
        city = SyntheticCity(persons, seed)
        create_units_and_cadres(city)
        self.stdout.write(
            f"行政区划与帮扶干部：{city.villages_needed} 个村（{time.monotonic() - started:.1f} 秒）"
        )
        if xlsx:
            rows = write_households_xlsx(SyntheticCity(persons, seed), xlsx)
            self.stdout.write(f"已写出 {xlsx}：{rows} 行（{time.monotonic() - started:.1f} 秒）")
        if not no_households:
            count = self.load_households(SyntheticCity(persons, seed))
            self.stdout.write(f"已写入 {count} 名成员（{time.monotonic() - started:.1f} 秒）")

    @transaction.atomic
    def load_households(self, city: SyntheticCity) -> int:
        members = list(city.members())
        households = OrderedDict()
        for m in members:
            households.setdefault(m.number, m)
        with history_context(reason="合成数据"):
            copy_rows(
                "households_household",
                [
                    "village_id",
                    "number",
                    "head_name",
                    "attribute",
                    "main_cause",
                    "other_causes",
                    "income_per_capita",
                    "income_sources",
                    "identified_year",
                    "status",
                    "exit_year",
                    "phone",
                    "member_count",
                    "has_handbook",
                    "has_exit_certificate",
                    "food_clothing_secure",
                    "compulsory_education_secure",
                    "basic_medical_secure",
                    "housing_safe",
                    "drinking_water_safe",
                ],
                (
                    (
                        h.village,
                        h.number,
                        h.name,
                        ATTRIBUTE[h.attribute],
                        CAUSE[h.cause],
                        "{}",
                        h.income,
                        "",
                        h.identified_year,
                        STATUS[h.status],
                        h.exit_year or None,
                        "",
                        0,
                        True,
                        h.status == "已脱贫",
                        True,
                        True,
                        True,
                        True,
                        True,
                    )
                    for h in households.values()
                ),
            )
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT number, id FROM households_household WHERE number LIKE %s",
                    [SYNTHETIC_PREFIX + "%"],
                )
                ids = dict(cursor.fetchall())
            copy_rows(
                "households_member",
                [
                    "household_id",
                    "name",
                    "id_number",
                    "relation",
                    "sex",
                    "ethnicity",
                    "education",
                    "schooling",
                    "health",
                    "labour_skill",
                    "employment",
                    "active",
                    "left_reason",
                ],
                (
                    (
                        ids[m.number],
                        m.name,
                        m.id_number,
                        RELATION[m.relation],
                        "male" if m.sex == "男" else "female",
                        "汉族",
                        "",
                        "",
                        "healthy",
                        "ordinary",
                        "",
                        True,
                        "",
                    )
                    for m in members
                ),
            )
            with connection.cursor() as cursor:
                household_summaries_refresh(list(ids.values()))
                cursor.execute(MISIDENTIFIED_SHARE_SQL, {"prefix": SYNTHETIC_PREFIX + "%"})
        return len(members)
