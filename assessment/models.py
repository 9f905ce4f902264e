"""The annual assessment (成效考核, seed 003 Art. 4–9; 002 §十; DOMAIN S-1 … S-6).

* ``IndicatorSystem`` — a versioned policy profile of the assessment: the indicators of the five
  dimensions with their points and sources, grade bands, sampling rate, step dates and the
  thresholds of the problem triggers. Governs a jurisdiction (or, with none, everywhere) from its
  ``effective_from``, like ``accountability.PolicyProfile``.
* ``AssessmentRound`` — one assessor unit's assessment of the level below (下考一级) for a year, with
  its dated steps (``RoundStep``), its seeded sample (``SampleHousehold``, ``OmittedFamily``), values
  entered by hand (``EnteredValue``), its results in versions (``AssessmentResult``) and the
  reports generated from them (``AssessmentReport``).
* ``QuarterlyScore`` — the township's quarterly assessment of its villages (seed 004, C4-01…C4-04).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accountability.platform.history import tracked
from accountability.policy.models import governing_q


class Dimension(models.TextChoices):
    REDUCTION = "reduction", _("减贫成效")
    IDENTIFICATION = "identification", _("精准识别")
    ASSISTANCE = "assistance", _("精准帮扶")
    FUNDS = "funds", _("扶贫资金")
    RESPONSIBILITY = "responsibility", _("工作责任")


class SourceKind(models.TextChoices):
    METRIC = "metric", _("系统数据（登记的指标）")
    SAMPLE = "sample", _("抽查核查结果")
    ENTERED = "entered", _("录入或导入的数值")


class SampleRate(models.TextChoices):
    """The rates computed from the verification sample (assessment/rules.py)."""

    IDENTIFICATION_ACCURACY = "identification_accuracy", _("识别准确率")
    EXIT_ACCURACY = "exit_accuracy", _("退出准确率")
    OMISSION = "omission_rate", _("漏评率")
    WRONG_EXIT = "wrong_exit_rate", _("错退率")
    SATISFACTION = "satisfaction", _("群众满意度")


class NoSourceRule(models.TextChoices):
    EXCLUDE = "exclude", _("不计入：按其余指标折算为满分")
    ZERO = "zero", _("记零分")
    FULL = "full", _("记满分")


@tracked()
class IndicatorSystem(models.Model):
    """One version of the assessment's indicator system and parameters (policy-profile data)."""

    jurisdiction = models.ForeignKey(
        "accountability.AdminUnit",
        verbose_name=_("适用范围"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicator_systems",
        help_text=_("留空为全市默认；下级单位的版本优先于上级。"),
    )
    name = models.CharField(_("名称"), max_length=100)
    preset = models.CharField(_("依据"), max_length=100, blank=True)
    effective_from = models.DateField(_("生效日期"))
    grade_bands = models.JSONField(
        _("等次"),
        default=list,
        help_text=_("[[等次, 最低分], …] 由高到低；低于最后一档最低分为最后一档"),
    )
    veto_grade = models.CharField(
        _("一票否决后的等次"), max_length=20, default="不合格", help_text=_("被一票否决的单位等次不高于此")
    )
    no_source_rule = models.CharField(
        _("无数据来源的指标"), max_length=10, choices=NoSourceRule.choices, default=NoSourceRule.EXCLUDE
    )
    sample_percent = models.DecimalField(
        _("抽样比例（%）"), max_digits=5, decimal_places=2, default=10, help_text=_("每层抽取的比例")
    )
    sample_minimum = models.PositiveSmallIntegerField(_("每层至少抽取户数"), default=1)
    strata = models.JSONField(
        _("分层依据"),
        default=list,
        help_text=_("village（村）、status（户状态）、cadre（帮扶责任人）的组合"),
    )
    accuracy_floor_percent = models.DecimalField(
        _("准确率问题线（%）"),
        max_digits=5,
        decimal_places=2,
        default=95,
        help_text=_("识别或退出准确率低于此值为第八条第（四）项问题"),
    )
    satisfaction_floor_percent = models.DecimalField(
        _("满意度问题线（%）"), max_digits=5, decimal_places=2, default=90
    )
    rectification_months = models.PositiveSmallIntegerField(
        _("整改期限（月）"), default=2, help_text=_("约谈后提出的限期整改要求")
    )
    steps = models.JSONField(
        _("考核步骤与期限"),
        default=list,
        help_text=_("[{code, label, month, day, next_year}]，按顺序；期限为考核年度或次年的月日"),
    )
    quarter_weights = models.JSONField(
        _("季度权重（%）"), default=list, help_text=_("村级季度考核四个季度的权重")
    )
    village_pass_mark = models.DecimalField(
        _("村级季度考核合格分"), max_digits=5, decimal_places=2, default=60
    )
    village_bottom = models.PositiveSmallIntegerField(_("末位名次数"), default=2)
    village_top = models.PositiveSmallIntegerField(_("奖励名次数"), default=3)
    helping_indicators = models.JSONField(
        _("帮扶单位考核指标"),
        default=list,
        blank=True,
        help_text=_(
            "[{code, label, points, source: metric|sample, metric, full_at, zero_at, missing_value}]；"
            "留空为系统预置（docs/assessment.md §2）"
        ),
    )
    note = models.TextField(_("变更说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("考核指标体系")
        verbose_name_plural = _("考核指标体系")
        ordering = ["jurisdiction_id", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "effective_from"],
                name="indicator_system_one_version_a_day",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=Q(sample_percent__gt=0, sample_percent__lte=100),
                name="indicator_system_sample_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.effective_from} 起）"

    @staticmethod
    def jurisdiction_q(prefix: str) -> Q:
        return governing_q("jurisdiction", prefix)


@tracked()
class Indicator(models.Model):
    system = models.ForeignKey(IndicatorSystem, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("编号"), max_length=20)
    dimension = models.CharField(_("维度"), max_length=20, choices=Dimension.choices)
    label = models.CharField(_("指标"), max_length=200)
    points = models.DecimalField(_("分值"), max_digits=6, decimal_places=2)
    source = models.CharField(_("数据来源"), max_length=10, choices=SourceKind.choices)
    metric = models.CharField(
        _("指标名"),
        max_length=60,
        blank=True,
        help_text=_("系统数据：登记的指标名（如 poverty_incidence）；抽查：识别准确率等"),
    )
    full_at = models.DecimalField(_("满分值"), max_digits=12, decimal_places=2, help_text=_("达到此值得满分"))
    zero_at = models.DecimalField(
        _("零分值"), max_digits=12, decimal_places=2, help_text=_("达到此值得零分；之间按线性计分")
    )
    missing_value = models.DecimalField(
        _("无记录时的取值"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("指标对某单位没有记录时按此值计（如问题户数记 0）；留空为无数据"),
    )
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    jurisdiction_q = staticmethod(lambda prefix: governing_q("system__jurisdiction", prefix))

    class Meta:
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标")
        ordering = ["system_id", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["system", "code"], name="indicator_code_once_per_system"),
            models.CheckConstraint(condition=Q(points__gt=0), name="indicator_points_positive"),
            models.CheckConstraint(
                condition=~Q(full_at=models.F("zero_at")),
                name="indicator_full_differs_from_zero",
                violation_error_message=_("满分值与零分值不能相同"),
            ),
            models.CheckConstraint(
                condition=Q(source="entered") | ~Q(metric=""), name="indicator_metric_named"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class RoundStatus(models.TextChoices):
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已完成")


@tracked()
class AssessmentRound(models.Model):
    """The assessment by ``unit`` (the assessor) of its subordinate units for ``year``."""

    unit = models.ForeignKey(
        "accountability.AdminUnit", verbose_name=_("考核单位"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("考核年度"))
    system = models.ForeignKey(
        IndicatorSystem, verbose_name=_("指标体系版本"), on_delete=models.PROTECT, related_name="rounds"
    )
    cutoff = models.DateField(_("数据统计截止日期"))
    seed = models.CharField(_("抽样种子"), max_length=64, help_text=_("记录在案，同一种子总是抽出同样的户"))
    status = models.CharField(_("状态"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    jurisdiction_path = "unit__code"

    class Meta:
        verbose_name = _("考核轮次")
        verbose_name_plural = _("考核轮次")
        ordering = ["-year", "unit_id"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="assessment_round_once_a_year")]

    def __str__(self) -> str:
        return f"{self.year} 年度扶贫开发工作成效考核（{self.unit_id}）"


@tracked()
class RoundStep(models.Model):
    round = models.ForeignKey(AssessmentRound, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("顺序"))
    code = models.CharField(_("步骤"), max_length=30)
    label = models.CharField(_("名称"), max_length=100)
    due = models.DateField(_("期限"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    jurisdiction_path = "round__unit__code"

    class Meta:
        verbose_name = _("考核步骤")
        verbose_name_plural = _("考核步骤")
        ordering = ["round_id", "order"]
        constraints = [models.UniqueConstraint(fields=["round", "code"], name="round_step_once")]

    def __str__(self) -> str:
        return self.label


class Verdict(models.TextChoices):
    ACCURATE = "accurate", _("准确")
    MISIDENTIFIED = "misidentified", _("识别不准确")
    WRONG_EXIT = "wrong_exit", _("错退")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    FAIRLY = "fairly", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


@tracked()
class SampleHousehold(models.Model):
    """A household drawn for verification, with the stratum it was drawn from and, once imported,
    the field team's verdict."""

    round = models.ForeignKey(AssessmentRound, on_delete=models.CASCADE, related_name="sample")
    household_key = models.BigIntegerField(_("户标识"))
    number = models.CharField(_("户编号"), max_length=30)
    village = models.ForeignKey(
        "accountability.AdminUnit", verbose_name=_("村"), on_delete=models.PROTECT, related_name="+"
    )
    head_name = models.CharField(_("户主姓名"), max_length=50)
    members = models.PositiveSmallIntegerField(_("家庭人口"))
    status = models.CharField(_("户状态"), max_length=20)
    status_label = models.CharField(_("户状态名称"), max_length=20)
    exited = models.BooleanField(_("当年脱贫户"))
    cadre_name = models.CharField(_("帮扶责任人"), max_length=50, blank=True)
    stratum = models.CharField(_("抽样层"), max_length=120)
    stratum_size = models.PositiveIntegerField(_("层内户数"))
    draw_rank = models.CharField(_("抽样序号"), max_length=64, help_text=_("种子与户编号的散列，最小的入样"))
    verdict = models.CharField(_("核查结论"), max_length=20, choices=Verdict.choices, blank=True)
    satisfaction = models.CharField(_("满意度"), max_length=20, choices=Satisfaction.choices, blank=True)
    checked_on = models.DateField(_("核查日期"), null=True, blank=True)
    checked_by = models.CharField(_("核查人"), max_length=50, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    jurisdiction_path = "village__code"

    class Meta:
        verbose_name = _("抽查户")
        verbose_name_plural = _("抽查户")
        ordering = ["round_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="sample_household_once"),
            models.CheckConstraint(
                condition=~Q(verdict="wrong_exit") | Q(exited=True), name="sample_wrong_exit_only_if_exited"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.head_name}"


@tracked()
class OmittedFamily(models.Model):
    """A family found in a sampled village that should have been registered (漏评)."""

    round = models.ForeignKey(AssessmentRound, on_delete=models.CASCADE, related_name="omitted")
    village = models.ForeignKey(
        "accountability.AdminUnit", verbose_name=_("村"), on_delete=models.PROTECT, related_name="+"
    )
    id_number = models.CharField(_("户主证件号码"), max_length=18)
    head_name = models.CharField(_("户主姓名"), max_length=50)
    checked_on = models.DateField(_("核查日期"), null=True, blank=True)
    checked_by = models.CharField(_("核查人"), max_length=50, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    jurisdiction_path = "village__code"

    class Meta:
        verbose_name = _("漏评户")
        verbose_name_plural = _("漏评户")
        ordering = ["round_id", "village_id", "id_number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "village", "id_number"], name="omitted_family_once")
        ]

    def __str__(self) -> str:
        return f"{self.head_name}（{self.village_id}）"


@tracked()
class EnteredValue(models.Model):
    """A value of an indicator with source "entered" (third-party evaluation, surveys, self-evaluation)."""

    round = models.ForeignKey(AssessmentRound, on_delete=models.CASCADE, related_name="entered")
    subject = models.ForeignKey(
        "accountability.AdminUnit", verbose_name=_("被考核单位"), on_delete=models.PROTECT, related_name="+"
    )
    indicator_code = models.CharField(_("指标编号"), max_length=20)
    value = models.DecimalField(_("数值"), max_digits=12, decimal_places=2)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    jurisdiction_path = "subject__code"

    class Meta:
        verbose_name = _("录入的指标值")
        verbose_name_plural = _("录入的指标值")
        ordering = ["round_id", "subject_id", "indicator_code"]
        constraints = [
            models.UniqueConstraint(fields=["round", "subject", "indicator_code"], name="entered_value_once")
        ]

    def __str__(self) -> str:
        return f"{self.subject_id} {self.indicator_code} = {self.value}"


@tracked()
class AssessmentResult(models.Model):
    """One computed version of a round's results. Never updated: a re-run whose inputs changed
    makes the next version, with the differences from the previous one."""

    round = models.ForeignKey(AssessmentRound, on_delete=models.CASCADE, related_name="results")
    version = models.PositiveIntegerField(_("版本"))
    inputs_digest = models.CharField(_("输入摘要"), max_length=64)
    inputs = models.JSONField(_("输入"), help_text=_("计分所用的全部数值"))
    rows = models.JSONField(_("结果"), help_text=_("每个被考核单位的得分、等次、排名"))
    changes = models.JSONField(_("与上一版本的差异"), default=list)
    helping_rows = models.JSONField(
        _("帮扶单位结果"), default=list, blank=True, help_text=_("每个被考核帮扶单位的得分、等次、排名")
    )
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    computed_at = models.DateTimeField(_("计算时间"), auto_now_add=True)

    jurisdiction_path = "round__unit__code"

    class Meta:
        verbose_name = _("考核结果")
        verbose_name_plural = _("考核结果")
        ordering = ["round_id", "-version"]
        constraints = [models.UniqueConstraint(fields=["round", "version"], name="assessment_result_version")]

    def __str__(self) -> str:
        return f"{self.round} 第 {self.version} 版"


class ReportFormat(models.TextChoices):
    DOCX = "docx", _("Word（公文格式）")
    XLSX = "xlsx", _("Excel")
    HTML = "html", _("网页")


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已生成")
    FAILED = "failed", _("失败")


@tracked(exclude=["content"])
class ReportTemplate(models.Model):
    """A Word template of the annual report uploaded by an office (letterhead, wording, section
    order); the latest one of the report's unit or its nearest ancestor governs, otherwise the
    built-in template (docs/assessment.md §5)."""

    unit = models.ForeignKey(
        "accountability.AdminUnit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("文件名"), max_length=200)
    content = models.BinaryField(_("模板文件"))
    note = models.CharField(_("说明"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    jurisdiction_path = "unit__code"

    class Meta:
        verbose_name = _("考核报告模板")
        verbose_name_plural = _("考核报告模板")
        ordering = ["unit_id", "-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.name}"


@tracked(exclude=["content"])
class AssessmentReport(models.Model):
    result = models.ForeignKey(AssessmentResult, on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey(
        "accountability.AdminUnit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    format = models.CharField(_("格式"), max_length=10, choices=ReportFormat.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    content = models.BinaryField(_("文件"), null=True, blank=True)
    error = models.CharField(_("错误"), max_length=300, blank=True)
    template = models.ForeignKey(
        ReportTemplate,
        verbose_name=_("Word 模板"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
        help_text=_("空：系统内置模板"),
    )
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    generated_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    jurisdiction_path = "unit__code"

    class Meta:
        verbose_name = _("考核报告")
        verbose_name_plural = _("考核报告")
        ordering = ["-generated_at"]

    def __str__(self) -> str:
        return f"{self.result} {self.get_format_display()}"

    @property
    def file_name(self) -> str:
        return f"{self.result.round.year}年度扶贫开发工作成效考核报告_{self.unit_id}.{self.format}"


@tracked()
class QuarterlyScore(models.Model):
    """A village's score (out of 100) in the township's quarterly assessment (seed 004, C4-01)."""

    village = models.ForeignKey(
        "accountability.AdminUnit", verbose_name=_("村"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(
        _("季度"), choices=[(1, "一"), (2, "二"), (3, "三"), (4, "四")]
    )
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=2)

    jurisdiction_path = "village__code"

    class Meta:
        verbose_name = _("村级季度考核得分")
        verbose_name_plural = _("村级季度考核得分")
        ordering = ["village_id", "year", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["village", "year", "quarter"], name="quarterly_score_once"),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=100), name="quarterly_score_0_100"),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="quarterly_score_quarter"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.village_id} {self.year}Q{self.quarter} {self.score}"
