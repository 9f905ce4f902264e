"""Import kind ``fund_projects``: the project library and step dates from a spreadsheet."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from accountability.importing.services import run_import
from funds.models import Acceptance, Project, Stage

pytestmark = pytest.mark.django_db

HEADERS = [
    "项目编号",
    "项目名称",
    "年度",
    "项目类别",
    "资金用途",
    "实施地点代码",
    "实施单位",
    "项目负责人证件号码",
    "建设内容",
    "财政补助资金（元）",
    "计划开工日期",
    "计划完工日期",
    "入库日期",
    "立项日期",
    "实施方案批复日期",
    "备案日期",
    "开工日期",
    "完工日期",
    "验收日期",
    "验收等次",
]


def row(number="DS-2023-01", content="修建通组路 2 公里", **over):
    values = {
        "项目编号": number,
        "项目名称": "通组路",
        "年度": 2023,
        "项目类别": "以工代赈",
        "资金用途": "其他",
        "实施地点代码": "349901101201",
        "实施单位": "某乡人民政府",
        "项目负责人证件号码": "",
        "建设内容": content,
        "财政补助资金（元）": "300000.10",
        "计划开工日期": "2023-04-01",
        "计划完工日期": "2023-10-31",
        "入库日期": "2023-01-05",
        "立项日期": "2023-03-01",
        "实施方案批复日期": "2023-03-20",
        "备案日期": "2023-03-24",
        "开工日期": "2023-04-03",
        "完工日期": "2023-10-20",
        "验收日期": "2023-11-10",
        "验收等次": "合格",
    }
    values.update(over)
    return [values[h] for h in HEADERS]


def errors_by_row(job):
    found: dict[int, list[tuple[str, str]]] = {}
    for error in job.errors:
        found.setdefault(error["row"], []).append((error["column"], error["message"]))
    return found


def test_projects_and_their_steps_are_imported(people, xlsx):
    path = xlsx(
        [
            row(),
            row("DS-2023-02", "新建大棚 10 个", 资金用途="产业发展", 验收日期="", 验收等次="", 完工日期=""),
        ],
        headers=HEADERS,
    )
    job = run_import(kind="fund_projects", path=path, actor=people["county"])
    assert job.written_rows == 2, job.errors
    first = Project.objects.get(number="DS-2023-01")
    assert (
        first.subsidy == Decimal("300000.10") and first.use == "other" and first.category.name == "以工代赈"
    )
    assert (
        first.stage == Stage.ACCEPTED
        and first.township_id == "349901101000"
        and first.county_id == "349901000000"
    )
    assert Acceptance.objects.get(project=first).grade == "pass"
    assert Project.objects.get(number="DS-2023-02").stage == Stage.STARTED
    again = run_import(kind="fund_projects", path=path, actor=people["county"])
    assert again.written_rows == 0 and Project.objects.count() == 2


def test_dates_out_of_order_are_row_errors(people, xlsx):
    rows = [
        row("E-1", "内容一", 入库日期=""),  # approval without library
        row("E-2", "内容二", 立项日期="2023-01-04"),  # approval before library
        row("E-3", "内容三", 验收日期="", 验收等次="合格"),
        row("E-4", "内容四", 实施地点代码="349901000000"),
        row("E-5", "内容五", 资金用途="修庙"),
        row("E-6", "内容六", 项目类别="不存在"),
        row("E-7", "内容一"),  # same content as E-1
        row("OK-1", "内容八", 备案日期="", 开工日期="", 完工日期="", 验收日期="", 验收等次=""),
    ]
    job = run_import(kind="fund_projects", path=xlsx(rows, headers=HEADERS), actor=people["county"])
    errors = errors_by_row(job)
    assert errors[2] == [("立项日期", "有立项日期而没有入库日期：立项须在入库之后")]
    assert errors[3][0][0] == "立项日期" and "早于入库日期" in errors[3][0][1]
    assert errors[4][0][0] == "验收等次"
    assert errors[5][0][0] == "实施地点代码"
    assert errors[6][0][0] == "资金用途"
    assert errors[7][0][0] == "项目类别"
    assert errors[8] == [("建设内容", "建设内容与项目 E-1 相同，不得重复申报（续建项目请在系统中标明）")]
    assert 9 not in errors


def test_outside_the_jurisdiction_is_an_error(people, xlsx):
    path = xlsx([row(实施地点代码="349902101201")], headers=HEADERS)
    job = run_import(kind="fund_projects", path=path, actor=people["county"])
    assert errors_by_row(job)[2][0][0] == "实施地点代码" and not Project.objects.exists()


def test_strict_exits_non_zero(people, xlsx):
    path = xlsx([row(入库日期="")], headers=HEADERS)
    with pytest.raises(CommandError, match="严格模式"):
        call_command(
            "import_xlsx",
            "fund_projects",
            str(path),
            "--strict",
            "--as",
            people["county"].username,
            stdout=io.StringIO(),
        )
    assert not Project.objects.exists()
