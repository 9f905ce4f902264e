"""The assessment's pure rules, as tables (no database)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest

from accountability.rules.frames import FrameHousehold
from assessment import rules
from assessment.presets import GRADE_BANDS, HUIZHOU_INDICATORS, HUIZHOU_STEPS

D = Decimal


# --- Wilson --------------------------------------------------------------------------------------

# Newcombe (1998), "Two-sided confidence intervals for the single proportion", Stat. Med. 17:857,
# Table I, method 3 (score interval without continuity correction), to four decimals.
NEWCOMBE = [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
]


@pytest.mark.parametrize(("x", "n", "low", "high"), NEWCOMBE)
def test_wilson_matches_newcombe_table(x, n, low, high):
    rate = rules.wilson(x, n)
    assert round(rate.low, 4) == low
    assert round(rate.high, 4) == high


def test_wilson_at_the_bounds_stays_inside_zero_one_and_is_symmetric():
    all_right = rules.wilson(20, 20)
    assert all_right.high == 1.0
    assert round(all_right.low, 4) == round(1 - 0.1611, 4)  # mirror of 0/20
    assert rules.wilson(0, 0).low is None and rules.wilson(0, 0).value is None
    half = rules.wilson(5, 10)
    assert round(half.low, 4) == 0.2366 and round(half.high, 4) == 0.7634


def test_wilson_rejects_impossible_counts():
    with pytest.raises(ValueError):
        rules.wilson(3, 2)
    with pytest.raises(ValueError):
        rules.wilson(-1, 2)


def test_complement_mirrors_the_interval():
    accuracy = rules.wilson(81, 263)
    error = rules.complement(accuracy)
    assert (error.successes, error.trials) == (182, 263)
    assert error.low == pytest.approx(1 - accuracy.high) and error.high == pytest.approx(1 - accuracy.low)


def test_rate_percent_rounds_half_up_to_the_cent():
    assert rules.wilson(1, 8).percent() == D("12.50")
    assert rules.wilson(2, 3).percent() == D("66.67")


# --- sampling ------------------------------------------------------------------------------------


def household(
    n: int, village: str = "349901101201", status: str = "not_exited", cadre: str = ""
) -> FrameHousehold:
    return FrameHousehold(
        key=n,
        number=f"H{n:05d}",
        village=village,
        head_name=f"户主{n}",
        members=3,
        status=status,
        status_label="未脱贫",
        exit_year=None,
        cadre=cadre,
        cadre_name="",
    )


@pytest.mark.parametrize(
    ("population", "percent", "minimum", "size"),
    [
        (0, D(10), 1, 0),
        (1, D(10), 1, 1),  # at least one per stratum
        (10, D(10), 1, 1),
        (11, D(10), 1, 2),  # 1.1 rounds up
        (20, D(10), 1, 2),
        (3, D(10), 5, 3),  # never more than the stratum
        (7, D(100), 1, 7),
        (50, D("12.5"), 1, 7),  # 6.25 → 7
    ],
)
def test_sample_size(population, percent, minimum, size):
    assert rules.sample_size(population, percent, minimum) == size


def frame() -> list[FrameHousehold]:
    villages = ["349901101201", "349901101202", "349901102201"]
    return [
        household(i, villages[i % 3], "exited" if i % 4 == 0 else "not_exited", f"c{i % 5}")
        for i in range(1, 301)
    ]


def test_same_seed_same_households_whatever_the_frame_order():
    kwargs = {"percent": D(10), "minimum": 1, "dimensions": ["village", "status"]}
    first = rules.draw_sample(frame(), seed="2024-seed", **kwargs)
    shuffled = frame()
    random.Random(7).shuffle(shuffled)
    again = rules.draw_sample(shuffled, seed="2024-seed", **kwargs)
    assert [d.household.number for d in first] == [d.household.number for d in again]
    other = rules.draw_sample(frame(), seed="another-seed", **kwargs)
    assert {d.household.number for d in other} != {d.household.number for d in first}


def test_each_stratum_gets_its_share_rounded_up():
    drawn = rules.draw_sample(frame(), seed="s", percent=D(10), minimum=1, dimensions=["village", "status"])
    by_stratum: dict[str, list] = {}
    for d in drawn:
        by_stratum.setdefault(d.stratum, []).append(d)
    assert len(by_stratum) == 6  # 3 villages × 2 statuses
    for members in by_stratum.values():
        size = members[0].stratum_size
        assert len(members) == rules.sample_size(size, D(10), 1)
        assert all(m.stratum_size == size for m in members)
    assert sum(d.stratum_size for d in {d.stratum: d for d in drawn}.values()) == 300


def test_the_cadre_dimension_samples_every_cadre():
    drawn = rules.draw_sample(
        frame(), seed="s", percent=D(1), minimum=1, dimensions=["village", "status", "cadre"]
    )
    strata = {(h.village, h.status, h.cadre) for h in frame()}
    assert {(d.household.village, d.household.status, d.household.cadre) for d in drawn} == strata


def test_the_draw_takes_the_smallest_hashes():
    drawn = rules.draw_sample(frame(), seed="s", percent=D(10), minimum=1, dimensions=[])
    ranks = sorted(rules.draw_rank("s", h.number) for h in frame())
    assert [d.rank for d in drawn] == ranks[:30]


def test_a_sample_needs_a_seed_and_known_dimensions():
    with pytest.raises(ValueError):
        rules.draw_sample(frame(), seed="", percent=D(10), minimum=1, dimensions=[])
    with pytest.raises(ValueError):
        rules.draw_sample(frame(), seed="s", percent=D(10), minimum=1, dimensions=["income"])


# --- sample rates -------------------------------------------------------------------------------


def test_sample_rates_count_only_checked_households():
    checked = [
        rules.Checked(False, "accurate", "satisfied"),
        rules.Checked(False, "accurate", "fairly"),
        rules.Checked(False, "misidentified", "dissatisfied"),
        rules.Checked(False, "", ""),  # not checked yet
        rules.Checked(True, "accurate", ""),
        rules.Checked(True, "wrong_exit", "satisfied"),
    ]
    rates = rules.sample_rates(checked, omitted=1)
    assert (rates.identification_accuracy.successes, rates.identification_accuracy.trials) == (2, 3)
    assert (rates.exit_accuracy.successes, rates.exit_accuracy.trials) == (1, 2)
    assert (rates.wrong_exit_rate.successes, rates.wrong_exit_rate.trials) == (1, 2)
    assert (rates.omission_rate.successes, rates.omission_rate.trials) == (1, 4)  # 1 / (3 + 1)
    assert (rates.satisfaction.successes, rates.satisfaction.trials) == (3, 4)
    assert (rates.sampled, rates.checked) == (6, 5)


def test_no_exited_household_checked_gives_no_exit_rate():
    rates = rules.sample_rates([rules.Checked(False, "accurate")], omitted=0)
    assert rates.exit_accuracy.trials == 0 and rates.exit_accuracy.value is None
    assert rates.omission_rate.value == 0


# --- scoring ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "full_at", "zero_at", "score"),
    [
        (D(100), D(100), D(90), D(8)),
        (D(101), D(100), D(90), D(8)),  # capped
        (D(90), D(100), D(90), D(0)),
        (D(89), D(100), D(90), D(0)),
        (D(95), D(100), D(90), D(4)),
        (D(0), D(0), D(5), D(8)),  # lower is better
        (D("2.5"), D(0), D(5), D(4)),
        (D(5), D(0), D(5), D(0)),
        (D(6), D(0), D(5), D(0)),
    ],
)
def test_linear_score(value, full_at, zero_at, score):
    assert rules.linear_score(value, full_at=full_at, zero_at=zero_at, points=D(8)) == score


SPECS = [
    rules.IndicatorSpec("A", "reduction", "a", D(60), D(100), D(0)),
    rules.IndicatorSpec("B", "funds", "b", D(40), D(100), D(0)),
]


def test_exclude_rule_rescales_the_scored_indicators_to_the_full_points():
    scored = rules.score_subject(
        "x", SPECS, {"A": (rules.SCORED, D(50)), "B": (rules.NO_SOURCE, None)}, no_source_rule="exclude"
    )
    assert scored.total == D(50)  # 30 of 60 → 50 of 100
    assert scored.by_dimension == {"reduction": D(30)}  # the funds dimension is left out
    assert [s.state for s in scored.indicators] == [rules.SCORED, rules.NO_SOURCE]


@pytest.mark.parametrize(("rule", "total"), [("zero", D(30)), ("full", D(70)), ("exclude", D(50))])
def test_no_source_rules(rule, total):
    scored = rules.score_subject("x", SPECS, {"A": (rules.SCORED, D(50))}, no_source_rule=rule)
    assert scored.total == total


def test_exclude_scales_within_the_dimension_first():
    specs = [
        rules.IndicatorSpec("A", "identification", "a", D(20), D(100), D(0)),
        rules.IndicatorSpec("B", "identification", "b", D(5), D(100), D(0)),
        rules.IndicatorSpec("C", "funds", "c", D(75), D(100), D(0)),
    ]
    scored = rules.score_subject(
        "x", specs, {"A": (rules.SCORED, D(50)), "C": (rules.SCORED, D(100))}, no_source_rule="exclude"
    )
    assert scored.by_dimension == {"identification": D("12.50"), "funds": D(75)}  # 10 of 20 → 12.5 of 25
    assert scored.total == D("87.50")
    assert all(scored.by_dimension[d] <= p for d, p in (("identification", 25), ("funds", 75)))


def test_no_indicator_with_a_source_scores_zero_under_exclude():
    assert rules.score_subject("x", SPECS, {}, no_source_rule="exclude").total == 0


@pytest.mark.parametrize(
    ("total", "vetoed", "grade"),
    [
        (D(90), False, "优秀"),
        (D("89.99"), False, "良好"),
        (D(80), False, "良好"),
        (D(60), False, "合格"),
        (D("59.99"), False, "不合格"),
        (D(95), True, "不合格"),  # the veto caps the grade
        (D(10), True, "不合格"),
    ],
)
def test_grades_and_the_veto_cap(total, vetoed, grade):
    assert rules.grade_for(total, GRADE_BANDS, vetoed=vetoed, veto_grade="不合格") == grade


def test_the_veto_cap_never_raises_a_grade():
    bands = [["优秀", 90], ["良好", 80], ["合格", 60], ["不合格", 0]]
    assert rules.grade_for(D(70), bands, vetoed=True, veto_grade="良好") == "合格"
    assert rules.grade_for(D(95), bands, vetoed=True, veto_grade="良好") == "良好"


def test_ranking_shares_ties_and_puts_vetoed_units_last():
    totals = {"a": D(90), "b": D(85), "c": D(85), "d": D(70), "e": D(99)}
    assert rules.rank(totals) == {"e": 1, "a": 2, "b": 3, "c": 3, "d": 5}
    assert rules.rank(totals, vetoed=["e"]) == {"a": 1, "b": 2, "c": 2, "d": 4, "e": 5}


# --- Art. 8 triggers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "found"),
    [
        (rules.TriggerFacts(), []),
        (rules.TriggerFacts(exit_task_done_percent=D("99.99")), ["task_failed"]),
        (rules.TriggerFacts(exit_task_done_percent=D(100)), []),
        (rules.TriggerFacts(identification_accuracy=D("94.99")), ["low_accuracy"]),
        (rules.TriggerFacts(identification_accuracy=D(95)), []),
        (rules.TriggerFacts(exit_accuracy=D(90), wrong_exits=1), ["false_exit", "low_accuracy"]),
        (rules.TriggerFacts(satisfaction=D("89.99")), ["low_accuracy"]),
        (rules.TriggerFacts(satisfaction=D(90)), []),
        (rules.TriggerFacts(fund_violations=2, violations_found=1), ["fund_violation", "violation_found"]),
    ],
)
def test_problem_triggers(facts, found):
    assert rules.problems(facts, accuracy_floor=D(95), satisfaction_floor=D(90)) == found


# --- steps ----------------------------------------------------------------------------------------


def test_the_shipped_steps_have_the_county_dates_and_end_in_january():
    plan = {p.code: p.due for p in rules.step_plan(HUIZHOU_STEPS, 2024)}
    assert plan["self_evaluation"] == dt.date(2024, 12, 10)
    assert plan["verification"] == dt.date(2024, 12, 15)
    assert plan["data_summary"] == dt.date(2025, 1, 20)
    assert plan["feedback"] == dt.date(2025, 1, 31)
    assert list(plan.values()) == sorted(plan.values())


@pytest.mark.parametrize(
    ("done_on", "today", "status"),
    [
        (None, dt.date(2024, 12, 10), "pending"),  # the due day itself is still in time
        (None, dt.date(2024, 12, 11), "overdue"),
        (dt.date(2024, 12, 10), dt.date(2025, 1, 5), "done"),
        (dt.date(2024, 12, 11), dt.date(2025, 1, 5), "done_late"),
    ],
)
def test_step_status(done_on, today, status):
    assert rules.step_status(dt.date(2024, 12, 10), done_on, today) == status


# --- the shipped indicator system ---------------------------------------------------------------


def test_the_shipped_system_has_five_dimensions_and_100_points():
    assert sum(D(p.points) for p in HUIZHOU_INDICATORS) == 100
    assert {p.dimension for p in HUIZHOU_INDICATORS} == {
        "reduction",
        "identification",
        "assistance",
        "funds",
        "responsibility",
    }
    assert len({p.code for p in HUIZHOU_INDICATORS}) == len(HUIZHOU_INDICATORS)


# --- quarterly village assessment --------------------------------------------------------------

WEIGHTS = [D(20), D(20), D(20), D(40)]


def test_year_score_weights_the_fourth_quarter_double():
    assert rules.year_score({1: D(50), 2: D(50), 3: D(50), 4: D(100)}, WEIGHTS) == D(70)
    assert rules.year_score({1: D(100), 2: D(100), 3: D(100)}, WEIGHTS) is None


def test_bottom_two_with_ties_lose_award_and_failed_ones_get_a_talk():
    scores = {"v1": D(95), "v2": D(90), "v3": D(85), "v4": D(80), "v5": D(59), "v6": D(59)}
    outcomes = {o.village: o for o in rules.village_outcomes(scores, pass_mark=D(60), bottom=2, top=3)}
    assert {v for v, o in outcomes.items() if o.award_ineligible} == {"v5", "v6"}
    assert {v for v, o in outcomes.items() if o.talk} == {"v5", "v6"}
    assert {v for v, o in outcomes.items() if o.rewarded} == {"v1", "v2", "v3"}
    # a tie at the edge of the bottom two brings the third village in; one that passed gets no talk
    scores = {"v1": D(95), "v2": D(70), "v3": D(60), "v4": D(60)}
    outcomes = {o.village: o for o in rules.village_outcomes(scores, pass_mark=D(60), bottom=2, top=3)}
    assert {v for v, o in outcomes.items() if o.award_ineligible} == {"v3", "v4"}
    assert not any(o.talk or o.evaluation_ineligible for o in outcomes.values())  # 60 passes
    scores = {"v1": D(95), "v2": D(70), "v3": D(65), "v4": D(60), "v5": D(60)}
    outcomes = {o.village: o for o in rules.village_outcomes(scores, pass_mark=D(60), bottom=2, top=3)}
    assert {v for v, o in outcomes.items() if o.award_ineligible} == {"v4", "v5"}
    assert {v for v, o in outcomes.items() if o.rewarded} == {"v1", "v2", "v3"}


def test_a_failed_village_outside_the_bottom_two_keeps_its_eligibility():
    scores = {"v1": D(50), "v2": D(40), "v3": D(30)}
    outcomes = {o.village: o for o in rules.village_outcomes(scores, pass_mark=D(60), bottom=2, top=3)}
    assert not outcomes["v1"].evaluation_ineligible and not outcomes["v1"].rewarded  # failed: no reward
    assert outcomes["v2"].talk and outcomes["v3"].talk


@pytest.mark.parametrize(
    ("day", "months", "due"),
    [
        (dt.date(2025, 1, 31), 2, dt.date(2025, 3, 31)),
        (dt.date(2024, 12, 31), 2, dt.date(2025, 2, 28)),  # no 31 February: the month's last day
        (dt.date(2023, 12, 30), 2, dt.date(2024, 2, 29)),  # leap year
        (dt.date(2025, 1, 15), 12, dt.date(2026, 1, 15)),
    ],
)
def test_months_after(day, months, due):
    assert rules.months_after(day, months) == due
