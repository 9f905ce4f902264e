"""Accountability cases (问责): from an alert, an inspection finding or opened by hand, through review
and decision by the competent authority to execution and close-out (DOMAIN §4, A-5 … A-14)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accountability.cases.situations import AccountabilityForm, FaultTolerance, Severity
from accountability.platform.history import tracked
from accountability.policy.sources import SourceLevel


class CaseOrigin(models.TextChoices):
    ALERT = "alert", _("规则预警")
    INSPECTION = "inspection", _("督查巡查发现")
    MANUAL = "manual", _("人工立案")


class CaseStatus(models.TextChoices):
    PROPOSED = "proposed", _("已提出")
    UNDER_REVIEW = "under_review", _("审查中")
    DECIDED = "decided", _("已决定")
    APPROVED = "approved", _("上级已批准")
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
    organisation = models.ForeignKey(
        "accountability.Organisation",
        verbose_name=_("问责单位（包保单位等）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        help_text=_("对包保单位等单位本身问责时填写（如 E-10 取消该单位年度绩效考评评优资格）"),
    )
    grounds = models.JSONField(
        _("问责依据"),
        default=list,
        blank=True,
        help_text=_("每项：规则、岗位、所在单位、该岗位的问责方式（第三十九条）"),
    )
    year = models.PositiveSmallIntegerField(_("考核年度"), null=True, blank=True)
    source_level = models.CharField(
        _("发现问题的工作层级"),
        max_length=20,
        choices=SourceLevel.choices,
        blank=True,
        help_text=_("中央、省扶贫专项巡察、督查、审计及成效考核等（第四十一条）"),
    )
    serious_influence = models.BooleanField(
        _("发生重大涉贫信访事件或其他造成严重不良影响"), default=False, help_text=_("第四十一条：一票否决")
    )
    fault_tolerance = models.CharField(
        _("容错"), max_length=20, choices=FaultTolerance.choices, default="", blank=True
    )
    situation = models.CharField(_("问责情形"), max_length=20, help_text=_("济南办法第五至十条，如 A-6.1"))
    facts = models.TextField(_("事实"))
    evidence = models.TextField(_("证据材料"), blank=True)
    severity = models.CharField(_("情节"), max_length=10, choices=Severity.choices)
    proposed_forms = ArrayField(
        models.CharField(max_length=40, choices=AccountabilityForm.choices),
        verbose_name=_("拟问责方式"),
        default=list,
        blank=True,  # Art. 40 (视情追究): the deciding authority chooses, nothing is proposed
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
    exemption_reason = models.TextField(_("容错理由"), blank=True)
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
                fields=["alert", "official", "organisation"],
                condition=Q(alert__isnull=False),
                name="case_once_per_alert_and_subject",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=~Q(status="exempted") | ~Q(exemption_reason=""), name="case_exemption_has_reason"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["decided", "executed", "closed"]) | Q(decided_on__isnull=False),
                name="case_decision_has_date",
            ),
            models.CheckConstraint(
                condition=Q(fault_tolerance="") | ~Q(exemption_reason=""),
                name="case_fault_tolerance_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"问责案件 {self.pk}"


class ConsequenceKind(models.TextChoices):
    VETO = "veto", _("年度目标考核一票否决")
    AWARD_INELIGIBLE = "award_ineligible", _("取消评优评先资格")
    PROMOTION_INELIGIBLE = "promotion_ineligible", _("取消提拔重用资格")
    PERFORMANCE_AWARD_INELIGIBLE = "performance_award_ineligible", _("取消年度绩效考评评优资格")


class VetoGround(models.TextChoices):
    NONE = "", _("—")
    UPPER_CRITICISM = "upper_criticism", _("中央、省专项工作中受到通报批评及以上问责")
    FAILED_TASK = "failed_task", _("未完成年度脱贫任务")
    SERIOUS_INFLUENCE = "serious_influence", _("重大涉贫信访事件或其他严重不良影响")


@tracked()
class Consequence(models.Model):
    """A consequence of an executed case for one year, on a unit, a helping unit (organisation) or an
    official: the one-vote veto (Art. 41) and the loss of award and promotion eligibility of the
    unit's principal leaders, a helping unit's loss of its performance-award eligibility (E-10).
    The annual assessment reads them through ``accountability.cases.selectors``."""

    case = models.ForeignKey(AccountabilityCase, on_delete=models.PROTECT, related_name="consequence_records")
    kind = models.CharField(_("后果"), max_length=40, choices=ConsequenceKind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    unit = models.ForeignKey(
        "accountability.AdminUnit",
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        related_name="consequences",
    )
    organisation = models.ForeignKey(
        "accountability.Organisation",
        verbose_name=_("包保单位等"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consequences",
    )
    official = models.ForeignKey(
        "accountability.Official",
        verbose_name=_("干部"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consequences",
    )
    ground = models.CharField(_("一票否决情形"), max_length=30, choices=VetoGround.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    jurisdiction_path = "unit__code"

    class Meta:
        verbose_name = _("问责后果")
        verbose_name_plural = _("问责后果")
        ordering = ["-year", "kind", "pk"]
        indexes = [models.Index(fields=["year", "kind"], name="consequence_year_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}"


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
