"""The fund ledger (资金台账): accounts, immutable posted entries in a hash chain, period locks,
the staged-disbursement profile numbers and the auditors' exports.

Posted entries are never updated or deleted — database triggers refuse UPDATE and DELETE
(migration 0004_ledger) and TRUNCATE (0007_ledger_plan_lines) — and a correction is a reversing
entry that names the original (docs/decisions/0022-fund-ledger.md).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accountability.platform.history import tracked
from funds.ledger import rules
from funds.models import FundLevel

MONEY = {"max_digits": 16, "decimal_places": 2}


class AccountKind(models.TextChoices):
    ALLOCATION = "allocation", _("资金来源指标")
    PROJECT = "project", _("项目专账")


class Stage(models.TextChoices):
    FIRST = rules.FIRST, _("首期")
    SECOND = rules.SECOND, _("二期")
    FINAL = rules.FINAL, _("尾款")


class RosterKind(models.TextChoices):
    HOUSEHOLD_SUBSIDY = "household_subsidy", _("直接补助到户")
    TRAINING_ALLOWANCE = "training_allowance", _("培训项目务工补助")
    TECHNICIAN_ALLOWANCE = "technician_allowance", _("工程类项目技工补助")


class EntryKind(models.TextChoices):
    ALLOCATION = "allocation", _("资金下达")
    RELEASE = "release", _("下达到项目")
    DISBURSEMENT = "disbursement", _("项目拨付")
    REIMBURSEMENT = "reimbursement", _("报账")
    DEPOSIT_WITHHELD = "deposit_withheld", _("质保金扣留")
    DEPOSIT_RETURNED = "deposit_returned", _("质保金退还")
    RECOVERY = "recovery", _("收回")
    REALLOCATION = "reallocation", _("收回资金再安排")
    INTEREST = "interest", _("利息收入")
    CORRECTION = "correction", _("更正（红字冲销）")


@tracked()
class DisbursementPolicy(models.Model):
    """The staged-disbursement numbers of one policy-profile version (seed 002 §六(二), §三(七)).
    A profile without a row uses the shipped county preset (rules.StagePolicy)."""

    profile = models.OneToOneField(
        "accountability.PolicyProfile",
        verbose_name=_("政策方案"),
        on_delete=models.CASCADE,
        related_name="disbursement_policy",
    )
    first_percent = models.DecimalField(
        _("首期比例（%）"), max_digits=5, decimal_places=2, default=Decimal(50)
    )
    second_percent = models.DecimalField(
        _("二期比例（%）"), max_digits=5, decimal_places=2, default=Decimal(30)
    )
    second_completion_percent = models.DecimalField(
        _("二期所需工程完成量（%）"), max_digits=5, decimal_places=2, default=Decimal(60)
    )
    deposit_max_percent = models.DecimalField(
        _("质量保证金比例上限（%）"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(10),
        validators=[MinValueValidator(Decimal(5)), MaxValueValidator(Decimal(100))],
    )
    deposit_default_percent = models.DecimalField(
        _("质量保证金默认比例（%）"), max_digits=5, decimal_places=2, default=Decimal(5)
    )
    warranty_months = models.PositiveSmallIntegerField(_("质保期（月）"), default=12)

    class Meta:
        verbose_name = _("分期拨付与质量保证金设置")
        verbose_name_plural = _("分期拨付与质量保证金设置")
        constraints = [
            models.CheckConstraint(
                condition=Q(first_percent__gt=0)
                & Q(second_percent__gte=0)
                & Q(deposit_default_percent__gte=5)
                & Q(deposit_default_percent__lte=models.F("deposit_max_percent")),
                name="disbursement_policy_sane",
            )
        ]

    def __str__(self) -> str:
        return f"{self.profile}：{self.first_percent}/{self.second_percent}"

    @staticmethod
    def jurisdiction_q(prefix: str) -> Q:
        """The versions governing the area: its own, its ancestors' and the default."""
        from accountability.policy.models import governing_q

        return governing_q("profile__jurisdiction", prefix)

    def as_rules(self) -> rules.StagePolicy:
        return rules.StagePolicy(
            first_percent=self.first_percent,
            second_percent=self.second_percent,
            second_completion_percent=self.second_completion_percent,
            deposit_max_percent=self.deposit_max_percent,
            deposit_default_percent=self.deposit_default_percent,
            warranty_months=self.warranty_months,
        )


