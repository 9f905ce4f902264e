"""Visit logs, research trips and stationed days (DOMAIN §2): the facts the quotas count."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accountability.platform.history import tracked
from accountability.platform.validators import validate_record_date


class VisitKind(models.TextChoices):
    HOME = "home", _("入户走访")
    PHONE = "phone", _("电话联系")
    GROUP = "group", _("集中走访")


class VisitCheck(models.TextChoices):
    INCOME = "income", _("收入情况")
    ASSURANCES = "assurances", _("两不愁三保障")
    MEASURES = "measures", _("帮扶措施落实")
    POLICY = "policy", _("政策宣传")


@tracked()
class Visit(models.Model):
    """A visit log (走访记录): who visited which household on which day, what was checked and found."""

    official = models.ForeignKey(
        "accountability.Official", verbose_name=_("走访人"), on_delete=models.PROTECT, related_name="visits"
    )
    household = models.ForeignKey(
        "households.Household", verbose_name=_("走访户"), on_delete=models.PROTECT, related_name="visits"
    )
    on = models.DateField(_("走访日期"))
    kind = models.CharField(_("走访方式"), max_length=10, choices=VisitKind.choices, default=VisitKind.HOME)
    checked = ArrayField(
        models.CharField(max_length=20, choices=VisitCheck.choices),
        verbose_name=_("走访内容"),
        default=list,
        blank=True,
    )
    problems = models.TextField(_("发现问题"), blank=True)
    follow_up = models.TextField(_("跟进措施"), blank=True)
    follow_up_due = models.DateField(_("跟进期限"), null=True, blank=True, validators=[validate_record_date])
    follow_up_done = models.BooleanField(_("已跟进"), default=False)
    photo = models.FileField(
        _("照片"),
        upload_to="visits/%Y/%m/",
        blank=True,
        validators=[FileExtensionValidator(["jpg", "jpeg", "png", "webp", "heic"])],
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    jurisdiction_path = "household__village__code"

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["official", "household", "on"], name="visit_once_a_day"),
            models.CheckConstraint(
                condition=Q(follow_up_due__isnull=True) | Q(follow_up_due__gte=models.F("on")),
                name="visit_follow_up_after_visit",
            ),
        ]
        indexes = [models.Index(fields=["official", "on"], name="visit_official_on")]

    def __str__(self) -> str:
        return f"{self.on} {self.official} → {self.household}"


@tracked()
class ResearchTrip(models.Model):
    """A special research trip (专题调研) of a city or county leader to a unit."""

    official = models.ForeignKey(
        "accountability.Official",
        verbose_name=_("调研人"),
        on_delete=models.PROTECT,
        related_name="research_trips",
    )
    on = models.DateField(_("调研日期"))
    unit = models.ForeignKey(
        "accountability.AdminUnit", verbose_name=_("调研地点"), on_delete=models.PROTECT, related_name="+"
    )
    topic = models.CharField(_("调研主题"), max_length=200)
    findings = models.TextField(_("发现问题及建议"), blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    jurisdiction_path = "unit__code"

    class Meta:
        verbose_name = _("专题调研")
        verbose_name_plural = _("专题调研")
        ordering = ["-on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["official", "on", "unit", "topic"], name="research_trip_once")
        ]

    def __str__(self) -> str:
        return f"{self.on} {self.topic}"


class StationedSource(models.TextChoices):
    CHECK_IN = "check_in", _("每日签到")
    SHEET = "sheet", _("月度考勤表")


@tracked()
class StationedDay(models.Model):
    """A day a first secretary or work-team member spent in the village (驻村考勤). One row per
    official and day, whether from a daily check-in or a township's monthly sheet — never both."""

    official = models.ForeignKey(
        "accountability.Official",
        verbose_name=_("驻村干部"),
        on_delete=models.PROTECT,
        related_name="stationed_days",
    )
    village = models.ForeignKey(
        "accountability.AdminUnit", verbose_name=_("村"), on_delete=models.PROTECT, related_name="+"
    )
    on = models.DateField(_("日期"))
    source = models.CharField(_("来源"), max_length=10, choices=StationedSource.choices)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    jurisdiction_path = "village__code"

    class Meta:
        verbose_name = _("驻村考勤")
        verbose_name_plural = _("驻村考勤")
        ordering = ["-on", "official_id"]
        constraints = [models.UniqueConstraint(fields=["official", "on"], name="stationed_once_a_day")]

    def __str__(self) -> str:
        return f"{self.on} {self.official}"
