"""Users with their jurisdiction, role assignments and audit events."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.utils.translation import gettext_lazy as _

from accountability.platform.history import tracked


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


class AuditKind(models.TextChoices):
    LOGIN = "login", _("登录成功")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOCKOUT = "lockout", _("账号锁定")
    UNLOCK = "unlock", _("解除锁定")
    EXPORT = "export", _("导出")
    UNMASK = "unmask", _("查看完整个人信息")
    OTP_ENROL = "otp_enrol", _("登记两步验证")
    OTP_VERIFIED = "otp_verified", _("两步验证通过")
    OTP_FAILED = "otp_failed", _("两步验证失败")
    OTP_CODES = "otp_codes", _("重新生成备用验证码")
    OTP_RESET = "otp_reset", _("重置两步验证")


class AuditEvent(models.Model):
    """A security-relevant event: logins (success, failure, lockout), unlocks, exports and reads
    of unmasked personal data. Insert-only; readable by discipline and audit roles inside their
    jurisdiction (the user's jurisdiction at the time of the event; docs/decisions/0017)."""

    kind = models.CharField(_("类型"), max_length=20, choices=AuditKind.choices)
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    jurisdiction = models.ForeignKey(
        "accountability.AdminUnit",
        verbose_name=_("管辖范围"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    subject = models.CharField(_("对象"), max_length=200, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)

    jurisdiction_path = "jurisdiction__code"

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.username} {self.at:%Y-%m-%d %H:%M}"
