"""Import kind ``verifications``."""

from __future__ import annotations

import pytest

from accountability.demo.people import People
from accountability.importing.services import run_import
from accountability.models import User
from households.models import FindingStatus, Household, VerificationFinding
from tests.demo_data import demo_db  # noqa: F401

pytestmark = pytest.mark.usefixtures("demo_db")
HEADERS = [
    "户编号",
    "证件号码",
    "姓名",
    "行政区划代码",
    "核查结论",
    "涉及人数",
    "发现来源",
    "发现日期",
    "考核年度",
    "状态",
    "说明",
]


def errors_by_row(job):
    found: dict[int, list[tuple[str, str]]] = {}
    for error in job.errors:
        found.setdefault(error["row"], []).append((error["column"], error["message"]))
    return found


@pytest.mark.django_db
def test_findings_and_omissions_are_imported_once(xlsx):
    county = User.objects.get(username="county_office")
    household = Household.objects.filter(village_id="349901101202").first()
    omitted = People(seed=99).id_number("349901101202")
    rows = [
        [
            household.number,
            "",
            "",
            "",
            "识别不精准",
            "",
            "第三方评估",
            "2020-12-01",
            2020,
            "已确认",
            "家有轿车",
        ],
        ["", omitted, "漏评户", "349901101202", "漏评", 4, "信访", "2020-12-02", 2020, "", ""],
    ]
    path = xlsx(rows, headers=HEADERS)
    before = VerificationFinding.objects.count()
    job = run_import(kind="verifications", path=path, actor=county)
    assert job.written_rows == 2, job.errors
    confirmed = VerificationFinding.objects.get(household=household, source="third_party", note="家有轿车")
    assert (confirmed.status, confirmed.persons_affected) == (FindingStatus.CONFIRMED, household.member_count)
    omission = VerificationFinding.objects.get(family_id_number=omitted)
    assert (omission.household, omission.status, omission.persons_affected) == (
        None,
        FindingStatus.PENDING,
        4,
    )
    again = run_import(kind="verifications", path=path, actor=county)
    assert (again.unchanged_rows, again.written_rows) == (2, 0)
    assert VerificationFinding.objects.count() == before + 2


@pytest.mark.django_db
def test_bad_rows_are_reported(xlsx):
    county = User.objects.get(username="county_office")
    other_county = Household.objects.filter(village__code__startswith="349902").first()
    rows = [
        ["NOPE", "", "", "", "识别不精准", "", "审计", "2020-12-01", 2020, "", ""],
        ["", "", "", "", "退出不精准", "", "审计", "2020-12-01", 2020, "", ""],
        ["", "", "", "", "漏评", "", "审计", "2020-12-01", 2020, "", ""],
        [other_county.number, "", "", "", "识别不精准", "", "审计", "2020-12-01", 2020, "", ""],
        ["X", "", "", "", "错误结论", "", "无来源", "2020-13-01", 2020, "", ""],
    ]
    found = errors_by_row(
        run_import(kind="verifications", path=xlsx(rows, headers=HEADERS), actor=county, dry_run=True)
    )
    assert found[2] == [("户编号", "户编号 NOPE：该户不存在或不在您的管辖范围内")]
    assert found[3] == [("户编号", "须填写户编号（只有漏评可不填）")]
    assert {c for c, _ in found[4]} == {"行政区划代码", "证件号码"}
    # another county's household reads exactly as an unknown one
    assert found[5] == [("户编号", f"户编号 {other_county.number}：该户不存在或不在您的管辖范围内")]
    assert {c for c, _ in found[6]} == {"核查结论", "发现来源", "发现日期"}
