"""Policy profiles: the numbers of the responsibility system as versioned data of a jurisdiction.

A profile version belongs to a jurisdiction (or, with none, is the default everywhere) and applies
from ``effective_from``. The version in force for a unit on a day is the one of the most specific
jurisdiction containing the unit with the latest ``effective_from`` on or before that day.
The seeds' numbers ship as presets (``accountability/policy/presets.py``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accountability.hierarchy.models import CODE_LENGTH, SIGNIFICANT_DIGITS, within_code
from accountability.platform.history import tracked
from accountability.responsibility.posts import Post


def ancestor_codes(prefix: str) -> list[str]:
    """The 12-digit codes of the units above the subtree ``prefix`` (city, county, township)."""
    return [
        prefix[:n].ljust(CODE_LENGTH, "0")
        for n in sorted(set(SIGNIFICANT_DIGITS.values()))
        if n < len(prefix)
    ]


def governing_q(path: str, prefix: str) -> Q:
    """Rows whose unit ``path`` governs the subtree ``prefix`` or lies in it: the default (no unit),
    the ancestors' and the subtree's own. Users see the profiles that apply to them."""
    return (
        Q(**{f"{path}__isnull": True})
        | Q(**{f"{path}_id__in": ancestor_codes(prefix)})
        | within_code(f"{path}__code", prefix)
    )


@tracked()
class PolicyProfile(models.Model):
    jurisdiction = models.ForeignKey(
        "accountability.AdminUnit",
        verbose_name=_("适用范围"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="policy_profiles",
        help_text=_("留空为全市默认；下级单位的方案优先于上级。"),
    )
    name = models.CharField(_("方案名称"), max_length=100)
    preset = models.CharField(_("依据"), max_length=100, blank=True, help_text=_("如 宿州市实施细则（000）"))
    effective_from = models.DateField(_("生效日期"))
    warn_days_before_period_end = models.PositiveSmallIntegerField(
        _("期末前提醒天数"), default=7, help_text=_("考核期结束前多少天提醒进度落后的干部")
    )
    notice_days = models.PositiveSmallIntegerField(
        _("公示期（天）"), default=7, help_text=_("贫困户识别、退出的公示期，含第一天")
    )
    exit_incidence_limit_percent = models.DecimalField(
        _("出列贫困发生率上限（%）"),
        max_digits=5,
        decimal_places=2,
        default=2,
        help_text=_("贫困村、县贫困发生率低于此值为出列/摘帽标准之一（S-7）"),
    )
    exit_requires_drinking_water = models.BooleanField(
        _("贫困户退出须饮水安全"),
        default=False,
        help_text=_("004 篇3 的退出标准（两不愁三保障）不含饮水安全；勾选则退出评估时也核对饮水安全"),
    )
    exit_notices = models.CharField(
        _("退出公示方式"),
        max_length=20,
        default="two_notices",
        choices=[
            ("two_notices", _("两公示一公告：村委会审核公示、乡镇审批公示、县复核公告（002 第十二条）")),
            ("village_notice", _("村内公示、乡镇审核、县审定公告（004 篇5）")),
        ],
        help_text=_("贫困户退出程序的公示环节"),
    )
    quotas_monitored_from = models.DateField(
        _("走访考核起算日期"),
        null=True,
        blank=True,
        help_text=_("此日之前开始的考核期不考核（如系统启用之前）；留空为不限"),
    )
    denominator = models.CharField(
        _("E-6/E-7 分母"),
        max_length=20,
        default="registered",
        choices=[
            ("registered", _("当年在册建档立卡人口（含已脱贫的、当年清退的，加漏评户）")),
            ("rural", _("农村户籍人口")),
        ],
        help_text=_("识别、退出不精准人数千分比的分母；报告中注明所用口径"),
    )
    severity_forms = models.JSONField(
        _("情节与问责方式"),
        default=dict,
        blank=True,
        help_text=_("{情节: {unit: [方式], individual: [方式]}}，预置为济南办法第十二条"),
    )
    note = models.TextField(_("变更说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("政策参数方案")
        verbose_name_plural = _("政策参数方案")
        ordering = ["jurisdiction_id", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "effective_from"],
                name="policy_profile_one_version_a_day",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.effective_from} 起）"

    @staticmethod
    def jurisdiction_q(prefix: str) -> Q:
        return governing_q("jurisdiction", prefix)


class QuotaMeasure(models.TextChoices):
    VISITS = "visits", _("走访次数")
    HOUSEHOLDS = "households", _("走访贫困户数（不重复）")
    TRIPS = "trips", _("专题调研次数")
    STATIONED_DAYS = "stationed_days", _("驻村天数")
    COVERAGE = "coverage", _("覆盖：每户至少走访 N 次")


#: the measures that count visit logs (the others count research trips and stationed days)
VISIT_MEASURES = (QuotaMeasure.VISITS, QuotaMeasure.HOUSEHOLDS, QuotaMeasure.COVERAGE)
#: the kinds of visit logs (visits.models.VisitKind; a test keeps the two lists equal)
VISIT_KIND_CHOICES = [("home", _("入户走访")), ("phone", _("电话联系")), ("group", _("集中走访"))]
#: what the seeds' 「走访」 counts: visits in person (a phone call is no visit, CHECKLIST §quotas)
IN_PERSON_KINDS = ("home", "group")


class CoverageScope(models.TextChoices):
    UNIT = "unit", _("岗位所在单位的全部贫困户")
    PAIRED = "paired", _("本人结对帮扶的户")


@tracked()
class Quota(models.Model):
    """A visit / trip / stationed-day requirement of the posts it names (DOMAIN §2, Q-1 … Q-9)."""

    profile = models.ForeignKey(PolicyProfile, on_delete=models.CASCADE, related_name="quotas")
    code = models.CharField(_("编号"), max_length=20, help_text=_("如 Q-5"))
    label = models.CharField(_("名称"), max_length=200)
    posts = ArrayField(
        models.CharField(max_length=40, choices=Post.choices),
        verbose_name=_("适用岗位"),
        help_text=_("岗位代码"),
    )
    measure = models.CharField(_("计量"), max_length=20, choices=QuotaMeasure.choices)
    period_months = models.PositiveSmallIntegerField(
        _("考核周期（月）"), choices=[(1, _("月")), (2, _("两个月")), (3, _("季度")), (12, _("年"))]
    )
    period_anchor_month = models.PositiveSmallIntegerField(
        _("周期起始月"),
        default=1,
        help_text=_("周期从哪个月开始计，如两个月一期、从 12 月起：12–1 月、2–3 月……"),
    )
    required = models.PositiveIntegerField(_("要求数量"), help_text=_("覆盖型：每户至少走访次数"))
    coverage_scope = models.CharField(
        _("覆盖范围"), max_length=10, choices=CoverageScope.choices, blank=True, help_text=_("仅覆盖型")
    )
    visit_kinds = ArrayField(
        models.CharField(max_length=10, choices=VISIT_KIND_CHOICES),
        verbose_name=_("计入的走访方式"),
        default=list,
        blank=True,
        help_text=_("走访类指标计入哪些走访方式（如 home,group；电话联系不算走访）；调研、驻村指标留空"),
    )

    class Meta:
        verbose_name = _("走访考核指标")
        verbose_name_plural = _("走访考核指标")
        ordering = ["profile_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "code"], name="quota_code_once_per_profile"),
            models.CheckConstraint(
                condition=Q(period_anchor_month__gte=1, period_anchor_month__lte=12),
                name="quota_anchor_month",
            ),
            models.CheckConstraint(
                condition=Q(measure=QuotaMeasure.COVERAGE, coverage_scope__in=["unit", "paired"])
                | (~Q(measure=QuotaMeasure.COVERAGE) & Q(coverage_scope="")),
                name="quota_coverage_scope_only_for_coverage",
            ),
            models.CheckConstraint(
                condition=Q(measure__in=VISIT_MEASURES, visit_kinds__len__gt=0)
                | (~Q(measure__in=VISIT_MEASURES) & Q(visit_kinds__len=0)),
                name="quota_visit_kinds_only_for_visits",
                violation_error_message=_("走访类指标须指定计入的走访方式；调研、驻村指标不填走访方式"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @staticmethod
    def jurisdiction_q(prefix: str) -> Q:
        return governing_q("profile__jurisdiction", prefix)
