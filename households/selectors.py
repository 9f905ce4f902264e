"""Reads of the registry, always within the user's jurisdiction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accountability.models import AdminUnit
from accountability.scoping import visible_to
from households.models import (
    HelpingCadrePairing,
    HelpingMeasure,
    Household,
    Member,
    ProcedureStep,
    VerificationFinding,
)
from households.procedures import Procedure, step_of
from households.rules import missing_four_haves


@dataclass(frozen=True)
class HouseholdFilters:
    village: str = ""
    status: str = ""
    attribute: str = ""
    cause: str = ""
    cadre: int | None = None
    missing_four_haves: bool = False
    q: str = ""

    @classmethod
    def from_params(cls, params) -> HouseholdFilters:
        """The list filters from a query string (page and API share them)."""
        cadre = params.get("cadre", "")
        return cls(
            village=params.get("village", "").strip(),
            status=params.get("status", ""),
            attribute=params.get("attribute", ""),
            cause=params.get("cause", ""),
            cadre=int(cadre) if cadre.isdigit() else None,
            missing_four_haves=params.get("missing") == "1",
            q=params.get("q", ""),
        )


def with_four_haves(households: QuerySet[Household], on: dt.date) -> QuerySet[Household]:
    """Annotate has_contact and has_measures (H-4) without a query per row."""
    return households.annotate(
        has_contact=Exists(HelpingCadrePairing.objects.active_on(on).filter(household=OuterRef("pk"))),
        has_measures=Exists(HelpingMeasure.objects.filter(household=OuterRef("pk"))),
    ).annotate(four_haves_complete=ExpressionWrapper(~missing_four_haves_q(), output_field=BooleanField()))


def missing_four_haves_q() -> Q:
    """H-4: a handbook, a helping contact, measures, and after exit the exit certificate."""
    return (
        Q(has_handbook=False)
        | Q(has_contact=False)
        | Q(has_measures=False)
        | Q(status="exited", has_exit_certificate=False)
    )


def households_visible_to(user, filters: HouseholdFilters | None = None, on: dt.date | None = None):
    filters = filters or HouseholdFilters()
    households = with_four_haves(
        visible_to(Household.objects.select_related("village"), user), on or timezone.localdate()
    )
    if filters.village:
        unit = AdminUnit.objects.filter(code=filters.village).first()
        households = households.filter(village__code__startswith=unit.prefix) if unit else households.none()
    if filters.status:
        households = households.filter(status=filters.status)
    if filters.attribute:
        households = households.filter(attribute=filters.attribute)
    if filters.cause:
        households = households.filter(main_cause=filters.cause)
    if filters.cadre:
        households = households.filter(cadre_pairings__official_id=filters.cadre).distinct()
    if filters.missing_four_haves:
        households = households.filter(missing_four_haves_q())
    if filters.q:
        text = filters.q.strip()
        households = households.filter(Q(number__startswith=text) | Q(head_name__contains=text))
    return households.order_by("number")


def household_for(user, pk: int, on: dt.date | None = None) -> Household:
    households = with_four_haves(
        visible_to(Household.objects.select_related("village"), user), on or timezone.localdate()
    )
    household = households.filter(pk=pk).first()
    if household is None:
        raise Http404("该户不存在或不在您的管辖范围内")
    return household


def members_of(household: Household) -> list[Member]:
    return list(household.members.order_by("-active", "pk"))


def pairings_of(household: Household) -> list[HelpingCadrePairing]:
    return list(household.cadre_pairings.select_related("official__organisation").order_by("-valid_from"))


def findings_visible_to(user) -> QuerySet[VerificationFinding]:
    return visible_to(VerificationFinding.objects.select_related("household", "village"), user)


def four_haves_missing(household: Household) -> list[str]:
    """What the household lacks of H-4; needs the annotations of ``with_four_haves``."""
    return missing_four_haves(
        status=household.status,
        has_handbook=household.has_handbook,
        has_contact=household.has_contact,
        has_measures=household.has_measures,
        has_exit_certificate=household.has_exit_certificate,
    )


@dataclass(frozen=True)
class StepView:
    event: ProcedureStep
    procedure_label: str
    step_label: str


def steps_of(household: Household) -> list[StepView]:
    """The household's procedure steps, oldest first, with their Chinese labels (one query)."""
    views = []
    for event in household.steps.select_related("actor").order_by("on", "pk"):
        label = (
            "异议成立，程序终止" if event.step == "rejected" else step_of(event.procedure, event.step).label
        )
        views.append(StepView(event, str(Procedure(event.procedure).label), label))
    return views
