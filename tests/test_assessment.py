"""The annual assessment against the database: rounds, the seeded sample, the sample import, results
in versions, the veto, indicators without a source, the report command (issue 17)."""

from __future__ import annotations

import ast
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from accountability.access.roles import role_group
from accountability.demo.hierarchy import load_hierarchy
from accountability.importing.services import run_import
from accountability.models import AccountabilityCase, AdminUnit, Consequence
from accountability.rules.metrics import METRICS
from assessment import rules
from assessment.models import (
    AssessmentResult,
    AssessmentRound,
    IndicatorSystem,
    OmittedFamily,
    SampleHousehold,
)
from assessment.services import result_compute, round_open, round_step_complete, sample_draw
from households.models import Household, HouseholdStatus
from tests.factories import UserFactory

YEAR = 2024
COUNTY = "349901000000"
TOWNSHIPS = ["349901101000", "349901102000", "349901103000"]
HEADERS = [
    "考核年度",
    "考核单位代码",
    "户编号",
    "核查结论",
    "满意度",
    "行政区划代码",
    "户主姓名",
    "证件号码",
    "核查日期",
    "核查人",
    "说明",
]


def household(number: str, village: str, **fields) -> Household:
    values = {
        "attribute": "ordinary",
        "main_cause": "illness",
        "identified_year": 2016,
        "status": HouseholdStatus.NOT_EXITED,
        "member_count": 3,
        "head_name": f"户主{number[-3:]}",
    }
    return Household.objects.create(number=number, village_id=village, **{**values, **fields})


@pytest.fixture
def county(db):
    load_hierarchy()
    villages = list(AdminUnit.objects.filter(level="village", code__startswith="349901").order_by("code"))
    for village in villages:
        for n in range(12):
            exited = n % 3 == 0
            household(
                f"{village.code}{n:03d}",
                village.code,
                status=HouseholdStatus.EXITED if exited else HouseholdStatus.NOT_EXITED,
                exit_year=YEAR if exited else None,
            )
        # outside the frame: removed, and exited in an earlier year
        household(f"{village.code}900", village.code, status=HouseholdStatus.REMOVED)
        household(f"{village.code}901", village.code, status=HouseholdStatus.EXITED, exit_year=YEAR - 2)
    return AdminUnit.objects.get(code=COUNTY)


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


# --- rounds and steps ---------------------------------------------------------------------------


def test_a_round_is_opened_once_with_the_shipped_system_and_dated_steps(county, superuser):
    round_ = round_open(unit=county, year=YEAR, actor=superuser)
    assert round_open(unit=county, year=YEAR, actor=superuser).pk == round_.pk
    assert IndicatorSystem.objects.count() == 1 and round_.system.indicators.count() == 18
    assert round_.cutoff == dt.date(YEAR, 12, 31) and len(round_.seed) == 32
    steps = list(round_.steps.order_by("order"))
    assert [(s.code, s.due) for s in steps[:2]] == [
        ("self_evaluation", dt.date(YEAR, 12, 10)),
        ("verification", dt.date(YEAR, 12, 15)),
    ]
    assert steps[-1].due == dt.date(YEAR + 1, 1, 31)


def test_a_village_organises_no_assessment(county, superuser):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="下考一级"):
        round_open(unit=AdminUnit.objects.get(code="349901101201"), year=YEAR, actor=superuser)


def test_steps_are_completed_in_order(county, superuser):
    from django.core.exceptions import ValidationError

    round_ = round_open(unit=county, year=YEAR, actor=superuser)
    first, second = round_.steps.order_by("order")[:2]
    with pytest.raises(ValidationError, match="须先完成“自评总结”"):
        round_step_complete(step=second, done_on=dt.date(YEAR, 12, 12), actor=superuser)
    round_step_complete(step=first, done_on=dt.date(YEAR, 12, 11), actor=superuser)
    first.refresh_from_db()
    assert rules.step_status(first.due, first.done_on, dt.date(YEAR, 12, 20)) == "done_late"
    with pytest.raises(ValidationError, match="已于"):
        round_step_complete(step=first, done_on=dt.date(YEAR, 12, 11), actor=superuser)


