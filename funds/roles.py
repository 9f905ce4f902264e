"""What the fund projects contribute to the core's roles (accountability/roles.py; docs/funds.md).

County and city poverty offices (with finance) edit and approve; townships apply and report;
auditors, inspectors and discipline officers read everything in their jurisdiction."""

from accountability.access.roles import contribute_permissions

MODELS = (
    "project",
    "projectnotice",
    "disbursementrequest",
    "progressreport",
    "adjustment",
    "rectificationorder",
    "acceptance",
    "beneficiary",
    "benefitrecord",
    "applicantbar",
    "archivedocument",
    "fundplan",
    "performanceevaluation",
    "evaluationscore",
)
VIEW = tuple(f"funds.view_{model}" for model in MODELS)
REFERENCE_VIEW = ("funds.view_projectcategory", "funds.view_fundsource", "funds.view_budgetline")
APPLY = ("funds.apply_project",)
APPROVE = (
    *APPLY,
    "funds.approve_project",
    "funds.evaluate_funds",
    "funds.add_project",  # the import of the project library (fund_projects)
    "funds.change_project",
    "funds.add_acceptance",  # the import's acceptance dates and grades
    "funds.change_acceptance",
)


def contribute() -> None:
    for role in (
        "village_official",
        "township_staff",
        "county_office",
        "city_office",
        "auditor",
        "inspector",
        "discipline_officer",
        "jurisdiction_admin",
    ):
        contribute_permissions(role, *VIEW, *REFERENCE_VIEW)
    contribute_permissions("township_staff", *APPLY)
    for office in ("county_office", "city_office"):
        contribute_permissions(office, *APPROVE)
