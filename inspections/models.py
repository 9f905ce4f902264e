"""Supervision (督查), patrol (巡查), findings (问题), rectification (整改) and close-out (销号), petitions
(信访、12345): DOMAIN §6 (I-1 … I-7), CHECKLIST §4.2 (C3-01 … C3-31) and C4-09."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accountability.hierarchy.models import within_code
from accountability.platform.history import tracked
from accountability.platform.validators import validate_no_control_characters
from accountability.policy.models import governing_q
from accountability.responsibility.posts import Post

#: what evidence may be uploaded (photos and documents); the size limit is in inspections/rules.py
EVIDENCE_EXTENSIONS = ["jpg", "jpeg", "png", "webp", "heic", "pdf", "doc", "docx", "xls", "xlsx"]


@tracked()
class InspectionPolicy(models.Model):
    """The inspections app's numbers and vocabulary attached to a version of the core's policy
    profile (a profile without one uses the preset, inspections/presets.py)."""

    profile = models.OneToOneField(
        "accountability.PolicyProfile",
        verbose_name=_("政策参数方案"),
        on_delete=models.CASCADE,
        related_name="inspection_policy",
    )
    patrol_rectification_months = models.PositiveSmallIntegerField(
        _("巡查整改期限（月）"), default=2, help_text=_("惠州办法第十八条：自巡查反馈起 2 个月内")
    )
    default_rectification_months = models.PositiveSmallIntegerField(
        _("其他问题整改期限（月）"),
        default=2,
        help_text=_("督查等其他来源的问题未单独设定期限时（第十二条“及时”，预置 2 个月，非种子数字）"),
    )
    comprehensive_per_year = models.PositiveSmallIntegerField(
        _("每县、每帮扶单位每年综合督查次数下限"), default=1, help_text=_("惠州办法第八条：至少 1 次")
    )
    city_county_per_year = models.PositiveSmallIntegerField(
        _("市级每年督查每县次数下限"),
        default=1,
        help_text=_("宿州细则 H-7 为 2 次；与上一项取大者"),
    )
    coverage_alert_days_before_year_end = models.PositiveSmallIntegerField(
        _("年末未覆盖提醒提前天数"), default=0, help_text=_("0：12 月 31 日起运行规则时预警")
    )
    petition_answer_working_days = models.PositiveSmallIntegerField(
        _("信访答复期限（工作日）"), default=15, help_text=_("预置 15 个工作日（非种子数字）")
    )
    evidence_max_mb = models.PositiveSmallIntegerField(_("佐证材料单个文件上限（MB）"), default=10)
    categories = models.JSONField(
        _("问题类别"),
        default=list,
        blank=True,
        help_text=_(
            '[{"code": …, "label": …, "kind": "supervision"|"patrol"}]；'
            "留空为预置的 8 项督查重点和 4 类巡查问题"
        ),
    )

    class Meta:
        verbose_name = _("督查巡查参数")
        verbose_name_plural = _("督查巡查参数")

    def __str__(self) -> str:
        return str(self.profile)

    @staticmethod
    def jurisdiction_q(prefix: str) -> Q:
        return governing_q("profile__jurisdiction", prefix)


class RoundKind(models.TextChoices):
    SUPERVISION = "supervision", _("督查")
    PATROL = "patrol", _("巡查")


class Scope(models.TextChoices):
    COMPREHENSIVE = "comprehensive", _("综合督查")
    SPECIAL = "special", _("专项督查")


@tracked()
class SupervisionPlan(models.Model):
    """The annual supervision plan (年度督查计划) of an office at one level (C3-05)."""

    unit = models.ForeignKey(
        "accountability.AdminUnit", verbose_name=_("制定单位"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("计划名称"), max_length=200, validators=[validate_no_control_characters])
    adopted_on = models.DateField(_("通过日期"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    jurisdiction_path = "unit__code"

    class Meta:
        verbose_name = _("年度督查计划")
        verbose_name_plural = _("年度督查计划")
        ordering = ["-year", "unit_id"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="plan_once_a_year_per_unit")]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"


@tracked()
class PlanItem(models.Model):
    """An item of the plan (督查事项): comprehensive or special, its targets and schedule."""

    plan = models.ForeignKey(SupervisionPlan, on_delete=models.CASCADE, related_name="items")
    scope = models.CharField(_("类型"), max_length=20, choices=Scope.choices)
    title = models.CharField(_("事项"), max_length=200, validators=[validate_no_control_characters])
    counties = models.ManyToManyField(
        "accountability.AdminUnit", verbose_name=_("督查对象（县区）"), blank=True, related_name="+"
    )
    helping_units = models.ManyToManyField(
        "accountability.Organisation", verbose_name=_("督查对象（帮扶单位）"), blank=True, related_name="+"
    )
    starts_on = models.DateField(_("计划开始"), null=True, blank=True)
    ends_on = models.DateField(_("计划结束"), null=True, blank=True)

    jurisdiction_path = "plan__unit__code"

    class Meta:
        verbose_name = _("督查事项")
        verbose_name_plural = _("督查事项")
        ordering = ["plan_id", "starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="plan_item_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Method(models.TextChoices):
    """The methods of a round (C3-03, 惠州办法第四条)."""

    MEETING = "meeting", _("座谈会")
    DOCUMENTS = "documents", _("查阅资料")
    SITE = "site", _("实地调查")
    QUESTIONNAIRE = "questionnaire", _("问卷调查")
    INTERVIEW = "interview", _("个别访谈")
    BRIEFING = "briefing", _("听取汇报")
    TIP_OFFS = "tip_offs", _("受理群众举报")
    UNANNOUNCED = "unannounced", _("随机访或暗访")
    THIRD_PARTY = "third_party", _("第三方评估成果")


class CadreRank(models.TextChoices):
    """The rank of a patrol leader (C3-14: 处级 or above)."""

    BUREAU = "bureau", _("厅（局）级")
    DIVISION = "division", _("处级")
    SECTION = "section", _("科级")
    OTHER = "other", _("科级以下")


#: ranks that may lead a patrol (C3-14)
PATROL_LEADER_RANKS = (CadreRank.BUREAU, CadreRank.DIVISION)


@tracked()
class InspectionRound(models.Model):
    """One supervision or patrol of one inspected unit (a county, a township) or helping unit."""

    number = models.CharField(_("编号"), max_length=40, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=RoundKind.choices)
    scope = models.CharField(
        _("督查类型"), max_length=20, choices=Scope.choices, blank=True, help_text=_("巡查留空")
    )
    plan_item = models.ForeignKey(
        PlanItem,
        verbose_name=_("计划事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rounds",
    )
    title = models.CharField(_("名称"), max_length=200, validators=[validate_no_control_characters])
    issuer = models.ForeignKey(
        "accountability.AdminUnit",
        verbose_name=_("组织单位"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("组织督查、巡查的扶贫办（或党委政府）所在单位"),
    )
    unit = models.ForeignKey(
        "accountability.AdminUnit",
        verbose_name=_("被督查（巡查）单位"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    helping_unit = models.ForeignKey(
        "accountability.Organisation",
        verbose_name=_("被督查帮扶单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    approved_on = models.DateField(
        _("市委市政府批准日期"), null=True, blank=True, help_text=_("巡查须经批准（第十三条）")
    )
    leader = models.ForeignKey(
        "accountability.Official", verbose_name=_("组长"), on_delete=models.PROTECT, related_name="+"
    )
    leader_rank = models.CharField(_("组长级别"), max_length=20, choices=CadreRank.choices)
    methods = ArrayField(
        models.CharField(max_length=20, choices=Method.choices),
        verbose_name=_("方式方法"),
        default=list,
        blank=True,
    )
    feedback_on = models.DateField(
        _("反馈日期"), null=True, blank=True, help_text=_("向被巡查单位反馈意见之日；巡查整改期限由此起算")
    )
    situation = models.TextField(_("基本情况"), blank=True)
    opinions = models.TextField(_("意见建议"), blank=True)
    report = models.FileField(_("书面报告"), upload_to="inspections/reports/%Y/", blank=True)
    report_generated_at = models.DateTimeField(_("报告生成时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("督查巡查")
        verbose_name_plural = _("督查巡查")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="round_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(kind="patrol", scope="")
                | Q(kind="supervision", scope__in=["comprehensive", "special"]),
                name="round_scope_only_for_supervision",
            ),
            models.CheckConstraint(
                condition=~Q(kind="patrol") | Q(approved_on__isnull=False), name="patrol_approved"
            ),
            models.CheckConstraint(
                condition=~Q(kind="patrol") | Q(leader_rank__in=["bureau", "division"]),
                name="patrol_led_by_division_rank",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @staticmethod
    def jurisdiction_q(prefix: str) -> Q:
        """A round is seen by the inspected unit's jurisdiction and by the issuing office's."""
        return within_code("unit__code", prefix) | within_code("issuer__code", prefix)


class MemberRole(models.TextChoices):
    LEADER = "leader", _("组长")
    DEPUTY = "deputy", _("副组长")
    MEMBER = "member", _("成员")


@tracked()
class TeamMember(models.Model):
    """A member of a round's team, an official of the responsibility registry (C3-06, C3-14)."""

    round = models.ForeignKey(InspectionRound, on_delete=models.CASCADE, related_name="members")
    official = models.ForeignKey(
        "accountability.Official", verbose_name=_("成员"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("职责"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER)

    jurisdiction_path = "round__unit__code"

    class Meta:
        verbose_name = _("督查巡查组成员")
        verbose_name_plural = _("督查巡查组成员")
        constraints = [models.UniqueConstraint(fields=["round", "official"], name="team_member_once")]

    def __str__(self) -> str:
        return f"{self.round_id} {self.official_id}"

    @staticmethod
    def jurisdiction_q(prefix: str) -> Q:
        return within_code("round__unit__code", prefix) | within_code("round__issuer__code", prefix)


class ProblemSource(models.TextChoices):
    SUPERVISION = "supervision", _("督查")
    PATROL = "patrol", _("巡查")
    AUDIT = "audit", _("审计")
    DISCIPLINE = "discipline", _("纪检监察")
    PETITION = "petition", _("信访举报")
    THIRD_PARTY = "third_party", _("第三方评估")
    SELF_INSPECTION = "self_inspection", _("自查")


class FindingSeverity(models.TextChoices):
    GENERAL = "general", _("一般")
    SERIOUS = "serious", _("较重")
    SEVERE = "severe", _("严重")


class FindingStatus(models.TextChoices):
    RECTIFYING = "rectifying", _("整改中")
    AWAITING = "awaiting", _("待核验")
    CLOSED = "closed", _("已销号")


class TransferTo(models.TextChoices):
    NONE = "", _("不移交")
    DISCIPLINE = "discipline", _("纪检监察机关")
    PROCURATORATE = "procuratorate", _("检察机关")


@tracked()
class Finding(models.Model):
    """A problem (问题) found by a round or another source, with its rectification (整改)."""

    number = models.CharField(_("问题编号"), max_length=40, unique=True)
    round = models.ForeignKey(
        InspectionRound,
        verbose_name=_("督查巡查"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="findings",
    )
    source = models.CharField(_("来源"), max_length=20, choices=ProblemSource.choices)
    category = models.CharField(_("问题类别"), max_length=40)
    severity = models.CharField(_("严重程度"), max_length=10, choices=FindingSeverity.choices)
    unit = models.ForeignKey(
        "accountability.AdminUnit", verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        "accountability.AdminUnit",
        verbose_name=_("被检查单位"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("整改主体：责任单位及其上至被检查单位的各级不得核验本问题"),
    )
    issuer = models.ForeignKey(
        "accountability.AdminUnit",
        verbose_name=_("交办单位"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    found_on = models.DateField(_("发现日期"))
    feedback_on = models.DateField(_("反馈日期"), null=True, blank=True)
    description = models.TextField(_("问题描述"), validators=[validate_no_control_characters])
    deadline = models.DateField(_("整改期限"))
    deadline_basis = models.CharField(_("期限依据"), max_length=200, blank=True)
    measures = models.TextField(_("整改措施"), blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=FindingStatus.choices, default=FindingStatus.RECTIFYING
    )
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核验人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rejections = models.PositiveSmallIntegerField(_("核验退回次数"), default=0)
    reopenings = models.PositiveSmallIntegerField(_("重新打开次数"), default=0)
    transfer_to = models.CharField(
        _("移交"), max_length=20, choices=TransferTo.choices, blank=True, default=""
    )
    transferred_on = models.DateField(_("移交日期"), null=True, blank=True)
    transfer_note = models.TextField(_("移交说明"), blank=True)
    case = models.ForeignKey(
        "accountability.AccountabilityCase",
        verbose_name=_("问责案件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    origin_key = models.CharField(
        _("来源标识"),
        max_length=200,
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text=_("由其他模块交办的问题（成效考核第八条问题）的标识，同一问题只登记一次"),
    )
    disclosable = models.BooleanField(
        _("可公开"), default=True, help_text=_("销号后在整改公开页列出（不含个人信息）")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    jurisdiction_path = "unit__code"

    class Meta:
        verbose_name = _("问题")
        verbose_name_plural = _("问题")
        ordering = ["-found_on", "number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("found_on")), name="finding_deadline_after_found"
            ),
            models.CheckConstraint(
                condition=Q(status="closed", closed_on__isnull=False, verified_by__isnull=False)
                | (~Q(status="closed") & Q(closed_on__isnull=True)),
                name="finding_closed_only_verified",
            ),
            models.CheckConstraint(
                condition=Q(transfer_to="", transferred_on__isnull=True)
                | (~Q(transfer_to="") & Q(transferred_on__isnull=False)),
                name="finding_transfer_dated",
            ),
        ]
        indexes = [models.Index(fields=["status", "deadline"], name="finding_status_deadline")]
        permissions = [
            ("report_rectification", _("可填报整改进展")),
            ("verify_finding", _("可核验销号")),
            ("transfer_finding", _("可移交纪检监察、检察机关")),
        ]

    def __str__(self) -> str:
        return self.number


@tracked()
class FindingResponsible(models.Model):
    """An official responsible for a finding: who held the unit's post on the finding's date
    (resolved from the responsibility registry), or named by hand."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="responsible")
    official = models.ForeignKey(
        "accountability.Official", verbose_name=_("责任人"), on_delete=models.PROTECT, related_name="+"
    )
    post = models.CharField(_("岗位"), max_length=40, blank=True, choices=Post.choices)
    resolved = models.BooleanField(_("按任职自动确定"), default=True)

    jurisdiction_path = "finding__unit__code"

    class Meta:
        verbose_name = _("问题责任人")
        verbose_name_plural = _("问题责任人")
        ordering = ["finding_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["finding", "official"], name="finding_responsible_once")
        ]

    def __str__(self) -> str:
        return f"{self.finding_id} {self.official_id}"


class StepKind(models.TextChoices):
    CREATED = "created", _("交办")
    PROGRESS = "progress", _("整改进展")
    REQUEST_CLOSE = "request_close", _("申请销号")
    VERIFIED = "verified", _("核验通过，销号")
    REJECTED = "rejected", _("核验退回")
    REOPENED = "reopened", _("重新打开")
    DEADLINE = "deadline", _("调整期限")
    TRANSFERRED = "transferred", _("移交")
    RESPONSIBLE = "responsible", _("调整责任人")
    CASE = "case", _("立案问责")


@tracked()
class RectificationStep(models.Model):
    """One step of a finding's timeline: progress reports, close-out requests, verification."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("环节"), max_length=20, choices=StepKind.choices)
    on = models.DateField(_("日期"))
    text = models.TextField(_("说明"), blank=True, validators=[validate_no_control_characters])
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    jurisdiction_path = "finding__unit__code"

    class Meta:
        verbose_name = _("整改环节")
        verbose_name_plural = _("整改环节")
        ordering = ["finding_id", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.finding_id} {self.kind} {self.on}"


class EvidenceKind(models.TextChoices):
    PHOTO = "photo", _("照片")
    DOCUMENT = "document", _("文件")


@tracked()
class Evidence(models.Model):
    """A photo or document attached to a finding or to one of its steps (type and size checked)."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="evidence")
    step = models.ForeignKey(
        RectificationStep, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=EvidenceKind.choices)
    file = models.FileField(
        _("文件"),
        upload_to="inspections/evidence/%Y/%m/",
        validators=[FileExtensionValidator(EVIDENCE_EXTENSIONS)],
    )
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    jurisdiction_path = "finding__unit__code"

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["finding_id", "pk"]

    def __str__(self) -> str:
        return self.name


class PetitionChannel(models.TextChoices):
    LETTER = "letter", _("来信")
    VISIT = "visit", _("来访")
    HOTLINE = "hotline", _("12345 热线")
    ONLINE = "online", _("网上信访")
    PHONE = "phone", _("举报电话")


class Satisfaction(models.TextChoices):
    NONE = "", _("未评价")
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


@tracked()
class Petition(models.Model):
    """A petition or hotline case (信访、12345): recorded, assigned, answered in time (I-7, C3-31)."""

    number = models.CharField(_("编号"), max_length=40, unique=True)
    channel = models.CharField(_("渠道"), max_length=20, choices=PetitionChannel.choices)
    received_on = models.DateField(_("受理日期"))
    content = models.TextField(_("反映内容"), validators=[validate_no_control_characters])
    unit = models.ForeignKey(
        "accountability.AdminUnit", verbose_name=_("涉及单位"), on_delete=models.PROTECT, related_name="+"
    )
    handler = models.ForeignKey(
        "accountability.Official",
        verbose_name=_("承办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answer_due = models.DateField(_("答复期限"), null=True, blank=True, help_text=_("无工作日历数据时为空"))
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)
    answer = models.TextField(_("答复内容"), blank=True)
    satisfaction = models.CharField(
        _("满意度"), max_length=20, choices=Satisfaction.choices, blank=True, default=""
    )
    finding = models.ForeignKey(
        Finding, verbose_name=_("形成问题"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    jurisdiction_path = "unit__code"

    class Meta:
        verbose_name = _("信访举报")
        verbose_name_plural = _("信访举报")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_on__isnull=True) | Q(answered_on__gte=models.F("received_on")),
                name="petition_answered_after_received",
            )
        ]

    def __str__(self) -> str:
        return self.number
