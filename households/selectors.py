"""Reads of the registry, always within the user's jurisdiction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Substr
from django.http import Http404
from django.utils import timezone

from accountability.access.scoping import visible_to
from accountability.hierarchy.models import SIGNIFICANT_DIGITS
from accountability.hierarchy.selectors import unit_by_code_for
from accountability.models import AdminLevel, AdminUnit
from accountability.platform.validators import ascii_int
from accountability.policy.profiles import versions_by_prefix
from households.models import (
    HelpingCadrePairing,
    HelpingMeasure,
    Household,
    HouseholdStatus,
    Member,
    ProcedureStep,
    VerificationFinding,
)
from households.policy import registry_policy_for
from households.procedures import Procedure, step_of
from households.registered import poor_at_year_end_q
from households.rules import (
    VillageExitVerdict,
    below_limit,
    incidence_percent,
    missing_four_haves,
    poor_village_verdict,
)


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
            cadre=ascii_int(cadre),
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
        unit = unit_by_code_for(user, filters.village)
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


HOUSEHOLD_NOT_FOUND = "该户不存在或不在您的管辖范围内"


def households_in_jurisdiction(user) -> QuerySet[Household]:
    """The plain scoped queryset of households (no list annotations): for lookups by id or number."""
    return visible_to(Household.objects.select_related("village"), user)


def household_by_number_for(user, number: str) -> Household | None:
    """The household with this number (户编号) if the user may see it; ``None`` for an unknown
    number and for a household outside the jurisdiction alike (no existence oracle)."""
    number = (number or "").strip()
    if not number:
        return None
    return households_in_jurisdiction(user).filter(number=number).first()


def household_for(user, pk: int, on: dt.date | None = None) -> Household:
    households = with_four_haves(
        visible_to(Household.objects.select_related("village"), user), on or timezone.localdate()
    )
    household = households.filter(pk=pk).first()
    if household is None:
        raise Http404(HOUSEHOLD_NOT_FOUND)
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


# --- poor villages and poverty incidence (S-6, S-7) ---------------------------------------------


@dataclass(frozen=True)
class PoorVillageRow:
    village: AdminUnit
    poor_households: int
    poor_persons: int
    incidence: Decimal | None
    verdict: VillageExitVerdict


def poor_villages(user, year: int, under: str = "") -> list[PoorVillageRow]:
    """Poor villages in the user's jurisdiction with their registered poor at the end of ``year``,
    poverty incidence and exit verdict — one query whatever the number of villages."""
    poor = (
        Household.objects.filter(poor_at_year_end_q(year), village=OuterRef("code"))
        .order_by()
        .values("village")
    )
    villages = (
        visible_to(AdminUnit.objects.villages().filter(is_poor_village=True), user)
        .select_related("parent__parent")
        .annotate(
            poor_households=Coalesce(
                Subquery(poor.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), Value(0)
            ),
            poor_persons=Coalesce(
                Subquery(poor.annotate(n=Sum("member_count")).values("n"), output_field=IntegerField()),
                Value(0),
            ),
        )
        .order_by("code")
    )
    if under:
        villages = villages.filter(code__startswith=under)
    versions = versions_by_prefix()
    rows = []
    for village in villages:
        incidence = incidence_percent(village.poor_persons, village.rural_population)
        limit = registry_policy_for(
            village.code, dt.date(year, 12, 31), versions
        ).exit_incidence_limit_percent
        remediated = village.groups_remediated_on
        verdict = poor_village_verdict(
            planned_exit_year=village.planned_exit_year,
            exit_year=village.exit_year,
            poor_persons=village.poor_persons,
            population=village.rural_population,
            limit_percent=limit,
            year=year,
            remediated=remediated is not None and remediated <= dt.date(year, 12, 31),
        )
        rows.append(
            PoorVillageRow(village, village.poor_households, village.poor_persons, incidence, verdict)
        )
    return rows


@dataclass(frozen=True)
class IncidenceRow:
    unit: AdminUnit
    rural_population: int
    poor_persons: int
    incidence: Decimal | None
    meets_standard: bool | None


def incidence_by_unit(user, year: int, level: str = AdminLevel.COUNTY) -> list[IncidenceRow]:
    """Poverty incidence of every unit of ``level`` in the user's jurisdiction at the end of ``year``:
    rural population summed over its villages, registered poor persons over its households
    (three queries whatever the size)."""
    digits = SIGNIFICANT_DIGITS[AdminLevel(level)]
    units = list(visible_to(AdminUnit.objects.filter(level=level), user).order_by("code"))
    prefixes = [unit.prefix for unit in units]
    population = dict(
        AdminUnit.objects.villages()
        .annotate(head=Substr("code", 1, digits))
        .filter(head__in=prefixes)
        .values("head")
        .annotate(n=Sum("rural_population"))
        .values_list("head", "n")
    )
    poor = dict(
        Household.objects.filter(poor_at_year_end_q(year))
        .annotate(head=Substr("village_id", 1, digits))
        .filter(head__in=prefixes)
        .values("head")
        .annotate(n=Sum("member_count"))
        .values_list("head", "n")
    )
    versions = versions_by_prefix()
    rows = []
    for unit in units:
        people, persons = population.get(unit.prefix) or 0, poor.get(unit.prefix) or 0
        incidence = incidence_percent(persons, people)
        limit = registry_policy_for(unit.code, dt.date(year, 12, 31), versions).exit_incidence_limit_percent
        rows.append(IncidenceRow(unit, people, persons, incidence, below_limit(persons, people, limit)))
    return rows


# --- annual dynamic adjustment (DOMAIN §8) ------------------------------------------------------

ADJUSTMENT_KINDS = {
    "identified": "新识别",
    "exited": "脱贫退出",
    "returned": "返贫",
    "removed": "清退",
    "members_left": "成员自然减少（人）",
}
#: the procedure step that completes each kind of change
COMPLETING_STEP = {
    "identified": (Procedure.IDENTIFICATION, "county_announcement"),
    "exited": (Procedure.EXIT, "county_announcement"),
    "returned": (Procedure.RETURN, "county_decision"),
    "removed": (Procedure.REMOVAL, "county_decision"),
}


@dataclass(frozen=True)
class AdjustmentRow:
    unit: AdminUnit
    counts: dict[str, int]


def annual_adjustment(user, year: int, level: str) -> list[AdjustmentRow]:
    """Who entered and left the registry in ``year``, by unit of ``level`` in the user's jurisdiction.

    Identification and exit count by the registered years (so imported histories count too);
    returns and removals by the completing county step; members by their leaving date.
    Five grouped queries whatever the size."""
    digits = SIGNIFICANT_DIGITS[AdminLevel(level)]
    units = list(visible_to(AdminUnit.objects.filter(level=level), user).order_by("code"))
    prefixes = [unit.prefix for unit in units]

    def grouped(queryset, code_field: str, total) -> dict[str, int]:
        return dict(
            queryset.annotate(head=Substr(code_field, 1, digits))
            .filter(head__in=prefixes)
            .order_by()
            .values("head")
            .annotate(n=total)
            .values_list("head", "n")
        )

    registered = Household.objects.exclude(
        status__in=[HouseholdStatus.IDENTIFYING, HouseholdStatus.NOT_ADMITTED]
    )
    steps = ProcedureStep.objects.filter(on__year=year)
    counts = {
        "identified": grouped(registered.filter(identified_year=year), "village_id", Count("pk")),
        "exited": grouped(Household.objects.filter(exit_year=year), "village_id", Count("pk")),
        "returned": grouped(
            steps.filter(procedure=Procedure.RETURN, step="county_decision"),
            "household__village_id",
            Count("pk"),
        ),
        "removed": grouped(
            steps.filter(procedure=Procedure.REMOVAL, step="county_decision"),
            "household__village_id",
            Count("pk"),
        ),
        "members_left": grouped(
            Member.objects.filter(active=False, left_date__year=year), "household__village_id", Count("pk")
        ),
    }
    return [
        AdjustmentRow(unit, {kind: counts[kind].get(unit.prefix, 0) for kind in ADJUSTMENT_KINDS})
        for unit in units
    ]


def adjustment_events(user, year: int) -> QuerySet[ProcedureStep]:
    """The completing steps of the year's changes, with their reasons (newest first)."""
    completing = Q()
    for procedure, step in COMPLETING_STEP.values():
        completing |= Q(procedure=procedure, step=step)
    return (
        visible_to(ProcedureStep.objects.filter(completing, on__year=year), user)
        .select_related("household__village", "actor")
        .order_by("-on", "-pk")
    )


def members_left_in(user, year: int) -> QuerySet[Member]:
    return (
        visible_to(Member.objects.filter(active=False, left_date__year=year), user)
        .select_related("household__village")
        .order_by("-left_date", "pk")
    )
