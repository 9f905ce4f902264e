"""Issue 12 §2–§5 and the case items of §6: the seed's consequence for each named person (Art. 39),
cumulative triggers, one case per person with every ground, unit-level consequences (E-10), the
posts the seed names, the one-vote veto with its three triggers (Art. 41), the approval of removal
and resignation, the forms of 002 §11(10) and fault tolerance that lightens."""

# ruff: noqa: F811 — the fixtures city and people come from tests.test_rules_engine
from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from accountability.access.roles import role_group
from accountability.cases import services as case_services
from accountability.cases.selectors import award_ineligible_for, eligibility_of, veto_for
from accountability.models import (
    AccountabilityCase,
    AdminUnit,
    Alert,
    AnnualTarget,
    Consequence,
    ConsequenceKind,
    EscalationRule,
    HelpingUnitPairing,
    Organisation,
    Post,
    ResponsibilityAssignment,
)
from accountability.rules.runs import run_rules
from households.models import VerificationFinding
from tests.factories import UserFactory
from tests.test_rules_engine import AS_OF, COUNTY, TOWNSHIP, VILLAGE, YEAR, city, findings, household, people  # noqa: F401

D = dt.date
HELPED = ("349902101201", "349902102201")  # both helped by the same unit (one head for both)


def county_rate(persons: int) -> None:
    """``persons`` imprecise persons among 100,000 + ``persons`` registered in the county."""
    for _ in range(4):
        household("349902102201", persons=25_000)
    target = household("349902102201", persons=persons)
    VerificationFinding.objects.create(
        village_id="349902102201", household=target, kind="wrong_exit", source="provincial_assessment",
        found_date=D(YEAR, 11, 1), assessment_year=YEAR, persons_affected=persons, status="confirmed",
    )  # fmt: skip


def holder(unit: str, post: str):
    return ResponsibilityAssignment.objects.get(scope_unit_id=unit, post=post, valid_to=None).official


def run_json() -> list[dict]:
    out = io.StringIO()
    call_command("run_rules", "--year", str(YEAR), "--as-of", AS_OF.isoformat(), "--json", stdout=out)
    return json.loads(out.getvalue())


def late(villages) -> None:
    AdminUnit.objects.filter(code__in=villages).update(
        is_poor_village=True, planned_exit_year=YEAR, exit_year=None
    )


def decide_and_execute(people, case, forms, decider="county_discipline", **extra):
    case_services.case_step(actor=people["office"], case=case, step="review", reason="核查")
    case = case_services.case_step(
        actor=people[decider], case=case, step="decide", reason="决定", forms=forms, **extra
    )
    return case_services.case_step(actor=people["office"], case=case, step="execute")


# --- §2: the consequence per person, cumulative triggers -------------------------------------------


@pytest.mark.django_db
def test_at_12_permille_e6_and_e7_each_name_their_own_consequences(city):
    county_rate(1_230)  # 1,230 / 101,230 = 12.2‰
    items = {i["rule"]: i for i in run_json() if i.get("unit") == COUNTY}
    assert {"E-6", "E-7"} <= set(items)
    e6 = {t["post"]: t["forms"] for t in items["E-6"]["targets"]}
    assert e6 == {
        "county_leader_in_charge": ["免职", "党纪政纪处分"],
        "county_secretary": ["写出检查"],
        "county_head": ["写出检查"],
    }
    e7 = {t["post"]: t["forms"] for t in items["E-7"]["targets"]}
    assert e7 == {"county_secretary": ["引咎辞职"], "county_head": ["引咎辞职"]}
    # the fields that were there stay as they were
    assert set(items["E-6"]) >= {
        "rule",
        "unit",
        "period",
        "value",
        "threshold",
        "measure",
        "targets",
        "status",
    }
    assert all({"name", "post"} <= set(t) for t in items["E-6"]["targets"])


@pytest.mark.django_db
def test_cases_propose_exactly_the_consequence_the_seed_names_for_each_post(people, client):
    county_rate(1_230)
    run_rules(year=YEAR, as_of=AS_OF)
    e6 = Alert.objects.get(rule_code="E-6", unit_id=COUNTY)
    client.force_login(people["office"])
    page = client.get(f"/alerts/{e6.pk}/").content.decode()
    assert "免职、党纪政纪处分" in page and "写出检查" in page and "向市委、市政府" in page
    cases = {c.official_id: c for c in case_services.case_open_from_alert(actor=people["office"], alert=e6)}
    leader = holder(COUNTY, Post.COUNTY_LEADER_IN_CHARGE)
    secretary = holder(COUNTY, Post.COUNTY_SECRETARY)
    assert cases[leader.pk].proposed_forms == ["removal", "party_government_discipline"]
    assert cases[secretary.pk].proposed_forms == ["self_criticism_to_upper"]
    assert cases[secretary.pk].grounds[0]["to"] == "市委、市政府"
    e7 = Alert.objects.get(rule_code="E-7", unit_id=COUNTY)
    (resign,) = [
        c
        for c in case_services.case_open_from_alert(actor=people["office"], alert=e7)
        if c.official == secretary
    ]
    assert resign.proposed_forms == ["resignation"]


