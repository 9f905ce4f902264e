"""Import kind ``households``: one row per member."""

from __future__ import annotations

import pytest

from accountability.access.roles import role_group
from accountability.demo.people import People
from accountability.importing.services import run_import
from accountability.platform.idnumbers import check_character
from households.models import Household, HouseholdStatus, Member, Relation
from tests.factories import UserFactory

HEADERS = [
    "行政区划代码",
    "户编号",
    "姓名",
    "证件号码",
    "与户主关系",
    "性别",
    "民族",
    "文化程度",
    "在校生状况",
    "健康状况",
    "劳动技能",
    "务工状况",
    "贫困户属性",
    "主要致贫原因",
    "人均纯收入",
    "识别年度",
    "户状态",
    "脱贫年度",
    "联系电话",
    "帮扶责任人证件号码",
]
V1, V2, OTHER_COUNTY = "349901101201", "349901101202", "349902101201"


@pytest.fixture
def people():
    return People(seed=11)


def member(village, number, name, id_number, relation="户主", sex="", status="未脱贫", exit_year="", **extra):
    row = {
        "行政区划代码": village,
        "户编号": number,
        "姓名": name,
        "证件号码": id_number,
        "与户主关系": relation,
        "性别": sex,
        "民族": "汉族",
        "贫困户属性": "一般贫困户",
        "主要致贫原因": "因病",
        "人均纯收入": "3200.50",
        "识别年度": 2015,
        "户状态": status,
        "脱贫年度": exit_year,
    }
    row.update(extra)
    return [row.get(header, "") for header in HEADERS]


def errors_by_row(job):
    found: dict[int, list[tuple[str, str]]] = {}
    for error in job.errors:
        found.setdefault(error["row"], []).append((error["column"], error["message"]))
    return found


@pytest.mark.django_db
def test_households_and_members_are_written_and_reimport_is_a_no_op(xlsx, county_user, people):
    rows = [
        member(V1, "H001", "张大", people.id_number(V1, sex="male")),
        member(V1, "H001", "李二", people.id_number(V1, sex="female"), relation="配偶"),
        member(V1, "H002", "王三", people.id_number(V1), status="已脱贫", exit_year=2019),
    ]
    path = xlsx(rows, headers=HEADERS)
    job = run_import(kind="households", path=path, actor=county_user)
    assert (job.new_rows, job.invalid_rows, job.written_rows) == (3, 0, 3), job.errors
    household = Household.objects.get(number="H001")
    assert (household.head_name, household.member_count, household.village_id) == ("张大", 2, V1)
    assert str(household.income_per_capita) == "3200.50"
    assert Household.objects.get(number="H002").status == HouseholdStatus.EXITED
    assert Member.objects.get(name="李二").sex == "female"  # derived from the ID number when empty
    again = run_import(kind="households", path=path, actor=county_user)
    assert (again.new_rows, again.changed_rows, again.unchanged_rows, again.written_rows) == (0, 0, 3, 0)


