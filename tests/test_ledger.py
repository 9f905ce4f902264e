"""The ledger on the real database: immutability in SQL, the hash chain and its verification,
532 disbursement with its preconditions, balances, corrections and period locks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from accountability.models import AdminUnit
from funds.ledger import services
from funds.ledger.models import EntryKind, LedgerAccount, LedgerEntry
from funds.models import DisbursementMode, FundUse, RectificationOrder, RectificationReason
from tests.ledger_helpers import (
    COUNTY,
    OTHER_COUNTY,
    allocation,
    funded,
    make_project,
    poster,
    report_progress,
)

pytestmark = pytest.mark.django_db
D = Decimal
START, MID, DONE = dt.date(2024, 4, 1), dt.date(2024, 6, 1), dt.date(2024, 9, 1)


@pytest.fixture
def actor():
    return poster()


@pytest.fixture
def source(actor):
    return allocation(actor)


def ready_project(actor, source, *, number="P2024-001", subsidy="100000.01", **extra):
    project = make_project(number, subsidy=subsidy, started_on=START, **extra)
    funded(actor, project, source, voucher=f"XD-{number}")
    return project


def disburse(actor, project, stage, voucher, on):
    return services.ledger_disburse(
        actor=actor, project=project, stage=stage, voucher_number=voucher, date=on
    )


# --- immutability, in SQL -------------------------------------------------------------------


def test_the_database_refuses_update_and_delete_of_a_posted_entry(actor, source):
    entry = LedgerEntry.objects.get(account=source, voucher_number="ZJ-001")
    for sql in (
        "UPDATE funds_ledgerentry SET amount = 1 WHERE id = %s",
        "UPDATE funds_ledgerentry SET summary = 'x' WHERE id = %s",
        "DELETE FROM funds_ledgerentry WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="不可修改或删除"),
            transaction.atomic(),
            connection.cursor() as c,
        ):
            c.execute(sql, [entry.pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=D("1.00"))
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.delete()
    entry.refresh_from_db()
    assert entry.amount == D("1000000.00")
    # inserting stays possible: the trigger guards posted rows, not the ledger
    services.ledger_interest(
        actor=actor, account=source, voucher_number="LX-1", date=dt.date(2024, 2, 2), amount="0.01"
    )


# --- the hash chain -------------------------------------------------------------------------


def tamper(sql: str) -> None:
    """Change the ledger behind the application's back: the trigger disabled, as a database owner could."""
    with connection.cursor() as c:
        c.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending deferred checks before ALTER TABLE
        c.execute("ALTER TABLE funds_ledgerentry DISABLE TRIGGER funds_ledgerentry_immutable")
        c.execute(sql)
        c.execute("ALTER TABLE funds_ledgerentry ENABLE TRIGGER funds_ledgerentry_immutable")


def verify(*args) -> tuple[int, str]:
    from io import StringIO

    out = StringIO()
    try:
        call_command("verify_ledger", *args, stdout=out, stderr=out)
        return 0, out.getvalue()
    except SystemExit as exit_:
        return exit_.code, out.getvalue()
    except CommandError as error:  # what manage.py prints and exits 1 with
        return 1, str(error)


def test_verify_ledger_holds_on_an_untouched_ledger(actor, source):
    ready_project(actor, source)
    code, output = verify()
    assert code == 0, output
    assert "3 笔" in output or "通过" in output


def test_an_update_done_directly_in_sql_is_detected_and_named(actor, source):
    project = ready_project(actor, source)
    disburse(actor, project, "first", "BF-001", MID)
    assert verify()[0] == 0
    tamper("UPDATE funds_ledgerentry SET amount = amount + 0.01 WHERE voucher_number = 'BF-001'")
    code, output = verify()
    assert code != 0
    assert "BF-001" in output
    assert "凭证号 BF-001" in output
    # --unit: the other county's ledger still holds
    assert verify("--unit", OTHER_COUNTY)[0] == 0
    assert verify("--unit", COUNTY)[0] != 0


def test_a_deleted_last_entry_is_detected(actor, source):
    services.ledger_interest(
        actor=actor, account=source, voucher_number="LX-9", date=dt.date(2024, 2, 2), amount="3.00"
    )
    tamper("DELETE FROM funds_ledgerentry WHERE voucher_number = 'LX-9'")
    code, output = verify()
    assert code != 0 and "ZJ-001" in output