@pytest.mark.django_db
def test_removal_and_resignation_wait_for_the_approval_of_the_authority_above(people, client):
    findings("misidentified", 5, village=VILLAGE)  # E-4: township leaders (county-managed) are removed
    run_rules(year=YEAR, as_of=AS_OF)
    alert = Alert.objects.get(rule_code="E-4", unit_id=TOWNSHIP)
    secretary = holder(TOWNSHIP, Post.TOWNSHIP_SECRETARY)
    (case,) = [
        c
        for c in case_services.case_open_from_alert(actor=people["office"], alert=alert)
        if c.official == secretary
    ]
    case_services.case_step(actor=people["office"], case=case, step="review", reason="核查")
    case = case_services.case_step(actor=people["county_discipline"], case=case, step="decide", reason="免职")
    assert case.decided_forms == ["removal", "party_government_discipline"]
    with pytest.raises(ValidationError, match="上级批准"):
        case_services.case_step(actor=people["office"], case=case, step="execute")
    client.force_login(people["office"])
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'value="approve"' in page and 'value="execute"' not in page and "免职、党纪政纪处分" in page
    with pytest.raises(PermissionDenied, match="市级"):  # the county decided: the city approves
        case_services.case_step(actor=people["county_discipline"], case=case, step="approve", documents="x")
    with pytest.raises(ValidationError, match="批准文件"):
        case_services.case_step(actor=people["city_discipline"], case=case, step="approve")
    case = case_services.case_step(
        actor=people["city_discipline"], case=case, step="approve", documents="市委组织部批复〔2021〕1号"
    )
    case = case_services.case_step(actor=people["office"], case=case, step="execute")
    assert (case.status, case.appraisal) == ("executed", "incompetent")
    assert [e.step for e in case.steps.all()] == ["open", "review", "decide", "approve", "execute"]


# --- §3: one case per person, every ground -------------------------------------------------------


@pytest.mark.django_db
def test_e8_names_a_helping_unit_head_of_two_late_villages_once_with_both_grounds(people):
    late(HELPED)
    run_rules(year=YEAR, as_of=AS_OF)
    alert = Alert.objects.get(rule_code="E-8", unit_id=COUNTY)
    head = holder(HELPED[0], Post.HELPING_UNIT_HEAD)
    assert head == holder(HELPED[1], Post.HELPING_UNIT_HEAD)
    cases = case_services.case_open_from_alert(actor=people["office"], alert=alert)
    (mine,) = [c for c in cases if c.official == head]
    assert sorted(g["unit"] for g in mine.grounds if g["post"] == Post.HELPING_UNIT_HEAD) == sorted(HELPED)
    assert mine.proposed_forms == ["corresponding_handling"]
    assert len({c.official_id for c in cases}) == len(cases)
    assert AccountabilityCase.objects.filter(alert=alert).count() == len(cases)


@pytest.mark.django_db
def test_an_e10_shaped_alert_naming_the_head_per_village_opens_one_case_for_the_head(people):
    EscalationRule.objects.filter(code="E-10").update(
        targets=[{"post": "helping_unit_head", "at": "evidence_village", "forms": ["hold_accountable"]}]
    )
    late(HELPED)
    run_rules(year=YEAR, as_of=AS_OF)
    alert = Alert.objects.get(rule_code="E-10")
    assert len(alert.targets) == 2
    (case,) = case_services.case_open_from_alert(actor=people["office"], alert=alert)
    assert len(case.grounds) == 2 and "349902101201" in case.facts and "349902102201" in case.facts


# --- §4: targets as the seed names them ----------------------------------------------------------


@pytest.mark.django_db
def test_e10_holds_the_helping_unit_itself_accountable(people, client):
    late(HELPED[:1])
    items = [i for i in run_json() if i["rule"] == "E-10"]
    (e10,) = items
    organisation = HelpingUnitPairing.objects.get(village_id=HELPED[0]).organisation
    assert e10["targets"] == []
    assert e10["units"] == [
        {"organisation": organisation.pk, "name": organisation.name, "forms": ["取消年度绩效考评评优资格"]}
    ]
    alert = Alert.objects.get(rule_code="E-10")
    (case,) = case_services.case_open_from_alert(actor=people["office"], alert=alert)
    assert (case.organisation, case.official, case.authority_level) == (organisation, None, "county")
    assert case.proposed_forms == ["performance_award_ineligible"]
    assert not award_ineligible_for(organisation, YEAR)
    decide_and_execute(people, case, case.proposed_forms)
    assert award_ineligible_for(organisation, YEAR) and not award_ineligible_for(organisation, YEAR + 1)
    client.force_login(people["office"])
    page = client.get(f"/units/{organisation.unit_id}/").content.decode()
    assert organisation.name in page and "取消年度绩效考评评优资格" in page


