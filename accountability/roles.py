"""Roles are Django groups with permissions; each user also has one jurisdiction (a subtree).

``sync_roles()`` creates or updates the groups (run after every migrate). Later apps add their
permissions to the roles here, so that one table says who may do what.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.db.models import Q


@dataclass(frozen=True)
class Role:
    code: str
    name: str  # the group's name as users see it
    permissions: tuple[str, ...]  # "app_label.codename"
    #: who may give this role: "jurisdiction" — a jurisdiction administrator, to users of his own
    #: jurisdiction; "system" — only a system administrator (city-wide and system roles)
    assigned_by: str = "jurisdiction"


CORE_MODELS = ("adminunit", "organisation", "official", "responsibilityassignment", "helpingunitpairing")
REGISTRY_MODELS = ("household", "member", "helpingcadrepairing", "helpingmeasure", "verificationfinding")
VISIT_MODELS = ("visit", "researchtrip", "stationedday")
VIEW_CORE = (
    *(f"accountability.view_{model}" for model in CORE_MODELS),
    *(f"households.view_{model}" for model in REGISTRY_MODELS),
    *(f"visits.view_{model}" for model in VISIT_MODELS),
    "accountability.view_policyprofile",
    "accountability.view_quota",
    "accountability.view_escalationrule",
    "accountability.view_annualtarget",
    "accountability.view_alert",
    "accountability.view_accountabilitycase",
)
OPEN_CASES = (
    "accountability.add_accountabilitycase",
    "accountability.review_case",
    "accountability.execute_case",
)
DECIDE_CASES = (*OPEN_CASES, "accountability.decide_case")
MANAGE_VISITS = (
    "visits.add_visit",
    "visits.change_visit",
    "visits.add_researchtrip",
    "visits.add_stationedday",
)
MANAGE_POLICY = (
    "accountability.add_policyprofile",
    "accountability.change_policyprofile",
    "accountability.add_quota",
    "accountability.change_quota",
    "accountability.delete_quota",
    "accountability.add_escalationrule",
    "accountability.change_escalationrule",
    "accountability.add_annualtarget",
    "accountability.change_annualtarget",
)
MANAGE_REGISTRY = (
    *(f"households.{action}_{model}" for model in REGISTRY_MODELS for action in ("add", "change")),
    "households.add_registerentry",
    "households.change_registerentry",  # a re-imported match list corrects names
    "households.view_registerentry",
)
MANAGE_RESPONSIBILITY = tuple(
    f"accountability.{action}_{model}"
    for model in ("organisation", "official", "responsibilityassignment", "helpingunitpairing")
    for action in ("add", "change")
)
#: what village and township officials keep up to date on their households by hand
REGISTRY_DATA_ENTRY = (
    "visits.add_visit",
    "visits.change_visit",
    "households.change_household",
    "households.add_helpingmeasure",
    "households.add_helpingcadrepairing",
    "households.change_helpingcadrepairing",
)
PERSONAL_DATA = ("accountability.view_personal_data",)
#: the audit records (logins, lockouts, unlocks, exports, unmaskings) of the jurisdiction
READ_AUDIT = ("accountability.view_auditevent",)
PROPOSE = ("households.propose_procedure",)
APPROVE = ("households.propose_procedure", "households.approve_procedure")
ANNOUNCE = (*APPROVE, "households.announce_procedure")
IMPORT_DATA = ("accountability.add_importjob", "accountability.view_importjob")

ROLES = [
    Role("village_official", "村级干部", (*VIEW_CORE, *PROPOSE, *REGISTRY_DATA_ENTRY)),
    Role(
        "township_staff",
        "乡镇工作人员",
        (*VIEW_CORE, *APPROVE, *REGISTRY_DATA_ENTRY, "visits.add_stationedday"),
    ),
    Role(
        "county_office",
        "县扶贫办工作人员",
        (
            *VIEW_CORE,
            *MANAGE_RESPONSIBILITY,
            *MANAGE_REGISTRY,
            *MANAGE_VISITS,
            *OPEN_CASES,
            *ANNOUNCE,
            *PERSONAL_DATA,
            *IMPORT_DATA,
            "accountability.change_adminunit",
        ),
    ),
    Role(
        "city_office",
        "市扶贫办工作人员",
        (
            *VIEW_CORE,
            *MANAGE_RESPONSIBILITY,
            *MANAGE_REGISTRY,
            *MANAGE_VISITS,
            *OPEN_CASES,
            *ANNOUNCE,
            *PERSONAL_DATA,
            *IMPORT_DATA,
            "accountability.change_adminunit",
            "accountability.add_adminunit",
        ),
        assigned_by="system",
    ),
    Role("auditor", "审计人员", (*VIEW_CORE, *READ_AUDIT)),
    Role("inspector", "督查巡查人员", VIEW_CORE),
    Role("discipline_officer", "纪检监察人员", (*VIEW_CORE, *PERSONAL_DATA, *DECIDE_CASES, *READ_AUDIT)),
    Role(
        "jurisdiction_admin",
        "辖区管理员",
        (
            *VIEW_CORE,
            *MANAGE_RESPONSIBILITY,
            *PERSONAL_DATA,
            *IMPORT_DATA,
            *MANAGE_POLICY,
            "accountability.add_user",
            "accountability.change_user",
            "accountability.view_user",
        ),
    ),
    Role("system_admin", "系统管理员", (), assigned_by="system"),  # all permissions, see sync_roles
]
ROLE_BY_CODE = {role.code: role for role in ROLES}


def _permissions(names: tuple[str, ...]) -> list[Permission]:
    if not names:
        return []
    condition = Q()
    for name in names:
        app_label, codename = name.split(".")
        condition |= Q(content_type__app_label=app_label, codename=codename)
    found = list(Permission.objects.filter(condition))
    missing = set(names) - {f"{p.content_type.app_label}.{p.codename}" for p in found}
    if missing:
        raise LookupError(f"unknown permissions in ROLES: {sorted(missing)}")
    return found


def sync_roles() -> dict[str, Group]:
    groups = {}
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role.name)
        permissions = (
            list(Permission.objects.all()) if role.code == "system_admin" else _permissions(role.permissions)
        )
        group.permissions.set(permissions)
        groups[role.code] = group
    return groups


def role_group(code: str) -> Group:
    return Group.objects.get(name=ROLE_BY_CODE[code].name)