@pytest.mark.django_db
def test_every_bad_row_is_reported(xlsx, county_user, people):
    good = people.id_number(V1, sex="male")
    bad_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    male = people.id_number(V1, sex="male")
    shared = people.id_number(V1)
    rows = [
        member(V1, "A1", "甲", bad_check),  # 2: check character
        member(V1, "A2", "乙", male, sex="女"),  # 3: sex contradicts the ID
        member(V1, "A3", "丙", shared),  # 4: its ID also appears in A4: an error on both rows
        member(V1, "A4", "丁", shared),  # 5: duplicate ID across households
        member(V1, "A5", "戊", people.id_number(V1), relation="配偶"),  # 6: household without head
        member(V1, "A6", "己", people.id_number(V1)),  # 7
        member(V1, "A6", "庚", people.id_number(V1)),  # 8: second head
        member("349901101299", "A7", "辛", people.id_number(V1)),  # 9: unknown village
        member(OTHER_COUNTY, "A8", "壬", people.id_number(V1)),  # 10: outside the jurisdiction
        member(V1, "A9", "癸", people.id_number(V1), **{"贫困户属性": "富裕户"}),  # 11: unknown enumeration
        member(V1, "B1", "子", people.id_number(V1)),  # 12
        member(V2, "B1", "丑", people.id_number(V1), relation="之子"),  # 13: household fields differ
        member(V1, "B2", "寅", people.id_number(V1), status="已脱贫"),  # 14: exited without exit year
    ]
    job = run_import(kind="households", path=xlsx(rows, headers=HEADERS), actor=county_user, dry_run=True)
    found = errors_by_row(job)
    assert found[2][0][0] == "证件号码" and "校验位错误" in found[2][0][1]
    assert found[3] == [("性别", "性别与证件号码不符（证件号码第 17 位表示男性）")]
    assert found[4] == [("证件号码", "该证件号码在本文件中重复出现（另见第 5 行）")]
    assert found[5] == [("证件号码", "该证件号码在本文件中重复出现（另见第 4 行）")]
    assert found[6] == [("与户主关系", "户 A5 没有户主")]
    assert found[8] == [("与户主关系", "户 A6 有两名户主（另见第 7 行）")]
    assert found[9] == [("行政区划代码", "村 349901101299 不存在，请先导入行政区划")]
    assert found[10] == [("行政区划代码", f"村 {OTHER_COUNTY} 不在您的管辖范围内")]
    assert found[11][0][0] == "贫困户属性" and "“富裕户”不在可选值中" in found[11][0][1]
    assert found[13] == [("行政区划代码", "与同户第 12 行不一致（同一户的户信息须相同）")]
    assert found[12] == [("户编号", "同户第 13 行有错误，本户未导入")]  # the household is whole or nothing
    assert found[14] == [("脱贫年度", "户状态为已脱贫时须填写脱贫年度")]
    assert Household.objects.count() == 0


@pytest.mark.django_db
def test_an_id_number_active_in_another_household_in_the_database_is_refused(xlsx, county_user, people):
    id_number = people.id_number(V1)
    run_import(
        kind="households", path=xlsx([member(V1, "C1", "甲", id_number)], headers=HEADERS), actor=county_user
    )
    job = run_import(
        kind="households",
        path=xlsx([member(V1, "C2", "甲", id_number)], headers=HEADERS),
        actor=county_user,
        dry_run=True,
    )
    assert errors_by_row(job) == {2: [("证件号码", "该证件号码已是户 C1 的在户成员")]}