@pytest.mark.django_db
def test_e8_names_the_township_principal_heads_and_e1_the_household_cadre_when_switched_on(city):
    late(HELPED[:1])
    findings("misidentified", 1)
    rule = EscalationRule.objects.get(code="E-1")
    assert {t["post"] for t in rule.targets if t.get("enabled", True)} == {
        "village_secretary", "village_director", "first_secretary",
    }  # fmt: skip
    result = run_rules(year=YEAR, as_of=AS_OF)
    e8 = next(t for t in result.triggered if t.rule_code == "E-8")
    posts = {x["post"] for x in e8.evidence["targets"]}
    assert {"township_secretary", "township_head", "village_secretary", "village_director"} <= posts
    rule.targets = [{**t, "enabled": True} for t in rule.targets]
    rule.save()
    result = run_rules(year=YEAR, as_of=AS_OF)
    e1 = next(t for t in result.triggered if t.rule_code == "E-1")
    (cadre,) = [x for x in e1.evidence["targets"] if x["post"] == "village_household_cadre"]
    assert cadre["forms"] == ["at_discretion"] and cadre["official"]


# --- §5: the one-vote veto -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_failed_annual_task_vetoes_the_township_through_the_normal_open_from_alert_flow(people, client):
    AnnualTarget.objects.create(unit_id=TOWNSHIP, year=YEAR, households_to_exit=2)
    run_rules(year=YEAR, as_of=AS_OF)
    alert = Alert.objects.get(rule_code="E-3", unit_id=TOWNSHIP)
    cases = case_services.case_open_from_alert(actor=people["office"], alert=alert)
    (unit_case,) = [c for c in cases if c.official is None]
    assert unit_case.proposed_forms == ["one_vote_veto"] and unit_case.year == YEAR
    township = AdminUnit.objects.get(code=TOWNSHIP)
    assert veto_for(township, YEAR) is None
    decide_and_execute(people, unit_case, unit_case.proposed_forms)
    veto = veto_for(township, YEAR)
    assert (veto.ground, veto.case_id) == ("failed_task", unit_case.pk) and veto_for(
        township, YEAR + 1
    ) is None
    secretary = holder(TOWNSHIP, Post.TOWNSHIP_SECRETARY)
    leader = holder(TOWNSHIP, Post.TOWNSHIP_LEADER_IN_CHARGE)  # named by the alert: a responsible person
    for official in (secretary, holder(TOWNSHIP, Post.TOWNSHIP_HEAD), leader):
        eligibility = eligibility_of(official, YEAR)
        assert not eligibility.award and not eligibility.promotion
    assert eligibility_of(secretary, YEAR + 1).promotion
    client.force_login(people["office"])
    assert "未完成年度脱贫任务" in client.get(f"/units/{TOWNSHIP}/").content.decode()
    assert "取消提拔重用资格" in client.get(f"/officials/{secretary.pk}/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("level", "vetoed"), [("provincial", True), ("national", True), ("city", False)])
def test_circulated_criticism_in_central_or_provincial_work_vetoes_the_unit(people, level, vetoed):
    findings("misidentified", 1)
    run_rules(year=YEAR, as_of=AS_OF)
    alert = Alert.objects.get(rule_code="E-1", unit_id=VILLAGE)
    response_cases = case_services.case_open_from_alert(
        actor=people["office"], alert=alert, source_level=level
    )
    case = next(c for c in response_cases if c.official.cadre_level == "village")
    assert case.source_level == level and case.unit_id == VILLAGE
    township_officer = UserFactory(username="tw", jurisdiction_id=TOWNSHIP)
    township_officer.groups.set([role_group("discipline_officer")])
    decide_and_execute({**people, "tw": township_officer}, case, ["circulation"], decider="tw")
    veto = veto_for(AdminUnit.objects.get(code=VILLAGE), YEAR)
    assert (veto is not None) is vetoed
    if vetoed:
        assert veto.ground == "upper_criticism"


@pytest.mark.django_db
def test_a_major_petition_incident_vetoes_the_unit_for_the_year_it_names(people):
    township = AdminUnit.objects.get(code=TOWNSHIP)
    case = case_services.case_open(
        actor=people["office"], unit=township, situation="A-9.3", facts="重大涉贫信访", severity="serious",
        year=YEAR, serious_influence=True,
    )  # fmt: skip
    decide_and_execute(people, case, ["written_self_examination"])
    assert veto_for(township, YEAR).ground == "serious_influence"
    plain = case_services.case_open(
        actor=people["office"],
        unit=township,
        situation="A-9.3",
        facts="一般问题",
        severity="minor",
        year=YEAR + 1,
    )
    decide_and_execute(people, plain, ["written_self_examination"])
    assert veto_for(township, YEAR + 1) is None


# --- §6: the forms of 002 §11(10) and fault tolerance --------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("forms", "appraisal", "approval"),
    [
        (["criticism_education"], "", False),
        (["transfer_from_post"], "basically_competent", False),
        (["suspension"], "basically_competent", False),
        (["ordered_resignation"], "incompetent", True),
    ],
)
def test_the_county_systems_forms(people, forms, appraisal, approval):
    official = holder(TOWNSHIP, Post.TOWNSHIP_HEAD)
    case = case_services.case_open(
        actor=people["office"], unit=AdminUnit.objects.get(code=TOWNSHIP), official=official,
        situation="A-5.5", facts="推诿扯皮", severity="serious",
    )  # fmt: skip
    case_services.case_step(actor=people["office"], case=case, step="review", reason="核查")
    case = case_services.case_step(
        actor=people["county_discipline"], case=case, step="decide", reason="x", forms=forms
    )
    if approval:
        case = case_services.case_step(
            actor=people["city_discipline"], case=case, step="approve", documents="批复"
        )
    case = case_services.case_step(actor=people["office"], case=case, step="execute")
    assert case.appraisal == appraisal