@tracked()
class LedgerAccount(models.Model):
    """An account of the ledger: a fund-source allocation of a county (中央/省级/市级/县级, with its
    document), or the special account of one project (专账核算、封闭运行, F-13)."""

    kind = models.CharField(_("账户类型"), max_length=12, choices=AccountKind.choices)
    county = models.ForeignKey(
        "accountability.AdminUnit", verbose_name=_("县(区)"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "accountability.AdminUnit",
        verbose_name=_("所属单位"),
        on_delete=models.PROTECT,
        related_name="ledger_accounts",
        help_text=_("资金来源：县；项目专账：项目实施地点"),
    )
    project = models.OneToOneField(
        "funds.Project",
        verbose_name=_("项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_account",
    )
    name = models.CharField(_("账户名称"), max_length=200)
    year = models.PositiveSmallIntegerField(_("资金年度"))
    fund_level = models.CharField(_("资金级次"), max_length=12, choices=FundLevel.choices, blank=True)
    document_number = models.CharField(_("资金来源文号"), max_length=100, blank=True)
    document_date = models.DateField(_("文件日期"), null=True, blank=True)
    deposit_percent = models.DecimalField(
        _("质量保证金比例（%）"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("产业、基础设施项目 5% 至方案上限；其他项目不扣留"),
    )
    subsidy = models.DecimalField(_("财政补助资金（元）"), **MONEY, null=True, blank=True)
    # the chain's head and the running figures, moved only by the posting service under a row lock
    entry_count = models.PositiveIntegerField(_("分录数"), default=0)
    head_hash = models.CharField(_("链头哈希"), max_length=64, default=rules.GENESIS)
    balance = models.DecimalField(_("余额（元）"), **MONEY, default=Decimal("0.00"))
    deposit_held = models.DecimalField(_("扣留中的质量保证金（元）"), **MONEY, default=Decimal("0.00"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("开设人"), on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("开设时间"), auto_now_add=True)

    jurisdiction_path = "unit__code"

    class Meta:
        verbose_name = _("资金账户")
        verbose_name_plural = _("资金账户")
        ordering = ["county_id", "kind", "year", "document_number", "name"]
        permissions = [
            ("post_ledgerentry", _("记账（资金下达、拨付、报账、更正）")),
            ("close_ledgerperiod", _("结账（锁定会计期间）")),
            ("export_ledger", _("导出资金台账")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(balance__gte=0), name="ledgeraccount_balance_not_negative"),
            models.CheckConstraint(
                condition=Q(deposit_held__gte=0) & Q(deposit_held__lte=models.F("balance")),
                name="ledgeraccount_deposit_within_balance",
            ),
            models.CheckConstraint(
                condition=(Q(kind=AccountKind.PROJECT) & Q(project__isnull=False) & Q(subsidy__gt=0))
                | (
                    Q(kind=AccountKind.ALLOCATION)
                    & Q(project__isnull=True)
                    & ~Q(document_number="")
                    & ~Q(fund_level="")
                ),
                name="ledgeraccount_kind_fields",
            ),
            models.UniqueConstraint(
                fields=["county", "document_number", "fund_level"],
                condition=Q(kind=AccountKind.ALLOCATION),
                name="ledgeraccount_one_allocation_per_document",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def available(self) -> Decimal:
        """What may still be paid out: the balance less the deposit held."""
        return self.balance - self.deposit_held


class LedgerEntry(models.Model):
    """A posted entry (分录). Immutable: the database refuses UPDATE, DELETE and TRUNCATE of its rows.

    ``amount`` is the figure on the voucher (positive); ``delta`` its effect on the account's
    balance (a deposit withheld or a reimbursement moves none: they say what the money is, not
    where it went). ``prev_hash``/``hash`` chain the account's entries in ``sequence`` order."""

    account = models.ForeignKey(
        LedgerAccount, verbose_name=_("账户"), on_delete=models.PROTECT, related_name="entries"
    )
    sequence = models.PositiveIntegerField(_("序号"))
    batch = models.UUIDField(_("记账批次"), help_text=_("同一笔业务的各条分录（如下达到项目的两端）"))
    voucher_number = models.CharField(_("凭证号"), max_length=50)
    date = models.DateField(_("日期"))
    kind = models.CharField(_("业务类型"), max_length=20, choices=EntryKind.choices)
    stage = models.CharField(_("拨付阶段"), max_length=10, choices=Stage.choices, blank=True)
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    delta = models.DecimalField(_("余额变动（元）"), **MONEY)
    balance_after = models.DecimalField(_("余额（元）"), **MONEY)
    counterpart = models.CharField(_("对方单位/收款人"), max_length=200, blank=True)
    counterpart_id_number = models.CharField(_("收款人证件号码"), max_length=18, blank=True)
    budget_line = models.CharField(_("预算科目"), max_length=200, blank=True)
    invoice_number = models.CharField(_("发票号码"), max_length=100, blank=True)
    roster_kind = models.CharField(_("按名册报账"), max_length=30, choices=RosterKind.choices, blank=True)
    summary = models.CharField(_("摘要"), max_length=500, blank=True)
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("冲销的分录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    corrects_kind = models.CharField(
        _("冲销的业务类型"), max_length=20, choices=EntryKind.choices, blank=True, editable=False
    )
    source_account = models.ForeignKey(
        LedgerAccount,
        verbose_name=_("资金来源"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("项目专账分录所用的资金来源指标"),
    )
    warnings = models.JSONField(_("提示"), default=list, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记账人"), on_delete=models.PROTECT, related_name="+"
    )
    posted_at = models.DateTimeField(_("记账时间"))
    prev_hash = models.CharField(_("前一哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64, unique=True)

    jurisdiction_path = "account__unit__code"

    class Meta:
        verbose_name = _("资金分录")
        verbose_name_plural = _("资金分录")
        ordering = ["account_id", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["account", "sequence"], name="ledgerentry_sequence_per_account"),
            models.UniqueConstraint(
                fields=["account", "voucher_number", "kind"], name="ledgerentry_voucher_once_per_account"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledgerentry_amount_positive"),
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="ledgerentry_balance_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(stage="") | Q(kind=EntryKind.DISBURSEMENT) | Q(kind=EntryKind.CORRECTION),
                name="ledgerentry_stage_only_on_disbursement",
            ),
            models.CheckConstraint(
                condition=(Q(kind=EntryKind.CORRECTION) & Q(reverses__isnull=False) & ~Q(corrects_kind=""))
                | (~Q(kind=EntryKind.CORRECTION) & Q(reverses__isnull=True) & Q(corrects_kind="")),
                name="ledgerentry_correction_reverses",
            ),
        ]
        indexes = [
            models.Index(fields=["date"], name="ledgerentry_date"),
            models.Index(fields=["account", "kind"], name="ledgerentry_account_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.voucher_number} {self.get_kind_display()} {self.amount}"

    def chained_values(self) -> dict:
        return {
            "account": self.account_id,
            "sequence": self.sequence,
            "batch": str(self.batch),
            "voucher_number": self.voucher_number,
            "date": self.date,
            "kind": self.kind,
            "stage": self.stage,
            "amount": self.amount,
            "delta": self.delta,
            "balance_after": self.balance_after,
            "counterpart": self.counterpart,
            "counterpart_id_number": self.counterpart_id_number,
            "budget_line": self.budget_line,
            "invoice_number": self.invoice_number,
            "roster_kind": self.roster_kind,
            "summary": self.summary,
            "reverses": self.reverses_id,
            "source_account": self.source_account_id,
            "warnings": list(self.warnings or []),
            "posted_by": self.posted_by_id,
            "posted_at": self.posted_at,
        }


@tracked()
class PlanBudgetLine(models.Model):
    """A budget line of a project's implementation plan (实施方案预算科目, F-11): entered with the plan,
    summing to the subsidy; a reimbursement names one and never exceeds what is left of it. The
    category (the city-wide 预算科目 reference) says whether it is paid on a roster (no invoice)."""

    project = models.ForeignKey(
        "funds.Project", verbose_name=_("项目"), on_delete=models.PROTECT, related_name="plan_budget_lines"
    )
    name = models.CharField(_("预算科目"), max_length=100)
    category = models.ForeignKey(
        "funds.BudgetLine",
        verbose_name=_("科目类别"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_lines",
    )
    amount = models.DecimalField(_("预算金额（元）"), **MONEY)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    jurisdiction_path = "project__location__code"

    class Meta:
        verbose_name = _("实施方案预算科目")
        verbose_name_plural = _("实施方案预算科目")
        ordering = ["project_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="planbudgetline_name_once_per_project"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="planbudgetline_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.amount}"

    @property
    def roster_payment(self) -> bool:
        return bool(self.category_id and self.category.roster_payment)


@tracked()
class LedgerLock(models.Model):
    """A county's lock date (like Odoo's): entries dated on or before it are refused."""

    county = models.OneToOneField(
        "accountability.AdminUnit",
        verbose_name=_("县(区)"),
        on_delete=models.PROTECT,
        related_name="ledger_lock",
    )
    locked_through = models.DateField(_("已结账至"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("结账人"), on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("结账时间"), auto_now=True)
    reason = models.CharField(_("说明"), max_length=200, blank=True)

    jurisdiction_path = "county__code"

    class Meta:
        verbose_name = _("结账（期间锁定）")
        verbose_name_plural = _("结账（期间锁定）")

    def __str__(self) -> str:
        return f"{self.county} {self.locked_through}"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class LedgerExport(models.Model):
    """One export of the ledger: who, which filters, how many rows, the file's SHA-256; large
    exports are written by a Celery task that reports its progress here."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导出人"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "accountability.AdminUnit",
        verbose_name=_("导出人辖区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("导出时间"), auto_now_add=True)
    filters = models.JSONField(_("筛选条件"), default=dict, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("分录总数"), default=0)
    row_count = models.PositiveIntegerField(_("已写入行数"), default=0)
    masked = models.BooleanField(_("个人信息已脱敏"), default=True)
    sha256 = models.CharField(_("文件 SHA-256"), max_length=64, blank=True)
    file = models.FileField(_("文件"), upload_to="ledger_exports/%Y/%m/", blank=True)
    message = models.CharField(_("说明"), max_length=300, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    jurisdiction_path = "unit__code"

    class Meta:
        verbose_name = _("资金台账导出")
        verbose_name_plural = _("资金台账导出")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.created_at:%Y-%m-%d %H:%M}"
