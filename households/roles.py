"""What the registry contributes to the core's roles (accountability/access/roles.py; docs/roles.md)."""

from accountability.access.roles import contribute_permissions

REGISTRY_MODELS = ("household", "member", "helpingcadrepairing", "helpingmeasure", "verificationfinding")
VIEW_REGISTRY = tuple(f"households.view_{model}" for model in REGISTRY_MODELS)
MANAGE_REGISTRY = (
    *(f"households.{action}_{model}" for model in REGISTRY_MODELS for action in ("add", "change")),
    "households.add_registerentry",
    "households.change_registerentry",  # a re-imported match list corrects names
    "households.view_registerentry",
)
#: what village and township officials keep up to date on their households by hand
REGISTRY_DATA_ENTRY = (
    "households.change_household",
    "households.add_helpingmeasure",
    "households.add_helpingcadrepairing",
    "households.change_helpingcadrepairing",
)
PROPOSE = ("households.propose_procedure",)
APPROVE = (*PROPOSE, "households.approve_procedure")
ANNOUNCE = (*APPROVE, "households.announce_procedure")


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
        contribute_permissions(role, *VIEW_REGISTRY)
    contribute_permissions("village_official", *PROPOSE, *REGISTRY_DATA_ENTRY)
    contribute_permissions("township_staff", *APPROVE, *REGISTRY_DATA_ENTRY)
    for office in ("county_office", "city_office"):
        contribute_permissions(office, *MANAGE_REGISTRY, *ANNOUNCE)
