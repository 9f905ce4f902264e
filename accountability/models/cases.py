"""Accountability cases (问责): from an alert, an inspection finding or opened by hand, through review
and decision by the competent authority to execution and close-out (DOMAIN §4, A-5 … A-14)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accountability.history import tracked
from accountability.situations import AccountabilityForm, Severity


class CaseOrigin(models.TextChoices):
    ALERT = "alert", _("规则预警")
    INSPECTION = "inspection", _("督查巡查发现")
    MANUAL = "manual", _("人工立案")


class CaseStatus(models.TextChoices):
    PROPOSED = "proposed", _("已提出")
    UNDER_REVIEW = "under_review", _("审查中")
    DECIDED = "decided", _("已决定")
    EXECUTED = "executed", _("已执行")
    CLOSED = "closed", _("已结案")
    DISMISSED = "dismissed", _("不予问责")
    EXEMPTED = "exempted", _("容错免责")


class Transfer(models.TextChoices):
    NONE = "", _("不移送")
    DISCIPLINE = "discipline", _("移送纪检监察机关")
    JUDICIAL = "judicial", _("移送司法机关")


class Appraisal(models.TextChoices):
    NONE = "", _("—")
    BASICALLY_COMPETENT = "basically_competent", _("基本称职")
    INCOMPETENT = "incompetent", _("不称职")


@tracked()
class AccountabilityCase(models.Model):
    origin = models.CharField(_("来源"), max_length=20, choices=CaseOrigin.choices)
    alert = models.ForeignKey(
        "accountability.Alert",
        verbose_name=_("预警"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    source_reference = models.CharField(
        _("来源说明"), max_length=200, blank=True, help_text=_("如 督查发现编号")
    )
    unit = models.ForeignKey(
        "accountability.AdminUnit", verbose_name=_("问责单位"), on_delete=models.PROTECT, related_name="cases"
    )
    official = models.ForeignKey(
        "accountability.Official",
        verbose_name=_("问责对象（个人）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        help_text=_("留空为对单位问责"),
    )
    situation = models.CharField(_("问责情形"), max_length=20, help_text=_("济南办法第五至十条，如 A-6.1"))
    facts = models.TextField(_("事实"))
    evidence = models.TextField(_("证据材料"), blank=True)
    severity = models.CharField(_("情节"), max_length=10, choices=Severity.choices)
    proposed_forms = ArrayField(
        models.CharField(max_length=40, choices=AccountabilityForm.choices),
        verbose_name=_("拟问责方式"),
        default=list,
    )
    authority_level = models.CharField(_("决定机关层级"), max_length=20, editable=False)
    status = models.CharField(
        _("状态"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.PROPOSED
    )
    decided_forms = ArrayField(
        models.CharField(max_length=40, choices=AccountabilityForm.choices),
        verbose_name=_("决定问责方式"),
        default=list,
        blank=True,
    )
    decision = models.TextField(_("决定"), blank=True)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    transfer = models.CharField(_("移送"), max_length=20, choices=Transfer.choices, default="", blank=True)
    exemption_reason = models.TextField(_("容错免责理由"), blank=True)
    executed_on = models.DateField(_("执行日期"), null=True, blank=True)
    award_ineligible_year = models.PositiveSmallIntegerField(_("取消评先评优年度"), null=True, blank=True)
    appraisal = models.CharField(
        _("年度考核等次"), max_length=30, choices=Appraisal.choices, default="", blank=True
    )
    veto_year = models.PositiveSmallIntegerField(
        _("一票否决年度"), null=True, blank=True, help_text=_("E-12：该单位年度目标考核一票否决")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("立案时间"), auto_now_add=True)

    jurisdiction_path = "unit__code"

    class Meta:
        verbose_name = _("问责案件")
        verbose_name_plural = _("问责案件")
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("review_case", _("审查问责案件")),
            ("decide_case", _("决定问责案件（按干部管理权限）")),
            ("execute_case", _("登记问责执行与结案")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "official"],
                condition=Q(alert__isnull=False),
                name="case_once_per_alert_and_official",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=~Q(status="exempted") | ~Q(exemption_reason=""), name="case_exemption_has_reason"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["decided", "executed", "closed"]) | Q(decided_on__isnull=False),
                name="case_decision_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"问责案件 {self.pk}"


@tracked()
class CaseEvent(models.Model):
    """A step of a case: the domain event with actor, date, documents and reason."""

    case = models.ForeignKey(AccountabilityCase, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(_("步骤"), max_length=20)
    on = models.DateField(_("日期"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("经办人"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("理由/意见"), blank=True)
    documents = models.TextField(_("材料"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    jurisdiction_path = "case__unit__code"

    class Meta:
        verbose_name = _("问责案件步骤")
        verbose_name_plural = _("问责案件步骤")
        ordering = ["case_id", "on", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.step}"