@pytest.mark.django_db
@pytest.mark.parametrize("degree", ["lighter", "reduced"])
def test_fault_tolerance_lightens_or_reduces_as_well_as_exempts(people, degree):
    unit = AdminUnit.objects.get(code=TOWNSHIP)
    official = holder(TOWNSHIP, Post.TOWNSHIP_HEAD)

    def opened():
        case = case_services.case_open(
            actor=people["office"], unit=unit, official=official, situation="A-5.6", facts="改革探索中的失误",
            severity="serious",
        )  # fmt: skip
        return case_services.case_step(actor=people["office"], case=case, step="review", reason="核查")

    case = case_services.case_step(
        actor=people["county_discipline"], case=opened(), step="decide", reason="符合容错情形，减轻处理",
        forms=["admonishing_talk"], fault_tolerance=degree,
    )  # fmt: skip
    assert (case.status, case.fault_tolerance, case.exemption_reason) == (
        "decided",
        degree,
        "符合容错情形，减轻处理",
    )
    with pytest.raises(ValidationError, match="容错"):
        case_services.case_step(
            actor=people["county_discipline"],
            case=opened(),
            step="exempt",
            reason="x",
            fault_tolerance=degree,
        )
    exempted = case_services.case_step(
        actor=people["county_discipline"], case=opened(), step="exempt", reason="免责"
    )
    assert (exempted.status, exempted.fault_tolerance) == ("exempted", "exempted")


@pytest.mark.django_db
def test_the_api_opens_cases_from_an_alert_with_the_source_level(people, client):
    findings("misidentified", 1)
    run_rules(year=YEAR, as_of=AS_OF)
    alert = Alert.objects.get(rule_code="E-1", unit_id=VILLAGE)
    client.force_login(people["office"])
    response = client.post(
        f"/api/alerts/{alert.pk}/cases/", {"source_level": "provincial"}, content_type="application/json"
    )
    assert response.status_code == 201
    body = response.json()
    assert {c["source_level"] for c in body} == {"provincial"}
    assert {tuple(c["proposed_forms"]) for c in body} == {("hold_accountable",), ("corresponding_handling",)}
    assert Consequence.objects.count() == 0 and Organisation.objects.exists()
    assert ConsequenceKind.VETO == "veto"


@pytest.mark.django_db
def test_the_pages_set_the_veto_triggers_by_hand(people, client):
    findings("misidentified", 1)
    run_rules(year=YEAR, as_of=AS_OF)
    alert = Alert.objects.get(rule_code="E-1", unit_id=VILLAGE)
    client.force_login(people["office"])
    assert "发现问题的工作层级" in client.get(f"/alerts/{alert.pk}/").content.decode()
    response = client.post(
        f"/alerts/{alert.pk}/cases/", {"source_level": "national", "serious_influence": "1"}
    )
    assert response.status_code == 302
    assert set(AccountabilityCase.objects.values_list("source_level", "serious_influence")) == {
        ("national", True)
    }
    response = client.post(
        "/cases/new/",
        {
            "unit": TOWNSHIP, "situation": "A-9.3", "severity": "serious", "facts": "重大涉贫信访事件",
            "origin": "manual", "year": str(YEAR), "serious_influence": "on",
        },
    )  # fmt: skip
    assert response.status_code == 302
    case = AccountabilityCase.objects.get(unit_id=TOWNSHIP)
    assert (case.year, case.serious_influence, case.official) == (YEAR, True, None)
