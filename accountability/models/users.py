from __future__ import annotations

import pghistory
from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.utils.translation import gettext_lazy as _

from accountability.history import tracked


@tracked(exclude=["password", "last_login"])
class User(AbstractUser):
    """A login. Everything a user reads or writes is limited to the subtree of ``jurisdiction``."""

    jurisdiction = models.ForeignKey(
        "accountability.AdminUnit",
        verbose_name=_("管辖范围"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text=_("用户只能查看和修改该单位及其下级的数据；系统管理员可不设。"),
    )

    jurisdiction_path = "jurisdiction__code"

    class Meta(AbstractUser.Meta):
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        swappable = "AUTH_USER_MODEL"

    @property
    def sees_everything(self) -> bool:
        return self.is_superuser


@pghistory.track(pghistory.InsertEvent("role.add"), pghistory.DeleteEvent("role.remove"), obj_field=None)
class UserRole(User.groups.through):
    """Who was given or lost which role (group), with the actor and reason of the history context:
    the evidence for "who may write" (accountability/access/user_roles.py)."""

    jurisdiction_path = "user__jurisdiction__code"

    class Meta:
        proxy = True


@pghistory.track(
    pghistory.InsertEvent("permission.add"), pghistory.DeleteEvent("permission.remove"), obj_field=None
)
class RolePermission(Group.permissions.through):
    """Which permission a role (group) gained or lost, and who changed it."""

    class Meta:
        proxy = True
