"""The accountability rules as data of a policy profile, annual targets, and the alerts a run of the
rules produces (DOMAIN §3, E-1 … E-10)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accountability.cases.situations import AccountabilityForm, Severity
from accountability.platform.history import tracked
from accountability.policy.models import PolicyProfile, governing_q
from accountability.policy.sources import FindingSource


class SubjectLevel(models.TextChoices):
    VILLAGE = "village", _("村")
    TOWNSHIP = "township", _("乡镇")
    COUNTY = "county", _("县(区)")
    HELPING_UNIT = "helping_unit", _("包保单位")
    OFFICIAL = "official", _("干部")


class Measure(models.TextChoices):
    COUNT = "count", _("数量")
    PER_MILLE = "permille", _("‰")
    PERCENT = "percent", _("%")


class Denominator(models.TextChoices):
    REGISTERED = "registered", _("当年在册建档立卡人口（含已脱贫的、当年清退的，加漏评户）")
    RURAL = "rural", _("农村户籍人口")


#: where a target post is looked up: the subject unit, or the villages / townships / counties of the
#: evidence (``evidence_county``: the county of the subject unit, e.g. for fund projects)
TARGET_PLACES = ("subject", "evidence_village", "evidence_township", "evidence_county")


@tracked()
class EscalationRule(models.Model):
    """A rule = metric(s) + level + threshold + period + consequence. ``conditions`` is a list of
    ``{"metric": name, "threshold": number, "measure": count|permille|percent}``; the rule triggers
    when any of them reaches its threshold (E-1: ≥ 1 misidentified **or** ≥ 2 wrongly exited).
    ``targets`` is a list of ``{"post": code, "at": "subject"|"evidence_village"|"evidence_township",
    "forms": [form, …], "to": recipient, "enabled": bool}``: whom to hold accountable — resolved by who
    held the post at the period's end — and the consequence the seed names for that post (Art. 39);
    ``{"unit": "subject"|"organisation", "forms": [...]}`` is a consequence for the subject unit or the
    helping unit itself (E-10, the one-vote veto of Art. 41). ``enabled: false`` keeps a post the seed
    names only optionally (E-1's household cadres) switched off. ``forms`` of the rule is the fallback for
    targets without their own."""

    profile = models.ForeignKey(PolicyProfile, on_delete=models.CASCADE, related_name="rules")
    code = models.CharField(_("编号"), max_length=20)
    label = models.CharField(_("名称"), max_length=200)
    level = models.CharField(_("对象层级"), max_length=20, choices=SubjectLevel.choices)
    conditions = models.JSONField(_("触发条件"))
    targets = models.JSONField(_("问责对象"), default=list, blank=True)
    action = models.CharField(_("处理"), max_length=300)
    severity = models.CharField(_("情节"), max_length=10, choices=Severity.choices)
    forms = ArrayField(
        models.CharField(max_length=40, choices=AccountabilityForm.choices),
        verbose_name=_("问责方式"),
        blank=True,
    )
    situation = models.CharField(_("问责情形"), max_length=20, blank=True, help_text=_("如 A-6.1"))
    finding_sources = ArrayField(
        models.CharField(max_length=30, choices=FindingSource.choices),
        verbose_name=_("计入的发现来源"),
        default=list,
        blank=True,
        help_text=_("核查结果类规则只计这些来源的已确认结果；留空为全部来源"),
    )

    class Meta:
        verbose_name = _("问责规则")
        verbose_name_plural = _("问责规则")
        ordering = ["profile_id", "code"]
        constraints = [models.UniqueConstraint(fields=["profile", "code"], name="rule_code_once_per_profile")]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    def clean(self) -> None:
        """Conditions and targets are edited as JSON in the admin: say in Chinese what is wrong."""
        from accountability.responsibility.posts import Post
        from accountability.rules.metrics import METRICS

        errors = []
        if not isinstance(self.conditions, list) or not self.conditions:
            errors.append('触发条件应为非空列表，如 [{"metric": "misidentified_households", "threshold": 1}]')
        else:
            for n, condition in enumerate(self.conditions, start=1):
                if not isinstance(condition, dict) or condition.get("metric") not in METRICS:
                    errors.append(f"第 {n} 个条件的 metric 应为以下之一：{'、'.join(sorted(METRICS))}")
                    continue
                try:
                    Decimal(str(condition.get("threshold")))
                except InvalidOperation:
                    errors.append(f"第 {n} 个条件的 threshold 应为数字")
                if condition.get("measure", "count") not in Measure.values:
                    errors.append(f"第 {n} 个条件的 measure 应为 count、permille 或 percent")
        for n, target in enumerate(self.targets or [], start=1):
            if isinstance(target, dict) and "unit" in target:
                if target["unit"] not in ("subject", "organisation"):
                    errors.append(f"第 {n} 个问责对象的 unit 应为 subject 或 organisation")
            elif not isinstance(target, dict) or target.get("post") not in Post.values:
                errors.append(f"第 {n} 个问责对象的 post 不是已知的岗位代码")
            elif target.get("at", "subject") not in TARGET_PLACES:
                errors.append(
                    f"第 {n} 个问责对象的 at 应为 subject、evidence_village、"
                    "evidence_township 或 evidence_county"
                )
            if isinstance(target, dict) and not set(target.get("forms") or []) <= set(
                AccountabilityForm.values
            ):
                errors.append(f"第 {n} 个问责对象的 forms 含有未知的问责方式")
        unknown = set(self.finding_sources or []) - set(FindingSource.values)
        if unknown:
            errors.append(f"计入的发现来源不是已知的来源代码：{'、'.join(sorted(unknown))}")
        if errors:
            raise ValidationError({"conditions": errors})

    @staticmethod
    def jurisdiction_q(prefix: str) -> Q:
        return governing_q("profile__jurisdiction", prefix)


@tracked()
class AnnualTarget(models.Model):
    """The year's task from the responsibility letter (脱贫责任书, H-1) of a unit."""

    unit = models.ForeignKey(
        "accountability.AdminUnit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    households_to_exit = models.PositiveIntegerField(_("脱贫户数任务"), default=0)
    persons_to_exit = models.PositiveIntegerField(_("脱贫人数任务"), default=0)
    villages_to_exit = models.PositiveIntegerField(_("贫困村出列任务"), default=0)
    source = models.CharField(_("依据"), max_length=200, blank=True, help_text=_("如 2020 年脱贫攻坚责任书"))

    jurisdiction_path = "unit__code"

    class Meta:
        verbose_name = _("年度减贫任务")
        verbose_name_plural = _("年度减贫任务")
        ordering = ["-year", "unit_id"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="target_once_a_year")]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}"


class AlertStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    CASE_OPENED = "case_opened", _("已立案")
    NO_LONGER_HOLDS = "no_longer_holds", _("条件已不成立")


@tracked()
class Alert(models.Model):
    """One triggered rule for one subject and period — a database constraint keeps it one, however
    often or concurrently the rules run; its evidence is updated when the facts change."""

    rule_code = models.CharField(_("规则"), max_length=20)
    rule_label = models.CharField(_("规则名称"), max_length=200)
    subject_key = models.CharField(max_length=40, editable=False)  # unit:<code> / official:<id> / org:<id>
    unit = models.ForeignKey(
        "accountability.AdminUnit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="alerts"
    )  # the subject unit, or where the official / helping unit is accountable
    official = models.ForeignKey(
        "accountability.Official",
        verbose_name=_("干部"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="alerts",
    )
    organisation = models.ForeignKey(
        "accountability.Organisation",
        verbose_name=_("包保单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="alerts",
    )
    period = models.CharField(_("期间"), max_length=40)
    year = models.PositiveSmallIntegerField(_("考核年度"))
    value = models.DecimalField(_("实际值"), max_digits=12, decimal_places=2)
    threshold = models.DecimalField(_("阈值"), max_digits=12, decimal_places=2)
    measure = models.CharField(_("计量"), max_length=10, choices=Measure.choices)
    numerator = models.IntegerField(_("分子"), null=True, blank=True)
    denominator = models.IntegerField(_("分母"), null=True, blank=True)
    evidence = models.JSONField(_("依据"), default=dict)
    targets = models.JSONField(_("问责对象"), default=list)
    action = models.CharField(_("处理"), max_length=300)
    severity = models.CharField(_("情节"), max_length=10, choices=Severity.choices)
    status = models.CharField(_("状态"), max_length=20, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    first_run = models.ForeignKey("accountability.RuleRun", on_delete=models.PROTECT, related_name="+")
    last_run = models.ForeignKey("accountability.RuleRun", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("首次触发"), auto_now_add=True)
    updated_at = models.DateTimeField(_("最近更新"), auto_now=True)

    jurisdiction_path = "unit__code"

    class Meta:
        verbose_name = _("问责预警")
        verbose_name_plural = _("问责预警")
        ordering = ["-year", "unit_id", "rule_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_code", "subject_key", "period"], name="alert_once_per_subject_period"
            )
        ]
        indexes = [models.Index(fields=["year", "status"], name="alert_year_status")]

    def __str__(self) -> str:
        return f"{self.rule_code} {self.subject_key} {self.period}"


class RuleRun(models.Model):
    """One evaluation of the rules: when, for which year, by whom or by the schedule, and its counts."""

    year = models.PositiveSmallIntegerField(_("考核年度"))
    as_of = models.DateField(_("截至日期"))
    started_at = models.DateTimeField(_("开始"), auto_now_add=True)
    finished_at = models.DateTimeField(_("结束"), null=True, blank=True)
    triggered_by = models.CharField(_("触发方式"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created = models.PositiveIntegerField(_("新增预警"), default=0)
    updated = models.PositiveIntegerField(_("更新预警"), default=0)
    no_longer = models.PositiveIntegerField(_("不再成立"), default=0)
    unchanged = models.PositiveIntegerField(_("未变"), default=0)
    messages = models.PositiveIntegerField(_("发出消息"), default=0)

    class Meta:
        verbose_name = _("规则运行")
        verbose_name_plural = _("规则运行")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.year} @ {self.started_at:%Y-%m-%d %H:%M}"


def alert_subject_key(
    *, unit: str | None = None, official: int | None = None, organisation: int | None = None
) -> str:
    if official is not None:
        return f"official:{official}"
    if organisation is not None:
        return f"org:{organisation}"
    return f"unit:{unit}"
