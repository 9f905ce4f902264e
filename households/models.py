"""The household registry (建档立卡): households, members, helping cadres and measures, findings."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accountability.platform.history import tracked
from accountability.platform.validators import validate_non_negative, validate_phone, validate_record_year
from accountability.policy.sources import FindingSource
from accountability.responsibility.models import Tenure
from households.procedures import Procedure


class PovertyAttribute(models.TextChoices):
    ORDINARY = "ordinary", _("一般贫困户")
    LOW_INCOME = "low_income", _("低保贫困户")
    EXTREME = "extreme", _("特困供养贫困户")


class PovertyCause(models.TextChoices):
    ILLNESS = "illness", _("因病")
    DISABILITY = "disability", _("因残")
    SCHOOLING = "schooling", _("因学")
    DISASTER = "disaster", _("因灾")
    LACK_LAND = "lack_land", _("缺土地")
    LACK_WATER = "lack_water", _("缺水")
    LACK_SKILLS = "lack_skills", _("缺技术")
    LACK_LABOUR = "lack_labour", _("缺劳力")
    LACK_CAPITAL = "lack_capital", _("缺资金")
    TRANSPORT = "transport", _("交通条件落后")
    MOTIVATION = "motivation", _("自身发展动力不足")
    OTHER = "other", _("其他")


class HouseholdStatus(models.TextChoices):
    IDENTIFYING = "identifying", _("识别中")
    NOT_EXITED = "not_exited", _("未脱贫")
    EXITING = "exiting", _("退出中")
    EXITED = "exited", _("已脱贫")
    RETURNED = "returned", _("返贫")
    REMOVED = "removed", _("已清退")
    NOT_ADMITTED = "not_admitted", _("未纳入")


#: statuses in which a household counts as registered poor and not exited
POOR_STATUSES = (HouseholdStatus.NOT_EXITED, HouseholdStatus.EXITING, HouseholdStatus.RETURNED)


@tracked()
class Household(models.Model):
    village = models.ForeignKey(
        "accountability.AdminUnit", verbose_name=_("村"), on_delete=models.PROTECT, related_name="households"
    )
    number = models.CharField(_("户编号"), max_length=30, unique=True)
    head_name = models.CharField(_("户主姓名"), max_length=50)
    attribute = models.CharField(_("贫困户属性"), max_length=20, choices=PovertyAttribute.choices)
    main_cause = models.CharField(_("主要致贫原因"), max_length=20, choices=PovertyCause.choices)
    other_causes = ArrayField(
        models.CharField(max_length=20, choices=PovertyCause.choices),
        verbose_name=_("其他致贫原因"),
        default=list,
        blank=True,
    )
    income_per_capita = models.DecimalField(
        _("人均纯收入(元)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[validate_non_negative],
    )
    income_sources = models.CharField(_("主要收入来源"), max_length=200, blank=True)
    food_clothing_secure = models.BooleanField(_("不愁吃穿"), null=True, blank=True)
    compulsory_education_secure = models.BooleanField(_("义务教育有保障"), null=True, blank=True)
    basic_medical_secure = models.BooleanField(_("基本医疗有保障"), null=True, blank=True)
    housing_safe = models.BooleanField(_("住房安全有保障"), null=True, blank=True)
    drinking_water_safe = models.BooleanField(_("饮水安全"), null=True, blank=True)
    identified_year = models.PositiveSmallIntegerField(_("识别年度"))
    status = models.CharField(_("户状态"), max_length=20, choices=HouseholdStatus.choices)
    exit_year = models.PositiveSmallIntegerField(_("脱贫年度"), null=True, blank=True)
    returned_on = models.DateField(
        _("返贫认定日期"), null=True, blank=True, help_text=_("返贫后，此前的脱贫不再有效；再次脱贫时保留")
    )
    removed_on = models.DateField(
        _("清退日期"), null=True, blank=True, help_text=_("清退当年仍计入当年在册，此后年度不计")
    )
    phone = models.CharField(_("联系电话"), max_length=20, blank=True, validators=[validate_phone])
    member_count = models.PositiveSmallIntegerField(_("家庭人口"), default=0)
    has_handbook = models.BooleanField(_("有扶贫手册"), default=False)
    has_exit_certificate = models.BooleanField(_("有脱贫光荣证"), default=False)

    jurisdiction_path = "village__code"

    class Meta:
        verbose_name = _("贫困户")
        verbose_name_plural = _("贫困户")
        ordering = ["number"]
        permissions = [
            ("propose_procedure", _("办理村级程序步骤（申请、调查、评议、评估、村级公示）")),
            ("approve_procedure", _("办理乡镇程序步骤（审核、公示）")),
            ("announce_procedure", _("办理县级程序步骤（复核、审定、公告、返贫、清退）")),
        ]
        indexes = [
            models.Index(fields=["village", "status"], name="household_village_status"),
            models.Index(fields=["status", "attribute"], name="household_status_attribute"),
            models.Index(fields=["main_cause"], name="household_main_cause"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(exit_year__isnull=True) | Q(exit_year__gte=models.F("identified_year")),
                name="household_exit_after_identification",
            )
        ]

    def __str__(self) -> str:
        return f"{self.head_name}（{self.number}）"


class Relation(models.TextChoices):
    HEAD = "head", _("户主")
    SPOUSE = "spouse", _("配偶")
    SON = "son", _("之子")
    DAUGHTER = "daughter", _("之女")
    DAUGHTER_IN_LAW = "daughter_in_law", _("之儿媳")
    SON_IN_LAW = "son_in_law", _("之女婿")
    GRANDSON = "grandson", _("之孙子")
    GRANDDAUGHTER = "granddaughter", _("之孙女")
    FATHER = "father", _("之父")
    MOTHER = "mother", _("之母")
    SIBLING = "sibling", _("兄弟姐妹")
    OTHER = "other", _("其他")


class Sex(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class Health(models.TextChoices):
    HEALTHY = "healthy", _("健康")
    CHRONIC = "chronic", _("长期慢性病")
    SERIOUS = "serious", _("患有大病")
    DISABLED = "disabled", _("残疾")


class LabourSkill(models.TextChoices):
    ORDINARY = "ordinary", _("普通劳动力")
    SKILLED = "skilled", _("技能劳动力")
    LOST = "lost", _("丧失劳动力")
    NONE = "none", _("无劳动力")


@tracked()
class Member(models.Model):
    household = models.ForeignKey(
        Household, verbose_name=_("户"), on_delete=models.CASCADE, related_name="members"
    )
    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(_("证件号码"), max_length=18)
    relation = models.CharField(_("与户主关系"), max_length=20, choices=Relation.choices)
    sex = models.CharField(_("性别"), max_length=10, choices=Sex.choices)
    ethnicity = models.CharField(_("民族"), max_length=20, blank=True)
    education = models.CharField(_("文化程度"), max_length=30, blank=True)
    schooling = models.CharField(_("在校生状况"), max_length=30, blank=True)
    health = models.CharField(_("健康状况"), max_length=20, choices=Health.choices, blank=True)
    labour_skill = models.CharField(_("劳动技能"), max_length=20, choices=LabourSkill.choices, blank=True)
    employment = models.CharField(_("务工状况"), max_length=50, blank=True)
    active = models.BooleanField(_("在户"), default=True)
    left_reason = models.CharField(_("减少原因"), max_length=50, blank=True)
    left_date = models.DateField(_("减少日期"), null=True, blank=True)

    jurisdiction_path = "household__village__code"

    class Meta:
        verbose_name = _("家庭成员")
        verbose_name_plural = _("家庭成员")
        ordering = ["household_id", "pk"]
        # lookups by ID number are of active members: the partial unique index below serves them
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"],
                condition=Q(active=True),
                name="member_active_id_number_unique",
                violation_error_message=_("同一证件号码不能同时是两户的在户成员"),
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(active=True, relation="head"),
                name="member_one_head",
                violation_error_message=_("每户只能有一名户主"),
            ),
            models.CheckConstraint(
                condition=Q(id_number__regex=r"^[0-9]{17}[0-9X]$"), name="member_id_format"
            ),
        ]

    def __str__(self) -> str:
        return self.name


@tracked()
class HelpingCadrePairing(Tenure):
    """A helping cadre (帮扶责任人) paired with a household (干部包户) for a period."""

    official = models.ForeignKey(
        "accountability.Official",
        verbose_name=_("帮扶责任人"),
        on_delete=models.PROTECT,
        related_name="household_pairings",
    )
    household = models.ForeignKey(
        Household, verbose_name=_("户"), on_delete=models.CASCADE, related_name="cadre_pairings"
    )

    jurisdiction_path = "household__village__code"

    class Meta(Tenure.Meta):
        verbose_name = _("干部包户")
        verbose_name_plural = _("干部包户")
        ordering = ["household_id", "-valid_from"]
        constraints = [
            *Tenure.Meta.constraints,
            models.UniqueConstraint(
                fields=["official", "household", "valid_from"], name="cadre_pairing_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.official} → {self.household}"


class MeasureKind(models.TextChoices):
    INDUSTRY = "industry", _("产业帮扶")
    EMPLOYMENT = "employment", _("就业帮扶")
    EDUCATION = "education", _("教育帮扶")
    HEALTH = "health", _("健康帮扶")
    HOUSING = "housing", _("住房保障")
    SOCIAL_SECURITY = "social_security", _("社会保障兜底")
    FINANCE = "finance", _("金融帮扶")
    OTHER = "other", _("其他")


@tracked()
class HelpingMeasure(models.Model):
    household = models.ForeignKey(
        Household, verbose_name=_("户"), on_delete=models.CASCADE, related_name="measures"
    )
    kind = models.CharField(_("帮扶措施类别"), max_length=20, choices=MeasureKind.choices)
    description = models.CharField(_("措施内容"), max_length=300)
    year = models.PositiveSmallIntegerField(_("年度"), validators=[validate_record_year])

    jurisdiction_path = "household__village__code"

    class Meta:
        verbose_name = _("帮扶措施")
        verbose_name_plural = _("帮扶措施")
        ordering = ["household_id", "-year", "kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.description}"


class FindingKind(models.TextChoices):
    MISIDENTIFIED = "misidentified", _("识别不精准")
    WRONG_EXIT = "wrong_exit", _("退出不精准")
    OMISSION = "omission", _("漏评")
    OTHER = "other", _("其他")


class FindingStatus(models.TextChoices):
    PENDING = "pending", _("待核实")
    CONFIRMED = "confirmed", _("已确认")
    EXCLUDED = "excluded", _("已排除")


@tracked()
class VerificationFinding(models.Model):
    """A verification result (核查结果) about a household, or about an omitted family (漏评).

    Only confirmed findings count in the accountability rules.
    """

    village = models.ForeignKey(
        "accountability.AdminUnit", verbose_name=_("村"), on_delete=models.PROTECT, related_name="findings"
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="findings",
    )
    family_name = models.CharField(_("漏评户户主姓名"), max_length=50, blank=True)
    family_id_number = models.CharField(_("漏评户户主证件号码"), max_length=18, blank=True)
    kind = models.CharField(_("核查结论"), max_length=20, choices=FindingKind.choices)
    source = models.CharField(_("发现来源"), max_length=30, choices=FindingSource.choices)
    found_date = models.DateField(_("发现日期"))
    assessment_year = models.PositiveSmallIntegerField(_("考核年度"))
    persons_affected = models.PositiveSmallIntegerField(_("涉及人数"))
    status = models.CharField(
        _("状态"), max_length=20, choices=FindingStatus.choices, default=FindingStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("认定人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("认定时间"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    #: a cross-register suspicion is recorded once per household and register (re-runs do not duplicate)
    suspicion_key = models.CharField(max_length=80, null=True, blank=True, unique=True, editable=False)

    jurisdiction_path = "village__code"

    class Meta:
        verbose_name = _("核查结果")
        verbose_name_plural = _("核查结果")
        ordering = ["-found_date", "pk"]
        indexes = [
            models.Index(fields=["assessment_year", "kind", "status"], name="finding_year_kind_status")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(household__isnull=False) | Q(kind="omission"),
                name="finding_household_unless_omission",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.household or self.family_name}"


class RegisterType(models.TextChoices):
    VEHICLE = "vehicle", _("车辆")
    PROPERTY = "property", _("房产")
    PAYROLL = "payroll", _("财政供养")
    BUSINESS = "business", _("工商")


@tracked()
class RegisterEntry(models.Model):
    """A row of another register (车辆、房产、财政供养、工商) to compare with the registry (E-11)."""

    register_type = models.CharField(_("名单类型"), max_length=20, choices=RegisterType.choices)
    id_number = models.CharField(_("证件号码"), max_length=18)
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    detail = models.CharField(_("明细"), max_length=300, blank=True)
    jurisdiction = models.ForeignKey(
        "accountability.AdminUnit",
        verbose_name=_("导入范围"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("导入者的管辖范围：名单只在该范围内比对和查看"),
    )

    jurisdiction_path = "jurisdiction__code"

    class Meta:
        verbose_name = _("比对名单")
        verbose_name_plural = _("比对名单")
        ordering = ["register_type", "id_number"]
        indexes = [models.Index(fields=["id_number"], name="register_entry_id_number")]
        constraints = [
            models.UniqueConstraint(
                fields=["register_type", "id_number", "detail"], name="register_entry_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_register_type_display()} {self.name}"


@tracked()
class ProcedureStep(models.Model):
    """One step of an official procedure taken for a household: the domain event with its actor,
    date, documents and reason; a notice step also records its period and any objection."""

    household = models.ForeignKey(
        Household, verbose_name=_("户"), on_delete=models.CASCADE, related_name="steps"
    )
    procedure = models.CharField(_("程序"), max_length=20, choices=Procedure.choices)
    run = models.PositiveIntegerField(_("第几次办理"), default=1)
    step = models.CharField(_("步骤"), max_length=40)
    on = models.DateField(_("办理日期"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("经办人"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("理由/意见"), blank=True)
    documents = models.TextField(_("材料"), blank=True)
    notice_until = models.DateField(_("公示截止日期"), null=True, blank=True)
    objection = models.TextField(_("异议内容"), blank=True)
    objection_open = models.BooleanField(_("异议待处理"), default=False)
    objection_resolution = models.TextField(_("异议处理结果"), blank=True)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    jurisdiction_path = "household__village__code"

    class Meta:
        verbose_name = _("程序步骤")
        verbose_name_plural = _("程序步骤")
        ordering = ["household_id", "on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "procedure", "run", "step"], name="procedure_step_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.household} · {self.procedure}.{self.step}"