def test_a_more_specific_system_governs_its_subtree_from_its_date(county, superuser):
    from assessment.presets import install_indicator_system

    install_indicator_system()
    own = install_indicator_system(jurisdiction=county, effective_from=dt.date(YEAR, 6, 1))
    later = install_indicator_system(jurisdiction=county, effective_from=dt.date(YEAR + 1, 1, 1))
    round_ = round_open(unit=county, year=YEAR, actor=superuser)
    assert round_.system == own != later
    other = round_open(unit=AdminUnit.objects.get(code="349902000000"), year=YEAR, actor=superuser)
    assert other.system.jurisdiction is None


# --- sampling -----------------------------------------------------------------------------------


def test_the_sample_is_stratified_seeded_and_reproducible(county, superuser):
    round_ = round_open(unit=county, year=YEAR, actor=superuser, seed="fixed-seed")
    count = sample_draw(round_=round_, actor=superuser)
    first = list(
        SampleHousehold.objects.filter(round=round_).order_by("number").values_list("number", "stratum")
    )
    assert count == len(first) > 0
    # the frame: poor on 31 December and exited during the year; not removed nor exited earlier
    numbers = {n for n, _s in first}
    assert not any(n.endswith(("900", "901")) for n in numbers)
    # every stratum (village × status × cadre) has at least one household
    frame_strata = {(h.village_id, h.status) for h in Household.objects.exclude(number__regex=r"90[01]$")}
    assert {(s.split("/")[0], s.split("/")[1]) for _n, s in first} == frame_strata
    assert sample_draw(round_=round_, actor=superuser) == count  # a re-draw gives the same households
    again = list(
        SampleHousehold.objects.filter(round=round_).order_by("number").values_list("number", "stratum")
    )
    assert again == first
    other = round_open(unit=AdminUnit.objects.get(code="349902000000"), year=YEAR, actor=superuser)
    assert other.seed != round_.seed


def test_a_different_seed_draws_different_households(county, superuser):
    a = round_open(unit=county, year=YEAR, actor=superuser, seed="seed-a")
    sample_draw(round_=a, actor=superuser)
    drawn_a = set(SampleHousehold.objects.filter(round=a).values_list("number", flat=True))
    a.seed = "seed-b"
    a.save()
    sample_draw(round_=a, actor=superuser)
    drawn_b = set(SampleHousehold.objects.filter(round=a).values_list("number", flat=True))
    assert drawn_a != drawn_b and len(drawn_a) == len(drawn_b)


# --- the sample import --------------------------------------------------------------------------


def drawn(round_, exited: bool) -> list[SampleHousehold]:
    return list(SampleHousehold.objects.filter(round=round_, exited=exited).order_by("number"))


