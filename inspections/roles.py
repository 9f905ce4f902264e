"""What inspections contribute to the core's roles (accountability/roles.py; docs/roles.md).

Inspectors and the poverty offices create plans, rounds and findings and verify close-out (the
service refuses the finding's own unit); the inspected units (township, village) report their
rectification; discipline reads everything and receives transfers; everyone reads in scope."""

from accountability.access.roles import contribute_permissions

MODELS = (
    "inspectionpolicy",
    "supervisionplan",
    "planitem",
    "inspectionround",
    "teammember",
    "finding",
    "findingresponsible",
    "rectificationstep",
    "evidence",
    "petition",
)
VIEW = tuple(f"inspections.view_{model}" for model in MODELS)
REPORT = ("inspections.report_rectification",)
INSPECT = (
    "inspections.add_supervisionplan",
    "inspections.change_supervisionplan",
    "inspections.add_inspectionround",
    "inspections.change_inspectionround",
    "inspections.add_finding",
    "inspections.change_finding",
    "inspections.transfer_finding",
    "inspections.verify_finding",
)
PETITIONS = ("inspections.add_petition", "inspections.change_petition")
POLICY = ("inspections.add_inspectionpolicy", "inspections.change_inspectionpolicy")


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
        contribute_permissions(role, *VIEW)
    contribute_permissions("village_official", *REPORT)
    contribute_permissions("township_staff", *REPORT, *PETITIONS)
    contribute_permissions("inspector", *INSPECT)
    for office in ("county_office", "city_office"):
        contribute_permissions(office, *INSPECT, *REPORT, *PETITIONS)
    contribute_permissions("jurisdiction_admin", *POLICY)
