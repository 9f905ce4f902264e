"""Issue 14, the remaining bullets: project numbers per county (no existence oracle), the F-16 rules
in every profile installed later, the F-5 rule issuing rectification orders by itself, the date of a
step required (never today by default), the forms' per-field messages, the pages of the evaluation
scores and of the yearly benefit records."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accountability.access.roles import role_group
from accountability.models import AdminUnit
from accountability.policy.presets import install_preset
from funds import rules, services
from funds.models import (
    BenefitRecord,
    EvaluationScore,
    FundSettings,
    PerformanceEvaluation,
    Project,
    ProjectCategory,
    RectificationOrder,
)
from funds.reference import RULES
from tests.factories import UserFactory
from tests.funds_helpers import OTHER_COUNTY_VILLAGE, D, new_project, through_filing

pytestmark = pytest.mark.django_db

OTHER_COUNTY = "349902000000"


@pytest.fixture
def other_county(people):
    user = UserFactory(username="fund-county-2", jurisdiction_id=OTHER_COUNTY)
    user.groups.add(role_group("county_office"))
    return user


# --- (3) project numbers per county: no existence oracle across counties ----------------------------


def test_a_number_another_county_uses_is_accepted_and_the_own_county_refuses_a_repeat(people, other_county):
    mine = new_project(people["county"], number="XM-1", content="甲县某村道路")
    theirs = new_project(other_county, number="XM-1", content="乙县某村水渠", location=OTHER_COUNTY_VILLAGE)
    assert mine.number == theirs.number and mine.county_id != theirs.county_id
    assert mine.archive_number is None or mine.archive_number != theirs.archive_number
    with pytest.raises(ValidationError, match="本县项目库中已存在"):
        new_project(other_county, number="XM-1", content="乙县另一个项目", location=OTHER_COUNTY_VILLAGE)


def test_the_database_holds_numbers_unique_per_county(people):
    project = new_project(people["county"], number="XM-2")
    duplicate = Project(
        **{
            f.attname: getattr(project, f.attname)
            for f in Project._meta.concrete_fields
            if f.attname not in ("id", "archive_number")
        }
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_the_import_treats_another_countys_number_as_a_new_project(people, other_county, tmp_path):
    from openpyxl import Workbook

    from accountability.importing.services import create_job, validate_job

    new_project(people["county"], number="XM-3", content="甲县某村道路")
    wb = Workbook()
    ws = wb.active
    ws.append(
        [
            "项目编号",
            "项目名称",
            "年度",
            "项目类别",
            "资金用途",
            "实施地点代码",
            "实施单位",
            "建设内容",
            "财政补助资金（元）",
            "入库日期",
        ]
    )
    ws.append(
        [
            "XM-3",
            "乙县水渠",
            "2024",
            "发展资金",
            "生产生活条件",
            OTHER_COUNTY_VILLAGE,
            "某乡",
            "乙县水渠 1 公里",
            "100000",
            "2024-01-10",
        ]
    )
    path = Path(tmp_path) / "projects.xlsx"
    wb.save(path)
    job = validate_job(create_job(kind="fund_projects", path=path, file_name="p.xlsx", actor=other_county))
    assert job.invalid_rows == 0, job.errors
    assert job.new_rows == 1


# --- (5) the F-16 rules in a profile installed later ------------------------------------------------


def test_a_county_profile_installed_from_a_preset_gets_the_f16_rules(people):
    county = AdminUnit.objects.get(code="349901000000")
    profile = install_preset("suzhou", jurisdiction=county, effective_from=D(2025, 1, 1))
    codes = set(profile.rules.values_list("code", flat=True))
    assert {code for code, _label, _metric in RULES} <= codes
    rule = profile.rules.get(code="F-16.2")
    assert rule.conditions == [{"metric": "fund_disbursement_late", "threshold": "1", "measure": "count"}]
    assert [t["post"] for t in rule.targets] == ["township_head", "county_leader_in_charge", "county_head"]


# --- (4) the F-5 rule: rectification orders by themselves --------------------------------------------


def causes(**overrides):
    facts = {
        "as_of": D(2025, 1, 31),
        "completed_on": None,
        "planned_end": None,
        "completion_due": None,
        "entries": [],
        "shortfall_years": [],
        "behind_plan_days": 30,
        "not_reporting_days": 5,
        "shortfall_year_count": 1,
    }
    return [(c.reason, c.cause_on) for c in rules.rectification_causes(**{**facts, **overrides})]


@pytest.mark.parametrize(
    ("as_of", "threshold", "expected"),
    [
        (D(2025, 1, 30), 30, []),  # 29 days after the planned end
        (D(2025, 1, 31), 30, [("behind_plan", D(2025, 1, 1))]),  # 30 days: the threshold reached
        (D(2025, 1, 1), 0, []),  # the end day itself is not late
        (D(2025, 1, 2), 0, [("behind_plan", D(2025, 1, 1))]),
        (D(2025, 12, 31), None, []),  # switched off in the profile
    ],
)
def test_behind_plan_counts_days_after_the_earlier_end(as_of, threshold, expected):
    assert (
        causes(
            as_of=as_of, planned_end=D(2025, 6, 1), completion_due=D(2025, 1, 1), behind_plan_days=threshold
        )
        == expected
    )


def test_a_completed_project_is_not_behind_plan():
    assert causes(planned_end=D(2024, 1, 1), completed_on=D(2024, 12, 1)) == []


@pytest.mark.parametrize(("late_by", "expected"), [(4, 0), (5, 1), (None, 0), (0, 0)])
def test_not_reporting_from_the_profiles_working_days(late_by, expected):
    found = causes(entries=[(D(2025, 1, 10), late_by, "拨款 2025-01-03")])
    assert found == [("not_reporting", D(2025, 1, 10))] * expected


@pytest.mark.parametrize(
    ("years", "count", "expected"), [([2023], 1, 1), ([2023], 2, 0), ([2022, 2023], 2, 1), ([], 1, 0)]
)
def test_performing_badly_from_the_years_with_shortfalls(years, count, expected):
    found = causes(shortfall_years=years, shortfall_year_count=count)
    assert len(found) == expected
    if expected:
        assert found[0] == ("poor_results", D(max(years), 12, 31))


def test_the_nightly_rule_orders_a_project_not_reporting_once_and_stops_disbursement(people):
    from funds.selectors import disbursement_blocked

    project = through_filing(people, new_project(people["county"]))
    request = services.disbursement_request(
        actor=people["township"], project=project, amount=Decimal("90000"), on=D(2024, 4, 1)
    )
    services.disbursement_decide(actor=people["county"], request=request, approve=True, on=D(2024, 4, 1))
    # the entry is due 5 working days after 2024-04-01: 2 and 3 April, Sunday 7 April (the Qingming
    # make-up working day), 8 and 9 April; overdue by 4 working days on 15 April, by 5 on 16 April
    assert services.rectification_orders_issue_due(as_of=D(2024, 4, 15)) == []
    orders = services.rectification_orders_issue_due(as_of=D(2024, 4, 16))
    assert [(o.project_id, o.reason, o.automatic, o.cause_on) for o in orders] == [
        (project.pk, "not_reporting", True, D(2024, 4, 9))
    ]
    assert "按规则自动下达" in orders[0].details
    assert "整改" in disbursement_blocked(project)
    from accountability.models import Notification

    told = Notification.objects.filter(kind="fund_rectification_order")
    assert {n.recipient_id for n in told} == {people["township"].pk, people["county"].pk}  # not the auditor
    assert services.rectification_orders_issue_due(as_of=D(2024, 4, 17)) == []  # idempotent
    services.rectification_lift(actor=people["county"], order=orders[0], on=D(2024, 4, 18))
    assert services.rectification_orders_issue_due(as_of=D(2024, 4, 22)) == []  # same cause: not again
    assert RectificationOrder.objects.filter(project=project).count() == 1


def test_the_nightly_rule_reads_its_thresholds_from_the_profile(people):
    from accountability.policy.presets import ensure_default_profile

    FundSettings.objects.create(profile=ensure_default_profile(), rectify_not_reporting_days=None)
    project = through_filing(people, new_project(people["county"]))
    request = services.disbursement_request(
        actor=people["township"], project=project, amount=Decimal("90000"), on=D(2024, 4, 1)
    )
    services.disbursement_decide(actor=people["county"], request=request, approve=True, on=D(2024, 4, 1))
    assert services.rectification_orders_issue_due(as_of=D(2024, 6, 1)) == []


def test_the_task_runs_the_rule(people):
    from funds.tasks import issue_rectification_orders

    assert issue_rectification_orders("2024-06-01") == 0


# --- (6)/(8) steps from a table; a missing date is an error --------------------------------------


def test_a_step_without_a_date_is_refused_with_the_steps_name(people, client):
    project = through_filing(people, new_project(people["county"]))
    with pytest.raises(ValidationError, match="请填写开工日期"):
        services.project_step(actor=people["township"], project=project, step="start", on=None)
    client.force_login(people["township"])
    page = client.post(f"/funds/{project.pk}/steps/", {"step": "start"}, follow=True).content.decode()
    assert "请填写开工日期" in page
    project.refresh_from_db()
    assert project.started_on is None


def test_table_driven_steps_keep_their_permissions(people):
    project = through_filing(people, new_project(people["county"]))
    services.project_start(actor=people["township"], project=project, on=D(2024, 3, 25))
    project.refresh_from_db()
    assert project.started_on == D(2024, 3, 25) and project.stage == "started"
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.project_complete(actor=people["auditor"], project=project, on=D(2024, 9, 1))


# --- (7) forms with per-field Chinese messages ----------------------------------------------------


def test_the_new_project_form_says_which_field_is_wrong(people, client):
    client.force_login(people["township"])
    response = client.post(
        "/funds/new/",
        {
            "number": "F-1",
            "name": "村道",
            "year": "2024",
            "category": str(ProjectCategory.objects.get(code="development").pk),
            "use": "living_conditions",
            "location": "349901101201",
            "implementer": "某乡",
            "construction_content": "硬化村道",
            "subsidy": "12.345",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "财政补助资金（元）：金额应精确到分" in page and "请填写入库日期" in page
    assert not Project.objects.filter(number="F-1").exists()


def test_a_disbursement_request_without_a_date_is_refused(people, client):
    project = through_filing(people, new_project(people["county"]))
    client.force_login(people["township"])
    page = client.post(f"/funds/{project.pk}/requests/", {"amount": "1000"}, follow=True).content.decode()
    assert "请填写申请日期" in page
    assert not project.disbursement_requests.exists()


# --- (1) the evaluation scores page -------------------------------------------------------------------


SCORES = {f"s_{code}": "9" for code in ("P1", "P2", "P3", "E1", "E2", "E3", "S1", "S2", "S3", "S4")}


def _evaluation(people, **dates):
    county = AdminUnit.objects.get(code="349901000000")
    evaluation, _problems = services.evaluation_record(
        actor=people["county"], county=county, year=2025, **dates
    )
    return evaluation


@pytest.mark.parametrize(
    ("started", "finished", "published", "on", "ok"),
    [
        (None, None, None, D(2026, 4, 1), False),
        (D(2026, 3, 20), None, None, D(2026, 3, 19), False),
        (D(2026, 3, 20), None, None, D(2026, 3, 20), True),
        (D(2026, 3, 20), D(2026, 4, 28), None, D(2026, 4, 28), True),
        (D(2026, 3, 20), D(2026, 4, 28), None, D(2026, 4, 29), False),
        (D(2026, 3, 20), D(2026, 4, 28), D(2026, 5, 5), D(2026, 4, 20), False),
    ],
)
def test_the_evaluation_window(started, finished, published, on, ok):
    assert (rules.evaluation_window_problem(started, finished, published, on) is None) is ok


def test_the_county_office_enters_and_edits_scores_while_the_evaluation_runs(people, client, settings):
    evaluation = _evaluation(people, started_on=D(2026, 3, 20))  # running: started, not finished
    client.force_login(people["county"])
    url = f"/funds/evaluations/{evaluation.pk}/"
    page = client.get(url).content.decode()
    assert "录入得分" in page and "资金直接到户" in page
    response = client.post(url, {"unit_name": "某乡", "bonus": "2", "deduction": "1", **SCORES}, follow=True)
    score = EvaluationScore.objects.get(evaluation=evaluation, unit_name="某乡")
    assert score.total == Decimal("91") and "某乡" in response.content.decode()
    page = client.post(
        url, {"unit_name": "某乡", "bonus": "0", "deduction": "0", **SCORES, "s_P1": "11"}
    ).content.decode()
    assert "得分不能超过 10 分" in page
    client.post(url, {"unit_name": "某乡", "bonus": "0", "deduction": "0", **SCORES})
    score.refresh_from_db()
    assert score.total == Decimal("90")
    # others read
    client.force_login(people["auditor"])
    page = client.get(url).content.decode()
    assert "90" in page and "录入得分" not in page
    assert client.post(url, {"unit_name": "某乡", **SCORES}).status_code == 403


def test_scores_are_refused_outside_the_window(people, client):
    evaluation = _evaluation(people)  # not started
    client.force_login(people["county"])
    url = f"/funds/evaluations/{evaluation.pk}/"
    assert "考评尚未启动" in client.get(url).content.decode()
    page = client.post(url, {"unit_name": "某乡", "bonus": "0", "deduction": "0", **SCORES}).content.decode()
    assert "考评尚未启动" in page
    assert not EvaluationScore.objects.exists()


def test_another_countys_evaluation_is_404(people, other_county, client):
    evaluation = _evaluation(people)
    client.force_login(other_county)
    assert client.get(f"/funds/evaluations/{evaluation.pk}/").status_code == 404
    assert PerformanceEvaluation.objects.count() == 1


# --- (2) the benefit records and cooperative members page ----------------------------------------


def test_the_township_records_a_years_dividend_and_sees_the_shortfall(people, client):
    project = new_project(people["county"])
    client.force_login(people["township"])
    url = f"/funds/{project.pk}/benefits/"
    response = client.post(
        url, {"form": "record", "year": "2024", "invested": "100000", "dividend": "4999"}, follow=True
    )
    page = response.content.decode()
    assert BenefitRecord.objects.get(project=project, year=2024).dividend == Decimal("4999")
    assert "低于 5" in page
    page = client.post(url, {"form": "record", "year": "2024", "dividend": "abc"}).content.decode()
    assert "保底分红（元）应为金额" in page
    page = client.post(url, {"form": "record", "year": "2023", "invested": "1"}).content.decode()
    assert "早于项目年度" in page
    client.force_login(people["auditor"])
    assert "4999" in client.get(url).content.decode()
    assert client.post(url, {"form": "record", "year": "2025", "invested": "1"}).status_code == 403


def test_cooperative_member_counts_and_their_poor_share(people, client):
    from accountability.policy.presets import ensure_default_profile

    FundSettings.objects.create(profile=ensure_default_profile(), cooperative_poor_percent=Decimal("30"))
    project = new_project(people["county"], implementer_kind="cooperative")
    client.force_login(people["township"])
    url = f"/funds/{project.pk}/benefits/"
    page = client.post(url, {"form": "cooperative", "members": "10", "poor_members": "11"}).content.decode()
    assert "多于成员数" in page
    page = client.post(
        url, {"form": "cooperative", "members": "10", "poor_members": "2"}, follow=True
    ).content.decode()
    project.refresh_from_db()
    assert (project.cooperative_members, project.cooperative_poor_members) == (10, 2)
    assert "20.00% 低于 30" in page
    other = new_project(people["county"], number="XM-9", content="另一个项目")
    with pytest.raises(ValidationError, match="合作社"):
        services.project_cooperative_members_set(
            actor=people["township"], project=other, members=1, poor_members=0
        )


def test_f4_duplicate_content_is_checked_in_the_countys_library_only(people, other_county):
    new_project(people["county"], number="XM-5", content="修建通组道路 1.2 公里")
    with pytest.raises(ValidationError, match="XM-5"):
        new_project(people["county"], number="XM-6", content="修建通组道路1.2公里")
    theirs = new_project(
        other_county, number="YX-1", content="修建通组道路 1.2 公里", location=OTHER_COUNTY_VILLAGE
    )
    assert theirs.pk  # another county's project is neither refused nor named


def test_the_evaluation_and_benefit_pages_run_a_fixed_number_of_queries(people, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    evaluation = _evaluation(people, started_on=D(2026, 3, 20))
    project = new_project(people["county"])
    client.force_login(people["county"])
    scores = {code: 9 for code in ("P1", "P2", "P3", "E1", "E2", "E3", "S1", "S2", "S3", "S4")}

    def counts():
        with CaptureQueriesContext(connection) as evaluation_page:
            assert client.get(f"/funds/evaluations/{evaluation.pk}/").status_code == 200
        with CaptureQueriesContext(connection) as benefit_page:
            assert client.get(f"/funds/{project.pk}/benefits/").status_code == 200
        return len(evaluation_page), len(benefit_page)

    services.evaluation_score(
        actor=people["county"], evaluation=evaluation, unit_name="乡 0", scores=scores, on=D(2026, 3, 20)
    )
    services.benefit_record(actor=people["county"], project=project, year=2024, invested=Decimal("1"))
    services.beneficiary_add(actor=people["county"], project=project, name="户 0")
    few = counts()
    for n in range(1, 6):
        services.evaluation_score(
            actor=people["county"],
            evaluation=evaluation,
            unit_name=f"乡 {n}",
            scores=scores,
            on=D(2026, 3, 20),
        )
        services.benefit_record(actor=people["county"], project=project, year=2024 + n, invested=Decimal("1"))
        services.beneficiary_add(actor=people["county"], project=project, name=f"户 {n}")
    assert counts() == few
