"""Reads of alerts and accountability cases, always within the user's jurisdiction."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from accountability.models import AccountabilityCase, AdminUnit, Alert, AlertStatus, CaseStatus, Official
from accountability.scoping import visible_to
from accountability.validators import ascii_int

OPEN_CASE_STATUSES = (CaseStatus.PROPOSED, CaseStatus.UNDER_REVIEW, CaseStatus.DECIDED, CaseStatus.EXECUTED)


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
        alerts = alerts.filter(unit__code__startswith=_prefix(filters.unit))
    if filters.status:
        alerts = alerts.filter(status=filters.status)
    return alerts.order_by("-year", "rule_code", "unit_id", "period")


def _prefix(code: str) -> str:
    unit = AdminUnit.objects.filter(code=code).first()
    return unit.prefix if unit else code


def alert_for(user, pk: int) -> Alert:
    alert = alerts_visible_to(user).filter(pk=pk).first()
    if alert is None:
        raise Http404("该预警不存在或不在您的管辖范围内")
    return alert


def cases_visible_to(user, status: str = "", unit: str = "") -> QuerySet[AccountabilityCase]:
    cases = visible_to(AccountabilityCase.objects.select_related("unit", "official", "alert"), user)
    if status == "open":
        cases = cases.filter(status__in=OPEN_CASE_STATUSES)
    elif status:
        cases = cases.filter(status=status)
    if unit:
        cases = cases.filter(unit__code__startswith=_prefix(unit))
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


def unit_panel(user, unit: AdminUnit) -> UnitPanel:
    """A unit's accountability panel: its open alerts, its cases (as a unit or of its officials)
    and the years its annual assessment is vetoed (E-12). Three queries."""
    alerts = list(
        alerts_visible_to(user).filter(unit=unit, status__in=[AlertStatus.OPEN, AlertStatus.CASE_OPENED])[:50]
    )
    cases = list(cases_visible_to(user).filter(unit=unit)[:50])
    vetoes = sorted(
        set(
            cases_visible_to(user)
            .filter(unit=unit, veto_year__isnull=False)
            .values_list("veto_year", flat=True)
        )
    )
    return UnitPanel(alerts, cases, vetoes)


def official_record(user, official: Official) -> tuple[list[Alert], list[AccountabilityCase]]:
    """An official's record: alerts that name them and cases against them (visible to the user)."""
    named = Q(official=official) | Q(targets__contains=[{"official": official.pk}])
    alerts = list(alerts_visible_to(user).filter(named)[:100])
    cases = list(cases_visible_to(user).filter(official=official)[:100])
    return alerts, cases
