"""What issue 15 still lacked: reimbursements against the budget lines of the project's own
implementation plan (F-11) and the data migration that gives existing projects their lines; the
TRUNCATE guard of the entries table; the import's amounts through the funds' one money check."""

from __future__ import annotations

import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from accountability.importing.kinds import CellError
from funds import services as project_services
from funds.ledger import services
from funds.ledger.importers import parse_amount
from funds.ledger.models import LedgerEntry, PlanBudgetLine
from tests.factories import UserFactory
from tests.ledger_helpers import allocation, funded, grant, make_project, poster

pytestmark = pytest.mark.django_db
D = Decimal
MID = dt.date(2024, 6, 1)
migration = importlib.import_module("funds.migrations.0007_ledger_plan_lines")


@pytest.fixture
def actor():
    return grant(poster(), "approve_project")


@pytest.fixture
def source(actor):
    return allocation(actor)


def paid_project(actor, source, number="P2024-001", *, plan_lines=True):
    """1,000.00 subsidy, first stage (500.00) paid; plan lines 直接补助到户 100 / 材料费 100 /
    工程建设费 800."""
    project = make_project(number, subsidy="1000.00", started_on=dt.date(2024, 4, 1), plan_lines=plan_lines)
    funded(actor, project, source, voucher=f"XD-{number}")
    services.ledger_disburse(
        actor=actor, project=project, stage="first", voucher_number=f"BF-{number}", date=MID
    )
    return project


def reimburse(actor, project, voucher, amount, line, invoice="F1", **extra):
    return services.ledger_reimburse(
        actor=actor,
        project=project,
        voucher_number=voucher,
        date=MID,
        amount=amount,
        budget_line=line,
        invoice_number=invoice,
        **extra,
    )


# --- F-11: the plan's own lines ----------------------------------------------------------------


def test_a_reimbursement_never_exceeds_what_is_left_of_its_plan_line(actor, source):
    project = paid_project(actor, source)
    reimburse(actor, project, "BZ-1", "60.00", "材料费")
    entry = reimburse(actor, project, "BZ-2", "40.00", "材料费")  # exactly the line's 100.00
    with pytest.raises(
        ValidationError, match=r"“材料费”的剩余额度：预算 100\.00 元，已报账 100\.00 元，尚余 0\.00 元"
    ):
        reimburse(actor, project, "BZ-3", "0.01", "材料费")
    services.ledger_reverse(actor=actor, entry=entry, voucher_number="CZ-1", date=MID, reason="错记")
    reimburse(actor, project, "BZ-3", "40.00", "材料费")  # a reversal gives the line back
    assert [(s.line.name, s.reimbursed, s.remaining) for s in services.plan_line_statuses(project)] == [
        ("直接补助到户", D("0.00"), D("100.00")),
        ("材料费", D("100.00"), D("0.00")),
        ("工程建设费", D("0.00"), D("800.00")),
    ]


def test_a_line_of_another_project_or_of_the_city_list_is_not_a_line_of_this_plan(actor, source):
    project = paid_project(actor, source)
    other = make_project("P2024-002", subsidy="500.00", plan_lines=False)
    PlanBudgetLine.objects.create(project=other, name="村道硬化", amount=D("500.00"))
    for line in ("村道硬化", "设备购置费"):  # another plan's line; a city-wide budget line not in this plan
        with pytest.raises(ValidationError, match=f"“{line}”不在本项目实施方案预算科目中"):
            reimburse(actor, project, "BZ-1", "1.00", line)
    with pytest.raises(ValidationError, match="未注明实施方案预算科目"):
        reimburse(actor, project, "BZ-1", "1.00", "")
    assert not LedgerEntry.objects.filter(kind="reimbursement").exists()


def test_the_plan_line_decides_whether_a_roster_replaces_the_invoice(actor, source):
    project = paid_project(actor, source)
    roster = reimburse(actor, project, "BZ-1", "100.00", "直接补助到户", invoice="")
    assert roster.roster_kind == "household_subsidy" and roster.warnings == []
    # a roster category claimed on the voucher does not spare a non-roster line its invoice
    with pytest.raises(ValidationError, match="未附税务发票"):
        reimburse(actor, project, "BZ-2", "1.00", "材料费", invoice="", roster_kind="household_subsidy")


