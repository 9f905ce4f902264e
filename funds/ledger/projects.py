"""What the ledger reads of a fund project (funds.Project, the projects issue): the one place that
knows its field names, so the ledger's rules see plain facts (rules.ProjectFacts)."""

from __future__ import annotations

from decimal import Decimal

from funds.ledger import rules


def project_code(project) -> str:
    return project.number


def project_unit_code(project) -> str:
    return project.location_id


def project_county_code(project) -> str:
    return project.county_id


def disbursement_mode(project) -> str:
    from funds.models import DisbursementMode

    return rules.MODE_BUILD_FIRST if project.disbursement_mode == DisbursementMode.AFTER else rules.MODE_532


def project_subsidy(project) -> Decimal:
    return project.subsidy


def deposit_applies(project) -> bool:
    """Quality deposits are withheld on industry and infrastructure projects only (seed 002 §三(七))."""
    from funds.models import FundUse

    return project.use in {FundUse.INDUSTRY, FundUse.LIVING_CONDITIONS}


def blocked_reason(project) -> str | None:
    """The open rectification order that stops disbursement and reimbursement (F-5), if any."""
    from funds.selectors import disbursement_blocked

    return disbursement_blocked(project)


def completion_percent(project) -> Decimal | None:
    """The works' completion share as last reported (100 once completion is recorded)."""
    if project.completed_on:
        return Decimal(100)
    reported = (
        project.progress_reports.filter(reported_on__isnull=False).order_by("-reported_on", "-pk").first()
    )
    return Decimal(reported.progress_percent) if reported else None


def project_facts(project) -> rules.ProjectFacts:
    from funds.models import Grade

    passed = project.acceptance_grade in {Grade.EXCELLENT, Grade.PASS}
    return rules.ProjectFacts(
        started_on=project.started_on,
        completion_percent=completion_percent(project),
        accepted_on=project.accepted_on if passed else None,
        blocked_reason=blocked_reason(project),
    )


def projects_model():
    from funds.models import Project

    return Project