def test_verify_ledger_refuses_an_unknown_unit():
    code, output = verify("--unit", "999999999999")
    assert code != 0 and "999999999999" in output


def test_the_nightly_task_raises_an_alert_on_a_break(actor, source):
    from accountability.models import Alert
    from funds.ledger.tasks import verify_ledger_nightly

    assert verify_ledger_nightly() == 0
    assert not Alert.objects.exists()
    tamper("UPDATE funds_ledgerentry SET summary = '改' WHERE voucher_number = 'ZJ-001'")
    assert verify_ledger_nightly() == 1
    alert = Alert.objects.get()
    assert alert.unit_id == COUNTY and "ZJ-001" in alert.evidence["voucher_number"]
    assert verify_ledger_nightly() == 1 and Alert.objects.count() == 1  # once per account and day


# --- 532 staged disbursement ----------------------------------------------------------------


def test_532_on_an_awkward_subsidy_sums_to_the_cent(actor, source):
    project = ready_project(actor, source, subsidy="100000.01")
    disburse(actor, project, "first", "BF-1", MID)
    report_progress(project, 60)
    disburse(actor, project, "second", "BF-2", MID)
    project.completed_on, project.accepted_on, project.acceptance_grade = DONE, DONE, "pass"
    project.save()
    disburse(actor, project, "final", "BF-3", DONE)
    account = LedgerAccount.objects.get(project=project)
    paid = account.entries.filter(kind=EntryKind.DISBURSEMENT).values_list("amount", flat=True)
    assert sorted(paid) == [D("15000.00"), D("30000.00"), D("50000.01")]
    assert sum(paid) + account.deposit_held == D("100000.01")
    assert (account.balance, account.deposit_held) == (D("5000.00"), D("5000.00"))


def test_each_stage_is_refused_before_its_precondition_with_what_is_missing(actor, source):
    project = make_project(subsidy="1000.00")
    funded(actor, project, source)
    with pytest.raises(ValidationError, match="项目尚未确认开工"):
        disburse(actor, project, "first", "BF-1", MID)
    project.started_on = START
    project.save()
    with pytest.raises(ValidationError, match="首期资金尚未拨付"):
        disburse(actor, project, "second", "BF-2", MID)
    disburse(actor, project, "first", "BF-1", MID)
    report_progress(project, 59)
    with pytest.raises(ValidationError, match="工程完成量 59% 未达到 60"):
        disburse(actor, project, "second", "BF-2", MID)
    report_progress(project, 60, on=dt.date(2024, 5, 2))
    disburse(actor, project, "second", "BF-2", MID)
    with pytest.raises(ValidationError, match="项目尚未通过县级验收"):
        disburse(actor, project, "final", "BF-3", DONE)
    project.completed_on, project.accepted_on, project.acceptance_grade = DONE, DONE, "fail"
    project.save()
    with pytest.raises(ValidationError, match="项目尚未通过县级验收"):
        disburse(actor, project, "final", "BF-3", DONE)


def test_a_rectification_order_stops_disbursement_and_reimbursement(actor, source):
    project = ready_project(actor, source)
    disburse(actor, project, "first", "BF-1", MID)
    RectificationOrder.objects.create(project=project, reason=RectificationReason.BEHIND_PLAN, issued_on=MID)
    report_progress(project, 80)
    with pytest.raises(ValidationError, match="整改"):
        disburse(actor, project, "second", "BF-2", MID)
    with pytest.raises(ValidationError, match="整改"):
        services.ledger_reimburse(
            actor=actor,
            project=project,
            voucher_number="BZ-1",
            date=MID,
            amount="10.00",
            budget_line="工程建设费",
            invoice_number="F1",
        )


def test_build_first_pays_once_after_acceptance(actor, source):
    project = ready_project(
        actor, source, subsidy="20000.00", mode=DisbursementMode.AFTER, use=FundUse.TRAINING
    )
    with pytest.raises(ValidationError, match="先建后补"):
        disburse(actor, project, "first", "BF-1", MID)
    project.accepted_on, project.acceptance_grade = DONE, "excellent"
    project.save()
    disburse(actor, project, "final", "BF-9", DONE)
    account = LedgerAccount.objects.get(project=project)
    assert (account.balance, account.deposit_held) == (D("0.00"), D("0.00"))  # training: no deposit


