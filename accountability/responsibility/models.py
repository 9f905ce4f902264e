"""Who is responsible: organisations, officials, their posts over time, helping-unit pairings."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeOperators
from django.db import models
from django.db.models import Exists, F, Func, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from accountability.hierarchy.models import within_code
from accountability.platform.history import tracked
from accountability.platform.validators import validate_mobile
from accountability.responsibility.posts import POSTS, SINGLE_HOLDER_POSTS, Post, ResponsibilityKind


class DateRange(Func):
    """daterange(valid_from, valid_to, '[]'): a tenure with both ends inclusive, open when NULL."""

    function = "DATERANGE"
    output_field = DateRangeField()


class OrganisationKind(models.TextChoices):
    PARTY_COMMITTEE = "party_committee", _("党委")
    GOVERNMENT = "government", _("政府")
    DEPARTMENT = "department", _("部门")
    HELPING_UNIT = "helping_unit", _("包保单位")
    VILLAGE_COMMITTEES = "village_committees", _("村两委")


class Department(models.TextChoices):
    POVERTY_OFFICE = "poverty_office", _("扶贫办")
    FINANCE = "finance", _("财政局")
    AUDIT = "audit", _("审计局")
    DISCIPLINE = "discipline", _("纪委监委")
    ORGANISATION = "organisation", _("组织部")
    OTHER = "other", _("其他部门")


@tracked()
class Organisation(models.Model):
    """A unit of work (单位) attached to a place in the hierarchy."""

    name = models.CharField(_("单位名称"), max_length=100)
    kind = models.CharField(_("单位类型"), max_length=20, choices=OrganisationKind.choices)
    department = models.CharField(_("部门类别"), max_length=20, choices=Department.choices, blank=True)
    unit = models.ForeignKey(
        "accountability.AdminUnit",
        verbose_name=_("所属行政区划"),
        on_delete=models.PROTECT,
        related_name="organisations",
    )

    jurisdiction_path = "unit__code"

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["unit_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="organisation_unique_name_per_unit")
        ]

    def __str__(self) -> str:
        return self.name


class CadreLevel(models.TextChoices):
    """Cadre-management level (干部管理权限): who may decide accountability cases (A-13)."""

    CITY_MANAGED = "city_managed", _("市管干部")
    COUNTY_MANAGED = "county_managed", _("县管干部")
    TOWNSHIP_MANAGED = "township_managed", _("乡镇管理干部")
    VILLAGE = "village", _("村干部")


@tracked()
class Official(models.Model):
    """A cadre (干部) who may hold responsibility posts."""

    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(_("证件号码"), max_length=18, unique=True)
    mobile = models.CharField(_("手机号码"), max_length=20, blank=True, validators=[validate_mobile])
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="officials"
    )
    title = models.CharField(_("职务"), max_length=100, blank=True)
    cadre_level = models.CharField(
        _("干部管理权限"), max_length=20, choices=CadreLevel.choices, default=CadreLevel.TOWNSHIP_MANAGED
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="official",
    )

    class Meta:
        verbose_name = _("干部")
        verbose_name_plural = _("干部")
        ordering = ["name", "pk"]
        permissions = [("view_personal_data", _("可查看完整的证件号码、手机号码等个人信息"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(id_number__regex=r"^[0-9]{17}[0-9X]$"), name="official_id_number_format"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def jurisdiction_q(prefix: str) -> Q:
        """An official belongs where the organisation is, and is seen wherever they hold a post."""
        posts_here = ResponsibilityAssignment.objects.filter(
            official=OuterRef("pk"), **{"scope_unit__code__startswith": prefix}
        )
        return within_code("organisation__unit__code", prefix) | Q(Exists(posts_here))


class TenureQuerySet(models.QuerySet):
    def active_on(self, day) -> TenureQuerySet:
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day), valid_from__lte=day)

    def overlapping(self, start, end) -> TenureQuerySet:
        """Rows that were in force on at least one day of [start, end]."""
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start), valid_from__lte=end)


class Tenure(models.Model):
    """Something in force from ``valid_from`` to ``valid_to``, both days inclusive; open when empty."""

    valid_from = models.DateField(_("起始日期"))
    valid_to = models.DateField(_("终止日期"), null=True, blank=True)

    objects = TenureQuerySet.as_manager()

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="%(app_label)s_%(class)s_valid_to_after_from",
            )
        ]

    def in_force_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)


@tracked()
class ResponsibilityAssignment(Tenure):
    """An official holding a post for a unit from ``valid_from`` to ``valid_to`` (both inclusive)."""

    official = models.ForeignKey(
        Official, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="assignments"
    )
    scope_unit = models.ForeignKey(
        "accountability.AdminUnit",
        verbose_name=_("责任范围"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    post = models.CharField(_("岗位"), max_length=40, choices=Post.choices)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    jurisdiction_path = "scope_unit__code"

    class Meta(Tenure.Meta):
        verbose_name = _("责任分工")
        verbose_name_plural = _("责任分工")
        ordering = ["scope_unit_id", "post", "-valid_from"]
        indexes = [
            models.Index(fields=["post", "scope_unit", "valid_from"], name="assignment_post_unit_from")
        ]
        constraints = [
            *Tenure.Meta.constraints,
            models.UniqueConstraint(
                fields=["official", "scope_unit", "post", "valid_from"], name="assignment_unique_start"
            ),
            ExclusionConstraint(
                name="assignment_single_holder_no_overlap",
                expressions=[
                    ("scope_unit", RangeOperators.EQUAL),
                    ("post", RangeOperators.EQUAL),
                    (DateRange("valid_from", "valid_to", models.Value("[]")), RangeOperators.OVERLAPS),
                ],
                condition=Q(post__in=SINGLE_HOLDER_POSTS),
                violation_error_message=_("该岗位同一时间只能由一人担任，任期与现有任职重叠"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.official} · {self.get_post_display()} · {self.scope_unit_id}"

    @property
    def responsibility_label(self) -> str:
        spec = POSTS[Post(self.post)]
        label = str(ResponsibilityKind(spec.kind).label)
        return (
            f"{label}（{ResponsibilityKind.JOINT.label}）"
            if spec.joint_liability and spec.kind != "joint"
            else label
        )


@tracked()
class HelpingUnitPairing(Tenure):
    """A helping unit (包保单位) assigned to a village (单位包村) for a period."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("包保单位"), on_delete=models.PROTECT, related_name="village_pairings"
    )
    village = models.ForeignKey(
        "accountability.AdminUnit",
        verbose_name=_("村"),
        on_delete=models.PROTECT,
        related_name="helping_pairings",
    )
    jurisdiction_path = "village__code"

    class Meta(Tenure.Meta):
        verbose_name = _("单位包村")
        verbose_name_plural = _("单位包村")
        ordering = ["village_id", "-valid_from"]
        constraints = [
            *Tenure.Meta.constraints,
            models.UniqueConstraint(
                fields=["organisation", "village", "valid_from"], name="pairing_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.village_id}"
