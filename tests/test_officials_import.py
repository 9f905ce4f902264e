"""Import kind ``officials``: one row per post held."""

from __future__ import annotations

import datetime as dt

import pytest

from accountability.demo.people import People
from accountability.importing.services import run_import
from accountability.models import (
    Official,
    Organisation,
    OrganisationKind,
    Post,
    ResponsibilityAssignment,
    User,
)
from tests.demo_data import demo_db  # noqa: F401

pytestmark = pytest.mark.usefixtures("demo_db")

HEADERS = ["姓名", "证件号码", "手机号码", "单位", "职务", "岗位", "责任范围代码", "起始日期", "终止日期"]
PEOPLE = People(seed=7)
A, B, C = (PEOPLE.id_number("349901") for _ in range(3))


def errors_by_row(job):
    found: dict[int, list[tuple[str, str]]] = {}
    for error in job.errors:
        found.setdefault(error["row"], []).append((error["column"], error["message"]))
    return found


@pytest.fixture
def county_office(db):
    return User.objects.get(username="county_office")


@pytest.mark.django_db
def test_officials_and_posts_are_created_and_reimport_is_a_no_op(xlsx, county_office):
    rows = [
        [
            "甲一",
            A,
            "13900000001",
            "东山县农业农村局",
            "科员",
            "帮扶责任人",
            "349901101201",
            "2026-01-01",
            "",
        ],
        [
            "甲一",
            A,
            "13900000001",
            "东山县农业农村局",
            "科员",
            "驻村工作队员",
            "349901101201",
            "2026-01-01",
            "",
        ],
        ["乙二", B, "", "青石镇新设办公室", "主任", "包村干部", "349901101202", "2026-02-01", "2026-12-31"],
    ]
    path = xlsx(rows, headers=HEADERS)
    job = run_import(kind="officials", path=path, actor=county_office)
    assert (job.new_rows, job.invalid_rows, job.written_rows) == (3, 0, 3), job.errors
    jia = Official.objects.get(id_number=A)
    assert jia.organisation.kind == OrganisationKind.HELPING_UNIT  # existing demo helping unit
    assert set(jia.assignments.values_list("post", flat=True)) == {Post.HELPING_CADRE, Post.WORK_TEAM_MEMBER}
    new_organisation = Organisation.objects.get(name="青石镇新设办公室")
    assert new_organisation.unit_id == "349901000000"  # attached to the county
    again = run_import(kind="officials", path=path, actor=county_office)
    assert (again.new_rows, again.changed_rows, again.unchanged_rows, again.written_rows) == (0, 0, 3, 0)


@pytest.mark.django_db
def test_an_end_date_closes_a_tenure(xlsx, county_office):
    row = ["乙二", B, "", "青石镇人民政府", "主任", "包村干部", "349901101202", "2026-02-01", ""]
    run_import(kind="officials", path=xlsx([row], headers=HEADERS), actor=county_office)
    row[-1] = "2026-06-30"
    job = run_import(kind="officials", path=xlsx([row], headers=HEADERS), actor=county_office)
    assert (job.changed_rows, job.written_rows) == (1, 1)
    assert ResponsibilityAssignment.objects.get(official__id_number=B).valid_to == dt.date(2026, 6, 30)


