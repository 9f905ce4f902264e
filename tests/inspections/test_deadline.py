"""Moving a finding's rectification deadline (set per finding, seed 004): the rule, the page, the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accountability.platform.history import events_for
from inspections import services
from inspections.models import StepKind
from inspections.rules import DEADLINE_REASON_MAX, deadline_change_refusal
from tests.inspections.conftest import COUNTY, COUNTY_2, TOWNSHIP, finding, login, patrol

D = dt.date


@pytest.mark.parametrize(
    ("source", "status", "actor", "issuer", "refused"),
    [
        ("supervision", "rectifying", "349900000000", "349901000000", None),  # above the issuer
        ("audit", "awaiting", "349901000000", "349901000000", None),  # the issuer itself
        ("supervision", "rectifying", "349901101000", "349901000000", "交办单位"),  # below the issuer
        ("supervision", "rectifying", "349902000000", "349901000000", "交办单位"),  # a sibling county
        ("supervision", "rectifying", None, "349901000000", "管辖范围"),
        ("patrol", "rectifying", "349900000000", "349900000000", "巡查"),  # the rule's date
        ("supervision", "closed", "349900000000", "349900000000", "已销号"),
    ],
)
def test_who_may_move_a_deadline(source, status, actor, issuer, refused):
    refusal = deadline_change_refusal(source=source, status=status, actor_code=actor, issuer_code=issuer)
    assert (refusal is None) if refused is None else (refused in refusal)


def test_a_superuser_may_move_any_open_non_patrol_deadline():
    args = {"actor_code": None, "issuer_code": "349901000000", "is_superuser": True}
    assert deadline_change_refusal(source="audit", status="rectifying", **args) is None
    assert deadline_change_refusal(source="patrol", status="rectifying", **args)


def test_the_issuer_moves_the_deadline_with_a_reason_kept_in_timeline_and_history(people):
    f = finding(people["county"], unit=TOWNSHIP, found_on=D(2026, 6, 15), deadline=D(2026, 8, 15))
    assert f.issuer_id == COUNTY
    with pytest.raises(ValidationError, match="早于发现日期"):
        services.finding_set_deadline(actor=people["county"], finding=f, deadline=D(2026, 6, 14), reason="x")
    with pytest.raises(ValidationError, match="调整理由"):
        services.finding_set_deadline(actor=people["county"], finding=f, deadline=D(2026, 9, 30), reason=" ")
    with pytest.raises(ValidationError, match=str(DEADLINE_REASON_MAX)):
        services.finding_set_deadline(
            actor=people["county"],
            finding=f,
            deadline=D(2026, 9, 30),
            reason="长" * (DEADLINE_REASON_MAX + 1),
        )
    services.finding_set_deadline(
        actor=people["county"], finding=f, deadline=D(2026, 6, 15), reason="长" * DEADLINE_REASON_MAX
    )  # the finding's own date and the longest reason are accepted
    services.finding_set_deadline(
        actor=people["inspector"], finding=f, deadline=D(2026, 9, 30), reason="汛期"
    )
    f.refresh_from_db()
    assert (f.deadline, f.deadline_basis) == (D(2026, 9, 30), "调整：汛期")
    step = f.steps.filter(kind=StepKind.DEADLINE).order_by("-pk").first()
    assert step.text == "整改期限由 2026-06-15 调整为 2026-09-30：汛期" and step.actor == people["inspector"]
    changes = [e for e in events_for(f) if e.pgh_diff and "deadline" in e.pgh_diff]
    assert changes[0].pgh_context["reason"] == "调整整改期限：汛期"
    assert changes[0].pgh_diff["deadline"] == ["2026-06-15", "2026-09-30"]


def test_below_the_issuer_a_patrol_finding_and_a_closed_one_are_refused(people):
    f = finding(people["inspector"], unit=TOWNSHIP)  # issued by the city
    with pytest.raises(PermissionDenied, match="交办单位"):
        services.finding_set_deadline(actor=people["county"], finding=f, deadline=D(2026, 12, 1), reason="x")
    with pytest.raises(PermissionDenied):  # no right to change a finding
        services.finding_set_deadline(
            actor=people["township"], finding=f, deadline=D(2026, 12, 1), reason="x"
        )
    with pytest.raises(PermissionDenied):  # outside the jurisdiction
        services.finding_set_deadline(
            actor=login(COUNTY_2, "county_office"), finding=f, deadline=D(2026, 12, 1), reason="x"
        )
    p = finding(people["inspector"], unit=TOWNSHIP, round=patrol(people["inspector"]), source="patrol")
    with pytest.raises(ValidationError, match="巡查"):
        services.finding_set_deadline(
            actor=people["inspector"], finding=p, deadline=D(2026, 12, 1), reason="x"
        )
    services.rectification_report(actor=people["township"], finding=f, text="完成", request_close=True)
    services.finding_verify(actor=people["county"], finding=f)
    with pytest.raises(ValidationError, match="已销号"):
        services.finding_set_deadline(
            actor=people["inspector"], finding=f, deadline=D(2026, 12, 1), reason="x"
        )
    f.refresh_from_db()
    assert not f.steps.filter(kind=StepKind.DEADLINE).exists()


def test_the_finding_page_offers_the_form_only_to_who_may_use_it(client, people):
    f = finding(people["inspector"], unit=TOWNSHIP, deadline=D(2026, 8, 15))
    url = f"/inspections/findings/{f.pk}/"
    client.force_login(people["inspector"])
    assert "调整整改期限" in client.get(url).content.decode()
    response = client.post(
        f"{url}deadline/",
        {"deadline-deadline": "2026-10-31", "deadline-reason": "涉及跨年度项目"},
        follow=True,
    )
    assert "整改期限已调整为 2026-10-31" in response.content.decode()
    f.refresh_from_db()
    assert f.deadline == D(2026, 10, 31)
    for who in ("county", "township"):  # below the issuer; no right at all
        client.force_login(people[who])
        assert "调整整改期限" not in client.get(url).content.decode()
        page = client.post(
            f"{url}deadline/", {"deadline-deadline": "2026-12-31", "deadline-reason": "x"}, follow=True
        )
        assert page.status_code == 200 and "整改期限已调整" not in page.content.decode()
    client.force_login(login(COUNTY_2, "county_office"))
    assert (
        client.post(
            f"{url}deadline/", {"deadline-deadline": "2026-12-31", "deadline-reason": "x"}
        ).status_code
        == 404
    )
    client.force_login(people["inspector"])
    page = client.post(f"{url}deadline/", {"deadline-deadline": "2026-12-31"}, follow=True).content.decode()
    assert "这个字段是必填项" in page or "必填" in page
    f.refresh_from_db()
    assert f.deadline == D(2026, 10, 31)
    p = finding(people["inspector"], unit=TOWNSHIP, round=patrol(people["inspector"]), source="patrol")
    assert "调整整改期限" not in client.get(f"/inspections/findings/{p.pk}/").content.decode()


def test_the_api_action_is_scoped_and_refuses_what_the_service_refuses(client, people):
    f = finding(people["county"], unit=TOWNSHIP, found_on=D(2026, 6, 15), deadline=D(2026, 8, 15))
    url = f"/api/inspection-findings/{f.pk}/deadline/"
    client.force_login(people["county"])
    body = client.post(url, {"deadline": "2026-09-15", "reason": "补充材料"}, "application/json")
    assert body.status_code == 200
    assert (body.json()["deadline"], body.json()["deadline_basis"]) == ("2026-09-15", "调整：补充材料")
    assert client.post(url, {"deadline": "2026-09-16"}, "application/json").status_code == 400
    assert client.post(url, {"deadline": "2026-06-14", "reason": "x"}, "application/json").status_code == 400
    client.force_login(people["township"])
    assert client.post(url, {"deadline": "2026-09-30", "reason": "x"}, "application/json").status_code == 403
    client.force_login(login(COUNTY_2, "county_office"))
    assert client.post(url, {"deadline": "2026-09-30", "reason": "x"}, "application/json").status_code == 404
    assert (
        client.post(f"/api/inspection-findings/{f.pk + 10_000}/deadline/", {}, "application/json").status_code
        == 404
    )
    f.refresh_from_db()
    assert f.deadline == D(2026, 9, 15)