def test_results_are_imported_and_rows_name_their_errors(county, superuser, xlsx):
    round_ = round_open(unit=county, year=YEAR, actor=superuser, seed="s")
    sample_draw(round_=round_, actor=superuser)
    poor, exited = drawn(round_, False), drawn(round_, True)
    sampled_village = poor[0].village_id
    outside = Household.objects.exclude(number__in=[s.number for s in poor + exited]).first()
    rows = [
        [YEAR, COUNTY, poor[0].number, "准确", "满意", "", "", "", "2024-12-12", "张三", ""],
        [YEAR, COUNTY, poor[1].number, "识别不准确", "不满意", "", "", "", "2024-12-12", "张三", ""],
        [YEAR, COUNTY, exited[0].number, "错退", "", "", "", "", "2024-12-12", "张三", ""],
        [
            YEAR,
            COUNTY,
            "",
            "漏评",
            "",
            sampled_village,
            "李四",
            "11010519491231002X",
            "2024-12-13",
            "张三",
            "",
        ],
        # errors
        [YEAR, COUNTY, poor[2].number, "错退", "", "", "", "", "", "", ""],
        [YEAR, COUNTY, outside.number, "准确", "", "", "", "", "", "", ""],
        [YEAR, "349902000000", poor[3].number, "准确", "", "", "", "", "", "", ""],
        [YEAR, COUNTY, "", "漏评", "", "349902101201", "王五", "11010519491231002X", "", "", ""],
        [YEAR, COUNTY, poor[4].number, "很好", "", "", "", "", "", "", ""],
    ]
    job = run_import(kind="assessment_samples", path=xlsx(rows, headers=HEADERS), actor=superuser)
    errors = {(e["row"], e["column"]) for e in job.errors}
    assert errors == {
        (6, "核查结论"),
        (7, "户编号"),
        (8, "考核单位代码"),
        (9, "行政区划代码"),
        (10, "核查结论"),
    }
    strict = run_import(
        kind="assessment_samples", path=xlsx(rows, headers=HEADERS), actor=superuser, strict=True
    )
    assert strict.written_rows == 0
    assert job.written_rows == 4  # not strict: the valid rows are written
    verdicts = dict(
        SampleHousehold.objects.filter(round=round_).exclude(verdict="").values_list("number", "verdict")
    )
    assert verdicts == {
        poor[0].number: "accurate",
        poor[1].number: "misidentified",
        exited[0].number: "wrong_exit",
    }
    assert OmittedFamily.objects.get(round=round_).village_id == sampled_village
    again = run_import(kind="assessment_samples", path=xlsx(rows[:4], headers=HEADERS), actor=superuser)
    assert again.written_rows == 0 and OmittedFamily.objects.count() == 1  # idempotent
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="不能重新抽样"):
        sample_draw(round_=round_, actor=superuser)


def test_a_user_outside_the_round_cannot_import_into_it(county, superuser, xlsx):
    round_ = round_open(unit=county, year=YEAR, actor=superuser, seed="s")
    sample_draw(round_=round_, actor=superuser)
    other = UserFactory(username="west", jurisdiction_id="349902000000", is_superuser=False)
    other.groups.add(role_group("county_office"))
    number = drawn(round_, False)[0].number
    job = run_import(
        kind="assessment_samples",
        path=xlsx([[YEAR, COUNTY, number, "准确", "", "", "", "", "", "", ""]], headers=HEADERS),
        actor=other,
    )
    assert job.written_rows == 0 and {e["column"] for e in job.errors} == {"考核单位代码"}
    assert SampleHousehold.objects.exclude(verdict="").count() == 0
    own = UserFactory(username="east", jurisdiction_id=COUNTY)
    own.groups.add(role_group("county_office"))  # the office of the round's county may
    job = run_import(
        kind="assessment_samples",
        path=xlsx([[YEAR, COUNTY, number, "准确", "", "", "", "", "", "", ""]], headers=HEADERS),
        actor=own,
    )
    assert job.written_rows == 1, job.errors


# --- results ----------------------------------------------------------------------------------


def check_all(round_, superuser, xlsx, *, misidentified: int = 0):
    poor, exited = drawn(round_, False), drawn(round_, True)
    rows = [
        [
            YEAR,
            COUNTY,
            s.number,
            "识别不准确" if i < misidentified else "准确",
            "满意",
            "",
            "",
            "",
            "",
            "",
            "",
        ]
        for i, s in enumerate(poor)
    ] + [[YEAR, COUNTY, s.number, "准确", "基本满意", "", "", "", "", "", ""] for s in exited]
    job = run_import(kind="assessment_samples", path=xlsx(rows, headers=HEADERS), actor=superuser)
    assert not job.errors, job.errors


