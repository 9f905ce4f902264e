"""Identification and exit procedures: order, authority, notice period and objections, S-7."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accountability.access.roles import role_group, sync_roles
from accountability.demo.hierarchy import load_hierarchy
from accountability.demo.people import People
from households import selectors, services
from households.models import Household, HouseholdStatus, ProcedureStep
from households.procedures import Done, step_problem
from tests.factories import UserFactory

VILLAGE = "349901101201"
D = dt.date


@pytest.mark.parametrize(
    ("step", "done", "on", "problem"),
    [
        ("application", [], D(2020, 3, 1), None),
        ("appraisal", [Done("application", D(2020, 3, 1), None, False)], D(2020, 3, 2), "请先办理“入户调查”"),
        ("survey", [Done("application", D(2020, 3, 5), None, False)], D(2020, 3, 2), "不能早于上一步"),
        (
            "township_notice",
            [
                Done("application", D(2020, 3, 1), None, False),
                Done("survey", D(2020, 3, 1), None, False),
                Done("appraisal", D(2020, 3, 1), None, False),
                Done("village_notice", D(2020, 3, 1), D(2020, 3, 7), False),
            ],
            D(2020, 3, 7),
            "公示期至 2020-03-07",
        ),
        (
            "township_notice",
            [
                Done("application", D(2020, 3, 1), None, False),
                Done("survey", D(2020, 3, 1), None, False),
                Done("appraisal", D(2020, 3, 1), None, False),
                Done("village_notice", D(2020, 3, 1), D(2020, 3, 7), False),
            ],
            D(2020, 3, 8),
            None,
        ),
        (
            "township_notice",
            [
                Done("application", D(2020, 3, 1), None, False),
                Done("survey", D(2020, 3, 1), None, False),
                Done("appraisal", D(2020, 3, 1), None, False),
                Done("village_notice", D(2020, 3, 1), D(2020, 3, 7), True),
            ],
            D(2020, 3, 9),
            "未处理的异议",
        ),
        (
            "survey",
            [Done("application", D(2020, 3, 1), None, False), Done("survey", D(2020, 3, 1), None, False)],
            D(2020, 3, 2),
            "已经办理过",
        ),
    ],
)
def test_step_order_table(step, done, on, problem):
    result = step_problem(
        procedure="identification", step=step, status="", done=done, on=on, today=D(2026, 1, 1)
    )
    assert (result is None) if problem is None else (problem in result)


def test_a_future_date_is_refused():
    assert "不能晚于今天" in step_problem(
        procedure="identification",
        step="application",
        status="",
        done=[],
        on=D(2026, 1, 2),
        today=D(2026, 1, 1),
    )


def test_exit_starts_only_from_a_poor_status():
    assert (
        step_problem(
            procedure="exit",
            step="village_assessment",
            status="not_exited",
            done=[],
            on=D(2020, 1, 1),
            today=D(2026, 1, 1),
        )
        is None
    )
    assert "不能开始" in step_problem(
        procedure="exit",
        step="village_assessment",
        status="removed",
        done=[],
        on=D(2020, 1, 1),
        today=D(2026, 1, 1),
    )


@pytest.fixture
def actors(db):
    load_hierarchy()
    sync_roles()
    made = {}
    for role, code in [
        ("village_official", VILLAGE),
        ("township_staff", "349901101000"),
        ("county_office", "349901000000"),
    ]:
        user = UserFactory(username=role, jurisdiction_id=code)
        user.groups.set([role_group(role)])
        made[role] = user
    return made


def apply(actors, on=None):
    return services.household_apply(
        actor=actors["village_official"],
        village=actors["village_official"].jurisdiction,
        number="X001",
        head_name="申请人",
        head_id_number=People(seed=3).id_number(VILLAGE),
        attribute="ordinary",
        main_cause="illness",
        on=on or D(2020, 3, 1),
    )


def step(actors, role, household, procedure, code, on):
    return services.procedure_step_take(
        actor=actors[role], household=household, procedure=procedure, step=code, on=on
    )


@pytest.mark.django_db
def test_identification_runs_two_notices_and_one_announcement(actors):
    household = apply(actors)
    assert household.status == HouseholdStatus.IDENTIFYING
    step(actors, "village_official", household, "identification", "survey", D(2020, 3, 2))
    step(actors, "village_official", household, "identification", "appraisal", D(2020, 3, 3))
    notice = step(actors, "village_official", household, "identification", "village_notice", D(2020, 3, 4))
    assert notice.notice_until == D(2020, 3, 10)  # 7 days including the first
    with pytest.raises(ValidationError, match="公示期至 2020-03-10"):
        step(actors, "township_staff", household, "identification", "township_notice", D(2020, 3, 10))
    with pytest.raises(PermissionDenied):  # a village official cannot approve for the township
        step(actors, "village_official", household, "identification", "township_notice", D(2020, 3, 11))
    step(actors, "township_staff", household, "identification", "township_notice", D(2020, 3, 11))
    with pytest.raises(PermissionDenied):
        step(actors, "township_staff", household, "identification", "county_announcement", D(2020, 3, 20))
    step(actors, "county_office", household, "identification", "county_announcement", D(2020, 3, 20))
    household.refresh_from_db()
    assert (household.status, household.identified_year) == (HouseholdStatus.NOT_EXITED, 2020)
    assert ProcedureStep.objects.filter(household=household).count() == 6


@pytest.mark.django_db
def test_an_objection_pauses_the_procedure_until_resolved(actors):
    household = apply(actors)
    for code, day in [("survey", 2), ("appraisal", 3)]:
        step(actors, "village_official", household, "identification", code, D(2020, 3, day))
    notice = step(actors, "village_official", household, "identification", "village_notice", D(2020, 3, 4))
    services.objection_raise(actor=actors["village_official"], step=notice, text="村民反映其家有经营性货车")
    with pytest.raises(ValidationError, match="未处理的异议"):
        step(actors, "township_staff", household, "identification", "township_notice", D(2020, 3, 20))
    services.objection_resolve(
        actor=actors["township_staff"], step=notice, upheld=False, reason="经核实车辆已报废"
    )
    step(actors, "township_staff", household, "identification", "township_notice", D(2020, 3, 20))


@pytest.mark.django_db
def test_an_upheld_objection_ends_the_identification(actors):
    household = apply(actors)
    for code, day in [("survey", 2), ("appraisal", 3)]:
        step(actors, "village_official", household, "identification", code, D(2020, 3, day))
    notice = step(actors, "village_official", household, "identification", "village_notice", D(2020, 3, 4))
    services.objection_raise(actor=actors["village_official"], step=notice, text="家有商品房")
    services.objection_resolve(actor=actors["township_staff"], step=notice, upheld=True, reason="经核实属实")
    household.refresh_from_db()
    assert household.status == HouseholdStatus.NOT_ADMITTED


def exit_ready(household: Household, income: str = "6000") -> Household:
    household.status = HouseholdStatus.NOT_EXITED
    household.income_per_capita = Decimal(income)
    for field in (
        "food_clothing_secure",
        "compulsory_education_secure",
        "basic_medical_secure",
        "housing_safe",
        "drinking_water_safe",
    ):
        setattr(household, field, True)
    household.save()
    return household


@pytest.mark.django_db
def test_exit_requires_the_s7_standard(actors):
    household = exit_ready(apply(actors), income="3900")
    with pytest.raises(ValidationError, match="未超过 2020 年扶贫标准 4000 元"):
        step(actors, "village_official", household, "exit", "village_assessment", D(2020, 10, 1))
    household.income_per_capita = Decimal("4500")
    household.housing_safe = None
    household.save()
    with pytest.raises(ValidationError, match="住房安全有保障"):
        step(actors, "village_official", household, "exit", "village_assessment", D(2020, 10, 1))


@pytest.mark.django_db
def test_exit_procedure_in_order(actors):
    household = exit_ready(apply(actors))
    step(actors, "village_official", household, "exit", "village_assessment", D(2020, 10, 1))
    household.refresh_from_db()
    assert household.status == HouseholdStatus.EXITING
    step(actors, "village_official", household, "exit", "household_consent", D(2020, 10, 2))
    step(actors, "village_official", household, "exit", "village_notice", D(2020, 10, 3))
    with pytest.raises(ValidationError, match="请先办理“乡镇审批并公示”"):
        step(actors, "county_office", household, "exit", "county_announcement", D(2020, 10, 10))
    township = step(actors, "township_staff", household, "exit", "township_notice", D(2020, 10, 10))
    assert township.notice_until == D(2020, 10, 16)  # 002 §12: the township's notice runs its period
    with pytest.raises(ValidationError, match="公示期满后"):
        step(actors, "county_office", household, "exit", "county_announcement", D(2020, 10, 15))
    step(actors, "county_office", household, "exit", "county_announcement", D(2020, 10, 17))
    household.refresh_from_db()
    assert (household.status, household.exit_year) == (HouseholdStatus.EXITED, 2020)
    step(actors, "county_office", household, "return", "county_decision", D(2021, 5, 1))
    household.refresh_from_db()
    assert (household.status, household.returned_on) == (HouseholdStatus.RETURNED, D(2021, 5, 1))


@pytest.mark.django_db
def test_exit_notices_are_a_profile_setting(actors):
    """The 004 篇5 variant: a village notice, then a township review without a notice of its own."""
    from accountability.models import PolicyProfile
    from accountability.policy.presets import ensure_default_profile

    ensure_default_profile()
    PolicyProfile.objects.update(exit_notices="village_notice")
    household = exit_ready(apply(actors))
    step(actors, "village_official", household, "exit", "village_assessment", D(2020, 10, 1))
    step(actors, "village_official", household, "exit", "household_consent", D(2020, 10, 2))
    step(actors, "village_official", household, "exit", "village_notice", D(2020, 10, 3))
    with pytest.raises(ValidationError):
        step(actors, "township_staff", household, "exit", "township_notice", D(2020, 10, 10))
    review = step(actors, "township_staff", household, "exit", "township_review", D(2020, 10, 10))
    assert review.notice_until is None
    step(actors, "county_office", household, "exit", "county_announcement", D(2020, 10, 11))
    household.refresh_from_db()
    assert household.status == HouseholdStatus.EXITED
    labels = [view.step_label for view in selectors.steps_of(household)]
    assert "乡镇审核" in labels


@pytest.mark.django_db
def test_exit_requires_safe_water_only_where_the_profile_says_so(actors):
    from accountability.models import PolicyProfile
    from accountability.policy.presets import ensure_default_profile

    ensure_default_profile()
    household = exit_ready(apply(actors))
    household.drinking_water_safe = None
    household.save()
    assert services.exit_standard_problems(household, 2020) == []  # 004 篇3: 两不愁三保障 only
    PolicyProfile.objects.update(exit_requires_drinking_water=True)
    assert services.exit_standard_problems(household, 2020) == ["“饮水安全”未达标或未核实"]
    with pytest.raises(ValidationError, match="饮水安全"):
        step(actors, "village_official", household, "exit", "village_assessment", D(2020, 10, 1))


@pytest.mark.django_db
def test_removal_records_its_date(actors):
    household = exit_ready(apply(actors))
    step(actors, "county_office", household, "removal", "county_decision", D(2020, 11, 2))
    household.refresh_from_db()
    assert (household.status, household.removed_on) == (HouseholdStatus.REMOVED, D(2020, 11, 2))


@pytest.mark.django_db
def test_writes_outside_the_jurisdiction_are_refused(actors):
    household = apply(actors)
    outsider = UserFactory(username="other", jurisdiction_id="349901101202")
    outsider.groups.set([role_group("village_official")])
    with pytest.raises(PermissionDenied):
        services.procedure_step_take(
            actor=outsider, household=household, procedure="identification", step="survey", on=D(2020, 3, 2)
        )
    assert ProcedureStep.objects.filter(household=household).count() == 1


@pytest.mark.django_db
def test_the_household_page_offers_the_next_step_and_takes_it(client, actors):
    household = apply(actors)
    client.force_login(actors["village_official"])
    page = client.get(f"/households/{household.pk}/")
    assert ("identification", "survey", "贫困户识别：入户调查") in page.context["next_steps"]
    response = client.post(
        f"/households/{household.pk}/steps/", {"step": "identification.appraisal", "on": "2020-03-02"}
    )
    assert response.status_code == 302
    page = client.get(f"/households/{household.pk}/")
    assert "请先办理“入户调查”" in page.content.decode()
    client.post(f"/households/{household.pk}/steps/", {"step": "identification.survey", "on": "2020-03-02"})
    assert [s.event.step for s in client.get(f"/households/{household.pk}/").context["steps"]] == [
        "application",
        "survey",
    ]


@pytest.mark.django_db
def test_the_api_takes_steps_with_the_same_rules(client, actors):
    household = apply(actors)
    client.force_login(actors["township_staff"])
    response = client.post(
        f"/api/households/{household.pk}/steps/",
        {"procedure": "identification", "step": "survey", "on": "2020-03-02"},
        content_type="application/json",
    )
    assert response.status_code == 201
    response = client.post(
        f"/api/households/{household.pk}/steps/",
        {"procedure": "identification", "step": "survey", "on": "2020-03-03"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "已经办理过" in str(response.json())
