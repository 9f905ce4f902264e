"""Pure ledger rules as tables: the 532 split to the cent, stage preconditions, deposits, locks,
the hash chain's canonical form."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from funds.ledger import rules
from funds.ledger.rules import FINAL, FIRST, MODE_532, MODE_BUILD_FIRST, SECOND, ProjectFacts, StagePolicy

POLICY = StagePolicy()
D = Decimal


@pytest.mark.parametrize(
    "subsidy, deposit, expected",
    [
        ("100000.00", "5", [("50000.00", "0.00"), ("30000.00", "0.00"), ("15000.00", "5000.00")]),
        # 50 % of 100,000.01 is 50,000.005 → 50,000.01 (half up); 30 % is 30,000.003 → 30,000.00;
        # deposit 5 % is 5,000.0005 → 5,000.00; the last stage takes the remainder
        ("100000.01", "5", [("50000.01", "0.00"), ("30000.00", "0.00"), ("15000.00", "5000.00")]),
        ("0.01", None, [("0.01", "0.00"), ("0.00", "0.00"), ("0.00", "0.00")]),
        ("33333.33", "7.5", [("16666.67", "0.00"), ("10000.00", "0.00"), ("4166.66", "2500.00")]),
        ("99999.99", None, [("50000.00", "0.00"), ("30000.00", "0.00"), ("19999.99", "0.00")]),
    ],
)
def test_532_stages_sum_exactly_to_the_subsidy(subsidy, deposit, expected):
    stages = rules.split_subsidy(
        D(subsidy), mode=MODE_532, policy=POLICY, deposit_percent=D(deposit) if deposit else None
    )
    assert [(str(s.amount), str(s.deposit)) for s in stages] == expected
    assert [s.stage for s in stages] == [FIRST, SECOND, FINAL]
    assert sum(s.amount + s.deposit for s in stages) == D(subsidy)


@pytest.mark.parametrize("subsidy", ["0.03", "1.00", "12345.67", "100000.01", "999999999.99", "7.77"])
@pytest.mark.parametrize("deposit", [None, "5", "10", "6.25"])
def test_any_subsidy_splits_without_losing_a_cent(subsidy, deposit):
    for mode in (MODE_532, MODE_BUILD_FIRST):
        stages = rules.split_subsidy(
            D(subsidy), mode=mode, policy=POLICY, deposit_percent=D(deposit) if deposit else None
        )
        assert sum(s.amount + s.deposit for s in stages) == D(subsidy)
        assert all(s.amount == rules.cents(s.amount) and s.amount >= 0 for s in stages)


def test_build_first_pays_everything_at_the_end_less_the_deposit():
    (only,) = rules.split_subsidy(D("100000.01"), mode=MODE_BUILD_FIRST, policy=POLICY, deposit_percent=D(5))
    assert (only.stage, only.amount, only.deposit) == (FINAL, D("95000.01"), D("5000.00"))


def test_other_profile_shares_are_used():
    policy = StagePolicy(first_percent=D(40), second_percent=D(40))
    stages = rules.split_subsidy(D("1000.00"), mode=MODE_532, policy=policy, deposit_percent=None)
    assert [s.amount for s in stages] == [D("400.00"), D("400.00"), D("200.00")]


@pytest.mark.parametrize("bad", ["0", "-1.00", "1.001"])
def test_a_subsidy_must_be_positive_and_in_cents(bad):
    with pytest.raises(ValueError):
        rules.split_subsidy(D(bad), mode=MODE_532, policy=POLICY, deposit_percent=None)


@pytest.mark.parametrize("rate, ok", [("4.99", False), ("5", True), ("10", True), ("10.01", False)])
def test_deposit_rate_between_5_percent_and_the_profile_maximum(rate, ok):
    assert (rules.deposit_problem(D(rate), POLICY) is None) is ok


DAY = dt.date(2024, 6, 1)
STARTED = ProjectFacts(started_on=dt.date(2024, 5, 1))


def problems(stage, facts, paid=(), mode=MODE_532, on=DAY):
    return rules.stage_problems(stage, mode=mode, facts=facts, paid=set(paid), policy=POLICY, on=on)


def test_first_stage_needs_a_confirmed_start():
    assert problems(FIRST, ProjectFacts()) == ["项目尚未确认开工"]
    assert problems(FIRST, ProjectFacts(started_on=DAY + dt.timedelta(days=1))) == ["项目尚未确认开工"]
    assert problems(FIRST, ProjectFacts(started_on=DAY)) == []


@pytest.mark.parametrize(
    "done, ok", [(None, False), ("59", False), ("59.99", False), ("60", True), ("100", True)]
)
def test_second_stage_needs_the_completion_share(done, ok):
    facts = ProjectFacts(started_on=DAY, completion_percent=D(done) if done else None)
    found = problems(SECOND, facts, paid=[FIRST])
    assert (found == []) is ok
    if not ok:
        assert "60" in found[0]


def test_stages_go_in_order_and_once():
    facts = ProjectFacts(started_on=DAY, completion_percent=D(100), accepted_on=DAY)
    assert problems(SECOND, facts) == ["首期资金尚未拨付"]
    assert problems(FINAL, facts, paid=[FIRST]) == ["二期资金尚未拨付"]
    assert problems(FIRST, facts, paid=[FIRST]) == ["首期资金已经全额拨付，不能重复拨付"]
    assert problems(FINAL, facts, paid=[FIRST, SECOND]) == []


def test_final_stage_needs_completion_and_a_passed_acceptance():
    facts = ProjectFacts(started_on=DAY, completion_percent=D(100))
    assert problems(FINAL, facts, paid=[FIRST, SECOND]) == ["项目尚未通过县级验收"]
    facts = ProjectFacts(started_on=DAY, completion_percent=D(99), accepted_on=DAY)
    assert "工程尚未全部完工" in problems(FINAL, facts, paid=[FIRST, SECOND])[0]


def test_a_rectification_order_blocks_every_stage_and_is_named():
    facts = ProjectFacts(started_on=DAY, blocked_reason="2024-05-20 整改通知")
    assert problems(FIRST, facts) == ["项目处于整改期，停止拨款（2024-05-20 整改通知）"]


def test_build_first_has_only_the_final_stage_after_acceptance():
    assert problems(FIRST, STARTED, mode=MODE_BUILD_FIRST) == ["先建后补项目只在验收合格后一次拨付，没有首期"]
    assert problems(FINAL, STARTED, mode=MODE_BUILD_FIRST) == ["项目尚未通过县级验收"]
    assert problems(FINAL, ProjectFacts(accepted_on=DAY), mode=MODE_BUILD_FIRST) == []


def test_deposit_returns_after_the_warranty_period():
    facts = ProjectFacts(accepted_on=dt.date(2024, 1, 31))
    due = dt.date(2025, 1, 31)
    assert rules.deposit_return_problems(facts=facts, held=D(5), policy=POLICY, on=due) == []
    late = rules.deposit_return_problems(facts=facts, held=D(5), policy=POLICY, on=due - dt.timedelta(days=1))
    assert "质保期未满" in late[0]
    assert rules.add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)


@pytest.mark.parametrize(
    "day, locked, refused",
    [
        (dt.date(2024, 3, 31), dt.date(2024, 3, 31), True),
        (dt.date(2024, 4, 1), dt.date(2024, 3, 31), False),
        (dt.date(2020, 1, 1), None, False),
    ],
)
def test_period_lock_refuses_the_lock_date_itself(day, locked, refused):
    assert (rules.locked_problem(day, locked) is not None) is refused


def test_period_end_of_a_month_and_a_year():
    assert rules.period_end(2024, 2) == dt.date(2024, 2, 29)
    assert rules.period_end(2024, None) == dt.date(2024, 12, 31)


@pytest.mark.parametrize(
    "budget, invoice, roster, expected",
    [
        ("工程建设费", "INV1", "", []),
        ("工程建设费", "", "household_subsidy", []),
        ("工程建设费", "", "", ["未附税务发票（按名册报账的除外）"]),
        ("", "INV1", "", ["未注明实施方案预算科目"]),
    ],
)
def test_reimbursement_needs_a_budget_line_and_an_invoice_unless_on_a_roster(
    budget, invoice, roster, expected
):
    assert (
        rules.reimbursement_warnings(budget_line=budget, invoice_number=invoice, roster_kind=roster)
        == expected
    )


def entry(**changes):
    values = {
        "account": 1,
        "sequence": 1,
        "batch": "b",
        "voucher_number": "V1",
        "date": dt.date(2024, 1, 2),
        "kind": "allocation",
        "stage": "",
        "amount": D("10.00"),
        "delta": D("10.00"),
        "balance_after": D("10.00"),
        "summary": "=1+1",
        "warnings": [],
        "posted_by": 1,
        "posted_at": dt.datetime(2024, 1, 2, 3, 4, 5, 6, tzinfo=dt.UTC),
    }
    values.update(changes)
    return values


def test_the_hash_covers_every_chained_field_and_the_previous_hash():
    base = rules.chain_hash(rules.GENESIS, entry())
    assert len(base) == 64
    for name, value in [
        ("amount", D("10.01")),
        ("summary", "=1+2"),
        ("date", dt.date(2024, 1, 3)),
        ("posted_by", 2),
    ]:
        assert rules.chain_hash(rules.GENESIS, entry(**{name: value})) != base, name
    assert rules.chain_hash("1" * 64, entry()) != base
    # the same value in another representation hashes alike (Decimal places, time zones)
    same_instant = dt.datetime(2024, 1, 2, 11, 4, 5, 6, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert rules.chain_hash(rules.GENESIS, entry(amount=D("10.0"), posted_at=same_instant)) == base


def chain(n):
    entries, previous = [], rules.GENESIS
    for i in range(1, n + 1):
        values = entry(sequence=i, voucher_number=f"V{i}")
        values["prev_hash"], values["hash"] = previous, rules.chain_hash(previous, values)
        previous = values["hash"]
        entries.append(values)
    return entries


def test_first_break_names_the_first_tampered_entry():
    entries = chain(4)
    assert rules.first_break(entries, head=entries[-1]["hash"], count=4) is None
    entries[1]["amount"] = D("99.00")
    entries[2]["summary"] = "改"
    found = rules.first_break(entries, head=entries[-1]["hash"], count=4)
    assert (found.sequence, found.voucher_number) == (2, "V2")


def test_first_break_finds_deleted_entries_in_the_middle_and_at_the_end():
    entries = chain(4)
    found = rules.first_break(entries[:1] + entries[2:], head=entries[-1]["hash"], count=4)
    assert found.voucher_number == "V3"
    found = rules.first_break(entries[:3], head=entries[-1]["hash"], count=4)
    assert found.voucher_number == "V3" and "末尾" in found.reason


# --- stages paid in parts; plan lines (decision 0032) ---------------------------------------------


@pytest.mark.parametrize("amount, ok", [("300.00", True), ("300.01", False)])
def test_a_part_of_a_stage_never_exceeds_what_is_left_of_it(amount, ok):
    stage = rules.StageAmount(FIRST, D("500.00"))
    problem = rules.payment_problem(stage, already=D("200.00"), amount=D(amount))
    assert (problem is None) is ok
    if not ok:
        assert "尚余的 300.00 元" in problem


def test_the_next_stage_waits_for_the_rest_of_the_earlier_one():
    facts = ProjectFacts(started_on=DAY, completion_percent=D(60))
    found = rules.stage_problems(
        SECOND, mode=MODE_532, facts=facts, paid=set(), policy=POLICY, on=DAY, remaining={FIRST: D("0.01")}
    )
    assert found == ["首期资金尚未拨付完毕（尚余 0.01 元）"]


@pytest.mark.parametrize("reimbursed, ok", [("99.99", True), ("100.00", False)])
def test_a_reimbursement_fits_what_is_left_of_its_line(reimbursed, ok):
    problem = rules.plan_line_problem(
        name="材料费", amount=D("0.01"), line_amount=D("100.00"), reimbursed=D(reimbursed)
    )
    assert (problem is None) is ok


@pytest.mark.parametrize(
    "lines, ok",
    [
        ([("材料费", "400.00"), ("人工费", "600.00")], True),
        ([("材料费", "400.00"), ("人工费", "599.99")], False),
        ([("材料费", "400.00"), ("材料费", "600.00")], False),
        ([("材料费", "1000.00"), ("人工费", "0.00")], False),
        ([], False),
    ],
)
def test_plan_lines_are_named_once_positive_and_sum_to_the_subsidy(lines, ok):
    lines = [(name, D(amount)) for name, amount in lines]
    assert (rules.plan_lines_problems(lines, subsidy=D("1000.00")) == []) is ok
