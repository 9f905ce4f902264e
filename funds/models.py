"""Special poverty-fund projects (财政专项扶贫资金项目, seed 002): the "seven processes, ten steps"
from the project library to acceptance, performance evaluation and the archive.

A project carries the dates of its one-off steps (library, approval, plan, filing, start, completion,
acceptance …); repeated or multi-part steps have their own rows (notices, disbursement requests,
progress reports, adjustments, rectification orders, acceptance rounds, documents). Deadlines of the
steps are computed in working days from these dates (funds/deadlines.py). The ledger (accounts,
entries, the 532 stage amounts) is another app's; it reads these models.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accountability.platform.history import tracked
from accountability.platform.validators import validate_non_negative

MONEY = {"max_digits": 14, "decimal_places": 2}
DOCUMENT_EXTENSIONS = ["pdf", "jpg", "jpeg", "png", "webp", "doc", "docx", "xls", "xlsx", "ofd", "zip"]
PHOTO_EXTENSIONS = ["jpg", "jpeg", "png", "webp", "heic"]


# --- reference tables (city-wide, edited by administrators; import/export in the admin) ----------


@tracked()
class ProjectCategory(models.Model):
    """项目类别 (C2-01): 发展资金、以工代赈、国有贫困农场、国有贫困林场、扶贫贷款贴息、其它."""

    code = models.CharField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    aliases = models.CharField(
        _("别名"), max_length=200, blank=True, help_text=_("导入时也认可的写法，用顿号或逗号分隔")
    )
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("项目类别")
        verbose_name_plural = _("项目类别")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class FundLevel(models.TextChoices):
    CENTRAL = "central", _("中央")
    PROVINCIAL = "provincial", _("省级")
    MUNICIPAL = "municipal", _("市级")
    COUNTY = "county", _("县级")


@tracked()
class FundSource(models.Model):
    """A fund source and the document that allocates it (资金来源及文件)."""

    code = models.CharField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("资金层级"), max_length=20, choices=FundLevel.choices)
    document_number = models.CharField(_("文件文号"), max_length=100, blank=True)
    document_title = models.CharField(_("文件标题"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("资金来源")
        verbose_name_plural = _("资金来源")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


@tracked()
class BudgetLine(models.Model):
    """A budget line of implementation plans (预算科目), which vouchers are matched to (F-11)."""

    code = models.CharField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    roster_payment = models.BooleanField(
        _("按名册报账"),
        default=False,
        help_text=_("直补到户、培训务工补助、工程技工补助：无需税务发票（F-11）"),
    )
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("预算科目")
        verbose_name_plural = _("预算科目")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


# --- the county's fund plan --------------------------------------------------------------------


@tracked()
class FundPlan(models.Model):
    """A county's annual fund plan: the province's allocation, the application guide, the approvals
    issued at once (C2-11) and the filing of the fund document with discipline and audit (C2-50)."""

    county = models.ForeignKey(
        "accountability.AdminUnit", verbose_name=_("县"), on_delete=models.PROTECT, related_name="fund_plans"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("名称"), max_length=200)
    source = models.ForeignKey(
        FundSource,
        verbose_name=_("资金来源"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plans",
    )
    amount = models.DecimalField(
        _("计划金额（元）"), **MONEY, null=True, blank=True, validators=[validate_non_negative]
    )
    issued_on = models.DateField(_("省级资金计划下达日期"), null=True, blank=True)
    guide_published_on = models.DateField(_("申报指南发布日期"), null=True, blank=True)
    guide_url = models.URLField(_("申报指南网址"), blank=True)
    approvals_issued_on = models.DateField(_("立项批复一次性下达日期"), null=True, blank=True)
    discipline_filed_on = models.DateField(_("资金文件报纪检监察、审计机关备案日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    jurisdiction_path = "county__code"

    class Meta:
        verbose_name = _("年度资金计划")
        verbose_name_plural = _("年度资金计划")
        ordering = ["-year", "county_id"]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"


# --- projects -----------------------------------------------------------------------------------


class FundUse(models.TextChoices):
    INDUSTRY = "industry", _("产业扶贫")
    LIVING_CONDITIONS = "living_conditions", _("生产生活条件")
    TRAINING = "training", _("培训")
    LOAN_INTEREST = "loan_interest", _("贷款贴息")
    LOAN_RISK = "loan_risk", _("贷款风险补偿")
    INSURANCE = "insurance", _("政策性保险补贴")
    SOCIAL_INSURANCE = "social_insurance", _("农村医疗养老保险个人缴费补助")
    OTHER = "other", _("其它")


class Stage(models.TextChoices):
    LIBRARY = "library", _("项目库")
    APPLIED = "applied", _("已申报")
    APPROVED = "approved", _("已立项")
    PLAN_SUBMITTED = "plan_submitted", _("实施方案已报送")
    PLAN_APPROVED = "plan_approved", _("实施方案已批复")
    FILED = "filed", _("已备案")
    STARTED = "started", _("实施中")
    COMPLETED = "completed", _("已完工")
    ACCEPTANCE_FAILED = "acceptance_failed", _("验收不合格，整改中")
    ACCEPTED = "accepted", _("已验收")
    HANDED_OVER = "handed_over", _("已移交")
    WITHDRAWN = "withdrawn", _("已撤销")


class PlanReview(models.TextChoices):
    EXPERT = "expert", _("专家评审")
    OFFICE = "office", _("县扶贫办审查")


class SelectionMethod(models.TextChoices):
    COMPETITION = "competition", _("公开竞争")
    FACTOR = "factor", _("因素法")


class DisbursementMode(models.TextChoices):
    STAGED = "staged", _("分阶段拨付（532）")
    AFTER = "after", _("先建后补")


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优良")
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


class ImplementerKind(models.TextChoices):
    APPLICANT = "applicant", _("申报单位自行实施")
    ENTERPRISE = "enterprise", _("龙头企业")
    COOPERATIVE = "cooperative", _("农民专业合作社")
    LARGE_HOUSEHOLD = "large_household", _("种养大户")
    COLLECTIVE = "collective", _("村集体")
    HOUSEHOLD = "household", _("农户")


@tracked()
class Project(models.Model):
    number = models.CharField(_("项目编号"), max_length=50, help_text=_("在本县项目库内唯一（各县分别编号）"))
    name = models.CharField(_("项目名称"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年度"))
    category = models.ForeignKey(
        ProjectCategory, verbose_name=_("项目类别"), on_delete=models.PROTECT, related_name="projects"
    )
    use = models.CharField(_("资金用途"), max_length=30, choices=FundUse.choices)
    location = models.ForeignKey(
        "accountability.AdminUnit",
        verbose_name=_("实施地点"),
        on_delete=models.PROTECT,
        related_name="fund_projects",
        help_text=_("村或乡镇"),
    )
    county = models.ForeignKey(
        "accountability.AdminUnit", verbose_name=_("县"), on_delete=models.PROTECT, related_name="+"
    )
    township = models.ForeignKey(
        "accountability.AdminUnit", verbose_name=_("乡镇"), on_delete=models.PROTECT, related_name="+"
    )
    applicant = models.CharField(
        _("申报单位"), max_length=200, blank=True, help_text=_("原则上为有扶贫任务的乡镇人民政府")
    )
    applicant_basis = models.CharField(_("其他申报主体的依据"), max_length=200, blank=True)
    implementer = models.CharField(_("实施单位"), max_length=200)
    implementer_kind = models.CharField(
        _("实施主体类型"), max_length=20, choices=ImplementerKind.choices, default=ImplementerKind.APPLICANT
    )
    entrustment_consent = models.BooleanField(
        _("委托实施已取得受益群众同意"),
        default=False,
        help_text=_("委托龙头企业、合作社、大户实施须经受益群众同意（C2-21）"),
    )
    person_responsible = models.CharField(_("项目负责人"), max_length=50, blank=True)
    person_responsible_id_number = models.CharField(_("项目负责人证件号码"), max_length=18, blank=True)
    construction_content = models.TextField(_("建设内容"))
    content_key = models.CharField(
        _("建设内容查重键"), max_length=300, db_index=True, editable=False, default=""
    )
    is_continuation = models.BooleanField(_("续建项目"), default=False)
    continuation_of = models.ForeignKey(
        "self",
        verbose_name=_("续建自"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="continuations",
    )
    household_project = models.BooleanField(_("到户项目"), default=False)
    household_applications = models.TextField(
        _("贫困户申请"),
        blank=True,
        help_text=_("到户项目（公共基础设施除外）须有贫困户申请，由乡镇代为录入（C2-16）"),
    )
    subsidy = models.DecimalField(_("财政补助资金（元）"), **MONEY, validators=[validate_non_negative])
    other_funds = models.DecimalField(
        _("其他资金（元）"), **MONEY, default=0, validators=[validate_non_negative]
    )
    fund_plan = models.ForeignKey(
        FundPlan,
        verbose_name=_("资金计划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    fund_source = models.ForeignKey(
        FundSource,
        verbose_name=_("资金来源"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    selection_method = models.CharField(
        _("立项方式"), max_length=20, choices=SelectionMethod.choices, blank=True
    )
    disbursement_mode = models.CharField(
        _("拨付方式"), max_length=20, choices=DisbursementMode.choices, default=DisbursementMode.STAGED
    )
    benefit_linkage = models.TextField(_("利益联结机制"), blank=True)
    procurement = models.TextField(_("政府采购及招投标情况"), blank=True)
    expected_goals = models.TextField(_("预期目标"), blank=True)
    planned_start = models.DateField(_("计划开工日期"), null=True, blank=True)
    planned_end = models.DateField(_("计划完工日期"), null=True, blank=True)
    # the dates of the one-off steps (C2-08, C2-09)
    library_on = models.DateField(_("入库日期"), null=True, blank=True)
    applied_on = models.DateField(_("申报日期"), null=True, blank=True)
    assessed_on = models.DateField(_("立项评估意见日期"), null=True, blank=True)
    approved_on = models.DateField(_("立项日期"), null=True, blank=True)
    approval_document = models.CharField(_("立项批复文号"), max_length=100, blank=True)
    plan_submitted_on = models.DateField(_("实施方案报送日期"), null=True, blank=True)
    plan_review = models.CharField(
        _("实施方案评审方式"), max_length=10, choices=PlanReview.choices, blank=True
    )
    plan_approved_on = models.DateField(_("实施方案批复日期"), null=True, blank=True)
    funds_released_on = models.DateField(_("资金下达日期"), null=True, blank=True)
    filed_on = models.DateField(_("备案日期"), null=True, blank=True)
    started_on = models.DateField(_("开工日期"), null=True, blank=True)
    completed_on = models.DateField(_("完工日期"), null=True, blank=True)
    accepted_on = models.DateField(
        _("验收日期"), null=True, blank=True, help_text=_("最近一次县级验收的日期")
    )
    acceptance_grade = models.CharField(_("验收等次"), max_length=10, choices=Grade.choices, blank=True)
    acceptance_entered_on = models.DateField(_("验收后录入上报日期"), null=True, blank=True)
    handed_over_on = models.DateField(_("移交日期"), null=True, blank=True)
    handed_over_to = models.CharField(_("移交对象"), max_length=200, blank=True)
    handover_list = models.TextField(_("移交清单"), blank=True)
    asset_owner = models.CharField(_("资产归属"), max_length=200, blank=True)
    stage = models.CharField(
        _("阶段"), max_length=20, choices=Stage.choices, default=Stage.LIBRARY, db_index=True
    )
    force_majeure = models.TextField(
        _("不可抗力说明"), blank=True, help_text=_("政策调整、自然灾害等，记录后免于追责（C2-24）")
    )
    found_false = models.CharField(
        _("查实虚假、伪造、拆分"),
        max_length=200,
        blank=True,
        help_text=_("查实后申报单位当年及次年不得申报（F-4）"),
    )
    archive_number = models.CharField(_("档号"), max_length=50, null=True, blank=True, unique=True)
    # benefit linkage facts (F-12)
    cooperative_members = models.PositiveIntegerField(_("合作社成员数"), null=True, blank=True)
    cooperative_poor_members = models.PositiveIntegerField(_("合作社贫困户成员数"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    jurisdiction_path = "location__code"

    class Meta:
        verbose_name = _("扶贫项目")
        verbose_name_plural = _("扶贫项目")
        ordering = ["-year", "number"]
        permissions = [
            ("apply_project", _("申报项目、报送实施方案、备案、公示、请款、报告进度、申请验收（乡镇）")),
            ("approve_project", _("立项、批复方案、审批拨款、验收、整改通知（县扶贫办、财政）")),
            ("evaluate_funds", _("资金绩效考评（县扶贫开发领导小组办公室）")),
        ]
        indexes = [
            models.Index(fields=["county", "year"], name="fund_project_county_year"),
            models.Index(fields=["township", "stage"], name="fund_project_township_stage"),
        ]
        constraints = [
            # numbers are the county library's: unique per county, so that entering a number used
            # in another county tells nothing about that county's projects (decision 0033)
            models.UniqueConstraint(fields=["county", "number"], name="fund_project_number_once_per_county"),
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True)
                | Q(planned_start__isnull=True)
                | Q(planned_end__gte=models.F("planned_start")),
                name="fund_project_planned_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.number}）"


class NoticeKind(models.TextChoices):
    APPROVAL = "approval", _("立项公告")
    SITE = "site", _("项目公示牌")


@tracked()
class ProjectNotice(models.Model):
    """The two public notices (F-7): at approval (county portal) and on site (a board, with photos)."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="notices"
    )
    kind = models.CharField(_("公告类型"), max_length=10, choices=NoticeKind.choices)
    posted_on = models.DateField(_("公示日期"))
    place = models.CharField(_("公示地点/网址"), max_length=300, blank=True)
    contents = models.JSONField(_("公示内容"), default=dict, help_text=_("{内容项: 文字}"))
    photo = models.FileField(
        _("公示牌照片"),
        upload_to="funds/notices/%Y/%m/",
        blank=True,
        validators=[FileExtensionValidator(PHOTO_EXTENSIONS)],
    )
    comments = models.TextField(_("群众意见及答复"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    jurisdiction_path = "project__location__code"

    class Meta:
        verbose_name = _("项目公告公示")
        verbose_name_plural = _("项目公告公示")
        ordering = ["project_id", "posted_on"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.posted_on}）"


class RequestStatus(models.TextChoices):
    REQUESTED = "requested", _("已申请")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("不予拨付")


@tracked()
class DisbursementRequest(models.Model):
    """A request for funds (请款) by the implementing unit and the county's decision on it. The
    amounts of the 532 stages and the postings are the ledger's."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="disbursement_requests"
    )
    sequence = models.PositiveSmallIntegerField(_("次序"))
    amount = models.DecimalField(_("申请金额（元）"), **MONEY, validators=[validate_non_negative])
    progress_percent = models.PositiveSmallIntegerField(
        _("申请时工程进度（%）"), default=0, validators=[MaxValueValidator(100)]
    )
    requested_on = models.DateField(_("申请日期"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.REQUESTED
    )
    decided_on = models.DateField(_("审批日期"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("不予拨付原因"), max_length=300, blank=True)
    paid_on = models.DateField(_("拨付日期"), null=True, blank=True)

    jurisdiction_path = "project__location__code"

    class Meta:
        verbose_name = _("请款")
        verbose_name_plural = _("请款")
        ordering = ["project_id", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["project", "sequence"], name="fund_request_sequence_once"),
        ]

    def __str__(self) -> str:
        return f"第{self.sequence}次请款（{self.amount} 元）"


class ReportTrigger(models.TextChoices):
    DISBURSEMENT = "disbursement", _("拨款后")
    REIMBURSEMENT = "reimbursement", _("报账后")


@tracked()
class ProgressReport(models.Model):
    """Information entered after each disbursement or reimbursement (C2-33): location, progress,
    fund use and household benefit. Due N working days after ``event_on``."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="progress_reports"
    )
    trigger = models.CharField(_("录入起因"), max_length=20, choices=ReportTrigger.choices)
    event_on = models.DateField(_("拨款/报账日期"))
    reported_on = models.DateField(_("录入日期"), null=True, blank=True, help_text=_("留空：尚未录入"))
    progress_percent = models.PositiveSmallIntegerField(
        _("工程进度（%）"), default=0, validators=[MaxValueValidator(100)]
    )
    fund_use = models.TextField(_("资金使用情况"), blank=True)
    households_benefited = models.PositiveIntegerField(_("受益农户数"), default=0)
    note = models.TextField(_("说明"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    jurisdiction_path = "project__location__code"

    class Meta:
        verbose_name = _("项目进度信息")
        verbose_name_plural = _("项目进度信息")
        ordering = ["project_id", "event_on"]

    def __str__(self) -> str:
        return f"{self.get_trigger_display()}进度信息（{self.event_on}）"


@tracked()
class Adjustment(models.Model):
    """A change to the plan (项目调整, F-5): through the original approval and filing, within
    3 months of fund release."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="adjustments"
    )
    requested_on = models.DateField(_("申请日期"))
    content = models.TextField(_("调整内容"))
    approved_on = models.DateField(_("批复日期"), null=True, blank=True)
    filed_on = models.DateField(_("备案日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    jurisdiction_path = "project__location__code"

    class Meta:
        verbose_name = _("项目调整")
        verbose_name_plural = _("项目调整")
        ordering = ["project_id", "requested_on"]

    def __str__(self) -> str:
        return f"项目调整（{self.requested_on}）"


class RectificationReason(models.TextChoices):
    BEHIND_PLAN = "behind_plan", _("项目进度滞后")
    NOT_REPORTING = "not_reporting", _("信息未录入、未报告")
    POOR_RESULTS = "poor_results", _("实施效果差")
    ADJUSTMENT_OVERDUE = "adjustment_overdue", _("项目调整超期")
    WEAK_SUPERVISION = "weak_supervision", _("监管不力")
    OTHER = "other", _("其他")


class RectificationOutcome(models.TextChoices):
    OPEN = "open", _("整改中")
    LIFTED = "lifted", _("已整改，解除")
    RECOVERED = "recovered", _("未按期整改，收回资金")


@tracked()
class RectificationOrder(models.Model):
    """限期整改 (F-5, C2-23, C2-34): stops disbursement and reimbursement until lifted."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="rectification_orders"
    )
    reason = models.CharField(_("原因"), max_length=30, choices=RectificationReason.choices)
    details = models.TextField(_("问题说明"), blank=True)
    issued_on = models.DateField(_("下达日期"))
    due_on = models.DateField(_("整改期限"), null=True, blank=True)
    outcome = models.CharField(_("结果"), max_length=10, choices=RectificationOutcome.choices, default="open")
    closed_on = models.DateField(_("解除/收回日期"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    automatic = models.BooleanField(
        _("按规则自动下达"), default=False, help_text=_("每晚按政策参数方案的整改条件自动下达")
    )
    cause_on = models.DateField(
        _("触发日期"),
        null=True,
        blank=True,
        help_text=_("自动下达时：引起整改的期限或年度（同一原因、同一日期只下达一次）"),
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    jurisdiction_path = "project__location__code"

    class Meta:
        verbose_name = _("整改通知")
        verbose_name_plural = _("整改通知")
        ordering = ["project_id", "issued_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "reason", "cause_on"],
                condition=Q(automatic=True),
                name="fund_rectification_once_per_cause",
            )
        ]

    def __str__(self) -> str:
        return f"整改通知（{self.issued_on}，{self.get_outcome_display()}）"


@tracked()
class Acceptance(models.Model):
    """One round of acceptance (F-10): the township's initial check, the request, the county's
    acceptance of the six items with a grade; a failed round is rectified and accepted again."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="acceptances"
    )
    round = models.PositiveSmallIntegerField(_("验收轮次"), default=1)
    initial_checked_on = models.DateField(_("乡镇初验日期"), null=True, blank=True)
    requested_on = models.DateField(_("申请验收日期"), null=True, blank=True)
    audit_opinion_on = models.DateField(_("竣工审计意见日期"), null=True, blank=True)
    accepted_on = models.DateField(_("县级验收日期"), null=True, blank=True)
    accepted_by = models.CharField(
        _("验收组织"), max_length=200, blank=True, help_text=_("领导小组或委托的第三方")
    )
    task_done = models.BooleanField(_("计划任务完成"), null=True)
    funds_managed = models.BooleanField(_("资金使用和管理"), null=True)
    benefits = models.BooleanField(_("综合效益"), null=True)
    archives = models.BooleanField(_("项目和财务档案"), null=True)
    notices_and_boards = models.BooleanField(_("公示和标牌"), null=True)
    maintenance = models.BooleanField(_("管护制度"), null=True)
    grade = models.CharField(_("验收等次"), max_length=10, choices=Grade.choices, blank=True)
    report = models.TextField(_("验收报告/意见"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    jurisdiction_path = "project__location__code"

    class Meta:
        verbose_name = _("项目验收")
        verbose_name_plural = _("项目验收")
        ordering = ["project_id", "round"]
        constraints = [
            models.UniqueConstraint(fields=["project", "round"], name="fund_acceptance_round_once")
        ]

    def __str__(self) -> str:
        return f"第{self.round}轮验收"


@tracked()
class Beneficiary(models.Model):
    """A beneficiary household of a project (C2-35), linked to the registry by household number."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="beneficiaries"
    )
    name = models.CharField(_("户主姓名"), max_length=50)
    id_number = models.CharField(_("证件号码"), max_length=18, blank=True)
    household_number = models.CharField(_("建档立卡户编号"), max_length=30, blank=True)
    is_poor = models.BooleanField(_("建档立卡贫困户"), default=False)

    jurisdiction_path = "project__location__code"

    class Meta:
        verbose_name = _("受益农户")
        verbose_name_plural = _("受益农户")
        ordering = ["project_id", "id"]

    def __str__(self) -> str:
        return self.name


@tracked()
class BenefitRecord(models.Model):
    """A year's benefit-linkage figures of a project (F-12): collective net income increase, the
    guaranteed dividend paid on the invested poverty funds."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="benefit_records"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    invested = models.DecimalField(_("投入扶贫资金（元）"), **MONEY, null=True, blank=True)
    dividend = models.DecimalField(_("保底分红（元）"), **MONEY, null=True, blank=True)
    collective_income_increase = models.DecimalField(
        _("村集体经济增收（元）"), **MONEY, null=True, blank=True
    )
    note = models.TextField(_("说明"), blank=True)

    jurisdiction_path = "project__location__code"

    class Meta:
        verbose_name = _("利益联结年度记录")
        verbose_name_plural = _("利益联结年度记录")
        ordering = ["project_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="fund_benefit_record_once_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.year} 年利益联结"


@tracked()
class ApplicantBar(models.Model):
    """An applicant barred from applying (F-4): the year a project was found false, forged or
    split, and the next."""

    township = models.ForeignKey(
        "accountability.AdminUnit", verbose_name=_("乡镇"), on_delete=models.PROTECT, related_name="+"
    )
    applicant = models.CharField(_("申报单位"), max_length=200)
    first_year = models.PositiveSmallIntegerField(_("起始年度"))
    last_year = models.PositiveSmallIntegerField(_("截止年度"))
    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="bars"
    )
    reason = models.CharField(_("原因"), max_length=300)

    jurisdiction_path = "township__code"

    class Meta:
        verbose_name = _("限制申报")
        verbose_name_plural = _("限制申报")
        ordering = ["-first_year"]

    def __str__(self) -> str:
        return f"{self.applicant}（{self.first_year}–{self.last_year}）"


class DocumentKind(models.TextChoices):
    """The archive checklist of seed 002 §九(五) (C2-75)."""

    ALLOCATION_NOTICE = "allocation_notice", _("省级资金分配通知")
    APPLICATION = "application", _("项目申报建议书")
    APPROVAL = "approval", _("县级立项批复")
    PLAN = "plan", _("实施方案")
    PLAN_APPROVAL = "plan_approval", _("实施方案批复")
    NOTICE_PHOTOS = "notice_photos", _("村级公示照片")
    CONTRACTS = "contracts", _("政府采购及合同")
    MIDTERM = "midterm", _("中期检查（进度表、简报、照片）")
    LEDGER = "ledger", _("项目台账及支出明细复印件")
    RESPONSIBILITY_LETTER = "responsibility_letter", _("与县扶贫办签订的实施责任书")
    ROSTER = "roster", _("受益农户花名册")
    PHOTOS = "photos", _("实施前、中、后照片")
    SETTLEMENT = "settlement", _("结算报告及工作总结")
    INITIAL_ACCEPTANCE = "initial_acceptance", _("初验报告")
    AUDIT_OPINION = "audit_opinion", _("竣工审计意见")
    ACCEPTANCE_REQUEST = "acceptance_request", _("关于申请项目验收的请示")
    ACCEPTANCE_OPINION = "acceptance_opinion", _("县级验收意见表")
    HANDOVER = "handover", _("移交清单")


@tracked()
class ArchiveDocument(models.Model):
    """A document of a project's archive (F-15): permanent; a new upload supersedes, never deletes."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(_("材料类型"), max_length=30, choices=DocumentKind.choices)
    file = models.FileField(
        _("文件"), upload_to="funds/archive/%Y/%m/", validators=[FileExtensionValidator(DOCUMENT_EXTENSIONS)]
    )
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    superseded_by = models.ForeignKey(
        "self", verbose_name=_("被替代为"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    jurisdiction_path = "project__location__code"

    class Meta:
        verbose_name = _("项目档案材料")
        verbose_name_plural = _("项目档案材料")
        ordering = ["project_id", "kind", "uploaded_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.original_name}"


# --- fund performance evaluation (F-14) -------------------------------------------------------


@tracked()
class PerformanceEvaluation(models.Model):
    """The county's evaluation of the previous year's funds: started by 31 March, finished by 30 April."""

    county = models.ForeignKey(
        "accountability.AdminUnit", verbose_name=_("县"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("资金年度"), help_text=_("被考评资金的年度（考评在次年进行）"))
    started_on = models.DateField(_("启动日期"), null=True, blank=True)
    finished_on = models.DateField(_("完成日期"), null=True, blank=True)
    published_on = models.DateField(_("结果通报日期"), null=True, blank=True)
    allocation_note = models.TextField(_("与资金分配挂钩情况"), blank=True)

    jurisdiction_path = "county__code"

    class Meta:
        verbose_name = _("资金绩效考评")
        verbose_name_plural = _("资金绩效考评")
        ordering = ["-year", "county_id"]
        constraints = [models.UniqueConstraint(fields=["county", "year"], name="fund_evaluation_once_a_year")]

    def __str__(self) -> str:
        return f"{self.year} 年度资金绩效考评"


@tracked()
class EvaluationScore(models.Model):
    """The score of one evaluated unit (project unit or competent department)."""

    evaluation = models.ForeignKey(
        PerformanceEvaluation, verbose_name=_("考评"), on_delete=models.PROTECT, related_name="scores"
    )
    unit_name = models.CharField(_("被考评单位"), max_length=200)
    department = models.BooleanField(_("主管部门"), default=False)
    scores = models.JSONField(_("各项得分"), default=dict, help_text=_("{指标代码: 得分}"))
    bonus = models.DecimalField(
        _("加分"), max_digits=6, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    deduction = models.DecimalField(
        _("扣分"), max_digits=6, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    total = models.DecimalField(_("总分"), max_digits=6, decimal_places=2, default=0)
    self_evaluation = models.FileField(
        _("自评报告"),
        upload_to="funds/evaluations/%Y/",
        blank=True,
        validators=[FileExtensionValidator(DOCUMENT_EXTENSIONS)],
    )

    jurisdiction_path = "evaluation__county__code"

    class Meta:
        verbose_name = _("绩效考评得分")
        verbose_name_plural = _("绩效考评得分")
        ordering = ["evaluation_id", "-total"]

    def __str__(self) -> str:
        return f"{self.unit_name}：{self.total}"


# --- the county's numbers (profile data, presets in funds/policy.py) --------------------------


@tracked()
class FundSettings(models.Model):
    """The fund-project numbers of a policy-profile version (seed 002's masked *** values).
    Without a row, the shipped preset (funds/policy.py FundPolicy defaults) applies."""

    profile = models.OneToOneField(
        "accountability.PolicyProfile",
        verbose_name=_("政策参数方案"),
        on_delete=models.CASCADE,
        related_name="fund_settings",
    )
    deadlines = models.JSONField(
        _("步骤时限（工作日）"),
        default=dict,
        blank=True,
        help_text=_("{步骤代码: 工作日数}，未列出的步骤用预置值"),
    )
    expert_review_threshold = models.DecimalField(_("专家评审起点（元，含）"), **MONEY, default=500000)
    completion_audit_threshold = models.DecimalField(_("竣工审计起点（元，含）"), **MONEY, default=500000)
    construction_months = models.PositiveSmallIntegerField(_("建设期上限（月）"), default=12)
    adjustment_months = models.PositiveSmallIntegerField(_("调整期限（资金下达后月数）"), default=3)
    reimbursement_days = models.PositiveSmallIntegerField(_("验收后报账期限（自然日）"), default=30)
    rectification_days = models.PositiveSmallIntegerField(_("整改期限（工作日）"), default=10)
    rectify_behind_plan_days = models.PositiveSmallIntegerField(
        _("进度滞后自动整改：超过计划完工或建设期（天）"),
        null=True,
        blank=True,
        default=30,
        help_text=_("项目未完工且超过计划完工日期或建设期满日期达到该天数时自动下达整改通知；留空不自动下达"),
    )
    rectify_not_reporting_days = models.PositiveSmallIntegerField(
        _("未报告自动整改：拨款/报账后信息逾期（工作日）"),
        null=True,
        blank=True,
        default=5,
        help_text=_("拨款或报账后的信息录入逾期达到该工作日数时自动下达整改通知；留空不自动下达"),
    )
    rectify_shortfall_years = models.PositiveSmallIntegerField(
        _("效果差自动整改：利益联结未达标年数"),
        null=True,
        blank=True,
        default=1,
        help_text=_("保底分红或村集体增收未达下限的年数达到该数时自动下达整改通知；留空不自动下达"),
    )
    min_poor_beneficiary_percent = models.DecimalField(
        _("受益户中贫困户最低比例（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    cooperative_poor_percent = models.DecimalField(
        _("合作社贫困户成员最低比例（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    collective_income_minimum = models.DecimalField(_("村集体年增收下限（元）"), **MONEY, default=50000)
    dividend_minimum_percent = models.DecimalField(
        _("保底分红下限（%）"), max_digits=5, decimal_places=2, default=5
    )
    indicators = models.JSONField(
        _("绩效考评指标"), default=list, blank=True, help_text=_("留空用预置指标表")
    )

    jurisdiction_q = staticmethod(lambda prefix: _profile_q(prefix))

    class Meta:
        verbose_name = _("扶贫项目参数")
        verbose_name_plural = _("扶贫项目参数")

    def __str__(self) -> str:
        return f"{self.profile} 扶贫项目参数"


def _profile_q(prefix: str) -> Q:
    from accountability.policy.models import governing_q

    return governing_q("profile__jurisdiction", prefix)


# The ledger's models live in funds/ledger/models.py (issue 15); imported here so that Django
# registers them with the funds app.
from funds.ledger.models import (  # noqa: E402, F401
    DisbursementPolicy,
    LedgerAccount,
    LedgerEntry,
    LedgerExport,
    LedgerLock,
    PlanBudgetLine,
)
