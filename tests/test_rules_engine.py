"""The accountability rules at and around their thresholds, targets across a handover, idempotent
re-runs, profile versions, cases and their authority, run_rules --json, and a real scheduled run."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accountability.access.roles import role_group, sync_roles
from accountability.cases import services as case_services
from accountability.cases.rules import consequences, transition_problem
from accountability.demo.hierarchy import load_hierarchy
from accountability.demo.responsibility import HANDOVER_DAY, HANDOVER_VILLAGE, load_responsibility
from accountability.models import (
    AccountabilityCase,
    AdminUnit,
    Alert,
    AlertStatus,
    AnnualTarget,
    HelpingUnitPairing,
    Notification,
    PolicyProfile,
    Post,
    ResponsibilityAssignment,
)
from accountability.policy.presets import install_preset
from accountability.rules.engine import Condition, condition_met
from accountability.rules.metrics import Fact
from accountability.rules.runs import run_rules
from households.models import Household, HouseholdStatus, VerificationFinding
from tests.factories import UserFactory

D = dt.date
VILLAGE, VILLAGE_2 = "349902101201", "349902101202"
TOWNSHIP, COUNTY = "349902101000", "349902000000"
YEAR, AS_OF = 2020, D(2021, 1, 31)
numbers = itertools.count(1)


@pytest.mark.parametrize(
    ("numerator", "denominator", "threshold", "met"),
    [
        (299, 100_000, "3", False),
        (300, 100_000, "3", True),
        (2995, 1_000_000, "3", False),
        (999, 100_000, "10", False),
        (1000, 100_000, "10", True),
    ],
)
def test_per_mille_is_compared_exactly(numerator, denominator, threshold, met):
    fact = Fact(Decimal(numerator * 1000 / denominator).quantize(Decimal("0.01")), numerator, denominator)
    assert condition_met(Condition("imprecise_persons", Decimal(threshold), "permille"), fact) is met


def test_consequences():
    assert consequences(["admonition"], year=2021, failed_annual_task=False)["award_ineligible_year"] == 2021
    assert consequences(["removal"], year=2021, failed_annual_task=False)["appraisal"] == "incompetent"
    assert (
        consequences(["organisational_handling"], year=2021, failed_annual_task=False)["appraisal"]
        == "basically_competent"
    )
    assert (
        consequences(["public_apology"], year=2021, failed_annual_task=True, task_year=2020)["veto_year"]
        == 2020
    )
    assert transition_problem("proposed", "decide") and not transition_problem("under_review", "decide")


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def city(db):
    load_hierarchy()
    sync_roles()
    load_responsibility()
    PolicyProfile.objects.all().delete()
    install_preset("suzhou", jurisdiction=None, effective_from=D(2015, 1, 1))
    AdminUnit.objects.filter(code__startswith="3499", level="village").update(
        is_poor_village=False, planned_exit_year=None, exit_year=None
    )
    return AdminUnit.objects.get(code="349900000000")


def household(village: str = VILLAGE, persons: int = 3, **fields) -> Household:
    values = {
        "attribute": "ordinary",
        "main_cause": "illness",
        "identified_year": 2016,
        "status": HouseholdStatus.NOT_EXITED,
    }
    return Household.objects.create(
        number=f"R{next(numbers):06d}",
        village_id=village,
        head_name="户主",
        member_count=persons,
        **{**values, **fields},
    )


def findings(
    kind: str, count: int, village: str = VILLAGE, persons: int = 3, status: str = "confirmed"
) -> None:
    for _ in range(count):
        target = household(village, persons)
        VerificationFinding.objects.create(
            village_id=village,
            household=target,
            kind=kind,
            source="provincial_assessment",
            found_date=D(YEAR, 11, 1),
            assessment_year=YEAR,
            persons_affected=persons,
            status=status,
        )


def triggered(year: int = YEAR, as_of: dt.date = AS_OF) -> set[tuple[str, str]]:
    result = run_rules(year=year, as_of=as_of, triggered_by="test")
    return {(t.rule_code, t.unit_code) for t in result.triggered if not t.rule_code.startswith("Q")}


# --- the table of thresholds ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("misidentified", "wrong_exits", "expected"),
    [
        (0, 0, set()),
        (0, 1, set()),
        (1, 0, {"E-1"}),
        (0, 2, {"E-1"}),
        (2, 0, {"E-1", "E-2"}),
        (0, 3, {"E-1", "E-2"}),
        (1, 1, {"E-1"}),
    ],
)
def test_village_rules(city, misidentified, wrong_exits, expected):
    findings("misidentified", misidentified)
    findings("wrong_exit", wrong_exits)
    assert {rule for rule, unit in triggered() if unit == VILLAGE} == expected


@pytest.mark.django_db
def test_unconfirmed_findings_do_not_count(city):
    findings("misidentified", 3, status="pending")
    findings("misidentified", 3, status="dismissed")
    assert triggered() == set()


@pytest.mark.django_db
@pytest.mark.parametrize(("misidentified", "e4"), [(4, False), (5, True)])
def test_township_rule(city, misidentified, e4):
    findings("misidentified", misidentified - 1, village=VILLAGE)
    findings("misidentified", 1, village=VILLAGE_2)
    assert (("E-4", TOWNSHIP) in triggered()) is e4


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persons", "expected"),
    [(299, set()), (300, {"E-6"}), (999, {"E-6"}), (1000, {"E-6", "E-7"})],
)
def test_county_per_mille(city, persons, expected):
    """100,000 persons registered in the county, ``persons`` of them in a wrongly exited household:
    the numerator is part of the denominator (it was built outside it before)."""
    for _ in range(3):
        household("349902102201", persons=25_000)
    household("349902102202", persons=25_000 - persons)
    target = household("349902102201", persons=persons, status=HouseholdStatus.EXITED, exit_year=2018)
    VerificationFinding.objects.create(
        village_id="349902102201", household=target, kind="wrong_exit", source="third_party",
        found_date=D(YEAR, 11, 1), assessment_year=YEAR, persons_affected=1, status="confirmed",
    )  # fmt: skip
    result = {rule for rule, unit in triggered() if unit == COUNTY and rule in ("E-6", "E-7")}
    assert result == expected


@pytest.mark.django_db
def test_the_denominator_is_a_profile_setting_and_the_alert_names_it(city):
    household("349902102201", persons=30_000)
    AdminUnit.objects.filter(code__startswith="349902", level="village").update(
        rural_population=1000
    )  # 12,000
    findings("misidentified", 1, village="349902102201", persons=40)  # 40/30,003 = 1.33‰; 40/12,000 = 3.33‰
    assert ("E-6", COUNTY) not in triggered()
    PolicyProfile.objects.update(denominator="rural")
    assert ("E-6", COUNTY) in triggered()
    alert = Alert.objects.get(rule_code="E-6")
    assert (alert.numerator, alert.denominator, alert.evidence["denominator"]) == (40, 12_000, "rural")


@pytest.mark.django_db
@pytest.mark.parametrize(("late", "expected"), [(0, set()), (1, {"E-8"}), (2, {"E-8", "E-9"})])
def test_late_poor_villages(city, client, late, expected):
    villages = ["349902101201", "349902102201", "349902103201"]
    AdminUnit.objects.filter(code__in=villages).update(
        is_poor_village=True, planned_exit_year=YEAR, exit_year=YEAR
    )
    AdminUnit.objects.filter(code__in=villages[:late]).update(exit_year=None)
    rules = triggered()
    assert {rule for rule, unit in rules if unit == COUNTY and rule in ("E-8", "E-9")} == expected
    if late:  # the alert page names the late villages, not their codes
        client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
        page = client.get(
            f"/alerts/{Alert.objects.get(rule_code='E-8', unit_id=COUNTY).pk}/"
        ).content.decode()
        assert AdminUnit.objects.get(code=villages[0]).name in page and f"{villages[0]}</" not in page
    helping_units = {rule for rule, unit in rules if rule == "E-10"}
    assert bool(helping_units) is (
        late > 0 and HelpingUnitPairing.objects.filter(village_id__in=villages[:late]).exists()
    )


@pytest.mark.django_db
def test_annual_task(city):
    AnnualTarget.objects.create(unit_id=TOWNSHIP, year=YEAR, households_to_exit=2)
    household(status=HouseholdStatus.EXITED, exit_year=YEAR)
    assert ("E-3", TOWNSHIP) in triggered()
    household(status=HouseholdStatus.EXITED, exit_year=YEAR)
    assert ("E-3", TOWNSHIP) not in triggered()
    assert Alert.objects.get(rule_code="E-3").status == AlertStatus.NO_LONGER_HOLDS


@pytest.mark.django_db
def test_a_county_target_is_judged_at_the_county_only(city):
    # the county's code is also "a township code ending in 000": its target must not raise E-3
    AnnualTarget.objects.create(unit_id=COUNTY, year=YEAR, households_to_exit=2)
    found = triggered()
    assert ("E-5", COUNTY) in found
    assert [pair for pair in found if pair[0] == "E-3"] == []


# --- targets, idempotence, versions -----------------------------------------------------------


@pytest.mark.django_db
def test_targets_are_whoever_held_the_post_at_the_period_end(city):
    before = ResponsibilityAssignment.objects.get(
        post=Post.VILLAGE_SECRETARY,
        scope_unit_id=HANDOVER_VILLAGE,
        valid_to=HANDOVER_DAY - dt.timedelta(days=1),
    ).official
    after = ResponsibilityAssignment.objects.get(
        post=Post.VILLAGE_SECRETARY, scope_unit_id=HANDOVER_VILLAGE, valid_from=HANDOVER_DAY
    ).official
    target = household(HANDOVER_VILLAGE)
    VerificationFinding.objects.create(
        village_id=HANDOVER_VILLAGE, household=target, kind="misidentified", source="provincial_audit",
        found_date=D(2026, 3, 1), assessment_year=2026, persons_affected=3, status="confirmed",
    )  # fmt: skip

    def secretaries(as_of):
        result = run_rules(year=2026, as_of=as_of, triggered_by="test")
        (alert,) = [t for t in result.triggered if t.rule_code == "E-1"]
        return [x["name"] for x in alert.evidence["targets"] if x["post"] == Post.VILLAGE_SECRETARY]

    assert secretaries(D(2026, 6, 30)) == [before.name]
    assert secretaries(D(2026, 12, 31)) == [after.name]


@pytest.mark.django_db
def test_re_runs_do_not_duplicate_and_changes_are_in_the_history(city):
    findings("misidentified", 1)
    run_rules(year=YEAR, as_of=AS_OF)
    second = run_rules(year=YEAR, as_of=AS_OF)
    assert Alert.objects.filter(rule_code="E-1").count() == 1
    assert (second.run.created, second.run.updated) == (0, 0)
    findings("misidentified", 1)  # now 2: E-1's value changes, E-2 appears
    third = run_rules(year=YEAR, as_of=AS_OF)
    alert = Alert.objects.get(rule_code="E-1")
    assert (third.run.created, alert.value, alert.last_run_id) == (1, Decimal("2"), third.run.pk)
    assert Alert.objects.filter(rule_code="E-2").count() == 1
    assert len(alert.evidence["findings"]) == 2
    values = [e.value for e in Alert.pgh_event_model.objects.filter(pgh_obj=alert).order_by("pgh_id")]
    assert values == [Decimal("1"), Decimal("2")]


@pytest.mark.django_db
def test_a_profile_change_applies_only_from_its_effective_date(city):
    findings("misidentified", 1)
    newer = install_preset("suzhou", jurisdiction=None, effective_from=D(2021, 1, 1))
    rule = newer.rules.get(code="E-1")
    rule.conditions = [{"metric": "misidentified_households", "threshold": "2", "measure": "count"}]
    rule.save()
    assert ("E-1", VILLAGE) in triggered(YEAR)  # 2020: the old version (≥ 1)
    VerificationFinding.objects.update(assessment_year=2021)
    assert ("E-1", VILLAGE) not in triggered(2021, D(2022, 1, 31))  # 2021: the new one (≥ 2)


@pytest.mark.django_db
def test_queries_do_not_grow_with_units(city):
    findings("misidentified", 1)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            run_rules(year=YEAR, as_of=AS_OF)
        return len(queries)

    few = count()
    for village in ("349901101202", "349901102203", "349902103204", "349902102202"):
        findings("misidentified", 2, village=village)
        findings("wrong_exit", 3, village=village)
    Alert.objects.all().delete()
    assert count() == few


@pytest.mark.django_db
def test_queries_do_not_grow_with_the_recipients_of_the_digests(city):
    """Issue 19: the digests of a run are written in bulk — one message per recipient, a fixed number
    of statements whatever the number of recipients."""
    findings("misidentified", 1)
    made = itertools.count()

    def offices(n: int) -> None:
        for _ in range(n):
            user = UserFactory(username=f"office{next(made)}", jurisdiction_id=TOWNSHIP, email="o@example.cn")
            user.groups.set([role_group("township_staff")])

    def count() -> tuple[int, int]:
        Alert.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            result = run_rules(year=YEAR, as_of=AS_OF)
        return len(queries), result.run.messages

    offices(1)
    few, sent = count()
    offices(6)
    many, sent_to_more = count()
    assert sent_to_more == sent + 6
    assert many == few
    latest = Notification.objects.filter(recipient__username="office6").get()
    assert "E-1" in latest.body and latest.dedupe_key.startswith("rule-run:")


@pytest.mark.django_db
def test_run_rules_json(city):
    findings("misidentified", 1)
    out = io.StringIO()
    call_command("run_rules", "--year", str(YEAR), "--as-of", AS_OF.isoformat(), "--json", stdout=out)
    items = json.loads(out.getvalue())
    (e1,) = [i for i in items if i["rule"] == "E-1"]
    assert e1["unit"] == VILLAGE and e1["period"] == "2020" and e1["measure"] == "count"
    assert (e1["value"], e1["threshold"], e1["status"]) == (1, 1, "open")
    assert {t["post"] for t in e1["targets"]} == {"village_secretary", "village_director", "first_secretary"}
    assert all(t["name"] for t in e1["targets"]) and e1["action"]


@pytest.mark.django_db
def test_digests_one_per_recipient_per_run(city):
    office = UserFactory(username="township_office", jurisdiction_id=TOWNSHIP)
    office.groups.set([role_group("township_staff")])
    findings("misidentified", 2)  # E-1 and E-2 at the village: both go to the township office
    first = run_rules(year=YEAR, as_of=AS_OF)
    assert Notification.objects.filter(recipient=office).count() == 1
    assert "E-1" in Notification.objects.get(recipient=office).body and first.run.messages >= 1
    body = Notification.objects.get(recipient=office).body  # issue 18 §6: units by name
    assert AdminUnit.objects.get(code=VILLAGE).name in body and VILLAGE not in body
    run_rules(year=YEAR, as_of=AS_OF)  # nothing new: no new message
    assert Notification.objects.filter(recipient=office).count() == 1


# --- cases ------------------------------------------------------------------------------------


@pytest.fixture
def people(city):
    def user(name: str, code: str, role: str):
        made = UserFactory(username=name, jurisdiction_id=code)
        made.groups.set([role_group(role)])
        return made

    return {
        "office": user("office", COUNTY, "county_office"),
        "county_discipline": user("cd", COUNTY, "discipline_officer"),
        "city_discipline": user("md", "349900000000", "discipline_officer"),
        "other_county": user("oc", "349901000000", "county_office"),
    }


@pytest.mark.django_db
def test_case_workflow_and_authority(people):
    findings("misidentified", 5, village=VILLAGE)  # E-4 at the township: township leaders are county-managed
    run_rules(year=YEAR, as_of=AS_OF)
    alert = Alert.objects.get(rule_code="E-4", unit_id=TOWNSHIP)
    with pytest.raises(PermissionDenied):
        case_services.case_open_from_alert(actor=people["other_county"], alert=alert)
    cases = case_services.case_open_from_alert(actor=people["office"], alert=alert)
    assert len(cases) == len([t for t in alert.targets if t["official"]])
    # township leaders are county-managed, the county leader for the township city-managed
    assert sorted(c.authority_level for c in cases) == ["city", "county", "county", "county"]
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CASE_OPENED
    case = next(c for c in cases if c.authority_level == "county")
    assert case.proposed_forms == ["removal", "party_government_discipline"]  # Art. 39(3): the post's own
    with pytest.raises(ValidationError, match="不能"):
        case_services.case_step(actor=people["county_discipline"], case=case, step="decide", reason="x")
    case_services.case_step(actor=people["office"], case=case, step="review", reason="调查")
    with pytest.raises(PermissionDenied):
        case_services.case_step(actor=people["office"], case=case, step="decide", reason="x")
    with pytest.raises(PermissionDenied, match="县\\(区\\)级"):
        case_services.case_step(actor=people["city_discipline"], case=case, step="decide", reason="x")
    with pytest.raises(ValidationError, match="理由"):
        case_services.case_step(actor=people["county_discipline"], case=case, step="exempt")
    case = case_services.case_step(
        actor=people["county_discipline"], case=case, step="decide", reason="给予诫勉", forms=["admonition"]
    )
    case = case_services.case_step(actor=people["office"], case=case, step="execute")
    assert (case.status, case.award_ineligible_year) == ("executed", dt.date.today().year)
    assert [e.step for e in case.steps.all()] == ["open", "review", "decide", "execute"]
    # the findings came from provincial work (Art. 39's sources) and 诫勉 is 通报批评 or heavier:
    # Art. 41 vetoes the unit for the alert's year
    assert (case.source_level, case.veto_year) == ("provincial", YEAR)
    veto = case.consequence_records.get(kind="veto")
    assert (veto.unit_id, veto.year, veto.ground) == (TOWNSHIP, YEAR, "upper_criticism")
    with pytest.raises(ValidationError):
        case_services.case_open_from_alert(actor=people["office"], alert=alert)  # once per official


@pytest.mark.django_db
def test_case_pages_and_api_are_scoped(people, client):
    case = case_services.case_open(
        actor=people["office"], unit=AdminUnit.objects.get(code=TOWNSHIP), situation="A-9.3",
        facts="热线转办超期", severity="minor",
    )  # fmt: skip
    assert case.proposed_forms == ["written_self_examination", "deadline_rectification"]  # a unit, minor
    client.force_login(people["other_county"])
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert client.get(f"/api/cases/{case.pk}/").status_code == 404
    client.force_login(people["office"])
    assert "热线转办超期" in client.get(f"/cases/{case.pk}/").content.decode()
    response = client.post(
        f"/api/cases/{case.pk}/steps/", {"step": "review", "reason": "核查"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == "under_review"
    response = client.post(
        f"/api/cases/{case.pk}/steps/", {"step": "decide", "reason": "x"}, content_type="application/json"
    )
    assert response.status_code == 403
    with pytest.raises(ValidationError, match=r"A-6\.1"):
        case_services.case_open(
            actor=people["office"], unit=case.unit, situation="A-11.1", facts="x", severity="minor"
        )
    assert AccountabilityCase.objects.count() == 1


@pytest.mark.django_db
def test_a_failed_annual_task_vetoes_the_units_assessment_of_that_year(people):
    AnnualTarget.objects.create(unit_id=TOWNSHIP, year=YEAR, households_to_exit=2)
    run_rules(year=YEAR, as_of=AS_OF)
    alert = Alert.objects.get(rule_code="E-3", unit_id=TOWNSHIP)
    case = case_services.case_open(
        actor=people["office"], unit=alert.unit, situation="A-5.7", facts="未完成任务", severity="serious",
        origin="alert", alert=alert,
    )  # fmt: skip
    case_services.case_step(actor=people["office"], case=case, step="review", reason="核对")
    case_services.case_step(
        actor=people["county_discipline"],
        case=case,
        step="decide",
        reason="公开道歉",
        forms=["public_apology"],
    )
    case = case_services.case_step(actor=people["office"], case=case, step="execute")
    assert case.veto_year == YEAR


@pytest.mark.django_db
def test_rules_edited_in_the_admin_are_checked(city):
    profile = PolicyProfile.objects.get()
    for rule in profile.rules.all():
        rule.full_clean()  # every preset rule is valid
    rule = profile.rules.get(code="E-1")
    rule.conditions = [{"metric": "misidentified", "threshold": "x"}]
    rule.targets = [{"post": "mayor", "at": "subject"}]
    with pytest.raises(ValidationError) as error:
        rule.full_clean()
    messages = " ".join(error.value.message_dict["conditions"])
    assert "metric 应为以下之一" in messages and "不是已知的岗位代码" in messages
