"""Writes of accountability cases: open (from an alert, an inspection finding or by hand), review,
decide (only the competent authority), exempt, dismiss, execute, close — each a recorded step."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accountability.history import history_context
from accountability.models import (
    AccountabilityCase,
    AdminLevel,
    AdminUnit,
    Alert,
    AlertStatus,
    CaseEvent,
    CaseOrigin,
    Official,
    Transfer,
)
from accountability.profiles import profile_for
from accountability.rules_cases import (
    STEP_LABELS,
    authority_level,
    consequences,
    next_status,
    proposed_forms,
    transition_problem,
)
from accountability.services import require_in_jurisdiction, require_permission
from accountability.situations import SITUATIONS, AccountabilityForm

#: rules whose alerts mean a failed annual task (E-12 one-vote veto on execution)
ANNUAL_TASK_RULES = {"E-3", "E-5"}


def severity_table_for(unit_code: str, on: dt.date) -> dict:
    profile = profile_for(unit_code, on)
    return profile.severity_forms if profile else {}


def _event(case, step: str, actor, on: dt.date, reason: str = "", documents: str = "") -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, step=step, on=on, actor=actor, reason=reason, documents=documents
    )


def _check_situation(code: str) -> None:
    head, _, item = code.partition(".")
    if head not in SITUATIONS or not item.isdigit() or not 1 <= int(item) <= len(SITUATIONS[head][1]):
        raise ValidationError(f"问责情形应为济南办法第五至十条的某一项，如 A-6.1，而不是“{code}”")


@transaction.atomic
def case_open(
    *,
    actor,
    unit: AdminUnit,
    situation: str,
    facts: str,
    severity: str,
    official: Official | None = None,
    evidence: str = "",
    origin: str = CaseOrigin.MANUAL,
    alert: Alert | None = None,
    source_reference: str = "",
    on: dt.date | None = None,
) -> AccountabilityCase:
    require_permission(actor, "accountability.add_accountabilitycase")
    require_in_jurisdiction(actor, unit.code)
    _check_situation(situation)
    if not facts.strip():
        raise ValidationError("请写明问责事实")
    if alert is not None and AccountabilityCase.objects.filter(alert=alert, official=official).exists():
        raise ValidationError("该预警已对此对象立案")
    on = on or timezone.localdate()
    case = AccountabilityCase(
        origin=origin,
        alert=alert,
        source_reference=source_reference,
        unit=unit,
        official=official,
        situation=situation,
        facts=facts.strip(),
        evidence=evidence,
        severity=severity,
        proposed_forms=proposed_forms(
            severity_table_for(unit.code, on), severity, individual=official is not None
        ),
        authority_level=authority_level(
            unit_level=unit.level, cadre_level=official.cadre_level if official is not None else None
        ),
        created_by=actor,
    )
    case.full_clean(exclude=["authority_level"])
    with history_context(actor=actor, reason="问责立案"):
        case.save()
        _event(case, "open", actor, on, reason=facts.strip()[:200])
        if alert is not None:
            alert.status = AlertStatus.CASE_OPENED
            alert.save(update_fields=["status", "updated_at"])
    return case


@transaction.atomic
def case_open_from_alert(*, actor, alert: Alert, severity: str | None = None) -> list[AccountabilityCase]:
    """A case per official the alert names (or one for the unit when it names none)."""
    facts = (
        f"{alert.rule_code} {alert.rule_label}：{alert.period} 实际 {alert.value}，阈值 {alert.threshold}。"
    )
    situation = alert.evidence.get("situation") or "A-5.8"
    targets = [t for t in alert.targets if t.get("official")]
    officials = Official.objects.in_bulk([t["official"] for t in targets])
    subjects = [(officials[t["official"]], f"岗位：{t['post']}。") for t in targets] or [(None, "")]
    return [
        case_open(
            actor=actor,
            unit=alert.unit,
            official=official,
            situation=situation,
            facts=facts + note,
            severity=severity or alert.severity,
            origin=CaseOrigin.ALERT,
            alert=alert,
        )
        for official, note in subjects
    ]


def require_authority(actor, case: AccountabilityCase) -> None:
    """A-13: only the authority of the case's level, over the case's unit, decides."""
    require_permission(actor, "accountability.decide_case")
    require_in_jurisdiction(actor, case.unit_id)
    if not actor.is_superuser and (
        actor.jurisdiction is None or actor.jurisdiction.level != case.authority_level
    ):
        raise PermissionDenied(
            f"按干部管理权限，该案件应由{AdminLevel(case.authority_level).label}级机关决定"
        )


@transaction.atomic
def case_step(
    *,
    actor,
    case: AccountabilityCase,
    step: str,
    on: dt.date | None = None,
    reason: str = "",
    documents: str = "",
    forms: list[str] | None = None,
    transfer: str = Transfer.NONE,
) -> AccountabilityCase:
    case = AccountabilityCase.objects.select_for_update().get(pk=case.pk)
    problem = transition_problem(case.status, step)
    if problem:
        raise ValidationError(problem)
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError("日期不能晚于今天")
    if step in ("decide", "exempt", "dismiss"):
        require_authority(actor, case)
    elif step == "review":
        require_permission(actor, "accountability.review_case")
        require_in_jurisdiction(actor, case.unit_id)
    else:
        require_permission(actor, "accountability.execute_case")
        require_in_jurisdiction(actor, case.unit_id)
    if step in ("exempt", "dismiss", "decide") and not reason.strip():
        raise ValidationError(f"“{STEP_LABELS[step]}”须写明理由")
    if step == "decide":
        forms = forms or case.proposed_forms
        unknown = set(forms) - set(AccountabilityForm.values)
        if not forms or unknown:
            raise ValidationError("请选择问责方式")
        case.decided_forms, case.decision, case.decided_on, case.transfer = (
            forms,
            reason.strip(),
            on,
            transfer,
        )
    if step == "exempt":
        case.exemption_reason = reason.strip()
    if step == "execute":
        case.executed_on = on
        result = consequences(
            case.decided_forms,
            year=case.decided_on.year,
            failed_annual_task=case.official_id is None
            and case.alert_id is not None
            and case.alert.rule_code in ANNUAL_TASK_RULES,
            task_year=case.alert.year if case.alert_id else None,
        )
        case.award_ineligible_year = result["award_ineligible_year"] if case.official_id else None
        case.appraisal = result["appraisal"] if case.official_id else ""
        case.veto_year = result["veto_year"]
    case.status = next_status(step)
    with history_context(actor=actor, reason=f"{STEP_LABELS[step]}：{reason}".strip("：")):
        case.save()
        _event(case, step, actor, on, reason=reason.strip(), documents=documents)
    return case