def test_a_stage_is_paid_in_parts_up_to_its_amount_and_the_next_waits_for_it(actor, source):
    project = ready_project(actor, source)  # 100,000.01: 50,000.01 + 30,000.00 + 15,000.00 + 5,000.00

    def pay(stage, voucher, amount=None, on=MID):
        return services.ledger_disburse(
            actor=actor, project=project, stage=stage, voucher_number=voucher, date=on, amount=amount
        )

    pay("first", "BF-1a", "20000.00")
    report_progress(project, 60)
    with pytest.raises(ValidationError, match=r"首期资金尚未拨付完毕（尚余 30000\.01 元）"):
        pay("second", "BF-2")
    with pytest.raises(ValidationError, match=r"本次 30000\.02 元超过尚余的 30000\.01 元"):
        pay("first", "BF-1b", "30000.02")
    pay("first", "BF-1b", "30000.01")  # exactly what is left
    with pytest.raises(ValidationError, match="首期资金已经全额拨付"):
        pay("first", "BF-1c", "0.01")
    pay("second", "BF-2")  # not given: all that is left of the stage
    statuses = services.stage_statuses(project, on=MID)
    assert [(s.stage.stage, s.paid, s.paid_amount) for s in statuses] == [
        ("first", True, D("50000.01")),
        ("second", True, D("30000.00")),
        ("final", False, D("0.00")),
    ]
    project.completed_on, project.accepted_on, project.acceptance_grade = DONE, DONE, "pass"
    project.save()
    pay("final", "BF-3a", "10000.00", DONE)  # the first part of the last stage withholds the deposit
    account = LedgerAccount.objects.get(project=project)
    assert account.deposit_held == D("5000.00")
    pay("final", "BF-3b", on=DONE)  # the rest: 5,000.00, no second deposit
    account.refresh_from_db()
    paid = account.entries.filter(kind=EntryKind.DISBURSEMENT).values_list("amount", flat=True)
    assert sum(paid) + account.deposit_held == D("100000.01")
    assert account.entries.filter(kind=EntryKind.DEPOSIT_WITHHELD).count() == 1
    assert (account.balance, account.deposit_held) == (D("5000.00"), D("5000.00"))


def test_a_reversed_part_of_a_stage_may_be_paid_again(actor, source):
    project = ready_project(actor, source, subsidy="1000.00")
    first = services.ledger_disburse(
        actor=actor, project=project, stage="first", voucher_number="BF-1a", date=MID, amount="200.00"
    )[0]
    services.ledger_disburse(
        actor=actor, project=project, stage="first", voucher_number="BF-1b", date=MID, amount="300.00"
    )
    services.ledger_reverse(actor=actor, entry=first, voucher_number="CZ-1", date=MID, reason="金额错误")
    [status] = services.stage_statuses(project, on=MID)[:1]
    assert (status.paid, status.paid_amount, status.remaining) == (False, D("300.00"), D("200.00"))
    services.ledger_disburse(actor=actor, project=project, stage="first", voucher_number="BF-1c", date=MID)
    assert services.stage_statuses(project, on=MID)[0].paid


def test_the_deposit_is_returned_only_after_the_warranty(actor, source):
    project = ready_project(actor, source, subsidy="1000.00")
    disburse(actor, project, "first", "BF-1", MID)
    report_progress(project, 100)
    disburse(actor, project, "second", "BF-2", MID)
    project.completed_on, project.accepted_on, project.acceptance_grade = DONE, DONE, "pass"
    project.save()
    disburse(actor, project, "final", "BF-3", DONE)
    with pytest.raises(ValidationError, match="质保期未满"):
        services.ledger_deposit_return(
            actor=actor, project=project, voucher_number="TH-1", date=dt.date(2025, 8, 31)
        )
    services.ledger_deposit_return(
        actor=actor, project=project, voucher_number="TH-1", date=dt.date(2025, 9, 1)
    )
    account = LedgerAccount.objects.get(project=project)
    assert (account.balance, account.deposit_held) == (D("0.00"), D("0.00"))


# --- balances -------------------------------------------------------------------------------


