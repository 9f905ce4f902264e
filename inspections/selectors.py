"""Reads of supervision and rectification: scoped lists, the ledger, coverage, the policy in force."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404

from accountability.access.scoping import visible_to
from accountability.models import (
    POSTS,
    AdminLevel,
    AdminUnit,
    Organisation,
    OrganisationKind,
    ResponsibilityKind,
)
from accountability.policy.profiles import profile_for, versions_by_prefix
from accountability.responsibility.selectors import Holder, holders_on
from inspections.models import (
    Finding,
    FindingResponsible,
    FindingStatus,
    InspectionPolicy,
    InspectionRound,
    Petition,
    RectificationStep,
    RoundKind,
    Scope,
    SupervisionPlan,
)
from inspections.presets import PRESET, Policy
from inspections.rules import Coverage, coverage, required_per_year, significant

FINDING_NOT_FOUND = "问题不存在或不在您的管辖范围内"
ROUND_NOT_FOUND = "督查巡查不存在或不在您的管辖范围内"
PLAN_NOT_FOUND = "督查计划不存在或不在您的管辖范围内"
PETITION_NOT_FOUND = "信访举报不存在或不在您的管辖范围内"


# --- policy ------------------------------------------------------------------------------------


def policy_of(profile) -> Policy:
    if profile is None:
        return PRESET
    try:
        row = profile.inspection_policy
    except InspectionPolicy.DoesNotExist:
        return PRESET
    return Policy(
        patrol_rectification_months=row.patrol_rectification_months,
        default_rectification_months=row.default_rectification_months,
        comprehensive_per_year=row.comprehensive_per_year,
        city_county_per_year=row.city_county_per_year,
        coverage_alert_days_before_year_end=row.coverage_alert_days_before_year_end,
        petition_answer_working_days=row.petition_answer_working_days,
        evidence_max_mb=row.evidence_max_mb,
        categories=tuple(row.categories) or PRESET.categories,
    )


def policy_for(code: str, day: dt.date, versions=None) -> Policy:
    """The numbers and vocabulary in force for the unit ``code`` on ``day``."""
    versions = versions if versions is not None else versions_by_prefix("inspection_policy")
    return policy_of(profile_for(code, day, versions))


# --- responsibility ----------------------------------------------------------------------------


def responsible_posts(level: str) -> list[str]:
    """The unit's first-responsible posts and its single-holder direct-responsible posts (village:
    secretary, director, first secretary; township and county: secretary, head, leader in charge)."""
    return [
        p.value
        for p, spec in POSTS.items()
        if spec.level == level
        and (
            spec.kind == ResponsibilityKind.FIRST
            or (spec.kind == ResponsibilityKind.DIRECT and spec.single_holder)
        )
    ]


def responsible_on(unit: AdminUnit, day: dt.date) -> list[Holder]:
    """Who held the unit's first- and direct-responsible posts on ``day`` (one query)."""
    posts = responsible_posts(unit.level)
    held = holders_on(day, posts=posts, within=unit.code) if posts else {}
    return [h for post in posts for h in held.get((unit.code, post), [])]


# --- plans, rounds -----------------------------------------------------------------------------


def plans_visible_to(user) -> QuerySet[SupervisionPlan]:
    return visible_to(SupervisionPlan.objects.select_related("unit"), user)


def plan_for(user, pk) -> SupervisionPlan:
    plan = plans_visible_to(user).filter(pk=pk).first()
    if plan is None:
        raise Http404(PLAN_NOT_FOUND)
    return plan


def rounds_visible_to(user) -> QuerySet[InspectionRound]:
    return visible_to(
        InspectionRound.objects.select_related("issuer", "unit", "helping_unit", "leader", "plan_item"), user
    )


def round_for(user, pk) -> InspectionRound:
    found = rounds_visible_to(user).filter(pk=pk).first()
    if found is None:
        raise Http404(ROUND_NOT_FOUND)
    return found


@dataclass
class PlanCoverage:
    year: int
    counties: list[Coverage]
    helping_units: list[Coverage]

    @property
    def uncovered(self) -> list[Coverage]:
        return [c for c in (*self.counties, *self.helping_units) if not c.covered]


def comprehensive_counts(year: int, root: str) -> tuple[dict[str, int], dict[str, int]]:
    """Comprehensive supervisions of the year by inspected county and helping unit, counting only
    rounds organised from above the inspected county (two GROUP BY queries)."""
    rounds = InspectionRound.objects.filter(
        kind=RoundKind.SUPERVISION, scope=Scope.COMPREHENSIVE, starts_on__year=year
    )
    by_county = {
        code: n
        for code, n in rounds.filter(unit__level=AdminLevel.COUNTY, unit__code__startswith=root)
        .exclude(issuer__level__in=[AdminLevel.COUNTY, AdminLevel.TOWNSHIP, AdminLevel.VILLAGE])
        .values_list("unit_id")
        .annotate(n=Count("pk"))
        .order_by()
    }
    by_org = {
        f"org:{pk}": n
        for pk, n in rounds.filter(helping_unit__isnull=False, helping_unit__unit__code__startswith=root)
        .values_list("helping_unit_id")
        .annotate(n=Count("pk"))
        .order_by()
    }
    return by_county, by_org


