"""Supervision, patrol and rectification at their edges: the 2-month deadline at month ends, the
≥ 1 coverage rule, verification by a non-owner, overdue alerts naming the officials of the
finding's date across a handover, evidence checks, transfers, petitions."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import json

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from accountability.demo.responsibility import HANDOVER_DAY
from accountability.models import AdminUnit, Alert, Official, Organisation, PolicyProfile, Post
from accountability.platform.models import Notification
from accountability.policy.calendar import add_working_days
from accountability.rules.runs import run_rules
from inspections import services
from inspections.models import FindingStatus, InspectionPolicy, Petition, RectificationStep, StepKind
from inspections.presets import PRESET
from inspections.rules import (
    coverage,
    coverage_alert_due,
    evidence_problem,
    is_late,
    is_overdue,
    months_later,
    petition_overdue,
    rectification_deadline,
    verification_refusal,
)
from inspections.selectors import coverage_of, ledger_for, responsible_on
from tests.inspections.conftest import (
    CITY,
    COUNTY,
    COUNTY_2,
    PNG,
    TOWNSHIP,
    VILLAGE,
    city_official,
    finding,
    login,
    numbers,
    patrol,
)

D = dt.date


# --- pure rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "due"),
    [
        (D(2026, 8, 31), 2, D(2026, 10, 31)),
        (D(2026, 12, 31), 2, D(2027, 2, 28)),
        (D(2023, 12, 31), 2, D(2024, 2, 29)),  # leap year
        (D(2026, 12, 30), 2, D(2027, 2, 28)),
        (D(2026, 11, 30), 2, D(2027, 1, 30)),
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2026, 7, 31), 2, D(2026, 9, 30)),
        (D(2026, 3, 15), 2, D(2026, 5, 15)),
        (D(2026, 11, 1), 14, D(2028, 1, 1)),
    ],
)
def test_months_later_keeps_the_day_or_takes_the_month_end(day, months, due):
    assert months_later(day, months) == due


def test_patrol_deadline_runs_from_the_feedback_and_ignores_a_set_date():
    due = rectification_deadline(
        source="patrol",
        found_on=D(2026, 6, 1),
        feedback_on=D(2026, 8, 31),
        set_deadline=D(2026, 7, 1),
        patrol_months=2,
        default_months=3,
    )
    assert due.due == D(2026, 10, 31)
    without_feedback = rectification_deadline(
        source="patrol",
        found_on=D(2026, 12, 31),
        feedback_on=None,
        set_deadline=None,
        patrol_months=2,
        default_months=3,
    )
    assert without_feedback.due == D(2027, 2, 28)


def test_other_sources_take_the_set_date_else_the_profile_default():
    common = {"source": "audit", "found_on": D(2026, 1, 31), "feedback_on": None, "patrol_months": 2}
    assert rectification_deadline(**common, set_deadline=D(2026, 3, 1), default_months=3).due == D(2026, 3, 1)
    assert rectification_deadline(**common, set_deadline=None, default_months=3).due == D(2026, 4, 30)


@pytest.mark.parametrize(
    ("closed_on", "as_of", "overdue", "late"),
    [
        (None, D(2026, 10, 31), False, False),  # the deadline day is still in time
        (None, D(2026, 11, 1), True, True),
        (D(2026, 10, 31), D(2026, 12, 1), False, False),
        (D(2026, 11, 1), D(2026, 12, 1), False, True),  # closed after the deadline: late
        (D(2026, 11, 5), D(2026, 11, 2), True, True),  # closed later than the as-of day: open then
    ],
)
def test_overdue_and_late_at_the_deadline(closed_on, as_of, overdue, late):
    deadline = D(2026, 10, 31)
    assert is_overdue(deadline=deadline, closed_on=closed_on, as_of=as_of) is overdue
    assert is_late(deadline=deadline, closed_on=closed_on, as_of=as_of) is late


@pytest.mark.parametrize(
    ("verifier", "owner", "refused"),
    [
        (TOWNSHIP, TOWNSHIP, True),  # the owner itself
        (VILLAGE, TOWNSHIP, True),  # inside the owner
        (COUNTY, TOWNSHIP, False),  # the level above
        (CITY, TOWNSHIP, False),
        (COUNTY_2, TOWNSHIP, True),  # beside the owner's line
        (COUNTY, COUNTY, True),
        (CITY, COUNTY, False),
        (None, COUNTY, True),
    ],
)
def test_verification_only_from_above_the_inspected_unit(verifier, owner, refused):
    assert (verification_refusal(verifier_code=verifier, owner_code=owner) is not None) is refused


def test_coverage_at_least_once_a_year():
    rows = {c.key: c for c in coverage({"a": "甲县", "b": "乙县"}, {"a": 1}, 1)}
    assert rows["a"].covered and not rows["b"].covered and rows["b"].shortfall == 1
    two = {c.key: c for c in coverage({"a": "甲县"}, {"a": 1}, 2)}
    assert not two["a"].covered and two["a"].shortfall == 1


def test_the_uncovered_alert_is_due_at_the_year_end_only():
    assert not coverage_alert_due(year=2026, as_of=D(2026, 12, 30), days_before=0)
    assert coverage_alert_due(year=2026, as_of=D(2026, 12, 31), days_before=0)
    assert coverage_alert_due(year=2026, as_of=D(2026, 12, 1), days_before=30)
    assert not coverage_alert_due(year=2026, as_of=D(2026, 11, 30), days_before=30)


@pytest.mark.parametrize(
    ("name", "size", "head", "ok"),
    [
        ("p.png", 100, PNG, True),
        ("p.PNG", 100, PNG, True),
        ("p.png", 10 * 1024 * 1024, PNG, True),
        ("p.png", 10 * 1024 * 1024 + 1, PNG, False),  # above the limit
        ("p.png", 0, PNG, False),
        ("p.exe", 100, b"MZ", False),
        ("p.jpg", 100, b"MZ\x90\x00", False),  # renamed executable
        ("r.pdf", 100, b"%PDF-1.7", True),
        ("r.docx", 100, b"PK\x03\x04", True),
        ("noextension", 100, PNG, False),
    ],
)
def test_evidence_type_and_size(name, size, head, ok):
    assert (evidence_problem(name=name, size=size, content_head=head, max_mb=10) is None) is ok


def test_petition_overdue_edges():
    due = D(2026, 3, 20)
    assert not petition_overdue(answer_due=due, answered_on=None, as_of=due)
    assert petition_overdue(answer_due=due, answered_on=None, as_of=D(2026, 3, 21))
    assert petition_overdue(answer_due=due, answered_on=D(2026, 3, 21), as_of=D(2026, 4, 1))
    assert not petition_overdue(answer_due=due, answered_on=due, as_of=D(2026, 4, 1))
    assert not petition_overdue(answer_due=None, answered_on=None, as_of=D(2030, 1, 1))


# --- with the database (fixtures and helpers in conftest.py) ------------------------------------


def test_patrol_needs_approval_and_a_division_rank_leader(people):
    inspector = people["inspector"]
    common = {
        "actor": inspector,
        "kind": "patrol",
        "title": "巡查",
        "issuer": AdminUnit.objects.get(code=CITY),
        "unit": AdminUnit.objects.get(code=COUNTY),
        "starts_on": D(2026, 5, 1),
        "leader": city_official(),
    }
    with pytest.raises(ValidationError, match="批准"):
        services.round_create(number="P1", leader_rank="division", **common)
    with pytest.raises(ValidationError, match="处级"):
        services.round_create(number="P2", leader_rank="section", approved_on=D(2026, 4, 1), **common)
    assert services.round_create(number="P3", leader_rank="division", approved_on=D(2026, 4, 1), **common).pk


def test_cross_inspection_refuses_a_member_of_the_inspected_county(people):
    own = Official.objects.filter(organisation__unit__code__startswith="349901").first()
    with pytest.raises(ValidationError, match="交叉"):
        services.round_create(
            actor=people["inspector"],
            kind="supervision",
            scope="comprehensive",
            number="S1",
            title="综合督查",
            issuer=AdminUnit.objects.get(code=CITY),
            unit=AdminUnit.objects.get(code=COUNTY),
            starts_on=D(2026, 5, 1),
            leader=city_official(),
            leader_rank="division",
            members=[own],
        )


def test_patrol_finding_deadline_from_the_round_feedback(people):
    round = patrol(people["inspector"])
    f = finding(people["inspector"], round=round, source="patrol", found_on=D(2026, 6, 30))
    assert f.source == "patrol" and f.deadline == D(2026, 8, 30)  # no feedback yet: from the finding's date
    services.round_feedback(actor=people["inspector"], round=round, on=D(2026, 8, 31))
    f.refresh_from_db()
    assert (f.feedback_on, f.deadline) == (D(2026, 8, 31), D(2026, 10, 31))


def test_responsible_officials_are_who_held_the_posts_on_the_finding_date(people):
    before, after = HANDOVER_DAY - dt.timedelta(days=1), HANDOVER_DAY
    secretary = Post.VILLAGE_SECRETARY
    old = {
        h.official_id
        for h in responsible_on(AdminUnit.objects.get(code=VILLAGE), before)
        if h.post == secretary
    }
    new = {
        h.official_id
        for h in responsible_on(AdminUnit.objects.get(code=VILLAGE), after)
        if h.post == secretary
    }
    assert old and new and old != new
    f = finding(people["inspector"], found_on=before)
    assert {r.official_id for r in f.responsible.all() if r.post == secretary} == old
    g = finding(people["inspector"], found_on=after)
    assert {r.official_id for r in g.responsible.all() if r.post == secretary} == new


def test_close_out_only_after_verification_by_a_non_owner(people):
    county = AdminUnit.objects.get(code=COUNTY)
    f = services.finding_create(
        actor=people["county"],
        number="DC-1",
        unit=AdminUnit.objects.get(code=TOWNSHIP),
        found_on=D(2026, 6, 1),
        source="supervision",
        category="responsibility",
        severity="serious",
        description="责任书未逐级签订",
        issuer=county,
    )
    assert f.owner_id == TOWNSHIP
    with pytest.raises(ValidationError, match="申请销号"):
        services.finding_verify(actor=people["county"], finding=f)  # nothing to verify yet
    photo = SimpleUploadedFile("after.png", PNG, content_type="image/png")
    services.rectification_report(
        actor=people["township"], finding=f, text="已补签责任书", files=[photo], request_close=True
    )
    f.refresh_from_db()
    assert f.status == FindingStatus.AWAITING and f.evidence.count() == 1
    owner_verifier = login(TOWNSHIP, "county_office", name="township-with-verify-right")
    with pytest.raises(PermissionDenied, match="不能核验本单位"):
        services.finding_verify(actor=owner_verifier, finding=f)
    with pytest.raises(PermissionDenied):
        services.finding_verify(actor=people["township"], finding=f)  # no right to verify at all
    f.refresh_from_db()
    assert f.status == FindingStatus.AWAITING and f.closed_on is None
    services.finding_reject(actor=people["county"], finding=f, text="佐证不足")
    services.rectification_report(actor=people["township"], finding=f, text="补充佐证", request_close=True)
    services.finding_verify(actor=people["county"], finding=f, text="核验属实")
    f.refresh_from_db()
    assert f.status == FindingStatus.CLOSED and f.verified_by == people["county"] and f.rejections == 1
    kinds = list(RectificationStep.objects.filter(finding=f).values_list("kind", flat=True))
    assert kinds == [
        StepKind.CREATED,
        StepKind.REQUEST_CLOSE,
        StepKind.REJECTED,
        StepKind.REQUEST_CLOSE,
        StepKind.VERIFIED,
    ]
    with pytest.raises(ValidationError, match="已销号"):
        services.rectification_report(actor=people["township"], finding=f, text="再报")


def test_a_sibling_county_cannot_report_or_verify(people):
    f = finding(people["inspector"], unit=TOWNSHIP)
    other = login(COUNTY_2, "county_office")
    with pytest.raises(PermissionDenied):
        services.rectification_report(actor=other, finding=f, text="x", request_close=True)
    services.rectification_report(actor=people["township"], finding=f, text="x", request_close=True)
    with pytest.raises(PermissionDenied):
        services.finding_verify(actor=other, finding=f)


def test_a_wrong_upload_is_refused_and_nothing_is_reported(people):
    f = finding(people["inspector"], unit=TOWNSHIP)
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00" + b"\x00" * 20, content_type="image/jpeg")
    with pytest.raises(ValidationError, match="不符"):
        services.rectification_report(actor=people["township"], finding=f, text="整改", files=[fake])
    assert not RectificationStep.objects.filter(finding=f, kind=StepKind.PROGRESS).exists()


def test_transfer_is_recorded_once(people):
    f = finding(people["inspector"])
    services.finding_transfer(actor=people["inspector"], finding=f, to="discipline", note="涉嫌虚报冒领")
    f.refresh_from_db()
    assert f.transfer_to == "discipline" and f.transferred_on is not None
    received = Notification.objects.filter(kind="finding_transfer", link__endswith=f"/{f.pk}/")
    assert list(received.values_list("recipient", flat=True)) == [people["discipline"].pk]
    sibling = login(COUNTY_2, "discipline_officer")
    g = finding(people["inspector"])
    services.finding_transfer(actor=people["inspector"], finding=g, to="procuratorate", note="")
    assert not Notification.objects.filter(recipient=sibling).exists()
    with pytest.raises(ValidationError, match="已于"):
        services.finding_transfer(actor=people["inspector"], finding=f, to="procuratorate", note="")
    with pytest.raises(PermissionDenied):
        services.finding_transfer(
            actor=people["township"], finding=finding(people["inspector"]), to="discipline", note=""
        )


def rules_json(year: int, as_of: dt.date) -> list[dict]:
    out = io.StringIO()
    call_command("run_rules", year=year, as_of=as_of.isoformat(), json=True, stdout=out)
    return json.loads(out.getvalue())


def test_overdue_alert_names_the_officials_of_the_finding_date_across_a_handover(people):
    before = HANDOVER_DAY - dt.timedelta(days=15)
    f = finding(people["inspector"], found_on=before, deadline=HANDOVER_DAY + dt.timedelta(days=30))
    former = {
        r.official.name for r in f.responsible.select_related("official") if r.post == Post.VILLAGE_SECRETARY
    }
    deadline = f.deadline
    assert rules_json(2026, deadline) == [] or all(
        i.get("finding") != f.number for i in rules_json(2026, deadline)
    )
    items = [i for i in rules_json(2026, deadline + dt.timedelta(days=1)) if i.get("finding") == f.number]
    assert [i["rule"] for i in items] == ["I-1"]
    names = {t["name"] for t in items[0]["targets"]}
    assert former <= names
    successor = {
        h.name
        for h in responsible_on(AdminUnit.objects.get(code=VILLAGE), HANDOVER_DAY)
        if h.post == Post.VILLAGE_SECRETARY
    }
    assert not successor & names
    assert items[0]["unit"] == VILLAGE
    # one alert per finding, rule and period, however often the rules run
    run_rules(year=2026, as_of=deadline + dt.timedelta(days=2))
    assert Alert.objects.filter(rule_code="I-1", subject_key=f"finding:{f.pk}").count() == 1


def test_an_old_finding_still_overdue_is_reported_in_a_later_year(people):
    f = finding(people["inspector"], found_on=D(2025, 3, 1), deadline=D(2025, 5, 1))
    items = [i for i in rules_json(2026, D(2026, 2, 1)) if i.get("finding") == f.number]
    assert len(items) == 1 and items[0]["value"] == (D(2026, 2, 1) - D(2025, 5, 1)).days
    g = finding(people["inspector"], found_on=D(2025, 11, 1), deadline=D(2026, 1, 15))
    on_the_day = [i for i in rules_json(2025, D(2026, 1, 15)) if i.get("finding") == g.number]
    assert on_the_day == []
    the_day_after = [i for i in rules_json(2025, D(2026, 1, 16)) if i.get("finding") == g.number]
    assert [i["value"] for i in the_day_after] == [1]


def test_closed_late_counts_as_late_closed_in_time_does_not(people):
    f = finding(people["inspector"], unit=TOWNSHIP, found_on=D(2026, 3, 1), deadline=D(2026, 4, 30))
    services.rectification_report(actor=people["township"], finding=f, text="完成", request_close=True)
    services.finding_verify(actor=people["county"], finding=f, on=D(2026, 5, 2))
    g = finding(people["inspector"], unit=TOWNSHIP, found_on=D(2026, 3, 1), deadline=D(2026, 4, 30))
    services.rectification_report(actor=people["township"], finding=g, text="完成", request_close=True)
    services.finding_verify(actor=people["county"], finding=g, on=D(2026, 4, 30))
    flagged = {i["finding"] for i in rules_json(2026, D(2026, 6, 1)) if i["rule"] == "I-1"}
    assert f.number in flagged and g.number not in flagged
    late = set(
        ledger_for(people["county"], as_of=D(2026, 6, 1), state="late").values_list("number", flat=True)
    )
    assert f.number in late and g.number not in late


def test_rejected_twice_and_reopened_raise_their_rules(people):
    f = finding(people["inspector"], unit=TOWNSHIP, found_on=D(2026, 3, 1), deadline=D(2026, 12, 31))
    for n in range(2):
        services.rectification_report(actor=people["township"], finding=f, text="完成", request_close=True)
        services.finding_reject(actor=people["county"], finding=f, text=f"第{n + 1}次退回")
        rules = {i["rule"] for i in rules_json(2026, D(2026, 6, 1)) if i.get("finding") == f.number}
        assert ("I-2" in rules) is (n == 1)
    services.rectification_report(actor=people["township"], finding=f, text="完成", request_close=True)
    services.finding_verify(actor=people["county"], finding=f, on=D(2026, 6, 1))
    services.finding_reopen(actor=people["county"], finding=f, text="问题反弹")
    rules = {i["rule"] for i in rules_json(2026, D(2026, 6, 2)) if i.get("finding") == f.number}
    assert "I-3" in rules


def comprehensive(actor, unit_code: str, on: dt.date, helping_unit=None):
    return services.round_create(
        actor=actor,
        kind="supervision",
        scope="comprehensive",
        number=f"ZH-{next(numbers)}",
        title="综合督查",
        issuer=AdminUnit.objects.get(code=CITY),
        unit=AdminUnit.objects.get(code=unit_code),
        helping_unit=helping_unit,
        starts_on=on,
        leader=city_official(),
        leader_rank="division",
    )


def test_coverage_of_every_county_and_the_year_end_alert(people):
    comprehensive(people["inspector"], COUNTY, D(2026, 4, 1))
    result = coverage_of(2026, "3499", PRESET)
    by_key = {c.key: c for c in result.counties}
    assert by_key[COUNTY].covered and not by_key[COUNTY_2].covered
    counties_alerted = lambda as_of: {i.get("unit") for i in rules_json(2026, as_of) if i["rule"] == "I-4"}  # noqa: E731
    assert counties_alerted(D(2026, 12, 30)) == set()
    assert counties_alerted(D(2026, 12, 31)) == {COUNTY_2}
    comprehensive(people["inspector"], COUNTY_2, D(2026, 12, 31))
    assert counties_alerted(D(2026, 12, 31)) == set()


def test_city_supervision_of_counties_twice_a_year_is_a_profile_number(people):
    profile = PolicyProfile.objects.get(jurisdiction=None)
    InspectionPolicy.objects.create(profile=profile, city_county_per_year=2)
    comprehensive(people["inspector"], COUNTY, D(2026, 4, 1))
    comprehensive(people["inspector"], COUNTY_2, D(2026, 4, 1))
    comprehensive(people["inspector"], COUNTY_2, D(2026, 9, 1))
    alerted = {i["unit"] for i in rules_json(2026, D(2026, 12, 31)) if i["rule"] == "I-4"}
    assert alerted == {COUNTY}


def test_helping_units_are_covered_too(people):
    orgs = list(
        Organisation.objects.filter(kind="helping_unit", unit__code__startswith="3499").order_by("pk")
    )
    for org in orgs[1:]:
        comprehensive(
            people["inspector"], org.unit_id if org.unit.level != "city" else COUNTY, D(2026, 5, 1), org
        )
    alerted = {i.get("organisation") for i in rules_json(2026, D(2026, 12, 31)) if i["rule"] == "I-5"}
    assert alerted == {orgs[0].pk}


def test_petition_produces_a_finding_and_is_answered(people):
    petition = services.petition_create(
        actor=people["county"],
        number="XF-1",
        channel="hotline",
        received_on=D(2026, 11, 2),
        content="反映低保户未享受帮扶",
        unit=AdminUnit.objects.get(code=TOWNSHIP),
    )
    f = services.petition_to_finding(
        actor=people["county"], petition=petition, number="XF-1-1", category="pairing", severity="general"
    )
    assert f.source == "petition" and Petition.objects.get(pk=petition.pk).finding == f
    with pytest.raises(ValidationError, match="已形成问题"):
        services.petition_to_finding(
            actor=people["county"],
            petition=Petition.objects.get(pk=petition.pk),
            number="XF-1-2",
            category="pairing",
            severity="general",
        )
    services.petition_answer(
        actor=people["township"], petition=petition, answer="已核实并纳入帮扶", satisfaction="satisfied"
    )


def test_open_a_case_from_a_finding(people):
    f = finding(people["inspector"])
    case = services.finding_open_case(
        actor=people["discipline"], finding=f, situation="A-10.4", severity="minor"
    )
    f.refresh_from_db()
    assert f.case == case and case.origin == "inspection" and case.source_reference == f.number
    with pytest.raises(ValidationError, match="已立案"):
        services.finding_open_case(
            actor=people["discipline"], finding=f, situation="A-10.4", severity="minor"
        )


def test_petition_answer_deadline_in_working_days_and_the_overdue_alert(people):
    # the official calendar as its migration fills it (a transactional test elsewhere may have flushed it)
    calendar_migration = importlib.import_module("accountability.migrations.0018_working_day_calendar")
    calendar_migration.fill_from_chinese_calendar(django_apps, None)
    received = D(2026, 9, 25)  # before the National Day holiday: calendar days would be wrong
    petition = services.petition_create(
        actor=people["county"],
        number="XF-9",
        channel="letter",
        received_on=received,
        content="反映帮扶资金未到户",
        unit=AdminUnit.objects.get(code=TOWNSHIP),
        handler=Official.objects.filter(organisation__unit_id=TOWNSHIP).first(),
    )
    due = add_working_days(received, PRESET.petition_answer_working_days)
    assert due is not None and petition.answer_due == due
    assert due > received + dt.timedelta(
        days=PRESET.petition_answer_working_days * 7 // 5
    )  # holidays skipped

    def flagged(as_of):
        return [i for i in rules_json(2026, as_of) if i["rule"] == "I-6" and i["unit"] == TOWNSHIP]

    assert flagged(due) == []
    late = flagged(due + dt.timedelta(days=1))
    assert len(late) == 1 and late[0]["targets"][0]["name"] == petition.handler.name
    services.petition_answer(actor=people["township"], petition=petition, answer="已答复", on=due)
    assert flagged(due + dt.timedelta(days=1)) == []