def test_results_are_versioned_and_never_recomputed_silently(county, superuser, xlsx):
    round_ = round_open(unit=county, year=YEAR, actor=superuser, seed="s")
    sample_draw(round_=round_, actor=superuser)
    check_all(round_, superuser, xlsx)
    first, created = result_compute(round_=round_, actor=superuser)
    assert created and first.version == 1 and first.changes == []
    same, created = result_compute(round_=round_, actor=superuser)
    assert (same.pk, created) == (first.pk, False)
    rows = {r["code"]: r for r in first.rows}
    assert set(rows) == set(TOWNSHIPS)
    assert rows[TOWNSHIPS[0]]["rates"]["identification_accuracy"]["percent"] == "100.00"

    # a misidentified household in the first township: a new version showing what changed
    poor_first = [s for s in drawn(round_, False) if s.village_id.startswith("349901101")]
    SampleHousehold.objects.filter(pk=poor_first[0].pk).update(verdict="misidentified")
    second, created = result_compute(round_=round_, actor=superuser)
    assert created and second.version == 2
    assert AssessmentResult.objects.get(pk=first.pk).rows == first.rows  # the first is kept as it was
    rate = {r["code"]: r for r in second.rows}[TOWNSHIPS[0]]["rates"]["identification_accuracy"]
    expected = rules.wilson(len(poor_first) - 1, len(poor_first))
    assert (rate["successes"], rate["trials"]) == (len(poor_first) - 1, len(poor_first))
    assert Decimal(rate["low"]) == expected.percent("low") and Decimal(rate["high"]) == expected.percent(
        "high"
    )
    changed = {(c["code"], c["field"]) for c in second.changes}
    assert (TOWNSHIPS[0], "I-1") in changed and (TOWNSHIPS[0], "总分") in changed
    assert not any(
        code == TOWNSHIPS[1] and field != "排名" for code, field in changed
    )  # only its rank may move


def test_indicators_without_a_registered_metric_show_no_source_and_are_excluded(
    county, superuser, monkeypatch
):
    monkeypatch.delitem(METRICS, "fund_spending_progress")  # as if the funds app registered none
    round_ = round_open(unit=county, year=YEAR, actor=superuser, seed="s")
    result, _ = result_compute(round_=round_, actor=superuser)
    row = result.rows[0]
    assert row["indicators"]["F-1"] == {"value": None, "state": rules.NO_SOURCE, "score": None}
    assert row["indicators"]["W-2"]["state"] == rules.SCORED  # late_poor_villages: none is 0
    assert row["indicators"]["W-2"]["score"] == "3.00"


def test_a_veto_caps_the_grade_and_ranks_the_unit_last(county, superuser):
    round_ = round_open(unit=county, year=YEAR, actor=superuser, seed="s")
    township = AdminUnit.objects.get(code=TOWNSHIPS[0])
    case = AccountabilityCase.objects.create(
        origin="manual",
        unit=township,
        situation="A-9.3",
        facts="重大涉贫信访",
        severity="serious",
        year=YEAR,
        created_by=superuser,
    )
    Consequence.objects.create(case=case, kind="veto", year=YEAR, unit=township, ground="serious_influence")
    result, _ = result_compute(round_=round_, actor=superuser)
    rows = {r["code"]: r for r in result.rows}
    assert rows[TOWNSHIPS[0]]["veto"] and rows[TOWNSHIPS[0]]["grade"] == "不合格"
    assert rows[TOWNSHIPS[0]]["rank"] == 3
    assert not rows[TOWNSHIPS[1]]["veto"]


# --- the report command ------------------------------------------------------------------------


