"""Property test of the households import (issue 12 §7): a household is imported whole or not at all.

Files of a few households, one row per member, with bad rows of every kind the importer knows at
random positions (head rows included). For every file: strict mode writes nothing; normal mode writes
exactly the households without a bad row and marks every row of the others; a repeat changes nothing;
no import raises or ends failed. Each example runs in a transaction rolled back at its end.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accountability.demo.people import People
from accountability.importing.services import run_import
from households.models import Household, Member
from tests.test_households_import import HEADERS, V1, V2, member

UNKNOWN_VILLAGE, OTHER_COUNTY = "349901101299", "349902101201"
ROW_FAULTS = (
    "bad_check",  # the ID number's check character is wrong
    "unknown_village",
    "other_county",  # a village outside the importer's jurisdiction
    "bad_relation",
    "bad_year",  # 识别年度 not a four-digit year
    "exit_before_identified",
    "exited_without_year",
    "sex_mismatch",
    "missing_name",
    "bad_income",
    "inconsistent",  # household fields differ from the household's other rows
    "duplicate_id",  # the ID number of another row of the file
)
HOUSEHOLD_FAULTS = ("missing_head", "two_heads")


class Rollback(Exception):
    pass


def column(name: str) -> int:
    return HEADERS.index(name)


@st.composite
def household_files(draw):
    """(rows, bad, clean): a file's member rows, the households that must be refused, and the rows of
    the households already in the database before the file is imported."""
    people = People(seed=draw(st.integers(0, 10**6)))
    sizes = draw(st.lists(st.integers(1, 4), min_size=1, max_size=5))
    households: dict[str, list[list]] = {}
    for index, size in enumerate(sizes):
        number, village = f"P{index}", draw(st.sampled_from([V1, V2]))
        rows = [member(village, number, people.name(), people.id_number(village))]
        rows += [
            member(
                village,
                number,
                people.name(),
                people.id_number(village),
                relation="配偶" if i == 0 else "之子",
            )
            for i in range(size - 1)
        ]
        households[number] = rows
    # some households are in the database already (as the clean rows say); the file may change their
    # income (every row of the household alike, not a fault)
    existing = draw(st.lists(st.sampled_from(sorted(households)), unique=True, max_size=len(households)))
    clean = [list(row) for number in existing for row in households[number]]
    for rows in households.values():
        if draw(st.booleans()):
            for row in rows:
                row[column("人均纯收入")] = "4100.00"
    faulted = draw(st.lists(st.sampled_from(sorted(households)), unique=True, max_size=len(households)))
    bad = set(faulted)
    for number in faulted:
        rows = households[number]
        fault = draw(st.sampled_from(ROW_FAULTS + HOUSEHOLD_FAULTS))
        row = draw(st.sampled_from(rows))  # the head's row as likely as any other
        if fault == "missing_head":
            rows[0][column("与户主关系")] = "配偶"
        elif fault == "two_heads" and len(rows) > 1:
            row = draw(st.sampled_from(rows[1:]))
            row[column("与户主关系")] = "户主"
        elif fault == "duplicate_id":
            # the source row stays as it is: it comes from a household without a fault of its own
            # (or this one); both households are refused
            sources = [
                (other, candidate)
                for other, other_rows in households.items()
                if other == number or other not in faulted
                for candidate in other_rows
                if candidate is not row
            ]
            if sources:
                other, source = draw(st.sampled_from(sources))
                row[column("证件号码")] = source[column("证件号码")]
                bad.add(other)
            else:
                row[column("姓名")] = ""
        elif fault == "bad_check":
            id_number = row[column("证件号码")]
            row[column("证件号码")] = id_number[:-1] + ("0" if id_number[-1] != "0" else "1")
        elif fault == "unknown_village":
            row[column("行政区划代码")] = UNKNOWN_VILLAGE
        elif fault == "other_county":
            row[column("行政区划代码")] = OTHER_COUNTY
        elif fault == "bad_relation":
            row[column("与户主关系")] = "邻居"
        elif fault == "bad_year":
            row[column("识别年度")] = "15"
        elif fault == "exit_before_identified":
            row[column("户状态")], row[column("脱贫年度")] = "已脱贫", 2010
        elif fault == "exited_without_year":
            row[column("户状态")] = "已脱贫"
        elif fault == "sex_mismatch":
            male = int(row[column("证件号码")][16]) % 2 == 1
            row[column("性别")] = "女" if male else "男"
        elif fault == "bad_income":
            row[column("人均纯收入")] = "三千"
        elif fault == "inconsistent" and len(rows) > 1:
            draw(st.sampled_from(rows[1:]))[column("人均纯收入")] = "9999.00"
        else:  # two_heads or inconsistent in a household of one
            row[column("姓名")] = ""
    ordered = draw(st.permutations([row for rows in households.values() for row in rows]))
    return ordered, bad, clean


def snapshot() -> tuple:
    households = sorted(
        Household.objects.values_list(
            "number", "village_id", "head_name", "member_count", "status", "income_per_capita"
        )
    )
    members = sorted(
        Member.objects.values_list("household__number", "id_number", "name", "relation", "active")
    )
    return households, members


def households_of(rows: list[list]) -> dict[str, tuple]:
    """What a household's rows say: village, income, and its members (ID, name), for comparison."""
    result: dict[str, tuple] = {}
    for row in rows:
        number = row[column("户编号")]
        members = result[number][2] if number in result else frozenset()
        member_ = (row[column("证件号码")], row[column("姓名")])
        result[number] = (row[column("行政区划代码")], row[column("人均纯收入")], members | {member_})
    return result


def database_households() -> dict[str, tuple]:
    result = {}
    for household in Household.objects.prefetch_related("members"):
        members = frozenset((m.id_number, m.name) for m in household.members.all() if m.active)
        result[household.number] = (household.village_id, f"{household.income_per_capita:.2f}", members)
    return result


@pytest.mark.django_db
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=household_files())
def test_households_are_imported_whole_or_not_at_all(case, xlsx, county_user):
    rows, bad, clean = case
    number_column = column("户编号")
    in_file = households_of(rows)
    good = set(in_file) - bad
    try:
        with transaction.atomic():
            if clean:
                first = run_import(kind="households", path=xlsx(clean, headers=HEADERS), actor=county_user)
                assert (first.status, first.written_rows, first.invalid_rows) == ("done", len(clean), 0)
            start = snapshot()
            expected = database_households()  # refused households stay as they are
            expected.update({number: in_file[number] for number in good})  # the others as the file says

            path = xlsx(rows, headers=HEADERS)
            strict = run_import(kind="households", path=path, actor=county_user, strict=True)
            assert strict.status == "done", strict.message
            if bad:
                assert strict.written_rows == 0 and snapshot() == start
            else:
                assert database_households() == expected
                raise Rollback  # nothing more to learn from a clean file

            normal = run_import(kind="households", path=path, actor=county_user)
            assert normal.status == "done", normal.message
            assert database_households() == expected
            error_rows = {error["row"] for error in normal.errors}
            bad_rows = {index for index, row in enumerate(rows, start=2) if row[number_column] in bad}
            assert error_rows == bad_rows  # every row of a refused household is marked, no other
            before = snapshot()

            again = run_import(kind="households", path=path, actor=county_user)
            assert again.status == "done", again.message
            assert (again.new_rows, again.changed_rows, again.written_rows) == (0, 0, 0)
            assert {error["row"] for error in again.errors} == bad_rows
            assert snapshot() == before
            raise Rollback
    except Rollback:
        pass