def coverage_of(year: int, root: str, policy: Policy, issuer_level: str = AdminLevel.CITY) -> PlanCoverage:
    """Every county and helping unit under ``root`` with its comprehensive supervisions of the year."""
    by_county, by_org = comprehensive_counts(year, root)
    counties = dict(
        AdminUnit.objects.filter(level=AdminLevel.COUNTY, code__startswith=root)
        .order_by("code")
        .values_list("code", "name")
    )
    orgs = {
        f"org:{pk}": name
        for pk, name in Organisation.objects.filter(
            kind=OrganisationKind.HELPING_UNIT, unit__code__startswith=root
        )
        .order_by("name", "pk")
        .values_list("pk", "name")
    }
    county_required = required_per_year(
        comprehensive=policy.comprehensive_per_year,
        city_county=policy.city_county_per_year,
        issuer_level=issuer_level,
        target_is_county=True,
    )
    return PlanCoverage(
        year,
        coverage(counties, by_county, county_required),
        coverage(orgs, by_org, policy.comprehensive_per_year),
    )


def plan_coverage_for(user, plan: SupervisionPlan, as_of: dt.date) -> PlanCoverage:
    root = plan.unit.prefix
    return coverage_of(plan.year, root, policy_for(plan.unit.code, dt.date(plan.year, 1, 1)), plan.unit.level)


# --- findings ----------------------------------------------------------------------------------


def findings_visible_to(user) -> QuerySet[Finding]:
    return visible_to(
        Finding.objects.select_related("unit", "owner", "issuer", "round").prefetch_related(
            Prefetch("responsible", queryset=FindingResponsible.objects.select_related("official"))
        ),
        user,
    )


def finding_for(user, pk) -> Finding:
    found = findings_visible_to(user).filter(pk=pk).first()
    if found is None:
        raise Http404(FINDING_NOT_FOUND)
    return found


def finding_by_number_for(user, number: str) -> Finding | None:
    return findings_visible_to(user).filter(number=(number or "").strip()).first()


LEDGER_FILTERS = {
    "overdue": "逾期未整改",
    "awaiting": "待核验",
    "closed": "已销号",
    "open": "整改中",
    "late": "逾期（含逾期销号）",
    "transferred": "已移交纪检监察、检察机关",
}


def ledger_for(
    user,
    *,
    as_of: dt.date,
    state: str = "",
    round_id: int | None = None,
    unit_code: str = "",
    category: str = "",
    source: str = "",
) -> QuerySet[Finding]:
    """The rectification ledger (整改台账) with its filters; overdue is judged on ``as_of``."""
    findings = findings_visible_to(user)
    if state == "overdue":
        findings = findings.filter(deadline__lt=as_of).exclude(status=FindingStatus.CLOSED)
    elif state == "late":
        findings = findings.filter(
            Q(deadline__lt=as_of) & ~Q(status=FindingStatus.CLOSED)
            | Q(status=FindingStatus.CLOSED, closed_on__gt=F("deadline"))
        )
    elif state == "awaiting":
        findings = findings.filter(status=FindingStatus.AWAITING)
    elif state == "closed":
        findings = findings.filter(status=FindingStatus.CLOSED)
    elif state == "open":
        findings = findings.exclude(status=FindingStatus.CLOSED)
    elif state == "transferred":
        findings = findings.exclude(transfer_to="")
    if round_id:
        findings = findings.filter(round_id=round_id)
    if unit_code:
        findings = findings.filter(unit__code__startswith=_prefix(unit_code))
    if category:
        findings = findings.filter(category=category)
    if source:
        findings = findings.filter(source=source)
    return findings.order_by("deadline", "number")


def _prefix(code: str) -> str:
    return significant(code) if len(code) == 12 and code.isdigit() else code


def with_latest_step(findings: QuerySet[Finding]) -> QuerySet[Finding]:
    """The findings with the text of their latest step (``latest_step_text``), for the ledger export."""
    latest = RectificationStep.objects.filter(finding=OuterRef("pk")).order_by("-created_at", "-pk")
    return findings.annotate(latest_step_text=Subquery(latest.values("text")[:1]))


def open_findings_of_unit(user, unit: AdminUnit) -> QuerySet[Finding]:
    """A unit's open problems (its own and those of the units below it), for the unit page."""
    return (
        visible_to(Finding.objects.select_related("unit"), user)
        .filter(unit__code__startswith=unit.prefix)
        .exclude(status=FindingStatus.CLOSED)
        .order_by("deadline", "number")
    )


def timeline_of(finding: Finding) -> list[RectificationStep]:
    return list(
        finding.steps.select_related("actor").prefetch_related("evidence").order_by("created_at", "pk")
    )


def disclosed_findings(county: AdminUnit) -> QuerySet[Finding]:
    """Closed, disclosable findings of a county, for the public disclosure page (no personal data:
    the page shows number, unit, category, description, measures and dates only)."""
    return (
        Finding.objects.filter(
            status=FindingStatus.CLOSED, disclosable=True, unit__code__startswith=county.prefix
        )
        .select_related("unit")
        .order_by("-closed_on", "number")
    )


# --- petitions ---------------------------------------------------------------------------------


def petitions_visible_to(user) -> QuerySet[Petition]:
    return visible_to(Petition.objects.select_related("unit", "handler", "finding"), user)


def petition_for(user, pk) -> Petition:
    found = petitions_visible_to(user).filter(pk=pk).first()
    if found is None:
        raise Http404(PETITION_NOT_FOUND)
    return found