@pytest.mark.django_db
def test_every_bad_row_is_reported(xlsx, county_office):
    bad_id = A[:-1] + ("0" if A[-1] != "0" else "1")
    rows = [
        ["丙", C, "", "青石镇人民政府", "", "村长", "349901101203", "2026-01-01", ""],  # 2: unknown post
        [
            "丙",
            C,
            "",
            "青石镇人民政府",
            "",
            "第一书记",
            "349901101000",
            "2026-01-01",
            "",
        ],  # 3: township scope
        [
            "丁",
            bad_id,
            "",
            "青石镇人民政府",
            "",
            "包村干部",
            "349901101203",
            "2026-01-01",
            "",
        ],  # 4: check char
        [
            "戊",
            B,
            "",
            "青石镇人民政府",
            "",
            "村党组织书记",
            "349901101203",
            "2026-01-01",
            "",
        ],  # 5: overlaps DB
        ["己", A, "", "青石西村两委", "", "村委会主任", "349901101299", "2026-01-01", ""],  # 6: unknown unit
        [
            "庚",
            PEOPLE.id_number("349901"),
            "",
            "东山县教育局",
            "",
            "第一书记(驻村工作队长)",
            "349901101203",
            "2020-01-01",
            "2020-12-31",
        ],  # 7: ok (past, the demo first secretary starts 2018 -> overlaps)
        [
            "辛",
            PEOPLE.id_number("349901"),
            "123",
            "西河县扶贫办",
            "",
            "包村干部",
            "349902101201",
            "2026-01-01",
            "",
        ],  # 8
        [
            "壬",
            PEOPLE.id_number("349901"),
            "",
            "东山县教育局",
            "",
            "村包户干部",
            "349901101204",
            "2026-05-01",
            "2026-04-01",
        ],  # 9: end before start
    ]
    job = run_import(kind="officials", path=xlsx(rows, headers=HEADERS), actor=county_office, dry_run=True)
    found = errors_by_row(job)
    assert found[2] == [
        ("岗位", "岗位“村长”不在岗位目录中（如：村党组织书记、第一书记(驻村工作队长)、包村干部）")
    ]
    assert found[3][0][0] == "岗位" and "责任范围应为村级单位" in found[3][0][1]
    assert found[4][0][0] == "证件号码" and "校验位错误" in found[4][0][1]
    assert found[5][0][0] == "起始日期" and "同一时间只能由一人担任：与系统中" in found[5][0][1]
    assert found[6] == [("责任范围代码", "单位 349901101299 不存在，请先导入行政区划")]
    assert found[7][0][0] == "起始日期" and "任期重叠" in found[7][0][1]
    assert {column for column, _ in found[8]} == {"手机号码", "责任范围代码"}
    assert found[9] == [("终止日期", "终止日期不能早于起始日期")]
    assert job.new_rows == 0


@pytest.mark.django_db
def test_overlapping_single_holder_rows_within_the_file(xlsx, county_office):
    village = "349902101201"
    ResponsibilityAssignment.objects.filter(scope_unit_id=village, post=Post.VILLAGE_DIRECTOR).update(
        valid_to=dt.date(2019, 12, 31)
    )
    rows = [
        [
            "甲",
            PEOPLE.id_number("349902"),
            "",
            "河湾东村两委",
            "",
            "村委会主任",
            village,
            "2020-01-01",
            "2023-12-31",
        ],
        ["乙", PEOPLE.id_number("349902"), "", "河湾东村两委", "", "村委会主任", village, "2023-06-01", ""],
        ["丙", PEOPLE.id_number("349902"), "", "河湾东村两委", "", "村委会主任", village, "2024-01-01", ""],
    ]
    admin = User.objects.get(username="admin")
    job = run_import(kind="officials", path=xlsx(rows, headers=HEADERS), actor=admin, dry_run=True)
    found = errors_by_row(job)
    assert found[3] == [("起始日期", "岗位“村委会主任”同一时间只能由一人担任：与第 2 行的任期重叠")]
    assert "与第 3 行的任期重叠" in found[4][0][1]
    assert 2 not in found


@pytest.mark.django_db
def test_a_known_id_number_with_another_name_is_refused(xlsx, county_office):
    known = Official.objects.filter(organisation__unit__code__startswith="349901").first()
    rows = [
        [
            "别人",
            known.id_number,
            "",
            known.organisation.name,
            "",
            "村包户干部",
            "349901101201",
            "2026-01-01",
            "",
        ]
    ]
    job = run_import(kind="officials", path=xlsx(rows, headers=HEADERS), actor=county_office, dry_run=True)
    assert errors_by_row(job)[2][0][0] == "姓名"


# --- issue 11 §2: an import never changes a record outside the importer's jurisdiction -------------

NOT_HERE_ID = "该证件号码不能在本辖区导入：请联系其所在辖区"


def east_village_secretary() -> Official:
    return Official.objects.get(
        assignments__post=Post.VILLAGE_SECRETARY,
        assignments__scope_unit_id="349901101203",
        assignments__valid_to__isnull=True,
    )


