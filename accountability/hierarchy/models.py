from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accountability.platform.history import tracked


class AdminLevel(models.TextChoices):
    CITY = "city", _("市")
    COUNTY = "county", _("县(区)")
    TOWNSHIP = "township", _("乡镇")
    VILLAGE = "village", _("村")


#: How many leading digits of the 12-digit statistical code identify a unit of each level.
SIGNIFICANT_DIGITS = {
    AdminLevel.CITY: 4,
    AdminLevel.COUNTY: 6,
    AdminLevel.TOWNSHIP: 9,
    AdminLevel.VILLAGE: 12,
}
LEVEL_ORDER = [AdminLevel.CITY, AdminLevel.COUNTY, AdminLevel.TOWNSHIP, AdminLevel.VILLAGE]
CODE_LENGTH = 12


def code_prefix(code: str, level: str) -> str:
    return code[: SIGNIFICANT_DIGITS[AdminLevel(level)]]


def within_code(field: str, prefix: str) -> Q:
    """Rows whose 12-digit unit code ``field`` lies in the subtree identified by ``prefix``."""
    return Q(**{f"{field}__startswith": prefix})


class AdminUnitQuerySet(models.QuerySet):
    def within(self, unit: AdminUnit) -> AdminUnitQuerySet:
        """The unit and all its descendants (a prefix query on the code)."""
        return self.filter(within_code("code", unit.prefix))

    def villages(self) -> AdminUnitQuerySet:
        return self.filter(level=AdminLevel.VILLAGE)


@tracked()
class AdminUnit(models.Model):
    """A unit of the four-level hierarchy, identified by its 12-digit statistical division code."""

    code = models.CharField(_("行政区划代码"), max_length=CODE_LENGTH, primary_key=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=10, choices=AdminLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_poor_village = models.BooleanField(_("是否贫困村"), default=False)
    planned_exit_year = models.PositiveSmallIntegerField(_("计划出列年度"), null=True, blank=True)
    exit_year = models.PositiveSmallIntegerField(_("出列年度"), null=True, blank=True)
    groups_remediated_on = models.DateField(
        _("重度贫困村小组村庄整治建设全部完成日期"),
        null=True,
        blank=True,
        help_text=_("贫困村出列标准之二（004 篇3）；未记录视为未完成"),
    )
    rural_population = models.PositiveIntegerField(
        _("农村户籍人口"),
        null=True,
        blank=True,
        help_text=_("村级填写；乡镇、县区按所辖村汇总。贫困发生率的分母（S-6）。"),
    )

    objects = AdminUnitQuerySet.as_manager()
    jurisdiction_path = "code"

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]
        # Prefix (descendant) queries use the varchar_pattern_ops index that Django creates for a
        # CharField primary key (and for every foreign key to it): see docs/decisions/0003.
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[0-9]{12}$"), name="adminunit_code_12_digits"),
            models.CheckConstraint(
                condition=Q(level=AdminLevel.VILLAGE)
                | Q(is_poor_village=False, planned_exit_year=None, exit_year=None),
                name="adminunit_poor_village_fields_only_on_villages",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def prefix(self) -> str:
        return code_prefix(self.code, self.level)

    @property
    def depth(self) -> int:
        return LEVEL_ORDER.index(AdminLevel(self.level))

    def ancestor_codes(self) -> list[str]:
        """Codes of the ancestors, top down (derived from the code: no query)."""
        codes = []
        for level in LEVEL_ORDER[: self.depth]:
            prefix = code_prefix(self.code, level)
            codes.append(prefix.ljust(CODE_LENGTH, "0"))
        return codes

    def contains(self, code: str) -> bool:
        return code.startswith(self.prefix)
