"""F-16: fund-project metrics raise alerts whose subject is the project (run_rules)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from accountability.models import Alert
from accountability.rules.runs import run_rules
from funds import services
from funds.metrics import notices_missing, steps_overdue
from funds.rules import APPROVAL_NOTICE_FIELDS
from tests.funds_helpers import D, new_project

pytestmark = pytest.mark.django_db


def _filed_late(people):
    c, t = people["county"], people["township"]
    project = new_project(c, person_responsible="王建国")
    services.project_apply(actor=t, project=project, on=D(2024, 2, 1))
    services.projects_approve(actor=c, projects=[project], on=D(2024, 3, 1))
    contents = dict.fromkeys(APPROVAL_NOTICE_FIELDS, "有")
    services.notice_post(
        actor=c, project=project, kind="approval", posted_on=D(2024, 3, 4), contents=contents
    )
    services.plan_submit(actor=t, project=project, on=D(2024, 3, 8))
    services.plan_approve(actor=c, project=project, on=D(2024, 3, 15), review="office")
    return project


def test_a_step_done_on_the_due_day_is_no_alert_a_day_later_is(people):
    project = _filed_late(people)
    # 5 working days after Friday 15 March 2024: 18–22 March → due Friday 22 March
    services.project_file(actor=people["township"], project=project, on=D(2024, 3, 22))
    facts = steps_overdue(year=2024, root="3499", as_of=D(2024, 3, 23))
    assert f"project:{project.pk}" not in facts or all(
        s["step"] != "filing" for s in facts[f"project:{project.pk}"].evidence["steps"]
    )
    project.filed_on = D(2024, 3, 25)  # Monday: late by 1 working day
    project.save()
    facts = steps_overdue(year=2024, root="3499", as_of=D(2024, 3, 26))
    filing = [s for s in facts[f"project:{project.pk}"].evidence["steps"] if s["step"] == "filing"]
    assert filing == [
        {
            "step": "filing",
            "label": "项目备案",
            "due": "2024-03-22",
            "done": "2024-03-25",
            "late_by": 1,
            "unit": "working_days",
        }
    ]


def test_run_rules_alerts_on_the_project_naming_its_person(people):
    project = _filed_late(people)
    services.project_file(actor=people["township"], project=project, on=D(2024, 3, 25))
    result = run_rules(year=2024, as_of=D(2024, 3, 26))
    alerts = Alert.objects.filter(subject_key=f"project:{project.pk}")
    assert {a.rule_code for a in alerts} == {"F-16.1"}
    alert = alerts.get()
    assert alert.unit_id == project.location_id and alert.evidence["project"] == project.number
    names = [t["name"] for t in alert.targets]
    assert names[0] == "王建国"
    assert {t["post"] for t in alert.targets} >= {
        "项目负责人",
        "township_head",
        "county_leader_in_charge",
        "county_head",
    }
    assert any(t.subject_key == f"project:{project.pk}" for t in result.triggered)
    out = io.StringIO()
    call_command("run_rules", "--year", "2024", "--as-of", "2024-03-26", "--json", stdout=out)
    items = [i for i in json.loads(out.getvalue()) if i.get("project") == project.number]
    assert [i["rule"] for i in items] == ["F-16.1"]


def test_missing_site_notice_after_its_deadline(people):
    project = _filed_late(people)
    services.project_file(actor=people["township"], project=project, on=D(2024, 3, 20))
    services.project_start(actor=people["township"], project=project, on=D(2024, 3, 25))
    # 10 working days after Monday 25 March 2024: 26–29 Mar, 1–3 Apr, (4–6 Apr 清明 off),
    # 7 Apr (Sunday, make-up), 8, 9 Apr
    assert notices_missing(year=2024, root="3499", as_of=D(2024, 4, 9)) == {} or all(
        s["step"] != "site_notice"
        for f in notices_missing(year=2024, root="3499", as_of=D(2024, 4, 9)).values()
        for s in f.evidence["steps"]
    )
    facts = notices_missing(year=2024, root="3499", as_of=D(2024, 4, 10))
    steps = facts[f"project:{project.pk}"].evidence["steps"]
    assert [s["step"] for s in steps if s["step"] == "site_notice"] == ["site_notice"]
    assert [s["due"] for s in steps if s["step"] == "site_notice"] == ["2024-04-09"]