def test_a_release_never_exceeds_the_allocation_remaining(actor):
    source = allocation(actor, amount="1000.00")
    first = make_project("P-1", subsidy="600.00")
    second = make_project("P-2", subsidy="600.00")
    funded(actor, first, source)
    with pytest.raises(ValidationError, match=r"剩余指标 400\.00 元"):
        services.ledger_release(
            actor=actor,
            allocation=source,
            project=second,
            voucher_number="XD-2",
            date=dt.date(2024, 3, 2),
            amount="400.01",
        )
    services.ledger_release(
        actor=actor,
        allocation=source,
        project=second,
        voucher_number="XD-2",
        date=dt.date(2024, 3, 2),
        amount="400.00",
    )
    source.refresh_from_db()
    assert source.balance == D("0.00")


def test_a_release_never_exceeds_the_project_subsidy(actor, source):
    project = make_project(subsidy="500.00")
    with pytest.raises(ValidationError, match="超过项目财政补助"):
        services.ledger_release(
            actor=actor,
            allocation=source,
            project=project,
            voucher_number="XD-1",
            date=dt.date(2024, 3, 2),
            amount="500.01",
        )


def test_a_project_balance_never_goes_negative_even_in_the_database(actor, source):
    project = make_project(subsidy="1000.00", started_on=START)
    services.ledger_release(
        actor=actor,
        allocation=source,
        project=project,
        voucher_number="XD-1",
        date=dt.date(2024, 3, 2),
        amount="499.99",
    )
    with pytest.raises(ValidationError, match="余额不足"):
        disburse(actor, project, "first", "BF-1", MID)
    account = LedgerAccount.objects.get(project=project)
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerAccount.objects.filter(pk=account.pk).update(balance=D("-0.01"))


def test_reimbursement_never_exceeds_what_was_paid_out_and_needs_line_and_invoice(actor, source):
    project = ready_project(actor, source, subsidy="1000.00")
    disburse(actor, project, "first", "BF-1", MID)
    with pytest.raises(ValidationError, match="未附税务发票"):
        services.ledger_reimburse(
            actor=actor,
            project=project,
            voucher_number="BZ-1",
            date=MID,
            amount="100.00",
            budget_line="工程建设费",
        )
    services.ledger_reimburse(
        actor=actor,
        project=project,
        voucher_number="BZ-1",
        date=MID,
        amount="100.00",
        budget_line="household_subsidy",  # a roster line of the plan (by code): no invoice needed
    )
    assert LedgerEntry.objects.get(voucher_number="BZ-1").roster_kind == "household_subsidy"
    with pytest.raises(ValidationError, match="不在本项目实施方案预算科目中"):
        services.ledger_reimburse(
            actor=actor,
            project=project,
            voucher_number="BZ-3",
            date=MID,
            amount="1.00",
            budget_line="不存在的科目",
            invoice_number="F3",
        )
    with pytest.raises(ValidationError, match="报账金额超过已拨付金额"):
        services.ledger_reimburse(
            actor=actor,
            project=project,
            voucher_number="BZ-2",
            date=MID,
            amount="400.01",
            budget_line="工程建设费",
            invoice_number="F2",
        )


# --- corrections ----------------------------------------------------------------------------


def test_a_correction_reverses_both_ends_and_references_the_original(actor, source):
    project = make_project(subsidy="1000.00")
    services.ledger_release(
        actor=actor,
        allocation=source,
        project=project,
        voucher_number="XD-1",
        date=dt.date(2024, 3, 2),
        amount="1000.00",
    )
    original = LedgerEntry.objects.get(voucher_number="XD-1", account=source)
    reversals = services.ledger_reverse(
        actor=actor, entry=original, voucher_number="GZ-1", date=dt.date(2024, 3, 3), reason="金额错"
    )
    assert len(reversals) == 2
    assert {r.reverses.voucher_number for r in reversals} == {"XD-1"}
    source.refresh_from_db()
    assert source.balance == D("1000000.00")
    assert LedgerAccount.objects.get(project=project).balance == D("0.00")
    original.refresh_from_db()
    assert original.amount == D("1000.00")  # the original stays as posted
    with pytest.raises(ValidationError, match="已被冲销"):
        services.ledger_reverse(
            actor=actor, entry=original, voucher_number="GZ-2", date=dt.date(2024, 3, 3), reason="再冲"
        )
    with pytest.raises(ValidationError, match="不能再被冲销"):
        services.ledger_reverse(
            actor=actor, entry=reversals[0], voucher_number="GZ-3", date=dt.date(2024, 3, 3), reason="x"
        )
    assert verify()[0] == 0


