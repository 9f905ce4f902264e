"""Run inside ``manage.py shell`` by bench/import_households.py: the physical floor of the import.

The same file (``BENCH_FILE``) read by calamine into tuples, shaped into household, member and
pairing rows (choice labels looked up, nothing checked), then written by raw ``COPY`` into
``CREATE TABLE … (LIKE … INCLUDING ALL)`` copies of the three tables — same columns, defaults, checks
and indexes; no foreign keys, no validation, no history triggers, ids assigned here (none read back) —
and committed. Prints ``FLOOR <phase> <seconds>`` lines.
"""

from __future__ import annotations

import datetime as dt
import os
import time

from django.db import connection, transaction
from python_calamine import CalamineWorkbook

from accountability.models import Official
from households.importers.households import ATTRIBUTES, CAUSES, HEALTH, RELATIONS, SEXES, SKILLS, STATUSES

TABLES = ("households_household", "households_member", "households_helpingcadrepairing")
started = time.monotonic()
marks: dict[str, float] = {}


def mark(phase: str) -> None:
    global started
    now = time.monotonic()
    marks[phase] = now - started
    started = now


sheet = CalamineWorkbook.from_path(os.environ["BENCH_FILE"]).get_sheet_by_index(0)
rows = [(*row, "") for row in sheet.iter_rows()]  # the last cell: the one of a missing column
mark("read")

column = {header: index for index, header in enumerate(rows[0])}
c = {name: column.get(header, -1) for name, header in (
    ("village", "行政区划代码"), ("number", "户编号"), ("name", "姓名"), ("id", "证件号码"),
    ("relation", "与户主关系"), ("sex", "性别"), ("ethnicity", "民族"), ("education", "文化程度"),
    ("schooling", "在校生状况"), ("health", "健康状况"), ("skill", "劳动技能"), ("employment", "务工状况"),
    ("attribute", "贫困户属性"), ("cause", "主要致贫原因"), ("income", "人均纯收入"), ("year", "识别年度"),
    ("status", "户状态"), ("exit", "脱贫年度"), ("phone", "联系电话"), ("cadre", "帮扶责任人证件号码"),
)}  # fmt: skip
cadres = dict(Official.objects.values_list("id_number", "pk"))


def text(value) -> str:
    return value if type(value) is str else ("" if value in ("", None) else str(int(value)))


def number(value):
    return None if value in ("", None) else value


households: dict[str, list] = {}
members, pairings = [], set()
next_id = 10**9  # far above the sequence: the copies have no foreign keys and no shared ids
for row in rows[1:]:
    key = text(row[c["number"]])
    household = households.get(key)
    if household is None:
        next_id += 1
        year = int(row[c["year"]])
        household = households[key] = [
            next_id, "", 0, [], "", False, False, key, text(row[c["village"]]),
            ATTRIBUTES[row[c["attribute"]]],
            CAUSES.get(row[c["cause"]], ""), number(row[c["income"]]), year, STATUSES[row[c["status"]]],
            int(row[c["exit"]]) if row[c["exit"]] not in ("", None) else None, text(row[c["phone"]]),
        ]  # fmt: skip
        if row[c["cadre"]]:
            pairings.add((cadres.get(row[c["cadre"]]), next_id, dt.date(year, 1, 1)))
    relation = RELATIONS[row[c["relation"]]]
    household[2] += 1
    if relation == "head":
        household[1] = row[c["name"]]
    members.append((
        household[0], text(row[c["id"]]), row[c["name"]], relation, SEXES.get(row[c["sex"]], ""),
        row[c["ethnicity"]], row[c["education"]], row[c["schooling"]], HEALTH.get(row[c["health"]], ""),
        SKILLS.get(row[c["skill"]], ""), row[c["employment"]], True, "",
    ))  # fmt: skip
mark("shape")

HOUSEHOLD_COLUMNS = (
    "id, head_name, member_count, other_causes, income_sources, has_handbook, has_exit_certificate, number, "
    "village_id, attribute, main_cause, income_per_capita, identified_year, status, exit_year, phone"
)
MEMBER_COLUMNS = (
    "household_id, id_number, name, relation, sex, ethnicity, education, schooling, health, labour_skill, "
    "employment, active, left_reason"
)
with transaction.atomic(), connection.cursor() as cursor:
    for table in TABLES:
        cursor.execute(f"DROP TABLE IF EXISTS floor_{table}")
        cursor.execute(f"CREATE TABLE floor_{table} (LIKE {table} INCLUDING ALL)")
    mark("create")
    for table, columns, data in (
        ("households_household", HOUSEHOLD_COLUMNS, households.values()),
        ("households_member", MEMBER_COLUMNS, members),
        ("households_helpingcadrepairing", "official_id, household_id, valid_from", pairings),
    ):
        with cursor.cursor.copy(f"COPY floor_{table} ({columns}) FROM STDIN") as copy:
            for values in data:
                copy.write_row(values)
        mark(f"copy {table}")
mark("commit")
with connection.cursor() as cursor:
    for table in TABLES:
        cursor.execute(f"DROP TABLE floor_{table}")
print(f"FLOOR rows {len(rows) - 1} households {len(households)} pairings {len(pairings)}")
for phase, seconds in marks.items():
    print(f"FLOOR {phase} {seconds:.3f}")
