"""Roles are Django groups with permissions; each user also has one jurisdiction (a subtree).

``sync_roles()`` creates or updates the groups (run after every migrate). The table below names
the core's own permissions; every other app contributes its permissions to these roles from its
``AppConfig.ready()`` with ``contribute_permissions`` (households/roles.py, visits/roles.py …), so
the core names no app and docs/roles.md is the one table users read.
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
VIEW_CORE = (
    *(f"accountability.view_{model}" for model in CORE_MODELS),
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
MANAGE_RESPONSIBILITY = tuple(
    f"accountability.{action}_{model}"
    for model in ("organisation", "official", "responsibilityassignment", "helpingunitpairing")
    for action in ("add", "change")
)
PERSONAL_DATA = ("accountability.view_personal_data",)
#: the audit records (logins, lockouts, unlocks, exports, unmaskings) of the jurisdiction
READ_AUDIT = ("accountability.view_auditevent",)
IMPORT_DATA = ("accountability.add_importjob", "accountability.view_importjob")

ROLES = [
    Role("village_official", "村级干部", VIEW_CORE),
    Role("township_staff", "乡镇工作人员", VIEW_CORE),
    Role(
        "county_office",
        "县扶贫办工作人员",
        (
            *VIEW_CORE,
            *MANAGE_RESPONSIBILITY,
            *OPEN_CASES,
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
            *OPEN_CASES,
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
#: role code → permissions other apps contribute (``contribute_permissions``)
CONTRIBUTED: dict[str, set[str]] = {role.code: set() for role in ROLES}


def contribute_permissions(role_code: str, *permissions: str) -> None:
    """Grant an app's permissions ("app_label.codename") to a role; called from ``AppConfig.ready()``."""
    if role_code not in CONTRIBUTED:
        raise LookupError(f"no role {role_code!r}; roles: {sorted(CONTRIBUTED)}")
    CONTRIBUTED[role_code].update(permissions)


def permissions_of(role: Role) -> tuple[str, ...]:
    """The role's permission names: the core's own and those the apps contribute."""
    return (*role.permissions, *sorted(CONTRIBUTED[role.code] - set(role.permissions)))


def _permissions(names: tuple[str, ...]) -> list[Permission]:
    if not names:
        return []
    condition = Q()
    for name in names:
        app_label, codename = name.split(".")
        condition |= Q(content_type__app_label=app_label, codename=codename)
    found = list(Permission.objects.filter(condition).select_related("content_type"))
    missing = set(names) - {f"{p.content_type.app_label}.{p.codename}" for p in found}
    if missing:
        raise LookupError(f"unknown permissions in ROLES: {sorted(missing)}")
    return found


def sync_roles() -> dict[str, Group]:
    groups = {}
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role.name)
        permissions = (
            list(Permission.objects.all())
            if role.code == "system_admin"
            else _permissions(permissions_of(role))
        )
        group.permissions.set(permissions)
        groups[role.code] = group
    return groups


def role_group(code: str) -> Group:
    return Group.objects.get(name=ROLE_BY_CODE[code].name)
