"""Reads of alerts and accountability cases, always within the user's jurisdiction."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from accountability.access.scoping import visible_to
from accountability.hierarchy.selectors import unit_by_code_for
from accountability.models import (
    AccountabilityCase,
    AdminUnit,
    Alert,
    AlertStatus,
    CaseStatus,
    Consequence,
    ConsequenceKind,
    Official,
    Organisation,
)
from accountability.platform.validators import ascii_int

OPEN_CASE_STATUSES = (
    CaseStatus.PROPOSED,
    CaseStatus.UNDER_REVIEW,
    CaseStatus.DECIDED,
    CaseStatus.APPROVED,
    CaseStatus.EXECUTED,
)


@dataclass(frozen=True)
class AlertFilters:
    year: int | None = None
    rule: str = ""
    unit: str = ""
    status: str = ""

    @classmethod
    def from_params(cls, params) -> AlertFilters:
        year = params.get("year", "")
        return cls(
            year=ascii_int(year, max_digits=4),
            rule=params.get("rule", "").strip(),
            unit=params.get("unit", "").strip(),
            status=params.get("status", ""),
        )


def alerts_visible_to(user, filters: AlertFilters | None = None) -> QuerySet[Alert]:
    filters = filters or AlertFilters()
    alerts = visible_to(Alert.objects.select_related("unit", "official", "organisation"), user)
    if filters.year:
        alerts = alerts.filter(year=filters.year)
    if filters.rule:
        alerts = alerts.filter(rule_code=filters.rule)
    if filters.unit:
        alerts = alerts.filter(unit__code__startswith=_prefix(user, filters.unit))
    if filters.status:
        alerts = alerts.filter(status=filters.status)
    return alerts.order_by("-year", "rule_code", "unit_id", "period")


def _prefix(user, code: str) -> str:
    """The subtree a unit filter names: a unit the user may see, else the code itself (matching
    nothing outside the jurisdiction, as for an unknown code)."""
    unit = unit_by_code_for(user, code)
    return unit.prefix if unit else code


def alert_for(user, pk: int) -> Alert:
    alert = alerts_visible_to(user).filter(pk=pk).first()
    if alert is None:
        raise Http404("该预警不存在或不在您的管辖范围内")
    return alert


def evidence_villages_of(user, alert: Alert) -> QuerySet[AdminUnit]:
    """The villages an alert's evidence names (late poor villages), by name, within the user's view."""
    return visible_to(AdminUnit.objects.filter(code__in=alert.evidence.get("villages", [])), user).order_by(
        "code"
    )


def cases_visible_to(user, status: str = "", unit: str = "") -> QuerySet[AccountabilityCase]:
    cases = visible_to(
        AccountabilityCase.objects.select_related("unit", "official", "organisation", "alert"), user
    )
    if status == "open":
        cases = cases.filter(status__in=OPEN_CASE_STATUSES)
    elif status:
        cases = cases.filter(status=status)
    if unit:
        cases = cases.filter(unit__code__startswith=_prefix(user, unit))
    return cases.order_by("-created_at", "-pk")


def case_for(user, pk: int) -> AccountabilityCase:
    case = cases_visible_to(user).filter(pk=pk).first()
    if case is None:
        raise Http404("该案件不存在或不在您的管辖范围内")
    return case


@dataclass(frozen=True)
class UnitPanel:
    open_alerts: list[Alert]
    cases: list[AccountabilityCase]
    veto_years: list[int]
    vetoes: list[Consequence]
    organisation_consequences: list[Consequence]


def unit_panel(user, unit: AdminUnit) -> UnitPanel:
    """A unit's accountability panel: its open alerts, its cases (as a unit or of its officials), the
    years its annual assessment is vetoed (E-12) with their grounds, and the consequences on the
    helping units and departments attached to it (E-10). Four queries."""
    alerts = list(
        alerts_visible_to(user).filter(unit=unit, status__in=[AlertStatus.OPEN, AlertStatus.CASE_OPENED])[:50]
    )
    cases = list(cases_visible_to(user).filter(unit=unit)[:50])
    vetoes = list(
        visible_to(Consequence.objects.select_related("case"), user).filter(
            unit=unit, kind=ConsequenceKind.VETO, organisation=None
        )
    )
    organisation_consequences = list(
        visible_to(Consequence.objects.select_related("organisation"), user)
        .filter(organisation__unit=unit, official=None)
        .order_by("-year", "organisation__name")
    )
    veto_years = sorted(
        {c.year for c in vetoes} | {c.veto_year for c in cases if c.veto_year and not c.official_id}
    )
    return UnitPanel(alerts, cases, veto_years, vetoes, organisation_consequences)


def official_record(
    user, official: Official
) -> tuple[list[Alert], list[AccountabilityCase], list[Consequence]]:
    """An official's record: alerts that name them, cases against them and the years they lost award
    or promotion eligibility (visible to the user)."""
    named = Q(official=official) | Q(targets__contains=[{"official": official.pk}])
    alerts = list(alerts_visible_to(user).filter(named)[:100])
    cases = list(cases_visible_to(user).filter(official=official)[:100])
    lost = list(
        visible_to(Consequence.objects.select_related("unit", "organisation"), user).filter(
            official=official
        )[:100]
    )
    return alerts, cases, lost


# --- for the annual target-management assessment (not scoped: the assessment reads them all) ------


def veto_for(subject: AdminUnit | Organisation, year: int) -> Consequence | None:
    """The one-vote veto (一票否决, Art. 41) of a unit's — or a helping unit's / department's — annual
    target-management assessment for ``year``, with its ground and case; None when there is none."""
    consequences = Consequence.objects.filter(kind=ConsequenceKind.VETO, year=year)
    if isinstance(subject, Organisation):
        consequences = consequences.filter(organisation=subject)
    else:
        consequences = consequences.filter(unit=subject, organisation=None)
    return consequences.select_related("case").order_by("pk").first()


def award_ineligible_for(organisation: Organisation, year: int) -> bool:
    """E-10: a helping unit lost its annual performance-award eligibility (or was vetoed) for ``year``."""
    return Consequence.objects.filter(
        organisation=organisation,
        year=year,
        official=None,
        kind__in=[ConsequenceKind.PERFORMANCE_AWARD_INELIGIBLE, ConsequenceKind.VETO],
    ).exists()


@dataclass(frozen=True)
class Eligibility:
    award: bool  # 评优评先
    promotion: bool  # 提拔重用


def eligibility_of(official: Official, year: int) -> Eligibility:
    """Whether an official may be given awards and promoted for ``year``: lost by a veto of their unit
    (Art. 41) or by their own case's consequences (A-14: admonition, discipline …)."""
    kinds = set(Consequence.objects.filter(official=official, year=year).values_list("kind", flat=True))
    own = AccountabilityCase.objects.filter(official=official, award_ineligible_year=year).exists()
    return Eligibility(
        award=not (own or ConsequenceKind.AWARD_INELIGIBLE in kinds),
        promotion=ConsequenceKind.PROMOTION_INELIGIBLE not in kinds,
    )
