"""What inspections gives the other apps through the core's contracts: it receives the assessment's
Art. 8 problems (accountability/rules/problems.py) and registers the rectification facts the assessment
scores (accountability/rules/metrics.py). The assessment imports no app; these tests go through the core."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from accountability.models import AdminUnit
from accountability.rules.metrics import METRICS
from accountability.rules.problems import RECEIVERS, RaisedProblem, problems_receivable, raise_problems
from assessment.services import metric_values
from inspections import services
from inspections.models import Finding, FindingStatus, StepKind
from inspections.selectors import responsible_on
from tests.inspections.conftest import CITY, COUNTY, COUNTY_2, TOWNSHIP, finding

D = dt.date


def problem(people, trigger="task_failed", *, unit=COUNTY, raised_by=CITY, **extra) -> RaisedProblem:
    values = {
        "key": f"assessment:7:{unit}:{trigger}",
        "source": "assessment",
        "unit_code": unit,
        "year": 2025,
        "category": trigger,
        "title": "未完成年度减贫计划任务",
        "detail": "2025 年度成效考核（第 1 版结果）：总分 71.5，等次 较差",
        "talk": True,
        "rectify_by": D(2026, 3, 31),
        "raised_on": D(2026, 1, 31),
        "raised_by": raised_by,
        "actor_id": people["inspector"].pk,
        **extra,
    }
    return RaisedProblem(**values)


def test_inspections_receives_the_assessments_problems_once_as_findings(people):
    assert problems_receivable() and "inspections" in RECEIVERS
    raised = [
        problem(people),
        problem(people, "low_accuracy"),
        problem(people, "fund_violation", unit=COUNTY_2),
    ]
    assert raise_problems(raised) == 3
    assert raise_problems(raised) == 0  # idempotent on the key
    assert Finding.objects.count() == 3
    f = Finding.objects.get(origin_key="assessment:7:349901000000:task_failed")
    assert (f.unit_id, f.owner_id, f.issuer_id) == (COUNTY, COUNTY, CITY)
    assert (f.found_on, f.deadline, f.deadline_basis) == (
        D(2026, 1, 31),
        D(2026, 3, 31),
        "交办时确定的整改期限",
    )
    assert (f.source, f.severity, f.category, f.status) == (
        "third_party",
        "serious",
        "reduction_tasks",
        "rectifying",
    )
    assert "约谈" in f.description and f.number.startswith("KH2025-349901000000-")
    assert Finding.objects.get(origin_key__endswith=":low_accuracy").category == "identification_exit"
    held = {h.official_id for h in responsible_on(AdminUnit.objects.get(code=COUNTY), D(2026, 1, 31))}
    assert held and set(f.responsible.values_list("official_id", flat=True)) == held
    step = f.steps.get()
    assert (step.kind, step.on, step.actor) == (StepKind.CREATED, D(2026, 1, 31), people["inspector"])
    # it is followed up like any finding: the county reports, is refused verification, the city closes
    services.rectification_report(actor=people["county"], finding=f, text="已约谈并整改", request_close=True)
    with pytest.raises(PermissionDenied, match="不能核验本单位"):
        services.finding_verify(actor=people["county"], finding=f)
    services.finding_verify(actor=people["inspector"], finding=f)
    f.refresh_from_db()
    assert f.status == FindingStatus.CLOSED


def test_a_raised_problem_without_a_known_unit_or_raiser_is_not_recorded(people):
    assert raise_problems([problem(people, unit="349999000000"), problem(people, actor_id=None)]) == 0
    # a raiser that is not above the unit: the level above issues it, so someone may verify
    assert raise_problems([problem(people, raised_by=COUNTY)]) == 1
    assert Finding.objects.get().issuer_id == CITY
    # a deadline before the day it was raised: the profile's default from that day instead
    late = problem(people, "false_exit", rectify_by=D(2026, 1, 1))
    assert raise_problems([late]) == 1
    assert Finding.objects.get(origin_key=late.key).deadline == D(2026, 3, 31)


def test_the_assessment_reads_rectification_on_time_and_open_findings_through_the_registry(people):
    assert {"rectification_on_time", "rectification_open"} <= set(METRICS)
    county = people["county"]
    on_time = finding(county, unit=TOWNSHIP, found_on=D(2026, 1, 5), deadline=D(2026, 3, 1))
    late = finding(county, unit=TOWNSHIP, found_on=D(2026, 1, 5), deadline=D(2026, 3, 1))
    finding(county, unit=TOWNSHIP, found_on=D(2026, 1, 5), deadline=D(2026, 3, 1))  # still open
    finding(county, unit=TOWNSHIP, found_on=D(2025, 11, 5), deadline=D(2025, 12, 31))  # due the year before
    for f, day in ((on_time, D(2026, 3, 1)), (late, D(2026, 3, 2))):  # on the deadline; a day after
        services.rectification_report(actor=people["township"], finding=f, text="完成", request_close=True)
        services.finding_verify(actor=county, finding=f, on=day)
    values = metric_values("rectification_on_time", year=2026, level="county", root="3499")
    assert values == {"349901": Decimal("33.33")}  # 1 of the 3 due in 2026
    assert metric_values("rectification_on_time", year=2026, level="township", root="349901") == {
        "349901101": Decimal("33.33")
    }
    assert metric_values("rectification_on_time", year=2025, level="county", root="3499") == {
        "349901": Decimal("0.00")
    }
    assert metric_values("rectification_open", year=2026, level="county", root="3499") == {
        "349901": Decimal(2)
    }
    assert metric_values("rectification_open", year=2026, level="helping_unit", root="3499") == {}
    # another county has nothing due: no value, not zero
    assert "349902" not in metric_values("rectification_on_time", year=2026, level="county", root="3499")