def test_a_reversed_stage_may_be_paid_again(actor, source):
    project = ready_project(actor, source, subsidy="1000.00")
    (first,) = disburse(actor, project, "first", "BF-1", MID)
    services.ledger_reverse(actor=actor, entry=first, voucher_number="GZ-1", date=MID, reason="收款人错")
    disburse(actor, project, "first", "BF-1b", MID)
    assert LedgerAccount.objects.get(project=project).balance == D("500.00")


def test_a_reversal_that_would_make_a_balance_negative_is_refused(actor, source):
    project = ready_project(actor, source, subsidy="1000.00")
    disburse(actor, project, "first", "BF-1", MID)
    release = LedgerEntry.objects.get(voucher_number="XD-P2024-001", account=source)
    with pytest.raises(ValidationError, match="余额不足"):
        services.ledger_reverse(actor=actor, entry=release, voucher_number="GZ-1", date=MID, reason="撤回")


# --- period locks and permissions -----------------------------------------------------------


def test_a_closed_month_refuses_entries_dated_in_it(actor, source):
    county = AdminUnit.objects.get(code=COUNTY)
    services.ledger_period_close(actor=actor, county=county, year=2024, month=3)
    project = make_project(subsidy="10.00")
    with pytest.raises(ValidationError, match="已结账"):
        services.ledger_release(
            actor=actor,
            allocation=source,
            project=project,
            voucher_number="XD-1",
            date=dt.date(2024, 3, 31),
            amount="10.00",
        )
    services.ledger_release(
        actor=actor,
        allocation=source,
        project=project,
        voucher_number="XD-1",
        date=dt.date(2024, 4, 1),
        amount="10.00",
    )
    with pytest.raises(ValidationError, match="只能向后推进"):
        services.ledger_period_close(actor=actor, county=county, year=2024, month=2)
    services.ledger_period_close(actor=actor, county=county, year=2024)
    original = LedgerEntry.objects.get(voucher_number="ZJ-001")
    with pytest.raises(ValidationError, match="已结账"):
        services.ledger_reverse(
            actor=actor, entry=original, voucher_number="GZ-1", date=dt.date(2024, 12, 31), reason="x"
        )


def test_a_user_of_another_county_cannot_post(actor, source):
    other = poster(OTHER_COUNTY, username="other")
    with pytest.raises(PermissionDenied):
        services.ledger_interest(
            actor=other, account=source, voucher_number="LX-1", date=dt.date(2024, 5, 1), amount="1.00"
        )


def test_a_voucher_is_posted_once(actor, source):
    with pytest.raises(ValidationError, match="不能重复记账"):
        services.ledger_allocation_receive(
            actor=actor, account=source, voucher_number="ZJ-001", date=dt.date(2024, 2, 1), amount="1.00"
        )


@pytest.mark.parametrize("amount", ["0", "-1", "1.001", "abc"])
def test_amounts_are_positive_cents(actor, source, amount):
    with pytest.raises(ValidationError):
        services.ledger_interest(
            actor=actor, account=source, voucher_number="LX-1", date=dt.date(2024, 5, 1), amount=amount
        )


def test_reimbursement_is_complete_the_day_it_reaches_what_was_paid_out(actor, source):
    from funds.ledger.selectors import reimbursement_completed_on

    project = ready_project(actor, source, subsidy="1000.00")
    disburse(actor, project, "first", "BF-1", MID)

    def reimburse(voucher, amount, day):
        services.ledger_reimburse(
            actor=actor,
            project=project,
            voucher_number=voucher,
            date=day,
            amount=amount,
            budget_line="工程建设费",
            invoice_number=voucher,
        )

    reimburse("BZ-1", "499.99", dt.date(2024, 6, 2))
    assert reimbursement_completed_on([project]) == {}
    reimburse("BZ-2", "0.01", dt.date(2024, 6, 3))
    assert reimbursement_completed_on([project]) == {project.pk: dt.date(2024, 6, 3)}


def test_the_demo_ledger_posts_through_the_services_and_its_chains_hold():
    from io import StringIO

    call_command("load_demo", stdout=StringIO())
    assert LedgerEntry.objects.filter(kind=EntryKind.DISBURSEMENT).exists()
    assert LedgerEntry.objects.filter(kind=EntryKind.REIMBURSEMENT).exists()
    code, output = verify()
    assert code == 0, output
