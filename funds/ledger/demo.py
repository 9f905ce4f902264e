"""Demo ledger (load_demo): each demo county's central allocation, its projects funded from it
and paid every stage their state allows, a reimbursement on each paid project."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from accountability.models import AdminUnit, User
from funds.ledger import services
from funds.ledger.models import LedgerAccount
from funds.models import Project

COUNTIES = (("349901", "county_office"), ("349902", "county2_office"))


def load_ledger() -> int:
    if LedgerAccount.objects.filter(county_id__in=[f"{c}000000" for c, _u in COUNTIES]).exists():
        return 0
    today = timezone.localdate()
    posted = 0
    for county, username in COUNTIES:
        unit = AdminUnit.objects.filter(code=f"{county}000000").first()
        actor = (
            User.objects.filter(username=username).first() or User.objects.filter(is_superuser=True).first()
        )
        projects = list(
            Project.objects.filter(county_id=f"{county}000000", plan_approved_on__isnull=False).order_by(
                "number"
            )
        )
        if unit is None or actor is None or not projects or not actor.has_perm(services.POST):
            continue
        total = sum((p.subsidy for p in projects), Decimal("0.00"))
        start = min(p.plan_approved_on for p in projects)
        source = services.ledger_allocation_open(
            actor=actor,
            county=unit,
            fund_level="central",
            document_number=f"财农〔{today.year}〕8号",
            document_date=start,
            year=today.year,
        )
        services.ledger_allocation_receive(
            actor=actor, account=source, voucher_number=f"ZJ-{county}-001", date=start, amount=total * 2
        )
        posted += 1
        for n, project in enumerate(projects, start=1):
            posted += _fund(actor, source, project, n, today)
    return posted


def _fund(actor, source, project, n: int, today: dt.date) -> int:
    posted = 0
    if not project.plan_budget_lines.exists():
        materials = (project.subsidy / 5).quantize(Decimal("0.01"))
        services.plan_budget_lines_set(
            actor=actor,
            project=project,
            lines=[("材料费", materials), ("工程建设费", project.subsidy - materials)],
        )
    try:
        services.ledger_release(
            actor=actor,
            allocation=source,
            project=project,
            voucher_number=f"XD-{project.number}",
            date=max(project.plan_approved_on, source.document_date or project.plan_approved_on),
            amount=project.subsidy,
        )
        posted += 1
        for stage in ("first", "second", "final"):
            services.ledger_disburse(
                actor=actor,
                project=project,
                stage=stage,
                voucher_number=f"BF-{project.number}-{stage}",
                date=today,
                counterpart=project.implementer,
            )
            posted += 1
    except ValidationError:
        pass  # the stage its state does not allow yet: the money panel says why
    account = LedgerAccount.objects.filter(project=project).first()
    paid = services.net_total(account, "disbursement") if account else Decimal(0)
    if paid > 0:
        services.ledger_reimburse(
            actor=actor,
            project=project,
            voucher_number=f"BZ-{project.number}-1",
            date=today,
            amount=(paid / 2).quantize(Decimal("0.01")),
            budget_line="工程建设费",
            invoice_number=f"FP{n:06d}",
            summary="材料及施工费报账",
        )
        posted += 1
    return posted