def test_the_command_writes_xlsx_with_numbers_on_a_fresh_install(county, tmp_path):
    out = tmp_path / "report.xlsx"
    stdout = io.StringIO()
    call_command("assessment_report", year=YEAR, unit=COUNTY, format="xlsx", out=out, stdout=stdout)
    assert "第 1 版" in stdout.getvalue()
    assert AssessmentRound.objects.filter(unit_id=COUNTY, year=YEAR).count() == 1
    workbook = load_workbook(out)
    assert workbook.sheetnames == [
        "得分与排名",
        "减贫成效",
        "精准识别",
        "精准帮扶",
        "扶贫资金",
        "工作责任",
        "抽查结果",
        "抽查户",
    ]
    ranking = list(workbook["得分与排名"].iter_rows(min_row=4, values_only=True))
    assert len(ranking) == 4  # three townships and the county's own row
    result = AssessmentResult.objects.get()
    assert [(r[2], r[3]) for r in ranking[:3]] == [(row["code"], float(row["total"])) for row in result.rows]
    assert isinstance(ranking[0][3], (int, float))
    # the same version regenerated gives the same numbers
    call_command(
        "assessment_report", year=YEAR, unit=COUNTY, format="xlsx", out=tmp_path / "b.xlsx", stdout=stdout
    )
    again = list(load_workbook(tmp_path / "b.xlsx")["得分与排名"].iter_rows(min_row=4, values_only=True))
    assert again == ranking and AssessmentResult.objects.count() == 1


def test_the_html_file_is_self_contained(county, tmp_path):
    out = tmp_path / "report.html"
    call_command("assessment_report", year=YEAR, unit=COUNTY, format="html", out=out, stdout=io.StringIO())
    text = out.read_text(encoding="utf-8")
    assert "<style>" in text and ".chart-bar" in text
    assert "<link" not in text and "src=" not in text  # nothing to fetch
    assert "东山县2024年度扶贫开发工作成效考核报告" in text
    for section in ("一、基本情况", "二、指标分析", "三、存在问题", "四、综合评价", "五、处理建议"):
        assert section in text


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"unit": "349901999999"}, "不存在"),
        ({"unit": "349901101201"}, "下考一级"),
        ({"year": 1900}, "超出合理范围"),
    ],
)
def test_the_command_fails_with_a_clear_message(county, tmp_path, arguments, message):
    options = {"year": YEAR, "unit": COUNTY, "format": "xlsx", "out": tmp_path / "r.xlsx", **arguments}
    with pytest.raises(CommandError, match=message):
        call_command("assessment_report", stdout=io.StringIO(), **options)


# --- the border ----------------------------------------------------------------------------------

OTHER_APPS = ("households", "visits", "funds", "inspections")


def test_the_assessment_imports_no_other_app():
    root = Path(__file__).resolve().parent.parent / "assessment"
    offenders = []
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in OTHER_APPS]
    assert not offenders


def test_the_command_writes_the_official_document(county, tmp_path):
    from docx import Document
    from docx.oxml.ns import qn

    out = tmp_path / "report.docx"
    call_command("assessment_report", year=YEAR, unit=COUNTY, format="docx", out=out, stdout=io.StringIO())
    document = Document(str(out))
    section = document.sections[0]
    mm = [
        round(length.mm)
        for length in (
            section.page_width,
            section.page_height,
            section.top_margin,
            section.bottom_margin,
            section.left_margin,
            section.right_margin,
        )
    ]
    assert mm == [210, 297, 37, 35, 28, 26]  # A4, GB/T 9704 margins (stored in twips)
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "东山县2024年度扶贫开发工作成效考核报告"
    title_font = document.paragraphs[0].runs[0]._r.rPr.rFonts.get(qn("w:eastAsia"))
    assert title_font == "方正小标宋简体"
    for section_title in ("一、基本情况", "二、指标分析", "三、存在问题", "四、综合评价", "五、处理建议"):
        assert section_title in texts
    ranking = document.tables[0]
    result = AssessmentResult.objects.get()
    rows = [[c.text for c in row.cells] for row in ranking.rows[1:4]]
    assert [(r[1], r[2]) for r in rows] == [(row["name"], row["total"]) for row in result.rows]
    assert len(document.tables) == 7  # ranking, five dimensions, sample results


