"""What the ledger contributes to the core's roles (docs/roles.md): the county office posts and
closes periods; auditors, discipline officers, inspectors and the city read and export in their
jurisdiction; townships and villages read their projects' accounts. Nobody edits a posted entry."""

from accountability.access.roles import contribute_permissions

VIEW = (
    "funds.view_ledgeraccount",
    "funds.view_ledgerentry",
    "funds.view_ledgerlock",
    "funds.view_disbursementpolicy",
    "funds.view_planbudgetline",
)
EXPORT = ("funds.export_ledger", "funds.view_ledgerexport")
POST = (
    "funds.post_ledgerentry",
    "funds.close_ledgerperiod",
    "funds.add_ledgerentry",  # the fund_entries import kind
    "funds.add_ledgeraccount",
)


def contribute() -> None:
    for role in ("village_official", "township_staff", "jurisdiction_admin"):
        contribute_permissions(role, *VIEW)
    for role in ("city_office", "auditor", "inspector", "discipline_officer"):
        contribute_permissions(role, *VIEW, *EXPORT)
    contribute_permissions("county_office", *VIEW, *EXPORT, *POST)
