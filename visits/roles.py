"""What visits contribute to the core's roles (accountability/access/roles.py; docs/roles.md)."""

from accountability.access.roles import contribute_permissions

VIEW_VISITS = tuple(f"visits.view_{model}" for model in ("visit", "researchtrip", "stationedday"))
ENTER_VISITS = ("visits.add_visit", "visits.change_visit")
MANAGE_VISITS = (*ENTER_VISITS, "visits.add_researchtrip", "visits.add_stationedday")


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
        contribute_permissions(role, *VIEW_VISITS)
    contribute_permissions("village_official", *ENTER_VISITS)
    contribute_permissions("township_staff", *ENTER_VISITS, "visits.add_stationedday")
    for office in ("county_office", "city_office"):
        contribute_permissions(office, *MANAGE_VISITS)
