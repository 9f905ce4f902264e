"""What every service checks first: the actor's permission and that the unit is in his jurisdiction."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from accountability.access.scoping import unit_code_in_jurisdiction


def require_permission(user, permission: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied("您没有执行此操作的权限")


def require_in_jurisdiction(user, code: str) -> None:
    if not unit_code_in_jurisdiction(user, code):
        raise PermissionDenied(f"单位 {code} 不在您的管辖范围内")