@pytest.fixture
def receiver(monkeypatch):
    from accountability.rules import problems

    monkeypatch.setattr(problems, "RECEIVERS", {})  # only this test's receiver (not the inspections app's)
    received: dict[str, object] = {}

    def record(problems):
        new = [p for p in problems if p.key not in received]
        received.update({p.key: p for p in new})
        return len(new)

    problems.register_problem_receiver("test-ledger", record, label="测试整改台账")
    return received


def test_feedback_hands_the_art_8_problems_to_the_follow_up_contract(county, superuser, xlsx, receiver):
    from assessment.services import round_feedback

    round_ = round_open(unit=county, year=YEAR, actor=superuser, seed="s")
    sample_draw(round_=round_, actor=superuser)
    check_all(round_, superuser, xlsx, misidentified=3)  # accuracy below 95 % somewhere
    result, _ = result_compute(round_=round_, actor=superuser)
    for step in round_.steps.order_by("order")[:5]:
        round_step_complete(step=step, done_on=dt.date(YEAR + 1, 1, 10), actor=superuser)
    recorded, receivable = round_feedback(round_=round_, done_on=dt.date(YEAR + 1, 1, 31), actor=superuser)
    expected = {(r["code"], p) for r in result.rows for p in r["problems"]}
    assert receivable and recorded == len(expected) > 0
    assert {(p.unit_code, p.category) for p in receiver.values()} == expected
    assert {p.rectify_by for p in receiver.values()} == {dt.date(YEAR + 1, 3, 31)}  # two months
    assert all(p.talk for p in receiver.values())
    assert {(p.raised_on, p.raised_by, p.actor_id) for p in receiver.values()} == {
        (dt.date(YEAR + 1, 1, 31), county.code, superuser.pk)
    }


def test_feedback_without_a_receiver_records_nothing_and_says_so(county, superuser, monkeypatch):
    from accountability.rules import problems
    from assessment.services import round_feedback

    monkeypatch.setattr(problems, "RECEIVERS", {})  # as if no app received them

    round_ = round_open(unit=county, year=YEAR, actor=superuser, seed="s")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="尚未计算考核结果"):
        round_feedback(round_=round_, done_on=dt.date(YEAR + 1, 1, 31), actor=superuser)
    result_compute(round_=round_, actor=superuser)
    for step in round_.steps.order_by("order")[:5]:
        round_step_complete(step=step, done_on=dt.date(YEAR + 1, 1, 10), actor=superuser)
    assert round_feedback(round_=round_, done_on=dt.date(YEAR + 1, 1, 31), actor=superuser) == (0, False)


def test_services_check_the_actors_permission_and_jurisdiction(county, superuser):
    from django.core.exceptions import PermissionDenied

    west = UserFactory(username="west", jurisdiction_id="349902000000")
    west.groups.add(role_group("county_office"))
    with pytest.raises(PermissionDenied):
        round_open(unit=county, year=YEAR, actor=west)  # another county's round
    assert not AssessmentRound.objects.exists()
    round_ = round_open(unit=county, year=YEAR, actor=superuser)
    auditor = UserFactory(username="aud", jurisdiction_id=COUNTY)
    auditor.groups.add(role_group("auditor"))
    assert round_open(unit=county, year=YEAR, actor=auditor) == round_  # reading is allowed
    for write in (
        lambda: sample_draw(round_=round_, actor=auditor),
        lambda: result_compute(round_=round_, actor=auditor),
        lambda: result_compute(round_=round_, actor=west),
    ):
        with pytest.raises(PermissionDenied):
            write()
    assert not round_.sample.exists() and not round_.results.exists()


VALUE_HEADERS = ["考核年度", "考核单位代码", "被考核单位代码", "指标编号", "数值", "说明"]


