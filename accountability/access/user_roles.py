"""Role assignment: who may give which role to whom. The Django admin's user form and any other
user-management door call ``user_roles_set``; nothing else writes a user's groups.

A system administrator (superuser) assigns any group. A jurisdiction administrator (a user with
``accountability.change_user``) assigns, to users inside his own jurisdiction other than himself,
only the roles declared ``assigned_by="jurisdiction"`` in accountability/access/roles.py, and only while
their group carries no system right (a permission outside the project's own apps — users and groups,
the beat schedule, the lockout list). Groups he may not assign he may not remove either.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from accountability.access.roles import ROLES
from accountability.access.scoping import visible_to
from accountability.platform.history import history_context

#: apps whose permissions are domain rights; a permission of any other app (auth, admin, the
#: Celery beat schedule, the login lockout list, …) is a system right
DOMAIN_APPS = frozenset({"accountability", "households", "visits", "funds", "inspections", "assessment"})
USER_ADMIN_PERMISSION = "accountability.change_user"


class RoleAssignmentError(PermissionDenied):
    """The actor may not make this change of roles; the message (Chinese) says why."""


def _system_right_ids(ids: list[int]) -> set[int]:
    return set(
        Group.permissions.through.objects.filter(group_id__in=ids)
        .exclude(permission__content_type__app_label__in=DOMAIN_APPS)
        .values_list("group_id", flat=True)
    )


def users_managed_by(actor):
    """The users whose roles ``actor`` may manage: those of his jurisdiction, superusers excepted
    (all for a system administrator); none without ``change_user``."""
    from accountability.models import User

    users = User.objects.select_related("jurisdiction").prefetch_related("groups").order_by("username")
    if actor.is_superuser:
        return users
    if not (actor.is_active and actor.has_perm(USER_ADMIN_PERMISSION)):
        return users.none()
    return visible_to(users, actor).filter(is_superuser=False)


def assignable_groups(actor) -> list[Group]:
    """The groups ``actor`` may give to (or take from) users of his jurisdiction."""
    groups = list(Group.objects.order_by("name"))
    if actor.is_superuser:
        return groups
    if not (actor.is_active and actor.has_perm(USER_ADMIN_PERMISSION)):
        return []
    names = {role.name for role in ROLES if role.assigned_by == "jurisdiction"}
    candidates = [group for group in groups if group.name in names]
    system = _system_right_ids([group.pk for group in candidates])
    return [group for group in candidates if group.pk not in system]


def role_assignment_problem(*, actor, user, groups: Iterable[Group]) -> str | None:
    """Why ``actor`` may not give ``user`` exactly ``groups`` (None when he may)."""
    if actor.is_superuser:
        return None
    wanted = {group.pk for group in groups}
    current = set(user.groups.values_list("pk", flat=True)) if user.pk else set()
    changed = wanted ^ current
    if not changed:
        return None
    if not (actor.is_active and actor.has_perm(USER_ADMIN_PERMISSION)):
        return _("您的角色无权分配角色")
    if user.pk == actor.pk:
        return _("不能修改自己的角色，请由上级管理员办理")
    if user.pk and not visible_to(type(user).objects.filter(pk=user.pk), actor).exists():
        return _("只能为本辖区内的用户分配角色")
    allowed = {group.pk for group in assignable_groups(actor)}
    refused = sorted(Group.objects.filter(pk__in=changed - allowed).values_list("name", flat=True))
    if refused:
        return _("无权授予或撤销以下角色（仅系统管理员可以）：%(names)s") % {"names": "、".join(refused)}
    return None


@transaction.atomic
def user_roles_set(*, actor, user, groups: Iterable[Group], reason: str = "") -> None:
    """Give ``user`` exactly the roles ``groups``, after checking that ``actor`` may (see module)."""
    groups = list(groups)
    problem = role_assignment_problem(actor=actor, user=user, groups=groups)
    if problem:
        raise RoleAssignmentError(problem)
    with history_context(actor=actor, reason=reason or "设置用户角色"):
        user.groups.set(groups)


def user_flags_problem(*, actor, user, changed: Iterable[str]) -> str | None:
    """Why ``actor`` may not change the fields ``changed`` of ``user`` (None when he may): no one
    but a system administrator touches superuser flags or individual permissions, and no one but a
    system administrator changes his own staff flag, roles or jurisdiction."""
    if actor.is_superuser:
        return None
    changed = set(changed)
    if changed & {"is_superuser", "user_permissions"}:
        return _("只有系统管理员可以设置超级管理员标志或单项权限")
    if user.pk == actor.pk and changed & {"is_staff", "groups", "jurisdiction", "is_active"}:
        return _("不能修改自己的管理权限、角色或管辖范围，请由上级管理员办理")
    return None
