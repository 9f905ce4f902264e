"""Builders shared by the ledger tests: a county poster, fund projects, a funded allocation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import Permission

from accountability.demo.hierarchy import load_hierarchy
from accountability.models import AdminUnit
from funds.ledger import services
from funds.ledger.models import LedgerAccount, PlanBudgetLine
from funds.models import (
    BudgetLine,
    DisbursementMode,
    FundUse,
    ProgressReport,
    Project,
    ProjectCategory,
    ReportTrigger,
)
from tests.factories import UserFactory

COUNTY = "349901000000"
OTHER_COUNTY = "349902000000"
VILLAGE = "349901101201"
TOWNSHIP = "349901101000"
LEDGER_PERMISSIONS = (
    "add_ledgerentry",
    "add_ledgeraccount",
    "post_ledgerentry",
    "close_ledgerperiod",
    "export_ledger",
    "view_ledgeraccount",
    "view_ledgerentry",
)


def grant(user, *codenames: str):
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="funds", codename__in=codenames)
    )
    return type(user).objects.get(pk=user.pk)  # fresh permission cache


def reference_data() -> None:
    """The reference rows of migration funds/0002 (gone from a reused test database after a
    transactional test's flush)."""
    from funds.reference import install_reference_data

    install_reference_data(ProjectCategory, BudgetLine)


def poster(code: str = COUNTY, username: str = "finance"):
    """A county finance/poverty-office user who may post, close and export."""
    reference_data()
    if not AdminUnit.objects.filter(code=code).exists():
        load_hierarchy()
    return grant(UserFactory(username=username, jurisdiction_id=code), *LEDGER_PERMISSIONS)


def make_project(
    number: str = "P2024-001",
    *,
    subsidy: str = "100000.01",
    use: str = FundUse.INDUSTRY,
    location: str = VILLAGE,
    mode: str = DisbursementMode.STAGED,
    started_on: dt.date | None = None,
    accepted_on: dt.date | None = None,
    grade: str = "",
    completed_on: dt.date | None = None,
    plan_lines: bool = True,
) -> Project:
    if not AdminUnit.objects.filter(code=location).exists():
        load_hierarchy()
    reference_data()
    project = Project.objects.create(
        number=number,
        name=f"项目{number}",
        year=2024,
        category=ProjectCategory.objects.order_by("pk").first(),
        use=use,
        location_id=location,
        county_id=location[:6] + "000000",
        township_id=location[:9] + "000",
        implementer="青石镇人民政府",
        construction_content=f"建设内容{number}",
        subsidy=Decimal(subsidy),
        disbursement_mode=mode,
        started_on=started_on,
        accepted_on=accepted_on,
        acceptance_grade=grade,
        completed_on=completed_on,
        plan_approved_on=dt.date(2024, 2, 20),
    )
    if plan_lines:
        plan_lines_for(project)
    return project


def plan_lines_for(project: Project) -> list[PlanBudgetLine]:
    """The plan's budget lines: 10 % 直接补助到户 (a roster line), 10 % 材料费, the rest 工程建设费."""
    tenth = (project.subsidy / 10).quantize(Decimal("0.01"))
    lines = [("直接补助到户", tenth), ("材料费", tenth), ("工程建设费", project.subsidy - 2 * tenth)]
    return [
        PlanBudgetLine.objects.create(
            project=project, name=name, category=BudgetLine.objects.filter(name=name).first(), amount=amount
        )
        for name, amount in lines
    ]


def report_progress(project: Project, percent: int, on: dt.date = dt.date(2024, 5, 1)) -> None:
    ProgressReport.objects.create(
        project=project,
        trigger=ReportTrigger.DISBURSEMENT,
        event_on=on,
        reported_on=on,
        progress_percent=percent,
    )


def allocation(
    actor,
    *,
    amount: str = "1000000.00",
    document: str = "黔财农〔2024〕1号",
    county: str = COUNTY,
    on: dt.date = dt.date(2024, 2, 1),
    voucher: str = "ZJ-001",
) -> LedgerAccount:
    account = services.ledger_allocation_open(
        actor=actor,
        county=AdminUnit.objects.get(code=county),
        fund_level="central",
        document_number=document,
        document_date=on,
        year=on.year,
    )
    services.ledger_allocation_receive(
        actor=actor, account=account, voucher_number=voucher, date=on, amount=amount
    )
    account.refresh_from_db()
    return account


def funded(
    actor,
    project: Project,
    source: LedgerAccount,
    *,
    on: dt.date = dt.date(2024, 3, 1),
    voucher: str = "XD-001",
):
    """The project's whole subsidy released to its special account."""
    services.ledger_release(
        actor=actor,
        allocation=source,
        project=project,
        voucher_number=voucher,
        date=on,
        amount=project.subsidy,
    )
    return LedgerAccount.objects.get(project=project)


def ledger_at(village: str = VILLAGE) -> LedgerAccount:
    """A project of ``village`` with its special account funded from its county's allocation."""
    actor = UserFactory(username=f"ledger-root-{village}", is_superuser=True)
    project = make_project(f"P-{village}", subsidy="1000.00", location=village)
    source = allocation(
        actor, county=village[:6] + "000000", document=f"文号-{village[:6]}", voucher=f"ZJ-{village}"
    )
    return funded(actor, project, source, voucher=f"XD-{village}")
