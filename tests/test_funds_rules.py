"""Pure rules of seed 002 at their edges (no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from accountability.policy.calendar import WorkingCalendar
from funds import rules
from funds.deadlines import project_deadlines
from funds.policy import FundPolicy

D = dt.date


def test_step_order_required_and_optional_steps():
    assert rules.order_problems({"library_on": D(2024, 1, 1), "approved_on": D(2024, 1, 1)}) == []
    assert rules.order_problems({"approved_on": D(2024, 1, 1)})[0][0] == "approved_on"
    # an optional step (application) may be missing, but when given it must be in order
    assert rules.order_problems(
        {"library_on": D(2024, 1, 1), "applied_on": D(2024, 2, 1), "approved_on": D(2024, 1, 31)}
    )
    assert rules.order_problems({"library_on": D(2024, 1, 1), "accepted_on": D(2024, 5, 1)})[0][1].startswith(
        "有验收日期而没有完工日期"
    )


def test_content_key_ignores_spaces_punctuation_and_width():
    assert rules.content_key("修建 通组路，１.２公里") == rules.content_key("修建通组路1.2公里")
    assert rules.content_key("修建通组路 1.2 公里") != rules.content_key("修建通组路 1.3 公里")


def test_expert_review_includes_the_threshold():
    assert rules.required_review(Decimal("500000"), Decimal("500000")) == "expert"
    assert rules.required_review(Decimal("499999.99"), Decimal("500000")) == "office"


def test_adjustment_deadline_is_three_months_inclusive_and_month_end_safe():
    assert rules.adjustment_deadline(D(2024, 3, 15), 3) == D(2024, 6, 15)
    assert rules.adjustment_deadline(D(2023, 11, 30), 3) == D(2024, 2, 29)


def test_construction_period_warning_edge():
    assert rules.construction_warning(D(2024, 4, 1), D(2025, 4, 1), 12) is None
    assert rules.construction_warning(D(2024, 4, 1), D(2025, 4, 2), 12)


def test_collective_income_and_dividends():
    years = [
        rules.BenefitYear(2024, None, None, Decimal("50000")),
        rules.BenefitYear(2025, None, None, Decimal("49999.99")),
    ]
    flags = rules.benefit_flags(
        years, dividend_minimum_percent=Decimal("5"), collective_minimum=Decimal("50000")
    )
    assert [y for y, _m in flags] == [2025]
    assert rules.benefit_flags(years, dividend_minimum_percent=Decimal("5"), collective_minimum=None) == []


def test_shares_not_configured_until_set():
    assert "未设置" in rules.share_problem("受益农户中贫困户比例", 3, 10, None)
    assert rules.share_problem("x", 3, 10, Decimal("30")) is None
    assert "29.00% 低于 30" in rules.share_problem("x", 29, 100, Decimal("30"))


def test_evaluation_window_inclusive():
    assert rules.evaluation_timing(2024, D(2025, 3, 31), D(2025, 4, 30)) == []
    assert len(rules.evaluation_timing(2024, D(2025, 4, 1), D(2025, 5, 1))) == 2


def test_acceptance_items_and_audit():
    ok = dict.fromkeys((n for n, _l in rules.ACCEPTANCE_ITEMS), True)
    assert (
        rules.acceptance_problems(
            items=ok,
            grade="pass",
            subsidy=Decimal("499999.99"),
            audit_threshold=Decimal("500000"),
            audit_opinion_on=None,
        )
        == []
    )
    assert rules.acceptance_problems(
        items=ok,
        grade="pass",
        subsidy=Decimal("500000"),
        audit_threshold=Decimal("500000"),
        audit_opinion_on=None,
    )
    assert (
        rules.acceptance_problems(
            items={**ok, "maintenance": False},
            grade="fail",
            subsidy=Decimal(1),
            audit_threshold=Decimal("500000"),
            audit_opinion_on=None,
        )
        == []
    )


def test_reimbursement_thirty_calendar_days_inclusive():
    project = SimpleNamespace(
        fund_plan_id=None,
        applied_on=None,
        approved_on=None,
        plan_submitted_on=None,
        plan_approved_on=None,
        started_on=None,
        accepted_on=D(2024, 11, 1),
        acceptance_grade="pass",
        acceptance_entered_on=D(2024, 11, 2),
        force_majeure="",
    )
    calendar = WorkingCalendar(frozenset(D(2024, 11, d) for d in range(1, 31)), frozenset({2024}))

    def state(done):
        deadlines = project_deadlines(
            project,
            notices=[],
            reports=[],
            acceptances=[],
            policy=FundPolicy(),
            calendar=calendar,
            today=D(2024, 12, 31),
            reimbursed_on=done,
            track_reimbursement=True,
        )
        return next(d for d in deadlines if d.code == "reimbursement")

    assert state(D(2024, 12, 1)).due == D(2024, 12, 1) and state(D(2024, 12, 1)).late_by == 0
    assert state(D(2024, 12, 2)).late_by == 1 and not state(D(2024, 12, 2)).working_days


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("100000.01", None),
        ("999999999999.99", None),  # the largest amount the 14-digit columns hold
        ("1000000000000", "金额不能达到 1,000,000,000,000 元"),
        ("1e30", "金额不能达到 1,000,000,000,000 元"),  # once a database error (500)
        ("0.001", "金额应精确到分（两位小数）"),
        ("NaN", "金额应为数字"),
    ],
)
def test_money_problem_at_the_edges_of_the_money_columns(typed, problem):
    from decimal import Decimal

    from funds.rules import money_problem

    assert money_problem(Decimal(typed)) == problem