@pytest.mark.django_db
def test_the_database_keeps_one_head_and_unique_active_ids(county_user, people):
    from django.db import IntegrityError, transaction

    household = Household.objects.create(
        village_id=V1,
        number="D1",
        head_name="甲",
        attribute="ordinary",
        main_cause="illness",
        identified_year=2015,
        status="not_exited",
    )
    first17 = people.id_number(V1)[:17]
    Member.objects.create(
        household=household,
        name="甲",
        id_number=first17 + check_character(first17),
        relation=Relation.HEAD,
        sex="male",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.create(
            household=household, name="乙", id_number=people.id_number(V1), relation=Relation.HEAD, sex="male"
        )


@pytest.mark.django_db
def test_export_then_import_is_lossless_for_a_role_with_the_right(
    client, xlsx, county_user, people, tmp_path
):
    from accountability.access.roles import sync_roles
    from accountability.models import ExportRecord

    sync_roles()
    county_user.groups.set([role_group("county_office")])
    rows = [
        member(
            V1, "R1", "张大", people.id_number(V1, sex="male"), 健康状况="患有大病", 联系电话="13912345678"
        ),
        member(
            V1,
            "R1",
            "李二",
            people.id_number(V1, sex="female"),
            relation="配偶",
            劳动技能="普通劳动力",
            联系电话="13912345678",
        ),
        member(
            V2, "R2", "王三", people.id_number(V2), status="已脱贫", exit_year=2019, 主要致贫原因="缺技术"
        ),
    ]
    first = run_import(kind="households", path=xlsx(rows, headers=HEADERS), actor=county_user)
    assert first.written_rows == 3, first.errors
    client.force_login(county_user)
    response = client.get("/households/export.xlsx")
    assert response.status_code == 200
    exported = tmp_path / "export.xlsx"
    exported.write_bytes(response.content)
    again = run_import(kind="households", path=exported, actor=county_user)
    assert (again.total_rows, again.invalid_rows, again.unchanged_rows, again.written_rows) == (3, 0, 3, 0), (
        again.errors
    )
    record = ExportRecord.objects.get(created_by=county_user)
    assert (record.kind, record.row_count, record.masked) == ("households", 3, False)


@pytest.mark.django_db
def test_export_masks_ids_for_roles_without_the_right(client, xlsx, county_user, people, tmp_path):
    from openpyxl import load_workbook

    from accountability.models import ExportRecord

    id_number = people.id_number(V1)
    run_import(
        kind="households", path=xlsx([member(V1, "M1", "甲", id_number)], headers=HEADERS), actor=county_user
    )
    viewer = UserFactory(username="viewer", jurisdiction_id=V1)
    client.force_login(viewer)
    path = tmp_path / "masked.xlsx"
    path.write_bytes(client.get("/households/export.xlsx").content)
    sheet = load_workbook(path).active
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet["D2"].value == id_number[:6] + "********" + id_number[-4:]
    assert ExportRecord.objects.get(created_by=viewer).masked is True


# --- issue 11 §2: an import never changes a record outside the importer's jurisdiction -------------

NOT_HERE_HOUSEHOLD = "该户编号不能在本辖区导入：请联系其所在辖区"
NOT_HERE_ID = "该证件号码不能在本辖区导入：请联系其所在辖区"


@pytest.mark.django_db
def test_another_countys_household_is_neither_changed_nor_moved_nor_named(xlsx, county_user, people):
    head, spouse = people.id_number(V1, sex="male"), people.id_number(V1, sex="female")
    rows = [
        member(V1, "E1", "张大", head, 联系电话="13900000001"),
        member(V1, "E1", "李二", spouse, relation="配偶", 联系电话="13900000001"),
    ]
    assert (
        run_import(kind="households", path=xlsx(rows, headers=HEADERS), actor=county_user).written_rows == 2
    )
    west = UserFactory(username="west", jurisdiction_id="349902000000")

    # the same members with a village of the other county, a new phone and status: not moved
    moved = [
        member(OTHER_COUNTY, "E1", "张大", head, status="已脱贫", exit_year=2019, 联系电话="13800000000"),
        member(
            OTHER_COUNTY,
            "E1",
            "李二",
            spouse,
            "配偶",
            status="已脱贫",
            exit_year=2019,
            联系电话="13800000000",
        ),
    ]
    job = run_import(kind="households", path=xlsx(moved, headers=HEADERS), actor=west)
    assert (job.status, job.written_rows) == ("done", 0)
    assert errors_by_row(job) == {2: [("户编号", NOT_HERE_HOUSEHOLD)], 3: [("户编号", NOT_HERE_HOUSEHOLD)]}
    household = Household.objects.get(number="E1")
    assert (household.village_id, household.phone, household.status) == (V1, "13900000001", "not_exited")

    # the same household number with other people: a row error, not a 500 and a job stuck in "writing"
    others = [
        member(OTHER_COUNTY, "E1", "王五", people.id_number(OTHER_COUNTY)),
        member(OTHER_COUNTY, "E1", "赵六", people.id_number(OTHER_COUNTY), relation="配偶"),
    ]
    job = run_import(kind="households", path=xlsx(others, headers=HEADERS), actor=west)
    assert (job.status, job.written_rows, job.invalid_rows) == ("done", 0, 2)
    assert set(Member.objects.filter(household=household).values_list("id_number", flat=True)) == {
        head,
        spouse,
    }

    # its head's ID number in a household of the other county: refused without naming household E1
    job = run_import(
        kind="households", path=xlsx([member(OTHER_COUNTY, "W1", "张大", head)], headers=HEADERS), actor=west
    )
    assert errors_by_row(job) == {2: [("证件号码", NOT_HERE_ID)]}
    assert "E1" not in str(job.errors) and not Household.objects.filter(number="W1").exists()


@pytest.mark.django_db
def test_an_import_neither_moves_a_household_to_another_village_nor_changes_its_head(
    xlsx, county_user, people
):
    head = people.id_number(V1, sex="male")
    rows = [member(V1, "E2", "张大", head), member(V1, "E2", "李二", people.id_number(V1), relation="配偶")]
    run_import(kind="households", path=xlsx(rows, headers=HEADERS), actor=county_user)
    moved = [member(V2, *row[1:4], relation=row[4]) for row in rows]
    job = run_import(kind="households", path=xlsx(moved, headers=HEADERS), actor=county_user)
    message = f"该户在系统中属于村 {V1}；户迁移须办理迁移手续，不能通过导入变更"
    assert errors_by_row(job) == {2: [("行政区划代码", message)], 3: [("行政区划代码", message)]}
    assert Household.objects.get(number="E2").village_id == V1

    new_head = [
        member(V1, "E2", "王五", people.id_number(V1)),
        member(V1, "E2", "张大", head, relation="之子"),
    ]
    job = run_import(kind="households", path=xlsx(new_head, headers=HEADERS), actor=county_user)
    assert job.status == "done" and job.written_rows == 0
    assert errors_by_row(job) == {
        2: [("与户主关系", "该户在系统中的户主是另一人；更换户主请先在户页面为原户主办理减员，再导入")],
        3: [("户编号", "同户第 2 行有错误，本户未导入")],
    }
    assert Member.objects.get(id_number=head).relation == Relation.HEAD


# --- issue 12 §7: a household is imported whole or not at all ------------------------------------


@pytest.mark.django_db
def test_a_bad_head_row_rejects_its_household_only_and_the_cli_ends_cleanly(
    xlsx, county_user, people, capsys
):
    from django.core.management import call_command

    good = people.id_number(V1, sex="male")
    bad_head = good[:-1] + ("0" if good[-1] != "0" else "1")
    rows = [
        member(V1, "G1", "张大", bad_head),
        member(V1, "G1", "李二", people.id_number(V1), relation="配偶"),
        member(V1, "G2", "王三", people.id_number(V1)),
        member(V1, "G2", "赵四", people.id_number(V1), relation="之子"),
    ]
    call_command("import_xlsx", "households", str(xlsx(rows, headers=HEADERS)), "--as", county_user.username)
    out = capsys.readouterr().out
    assert "第 3 行  【户编号】 同户第 2 行有错误，本户未导入" in out
    assert not Household.objects.filter(number="G1").exists()
    assert Household.objects.get(number="G2").member_count == 2


@pytest.mark.django_db
def test_an_id_number_on_two_rows_of_one_household_is_an_error_on_both(xlsx, county_user, people):
    twice = people.id_number(V1)
    rows = [member(V1, "G3", "张大", twice), member(V1, "G3", "张大", twice, relation="之子")]
    job = run_import(kind="households", path=xlsx(rows, headers=HEADERS), actor=county_user)
    assert errors_by_row(job) == {
        2: [("证件号码", "该证件号码在本文件中重复出现（另见第 3 行）")],
        3: [("证件号码", "该证件号码在本文件中重复出现（另见第 2 行）")],
    }
    assert (job.status, Household.objects.count()) == ("done", 0)


@pytest.mark.django_db
def test_summaries_follow_the_active_members_and_count_zero_when_none_is_left(county_user, people):
    """One maintenance path for member_count and head_name (households.services)."""
    from households.services import household_summaries_refresh

    household = Household.objects.create(
        village_id=V1,
        number="S1",
        head_name="旧名",
        member_count=5,
        attribute="ordinary",
        main_cause="illness",
        identified_year=2015,
        status="not_exited",
    )
    first17 = people.id_number(V1)[:17]
    Member.objects.create(
        household=household,
        name="甲",
        id_number=first17 + check_character(first17),
        relation=Relation.HEAD,
        sex="male",
    )
    Member.objects.create(
        household=household, name="乙", id_number=people.id_number(V1), relation="spouse", sex="female"
    )
    household_summaries_refresh({household.pk})
    household.refresh_from_db()
    assert (household.member_count, household.head_name) == (2, "甲")

    Member.objects.filter(household=household).update(active=False)
    household_summaries_refresh({household.pk})
    household.refresh_from_db()
    assert (household.member_count, household.head_name) == (0, "甲")  # no head left: the name is kept
