"""Seed 002's rules as service checks, each at its edge (F-1 … F-15)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from funds import services
from funds.models import ArchiveDocument, FundSettings, RectificationOrder, Stage
from funds.selectors import archive_completeness, disbursement_blocked
from tests.funds_helpers import D, new_project, through_filing

pytestmark = pytest.mark.django_db

ITEMS_OK = dict.fromkeys(
    ["task_done", "funds_managed", "benefits", "archives", "notices_and_boards", "maintenance"], True
)


def test_f1_a_project_not_in_the_library_cannot_be_approved(people):
    project = new_project(people["county"])
    project.library_on = None
    project.save()
    with pytest.raises(ValidationError, match="未纳入项目库"):
        services.projects_approve(actor=people["county"], projects=[project], on=D(2024, 3, 1))
    project.library_on = D(2024, 3, 1)
    project.save()
    services.projects_approve(actor=people["county"], projects=[project], on=D(2024, 3, 1))  # same day: fine
    project.refresh_from_db()
    assert project.stage == Stage.APPROVED


def test_approval_before_the_library_date_is_refused(people):
    project = new_project(people["county"], library_on=D(2024, 3, 2))
    with pytest.raises(ValidationError, match="早于入库日期"):
        services.projects_approve(actor=people["county"], projects=[project], on=D(2024, 3, 1))


def test_all_approvals_of_a_fund_plan_at_once(people):
    from accountability.models import AdminUnit

    county = AdminUnit.objects.get(code="349901000000")
    plan = services.fund_plan_create(
        actor=people["county"], county=county, year=2024, name="2024 年第一批", issued_on=D(2024, 2, 20)
    )
    first = new_project(people["county"])
    second = new_project(people["county"], number="XM-2024-002", content="新建蔬菜大棚 20 个")
    services.projects_approve(actor=people["county"], projects=[first], on=D(2024, 3, 1), fund_plan=plan)
    with pytest.raises(ValidationError, match="一次性下达"):
        services.projects_approve(actor=people["county"], projects=[second], on=D(2024, 3, 2), fund_plan=plan)


def test_f4_the_same_content_twice_is_refused_unless_continuation(people):
    new_project(people["county"], content="修建某村通组道路 1.2 公里")
    with pytest.raises(ValidationError, match="不得重复申报"):
        new_project(people["county"], number="XM-2024-009", content="修建某村通组道路1.2公里。")
    continuation = new_project(
        people["county"],
        number="XM-2025-001",
        content="修建某村通组道路 1.2 公里",
        year=2025,
        is_continuation=True,
    )
    assert continuation.is_continuation


def test_f4_a_false_project_bars_its_applicant_this_year_and_next(people):
    project = new_project(people["township"], applicant="某乡人民政府")
    services.project_found_false(actor=people["county"], project=project, finding="虚报工程量", year=2024)
    assert "虚假" in disbursement_blocked(project)
    for year in (2024, 2025):
        with pytest.raises(ValidationError, match="不得申报"):
            new_project(
                people["township"],
                number=f"B-{year}",
                content=f"新内容 {year}",
                year=year,
                applicant="某乡人民政府",
            )
    assert new_project(
        people["township"], number="B-2026", content="新内容 2026", year=2026, applicant="某乡人民政府"
    )


def test_f2_expert_review_at_the_threshold_office_review_below(people):
    at = through_filing(people, new_project(people["county"], subsidy="500000"))
    assert at.plan_review == "expert"
    below = new_project(people["county"], number="XM-2", content="另一内容", subsidy="499999.99")
    services.project_apply(actor=people["township"], project=below, on=D(2024, 2, 1))
    services.projects_approve(actor=people["county"], projects=[below], on=D(2024, 3, 1))
    services.plan_submit(actor=people["township"], project=below, on=D(2024, 3, 8))
    with pytest.raises(ValidationError, match="县扶贫办审查"):
        services.plan_approve(actor=people["county"], project=below, on=D(2024, 3, 15), review="expert")
    services.plan_approve(actor=people["county"], project=below, on=D(2024, 3, 15), review="office")


def test_the_threshold_is_profile_data(people):
    from accountability.policy.presets import ensure_default_profile

    FundSettings.objects.create(profile=ensure_default_profile(), expert_review_threshold=Decimal("200000"))
    project = new_project(people["county"], subsidy="300000")
    services.project_apply(actor=people["township"], project=project, on=D(2024, 2, 1))
    services.projects_approve(actor=people["county"], projects=[project], on=D(2024, 3, 1))
    services.plan_submit(actor=people["township"], project=project, on=D(2024, 3, 8))
    with pytest.raises(ValidationError, match="专家评审"):
        services.plan_approve(actor=people["county"], project=project, on=D(2024, 3, 15), review="office")


def test_steps_in_order(people):
    project = new_project(people["county"])
    with pytest.raises(ValidationError, match="项目尚未实施方案批复，不能备案"):
        services.project_file(actor=people["township"], project=project, on=D(2024, 3, 20))
    with pytest.raises(ValidationError, match="项目尚未备案，不能开工"):
        services.project_start(actor=people["township"], project=project, on=D(2024, 3, 20))


def test_f6_construction_over_a_year_warns_at_approval(people):
    project = new_project(people["county"], planned_start=D(2024, 4, 1), planned_end=D(2025, 4, 2))
    _projects, warnings = services.projects_approve(
        actor=people["county"], projects=[project], on=D(2024, 3, 1)
    )
    assert warnings and "超过 12 个月" in warnings[0]
    exact = new_project(
        people["county"], number="XM-3", content="c3", planned_start=D(2024, 4, 1), planned_end=D(2025, 4, 1)
    )
    assert services.projects_approve(actor=people["county"], projects=[exact], on=D(2024, 3, 1))[1] == []


def test_township_cannot_approve_and_outsiders_cannot_touch(people, user_in):
    project = new_project(people["county"])
    with pytest.raises(PermissionDenied):
        services.projects_approve(actor=people["township"], projects=[project], on=D(2024, 3, 1))
    with pytest.raises(PermissionDenied):
        services.project_apply(actor=people["auditor"], project=project, on=D(2024, 2, 1))
    from accountability.access.roles import role_group

    stranger = user_in("349902000000")
    stranger.groups.add(role_group("county_office"))
    with pytest.raises(PermissionDenied):
        services.projects_approve(actor=stranger, projects=[project], on=D(2024, 3, 1))


def test_f7_notices_with_their_contents_and_photo(people):
    project = through_filing(people, new_project(people["county"]))
    with pytest.raises(ValidationError, match="开工"):
        services.notice_post(
            actor=people["township"], project=project, kind="site", posted_on=D(2024, 3, 25), contents={}
        )
    services.project_start(actor=people["township"], project=project, on=D(2024, 3, 25))
    _notice, missing = services.notice_post(
        actor=people["township"],
        project=project,
        kind="site",
        posted_on=D(2024, 3, 26),
        contents={"项目名称": "通组道路"},
    )
    assert "监督投诉方式" in missing and "公示牌照片" in missing
    _notice, missing = services.notice_post(
        actor=people["county"],
        project=project,
        kind="approval",
        posted_on=D(2024, 3, 5),
        contents={
            k: "x"
            for k in ("资金规模", "资金来源", "资金用途", "使用单位", "分配原则", "分配结果", "监督电话")
        },
    )
    assert missing == []


def _started(people, **kw):
    project = through_filing(people, new_project(people["county"], **kw))
    services.project_start(actor=people["township"], project=project, on=D(2024, 3, 25))
    return project


def test_f5_rectification_order_blocks_disbursement_until_lifted(people):
    project = _started(people)
    assert disbursement_blocked(project) is None
    order = services.rectification_order_issue(
        actor=people["county"], project=project, reason="behind_plan", on=D(2024, 9, 27)
    )
    # 10 working days across National Day and its make-up days: 29, 30 Sep, 8–12, 14–16 Oct
    assert order.due_on == D(2024, 10, 16)
    assert "整改" in disbursement_blocked(project)
    with pytest.raises(ValidationError, match="整改"):
        services.disbursement_request(
            actor=people["township"], project=project, amount=Decimal("150000"), on=D(2024, 10, 8)
        )
    with pytest.raises(ValidationError, match="期限"):
        services.rectification_recover(actor=people["county"], order=order, on=D(2024, 10, 14))
    services.rectification_lift(actor=people["county"], order=order, on=D(2024, 10, 10))
    assert disbursement_blocked(project) is None
    request = services.disbursement_request(
        actor=people["township"], project=project, amount=Decimal("150000"), on=D(2024, 10, 11)
    )
    services.disbursement_decide(actor=people["county"], request=request, approve=True, on=D(2024, 10, 12))
    assert project.progress_reports.get().reported_on is None  # entry now due


def test_f5_not_rectified_recovers_and_blocks_for_good(people):
    project = _started(people)
    order = services.rectification_order_issue(
        actor=people["county"], project=project, reason="not_reporting", on=D(2024, 5, 6)
    )
    services.rectification_recover(
        actor=people["county"], order=order, on=order.due_on + (D(2024, 1, 2) - D(2024, 1, 1))
    )
    assert "收回" in disbursement_blocked(project)
    assert RectificationOrder.objects.get().outcome == "recovered"


def test_an_approval_is_refused_when_an_order_came_after_the_request(people):
    project = _started(people)
    request = services.disbursement_request(
        actor=people["township"], project=project, amount=Decimal("1000"), on=D(2024, 4, 1)
    )
    services.rectification_order_issue(
        actor=people["county"], project=project, reason="poor_results", on=D(2024, 4, 2)
    )
    with pytest.raises(ValidationError, match="暂停拨款"):
        services.disbursement_decide(actor=people["county"], request=request, approve=True, on=D(2024, 4, 3))


def test_f5_adjustment_within_three_months_of_release_inclusive(people):
    project = through_filing(people, new_project(people["county"]))  # funds released 15 March 2024
    services.adjustment_request(
        actor=people["township"], project=project, on=D(2024, 6, 15), content="调整线路"
    )
    with pytest.raises(ValidationError, match="3 个月内"):
        services.adjustment_request(
            actor=people["township"], project=project, on=D(2024, 6, 16), content="再次调整"
        )


def _accept_ready(people, subsidy="300000"):
    project = _started(people, subsidy=subsidy)
    services.project_complete(actor=people["township"], project=project, on=D(2024, 11, 1))
    services.initial_check(actor=people["township"], project=project, on=D(2024, 11, 5))
    services.acceptance_request(actor=people["township"], project=project, on=D(2024, 11, 6))
    return project


def test_f10_a_failed_project_is_rectified_and_accepted_again(people):
    project = _accept_ready(people)
    items = {**ITEMS_OK, "maintenance": False}
    with pytest.raises(ValidationError, match="只能为不合格"):
        services.project_accept(
            actor=people["county"], project=project, on=D(2024, 11, 20), items=items, grade="pass"
        )
    services.project_accept(
        actor=people["county"], project=project, on=D(2024, 11, 20), items=items, grade="fail"
    )
    project.refresh_from_db()
    assert project.stage == Stage.ACCEPTANCE_FAILED
    with pytest.raises(ValidationError, match="验收合格后"):
        services.acceptance_enter(actor=people["county"], project=project, on=D(2024, 11, 21))
    services.initial_check(actor=people["township"], project=project, on=D(2024, 12, 2))
    services.acceptance_request(actor=people["township"], project=project, on=D(2024, 12, 3))
    services.project_accept(
        actor=people["county"], project=project, on=D(2024, 12, 10), items=ITEMS_OK, grade="excellent"
    )
    project.refresh_from_db()
    assert project.stage == Stage.ACCEPTED and project.acceptances.count() == 2


def test_f10_completion_audit_at_the_threshold(people):
    project = _accept_ready(people, subsidy="500000")
    with pytest.raises(ValidationError, match="竣工审计意见"):
        services.project_accept(
            actor=people["county"], project=project, on=D(2024, 11, 20), items=ITEMS_OK, grade="pass"
        )
    services.audit_opinion_record(actor=people["county"], project=project, on=D(2024, 11, 15))
    services.project_accept(
        actor=people["county"], project=project, on=D(2024, 11, 20), items=ITEMS_OK, grade="pass"
    )


def test_f10_six_items_must_be_assessed(people):
    project = _accept_ready(people)
    items = {**ITEMS_OK, "benefits": None}
    with pytest.raises(ValidationError, match="综合效益"):
        services.project_accept(
            actor=people["county"], project=project, on=D(2024, 11, 20), items=items, grade="pass"
        )


def test_f15_archive_supersedes_never_deletes_and_checks_type(people):
    project = new_project(people["county"])
    first = services.document_upload(
        actor=people["township"],
        project=project,
        kind="plan",
        upload=SimpleUploadedFile("方案.pdf", b"%PDF-1"),
    )
    second = services.document_upload(
        actor=people["township"],
        project=project,
        kind="plan",
        upload=SimpleUploadedFile("方案2.pdf", b"%PDF-2"),
    )
    first.refresh_from_db()
    assert first.superseded_by == second and ArchiveDocument.objects.count() == 2
    project.refresh_from_db()
    assert project.archive_number
    with pytest.raises(ValidationError):
        services.document_upload(
            actor=people["township"], project=project, kind="plan", upload=SimpleUploadedFile("x.exe", b"MZ")
        )
    present, required, missing = archive_completeness(project)
    assert present == 1 and required == 17 and "实施方案" not in missing


def test_f12_dividend_flags_below_five_percent_and_not_rising(people):
    project = new_project(people["county"])
    services.benefit_record(
        actor=people["township"],
        project=project,
        year=2024,
        invested=Decimal("100000"),
        dividend=Decimal("5000"),
    )
    _record, flags = services.benefit_record(
        actor=people["township"],
        project=project,
        year=2025,
        invested=Decimal("100000"),
        dividend=Decimal("5000"),
    )
    assert [y for y, _m in flags] == [2025]
    _record, flags = services.benefit_record(
        actor=people["township"],
        project=project,
        year=2025,
        invested=Decimal("100000"),
        dividend=Decimal("5001"),
    )
    assert flags == []
    _record, flags = services.benefit_record(
        actor=people["township"],
        project=project,
        year=2026,
        invested=Decimal("100000"),
        dividend=Decimal("4999"),
    )
    assert flags and "低于 5" in flags[0][1]


def test_f14_evaluation_deadlines_and_scores(people):
    from accountability.models import AdminUnit

    county = AdminUnit.objects.get(code="349901000000")
    _e, problems = services.evaluation_record(
        actor=people["county"],
        county=county,
        year=2024,
        started_on=D(2025, 3, 31),
        finished_on=D(2025, 4, 30),
    )
    assert problems == []
    evaluation, problems = services.evaluation_record(
        actor=people["county"], county=county, year=2024, started_on=D(2025, 4, 1), finished_on=D(2025, 5, 1)
    )
    assert len(problems) == 2
    scores = {code: 10 for code in ("P1", "P2", "P3", "E1", "E2", "E3", "S1", "S2", "S3", "S4")}
    on = D(2025, 4, 15)  # inside the evaluation's window (started 1 April, finished 1 May)
    score = services.evaluation_score(
        actor=people["county"],
        evaluation=evaluation,
        unit_name="某乡",
        scores=scores,
        bonus=5,
        deduction=20,
        on=on,
    )
    assert score.total == Decimal("85")
    with pytest.raises(ValidationError, match="加分"):
        services.evaluation_score(
            actor=people["county"],
            evaluation=evaluation,
            unit_name="某乡",
            scores=scores,
            bonus=Decimal("5.01"),
            on=on,
        )
    with pytest.raises(ValidationError, match="0 至 10"):
        services.evaluation_score(
            actor=people["county"],
            evaluation=evaluation,
            unit_name="某乡",
            scores={**scores, "P1": 11},
            on=on,
        )


def test_f12_beneficiaries_linked_to_the_registry_and_the_poor_share(people):
    from accountability.policy.presets import ensure_default_profile

    project = new_project(people["county"])
    with pytest.raises(ValidationError, match="不存在"):
        services.beneficiary_add(
            actor=people["township"], project=project, name="张三", household_number="NOPE-1"
        )
    services.beneficiary_add(actor=people["township"], project=project, name="张三")
    assert any("未设置" in p for p in services.share_problems_for(project))
    FundSettings.objects.create(profile=ensure_default_profile(), min_poor_beneficiary_percent=Decimal("30"))
    assert any("0.00% 低于 30" in p for p in services.share_problems_for(project))