def test_a_project_without_plan_lines_cannot_reimburse_from_the_browser(actor, source):
    project = paid_project(actor, source, plan_lines=False)
    with pytest.raises(ValidationError, match="实施方案未列预算科目"):
        reimburse(actor, project, "BZ-1", "1.00", "材料费")


@pytest.mark.parametrize("last, ok", [("799.99", False), ("800.00", True), ("800.01", False)])
def test_plan_lines_sum_exactly_to_the_subsidy(actor, last, ok):
    project = make_project("P2024-009", subsidy="1000.00", plan_lines=False)
    project.plan_approved_on = None
    project.save()
    lines = f"材料费 200.00\n工程建设费 {last}\n"
    if ok:
        made = services.plan_budget_lines_set(actor=actor, project=project, lines=lines)
        assert [(m.name, m.amount, m.category.code) for m in made] == [
            ("材料费", D("200.00"), "materials"),
            ("工程建设费", D("800.00"), "construction"),
        ]
        # until the plan is approved the lines are replaced as a whole
        services.plan_budget_lines_set(actor=actor, project=project, lines=[("工程建设费", "1000.00")])
        assert list(project.plan_budget_lines.values_list("name", "amount")) == [("工程建设费", D("1000.00"))]
    else:
        with pytest.raises(ValidationError, match=r"应等于财政补助资金 1000\.00 元"):
            services.plan_budget_lines_set(actor=actor, project=project, lines=lines)


def test_plan_lines_bad_input_is_named(actor):
    project = make_project("P2024-009", subsidy="1000.00", plan_lines=False)
    for text, message in [
        ("材料费 500\n材料费 500", "重复"),
        ("材料费", "应为“科目名称 金额”"),
        ("材料费 1e30", "金额不能达到"),
        ("材料费 999.999\n人工费 0.001", "精确到分"),
        ("", "请列出实施方案的预算科目"),
    ]:
        with pytest.raises(ValidationError, match=message):
            services.plan_budget_lines_set(actor=actor, project=project, lines=text)


def test_an_approved_plan_keeps_its_lines_but_may_enter_them_once(actor):
    project = make_project("P2024-009", subsidy="1000.00", plan_lines=False)  # approved, no lines yet
    services.plan_budget_lines_set(actor=actor, project=project, lines=[("工程建设费", "1000.00")])
    with pytest.raises(ValidationError, match="实施方案已于 2024-02-20 批复，预算科目不能再改"):
        services.plan_budget_lines_set(actor=actor, project=project, lines=[("材料费", "1000.00")])
    outsider = UserFactory(username="nobody", jurisdiction_id="349902000000")
    with pytest.raises(PermissionDenied):
        services.plan_budget_lines_set(actor=outsider, project=project, lines=[("材料费", "1000.00")])


def test_the_plan_lines_are_entered_with_the_plan(actor):
    township = grant(poster(username="township"), "apply_project")
    project = make_project("P2024-009", subsidy="1000.00", plan_lines=False)
    project.approved_on, project.plan_approved_on = dt.date(2024, 2, 1), None
    project.save()
    project_services.project_step(
        actor=township,
        project=project,
        step="plan_submit",
        on=dt.date(2024, 2, 10),
        data={"budget_lines": "工程建设费 900.00\n直接补助到户 100.00"},
    )
    project.refresh_from_db()
    assert project.plan_submitted_on == dt.date(2024, 2, 10)
    assert [(line.name, line.roster_payment) for line in project.plan_budget_lines.all()] == [
        ("工程建设费", False),
        ("直接补助到户", True),
    ]