def test_entered_values_are_imported_and_scored(county, superuser, xlsx):
    round_ = round_open(unit=county, year=YEAR, actor=superuser, seed="s")
    rows = [
        [YEAR, COUNTY, TOWNSHIPS[0], "I-5", "90", "第三方评估"],
        [YEAR, COUNTY, TOWNSHIPS[1], "W-3", "100", ""],
        [YEAR, COUNTY, "349901101201", "I-5", "90", ""],  # a village: not the level below the county
        [YEAR, COUNTY, TOWNSHIPS[2], "I-1", "90", ""],  # a sample indicator, not an entered one
        [YEAR, "349902000000", "349902101000", "I-5", "90", ""],  # no round of that county
    ]
    job = run_import(kind="assessment_values", path=xlsx(rows, headers=VALUE_HEADERS), actor=superuser)
    assert {(e["row"], e["column"]) for e in job.errors} == {
        (4, "被考核单位代码"),
        (5, "指标编号"),
        (6, "考核单位代码"),
    }
    assert job.written_rows == 2
    result, _ = result_compute(round_=round_, actor=superuser)
    rows_by_code = {r["code"]: r for r in result.rows}
    assert rows_by_code[TOWNSHIPS[0]]["indicators"]["I-5"] == {
        "value": "90.00",
        "state": "scored",
        "score": "1.50",
    }
    assert rows_by_code[TOWNSHIPS[2]]["indicators"]["I-5"]["state"] == "no_data"
    again = run_import(kind="assessment_values", path=xlsx(rows[:2], headers=VALUE_HEADERS), actor=superuser)
    assert again.written_rows == 0  # unchanged


def test_a_version_keeps_the_parameters_it_was_computed_with(county, superuser, tmp_path):
    from assessment import reports

    round_ = round_open(unit=county, year=YEAR, actor=superuser, seed="s")
    first, _ = result_compute(round_=round_, actor=superuser)
    before = reports.render(first, "html")
    IndicatorSystem.objects.filter(pk=round_.system_id).update(no_source_rule="zero")
    second, created = result_compute(round_=round_, actor=superuser)
    assert created and second.version == 2  # an edited system is a change of the inputs
    assert Decimal(second.rows[0]["total"]) < Decimal(first.rows[0]["total"])  # missing sources now score 0
    first.refresh_from_db()
    assert reports.render(first, "html") == before  # the first version still renders as it was


def test_quarterly_scores_are_imported_with_their_edges(county, superuser, xlsx):
    from assessment.models import QuarterlyScore

    headers = ["行政区划代码", "年度", "季度", "得分"]
    rows = [
        ["349901101201", YEAR, "1", "100"],
        ["349901101201", YEAR, "第四季度", "0"],
        ["349901101201", YEAR, "5", "80"],  # no fifth quarter
        ["349901101201", YEAR, "2", "100.01"],  # above 100
        ["349901101000", YEAR, "3", "80"],  # a township, not a village
    ]
    job = run_import(kind="village_quarterly_scores", path=xlsx(rows, headers=headers), actor=superuser)
    assert {(e["row"], e["column"]) for e in job.errors} == {(4, "季度"), (5, "得分"), (6, "行政区划代码")}
    assert sorted(QuarterlyScore.objects.values_list("quarter", "score")) == [
        (1, Decimal(100)),
        (4, Decimal(0)),
    ]


def test_a_foreign_round_reads_exactly_as_an_unknown_one(county, superuser, xlsx):
    round_open(unit=AdminUnit.objects.get(code="349902000000"), year=YEAR, actor=superuser)
    east = UserFactory(username="east", jurisdiction_id=COUNTY)
    east.groups.add(role_group("county_office"))
    rows = [
        [YEAR, "349902000000", "X", "准确", "", "", "", "", "", "", ""],  # exists, in another county
        [YEAR, "349903000000", "X", "准确", "", "", "", "", "", "", ""],  # does not exist
    ]
    job = run_import(kind="assessment_samples", path=xlsx(rows, headers=HEADERS), actor=east)
    messages = [e["message"].split(" ", 1)[1] for e in job.errors]
    assert len(messages) == 2 and messages[0] == messages[1]