@pytest.mark.django_db
def test_another_countys_official_is_neither_changed_nor_moved_nor_named(xlsx):
    official = east_village_secretary()
    before = (official.name, official.mobile, official.title, official.organisation_id)
    west = User.objects.get(username="county2_office")
    rows = [
        [
            official.name,
            official.id_number,
            "13999999999",
            "河湾镇新村两委",
            "书记",
            "帮扶责任人",
            "349902101201",
            "2026-01-01",
            "",
        ],
        [
            "别人",
            official.id_number,
            "",
            "河湾镇新村两委",
            "",
            "帮扶责任人",
            "349902101202",
            "2026-01-01",
            "",
        ],
    ]
    job = run_import(kind="officials", path=xlsx(rows, headers=HEADERS), actor=west)
    assert errors_by_row(job) == {2: [("证件号码", NOT_HERE_ID)], 3: [("证件号码", NOT_HERE_ID)]}
    assert official.name not in str(job.errors)  # no name for an ID number of another county
    official.refresh_from_db()
    assert (official.name, official.mobile, official.title, official.organisation_id) == before
    assert not official.assignments.filter(scope_unit__code__startswith="349902").exists()


@pytest.mark.django_db
def test_an_official_is_not_moved_to_another_county_by_import(xlsx):
    official = east_village_secretary()
    west_organisation = Organisation.objects.filter(unit__code__startswith="349902").first()
    city = User.objects.get(username="city_office")  # may import in both counties, still may not move him
    row = [
        official.name,
        official.id_number,
        official.mobile,
        west_organisation.name,
        official.title,
        "帮扶责任人",
        "349902101201",
        "2026-01-01",
        "",
    ]
    job = run_import(kind="officials", path=xlsx([row], headers=HEADERS), actor=city)
    assert errors_by_row(job) == {
        2: [
            (
                "单位",
                "该干部在系统中属于另一县（区）的单位；干部跨县（区）调动须办理调动手续，不能通过导入变更",
            )
        ]
    }
    official.refresh_from_db()
    assert official.organisation.unit_id.startswith("349901")


@pytest.mark.django_db
def test_an_official_of_a_unit_above_is_given_posts_here_but_not_changed(xlsx, county_office):
    city = User.objects.get(username="city_office")
    row = ["市一", C, "13900000009", "示范市扶贫办", "科员", "帮扶责任人", "349901101201", "2026-01-01", ""]
    assert run_import(kind="officials", path=xlsx([row], headers=HEADERS), actor=city).written_rows == 1
    again = run_import(kind="officials", path=xlsx([row], headers=HEADERS), actor=county_office)
    assert (again.unchanged_rows, again.invalid_rows) == (1, 0)  # he holds a post here: he is seen here
    second_post = [*row[:6], "349901101202", "2026-01-01", ""]
    job = run_import(kind="officials", path=xlsx([second_post], headers=HEADERS), actor=county_office)
    assert (job.new_rows, job.written_rows) == (1, 1), job.errors
    changed = [
        "市一",
        C,
        "13911111111",
        "示范市扶贫办",
        "科员",
        "帮扶责任人",
        "349901101203",
        "2026-01-01",
        "",
    ]
    job = run_import(kind="officials", path=xlsx([changed], headers=HEADERS), actor=county_office)
    assert (
        errors_by_row(job)[2][0][0] == "单位"
        and "不能修改其姓名、手机号码、职务或单位" in job.errors[0]["message"]
    )
    assert Official.objects.get(id_number=C).mobile == "13900000009"


@pytest.mark.django_db
def test_an_organisation_of_another_county_is_not_used(xlsx):
    west = User.objects.get(username="county2_office")
    east_organisation = Organisation.objects.filter(unit_id="349901000000").first()
    row = [
        "新人",
        PEOPLE.id_number("349902"),
        "",
        east_organisation.name,
        "",
        "帮扶责任人",
        "349902101201",
        "2026-01-01",
        "",
    ]
    job = run_import(kind="officials", path=xlsx([row], headers=HEADERS), actor=west)
    assert errors_by_row(job) == {2: [("单位", f"单位“{east_organisation.name}”不在您的管辖范围内")]}