def test_the_import_warns_about_a_line_outside_the_plan_but_refuses_an_overspent_line(actor, source):
    project = paid_project(actor, source)
    reimburse(actor, project, "BZ-1", "5.00", "不在方案里", warnings_allowed=True)
    assert "不在本项目实施方案预算科目中" in "".join(LedgerEntry.objects.get(voucher_number="BZ-1").warnings)
    with pytest.raises(ValidationError, match="剩余额度"):
        reimburse(actor, project, "BZ-2", "100.01", "材料费", warnings_allowed=True)


# --- the data migration -------------------------------------------------------------------------


def test_the_migration_gives_existing_projects_the_lines_their_posted_vouchers_name(actor, source):
    project = paid_project(actor, source, plan_lines=False)
    # posted before projects had plan lines: the city-wide line, accepted with a warning
    first = reimburse(actor, project, "BZ-1", "120.00", "工程建设费", warnings_allowed=True)
    reimburse(actor, project, "BZ-2", "30.00", "工程建设费", warnings_allowed=True)
    wrong = reimburse(actor, project, "BZ-3", "7.00", "材料费", warnings_allowed=True)
    services.ledger_reverse(actor=actor, entry=wrong, voucher_number="CZ-1", date=MID, reason="错记")
    untouched = make_project("P2024-003", subsidy="300.00", plan_lines=False)  # no account: left alone

    migration.plan_lines_from_the_ledger(apps, None)

    lines = {line.name: line.amount for line in project.plan_budget_lines.all()}
    assert lines == {"工程建设费": D("150.00"), migration.UNASSIGNED: D("850.00")}
    assert sum(lines.values()) == project.subsidy
    assert not untouched.plan_budget_lines.exists()
    # every posted voucher still fits its line; the next one on it is held to what is left
    with pytest.raises(ValidationError, match="剩余额度"):
        reimburse(actor, project, "BZ-4", "0.01", "工程建设费")
    reimburse(actor, project, "BZ-4", "10.00", migration.UNASSIGNED)
    first.refresh_from_db()  # the entries themselves are untouched: the chain holds
    call_command("verify_ledger")
    migration.plan_lines_from_the_ledger(apps, None)  # idempotent
    assert project.plan_budget_lines.count() == 2


# --- TRUNCATE ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "TRUNCATE funds_ledgerentry",
        "TRUNCATE funds_ledgeraccount CASCADE",
        "TRUNCATE funds_ledgerentry, funds_ledgerlock",
    ],
)
def test_the_database_refuses_truncate_of_the_entries(actor, source, sql):
    count = LedgerEntry.objects.count()
    with (
        pytest.raises(DatabaseError, match="资金分录表不可清空"),
        transaction.atomic(),
        connection.cursor() as c,
    ):
        c.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the rows were inserted in this test's transaction
        c.execute(sql)
    assert LedgerEntry.objects.count() == count > 0


@pytest.mark.django_db(transaction=True)
def test_truncate_is_refused_on_committed_entries_and_only_the_test_flush_passes(actor):
    allocation(actor)  # committed: a transactional test
    with pytest.raises(DatabaseError, match="资金分录表不可清空"), connection.cursor() as c:
        c.execute("TRUNCATE funds_ledgerentry CASCADE")
    assert LedgerEntry.objects.count() == 1
    # the test run's flush after this test disables the guard for its own statement only
    # (tests/conftest.py), and the guard is on again afterwards:
    with connection.cursor() as c:
        c.execute("SELECT tgenabled FROM pg_trigger WHERE tgname = 'funds_ledgerentry_no_truncate'")
        assert c.fetchone() == ("O",)


# --- the import's amounts -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, value",
    [
        ("1,234.56", D("1234.56")),
        ("999999999999.99", D("999999999999.99")),
        ("１００．５０", D("100.50")),
        ("1000000000000", None),
        ("1e30", None),
        ("0.001", None),
        ("0", None),
        ("-1", None),
        ("NaN", None),
        ("abc", None),
    ],
)
def test_the_import_reads_amounts_through_the_one_money_check(text, value):
    if value is None:
        with pytest.raises(CellError):
            parse_amount(text)
    else:
        assert parse_amount(text) == value
