from __future__ import annotations

from django.contrib.auth.models import AbstractUser
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
