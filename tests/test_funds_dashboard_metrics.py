"""The funds' figures the assessment's F-1/F-2 indicators and the dashboard read (funds/metrics.py):
spending progress and reimbursement rate from the ledger net of reversals, and overdue projects."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from accountability.rules.metrics import METRICS
from funds.ledger import services
from tests.funds_helpers import D
from tests.ledger_helpers import allocation, funded, make_project, poster

pytestmark = pytest.mark.django_db


def test_spending_progress_is_the_disbursed_share_of_the_years_subsidies_per_unit():
    actor = poster()
    paying = make_project("P-1", subsidy="100000.00", started_on=dt.date(2024, 4, 1))
    idle = make_project("P-2", subsidy="100000.00", location="349901101202")
    elsewhere = make_project("P-3", subsidy="300.00", location="349901102201")
    make_project("P-OLD", subsidy="999.00").__class__.objects.filter(number="P-OLD").update(year=2023)
    source = allocation(actor)
    funded(actor, paying, source)
    funded(actor, idle, source, voucher="XD-002")
    funded(actor, elsewhere, source, voucher="XD-003")
    entry = services.ledger_disburse(
        actor=actor, project=paying, stage="first", voucher_number="BF-1", date=dt.date(2024, 4, 10)
    )[0]
    spending = METRICS["fund_spending_progress"].function
    township = spending(year=2024, level="township", root="3499", as_of=dt.date(2024, 12, 31))
    # 50,000 of the township's 200,000 (the 2023 project does not count), nothing of the other's 300
    assert township["349901101"].value == Decimal("25.00")
    assert township["349901102"].value == Decimal("0.00")
    villages = spending(year=2024, level="village", root="349901101", as_of=dt.date(2024, 12, 31))
    assert villages["349901101201"].value == Decimal("50.00") and villages["349901101202"].value == 0
    # judged on the period's end: before the payment nothing was spent
    before = spending(year=2024, level="township", root="3499", as_of=dt.date(2024, 4, 9))
    assert before["349901101"].value == Decimal("0.00")
    # reimbursement (报账) against what was disbursed: 20,000 of 50,000
    services.ledger_reimburse(
        actor=actor,
        project=paying,
        voucher_number="BZ-1",
        date=dt.date(2024, 5, 10),
        amount="20000.00",
        budget_line="工程建设费",
        invoice_number="FP-0001",
    )
    rate = METRICS["fund_reimbursement_rate"].function
    reimbursed = rate(year=2024, level="township", root="3499", as_of=dt.date(2024, 12, 31))
    assert {head: fact.value for head, fact in reimbursed.items()} == {"349901101": Decimal("40.00")}
    assert rate(year=2024, level="township", root="3499", as_of=dt.date(2024, 5, 9))["349901101"].value == 0
    # a reversal takes the payment back out
    services.ledger_reverse(
        actor=actor, entry=entry, voucher_number="CX-1", date=dt.date(2024, 5, 1), reason="错付"
    )
    after = spending(year=2024, level="township", root="3499", as_of=dt.date(2024, 12, 31))
    assert after["349901101"].value == Decimal("0.00")


def test_overdue_projects_count_each_late_project_once_per_unit(people):
    """A project with several missed steps counts once for its township, in the year of the
    deadlines it missed; a project without a missed step does not count."""
    from funds.metrics import disbursement_late, steps_overdue
    from tests.test_funds_alerts import _filed_late

    project = _filed_late(people)
    project.filed_on = D(2024, 3, 25)  # due Friday 22 March: late by 1 working day
    project.save()
    overdue = METRICS["fund_overdue_projects"].function
    end = D(2024, 12, 31)
    missed = []
    for metric in (steps_overdue, disbursement_late):
        fact = metric(year=2024, root="3499", as_of=end).get(f"project:{project.pk}")
        missed += fact.evidence["steps"] if fact else []
    assert len(missed) >= 2  # filing and more: still one project
    found = overdue(year=2024, level="township", root="3499", as_of=end)
    assert {head: fact.value for head, fact in found.items()} == {project.location_id[:9]: Decimal(1)}
    assert overdue(year=2023, level="township", root="3499", as_of=end) == {}
    assert overdue(year=2024, level="township", root="349902", as_of=end) == {}  # another county
