"""Writes of accountability cases: open (from an alert, an inspection finding or by hand), review,
decide (only the competent authority), exempt, dismiss, execute, close — each a recorded step."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accountability.access.guards import require_in_jurisdiction, require_permission
from accountability.cases.rules import (
    PRINCIPAL_POSTS,
    STEP_LABELS,
    approval_level,
    authority_level,
    consequences,
    forms_of,
    next_status,
    person_grounds,
    proposed_forms,
    transition_problem,
)
from accountability.cases.situations import SITUATIONS, AccountabilityForm, FaultTolerance
from accountability.models import (
    AccountabilityCase,
    AdminLevel,
    AdminUnit,
    Alert,
    AlertStatus,
    CaseEvent,
    CaseOrigin,
    Consequence,
    ConsequenceKind,
    Official,
    Organisation,
    Post,
    Transfer,
)
from accountability.platform.history import history_context
from accountability.policy.profiles import profile_for
from accountability.policy.sources import SourceLevel
from accountability.responsibility.selectors import holders_on


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
    organisation: Organisation | None = None,
    evidence: str = "",
    origin: str = CaseOrigin.MANUAL,
    alert: Alert | None = None,
    source_reference: str = "",
    on: dt.date | None = None,
    grounds: list[dict] | None = None,
    forms: list[str] | None = None,
    year: int | None = None,
    source_level: str = "",
    serious_influence: bool = False,
) -> AccountabilityCase:
    """``forms``: the consequence to propose (the seed's, per person, from an alert); without it the
    profile's severity table proposes. ``year``: the assessment year the case is about (an alert's
    year; else the year of ``on``) — the year a veto applies to."""
    require_permission(actor, "accountability.add_accountabilitycase")
    require_in_jurisdiction(actor, unit.code)
    _check_situation(situation)
    if not facts.strip():
        raise ValidationError("请写明问责事实")
    if source_level and source_level not in SourceLevel.values:
        raise ValidationError("发现问题的工作层级应为中央、省级、市级或县级")
    if official is not None and organisation is not None:
        raise ValidationError("一件案件只能对一名干部或一个单位问责")
    if forms is not None and not set(forms) <= set(AccountabilityForm.values):
        raise ValidationError("拟问责方式含有未知的方式")
    if (
        alert is not None
        and AccountabilityCase.objects.filter(
            alert=alert, official=official, organisation=organisation
        ).exists()
    ):
        raise ValidationError("该预警已对此对象立案")
    on = on or timezone.localdate()
    individual = official is not None
    case = AccountabilityCase(
        origin=origin,
        alert=alert,
        source_reference=source_reference,
        unit=unit,
        official=official,
        organisation=organisation,
        situation=situation,
        facts=facts.strip(),
        evidence=evidence,
        severity=severity,
        grounds=grounds or [],
        year=year or (alert.year if alert is not None else on.year),
        source_level=source_level,
        serious_influence=serious_influence,
        proposed_forms=list(forms)
        if forms is not None
        else proposed_forms(severity_table_for(unit.code, on), severity, individual=individual),
        authority_level=authority_level(
            unit_level=unit.level,
            cadre_level=official.cadre_level if official is not None else None,
            organisation_level=organisation.unit.level if organisation is not None else None,
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


def _ground_text(ground: dict) -> str:
    post = str(Post(ground["post"]).label) if ground.get("post") in Post.values else ground.get("post", "")
    forms = "、".join(
        str(AccountabilityForm(f).label) for f in ground.get("forms", []) if f in AccountabilityForm.values
    )
    to = f"（向{ground['to']}）" if ground.get("to") else ""
    return f"{ground['rule']} {post}（{ground.get('unit', '')}）：{forms or '—'}{to}"


@transaction.atomic
def case_open_from_alert(
    *,
    actor,
    alert: Alert,
    severity: str | None = None,
    source_level: str = "",
    serious_influence: bool = False,
) -> list[AccountabilityCase]:
    """One case per official the alert names — once, however many of its grounds name them, every
    ground listed and exactly the consequences the rule names for their posts proposed — and one per
    unit consequence (the subject unit's one-vote veto, the helping unit's loss of award eligibility);
    one for the unit when the alert names no one. ``source_level`` (the level of the work that found
    the problem, when the finding sources do not say it) and ``serious_influence`` feed the veto."""
    facts = (
        f"{alert.rule_code} {alert.rule_label}：{alert.period} 实际 {alert.value}，阈值 {alert.threshold}。"
    )
    situation = alert.evidence.get("situation") or "A-5.8"
    source_level = source_level or alert.evidence.get("source_level", "")
    people = person_grounds(alert.targets, alert.rule_code)
    officials = Official.objects.in_bulk([pk for pk, _ in people])
    units = dict(AdminUnit.objects.in_bulk({g["unit"] for _, gs in people for g in gs if g.get("unit")}))
    common = {
        "actor": actor,
        "situation": situation,
        "severity": severity or alert.severity,
        "origin": CaseOrigin.ALERT,
        "alert": alert,
        "source_level": source_level,
        "serious_influence": serious_influence,
    }
    opened = []
    for pk, grounds in people:
        places = {g.get("unit") for g in grounds}
        place = units.get(places.pop()) if len(places) == 1 else None
        opened.append(
            case_open(
                unit=place if place is not None and place.code.startswith(alert.unit.prefix) else alert.unit,
                official=officials[pk],
                facts=facts + "依据：" + "；".join(_ground_text(g) for g in grounds) + "。",
                grounds=grounds,
                # the rule names each post's consequence — none for Art. 40 (视情追究): propose none
                forms=forms_of(grounds) if all(g.get("forms") is not None for g in grounds) else None,
                **common,
            )
        )
    unit_targets = alert.evidence.get("unit_targets", [])
    organisations = Organisation.objects.select_related("unit").in_bulk(
        [u["organisation"] for u in unit_targets if "organisation" in u]
    )
    for target in unit_targets:
        organisation = organisations.get(target.get("organisation"))
        if "organisation" in target and organisation is None:
            continue
        ground = {"rule": alert.rule_code, "post": "", "unit": alert.unit_id, "forms": target["forms"]}
        who = organisation.name if organisation is not None else alert.unit.name
        opened.append(
            case_open(
                unit=alert.unit,
                organisation=organisation,
                facts=facts
                + f"对单位（{who}）："
                + "、".join(
                    str(AccountabilityForm(f).label)
                    for f in target["forms"]
                    if f in AccountabilityForm.values
                )
                + "。",
                grounds=[ground],
                forms=list(target["forms"]) or None,
                **common,
            )
        )
    if not opened:
        none_proposed = alert.evidence.get("proposes_consequence") is False
        opened.append(case_open(unit=alert.unit, facts=facts, forms=[] if none_proposed else None, **common))
    return opened


def require_authority(actor, case: AccountabilityCase) -> None:
    """A-13: only the authority of the case's level, over the case's unit, decides."""
    _require_level(actor, case, case.authority_level)


def _require_level(actor, case: AccountabilityCase, level: str) -> None:
    require_permission(actor, "accountability.decide_case")
    require_in_jurisdiction(actor, case.unit_id)
    if not actor.is_superuser and (actor.jurisdiction is None or actor.jurisdiction.level != level):
        raise PermissionDenied(f"按干部管理权限，该案件应由{AdminLevel(level).label}级机关决定")


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
    fault_tolerance: str = "",
) -> AccountabilityCase:
    """``fault_tolerance`` (decide): 从轻 or 减轻 under the fault-tolerance measures (容错, A-12), with
    ``reason`` stating why; exempting (免除) is the "exempt" step. "approve" records the approval of the
    authority above (its document required) that removal and resignation need before execution."""
    case = AccountabilityCase.objects.select_for_update().get(pk=case.pk)
    problem = transition_problem(case.status, step, forms=case.decided_forms)
    if problem:
        raise ValidationError(problem)
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError("日期不能晚于今天")
    if step in ("decide", "exempt", "dismiss"):
        require_authority(actor, case)
    elif step == "approve":
        _require_level(actor, case, approval_level(case.authority_level))
        if not documents.strip():
            raise ValidationError("请登记上级批准文件")
    elif step == "review":
        require_permission(actor, "accountability.review_case")
        require_in_jurisdiction(actor, case.unit_id)
    else:
        require_permission(actor, "accountability.execute_case")
        require_in_jurisdiction(actor, case.unit_id)
    if step in ("exempt", "dismiss", "decide") and not reason.strip():
        raise ValidationError(f"“{STEP_LABELS[step]}”须写明理由")
    if fault_tolerance and (
        step != "decide" or fault_tolerance not in (FaultTolerance.LIGHTER, FaultTolerance.REDUCED)
    ):
        raise ValidationError("容错从轻、减轻在作出问责决定时登记；免除责任请用“容错免责”")
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
        if fault_tolerance:
            case.fault_tolerance, case.exemption_reason = fault_tolerance, reason.strip()
    if step == "exempt":
        case.exemption_reason, case.fault_tolerance = reason.strip(), FaultTolerance.EXEMPTED
    if step == "execute":
        case.executed_on = on
        _execute(case)
    case.status = next_status(step)
    with history_context(actor=actor, reason=f"{STEP_LABELS[step]}：{reason}".strip("：")):
        case.save()
        _event(case, step, actor, on, reason=reason.strip(), documents=documents)
        if step == "execute":
            _record_consequences(case)
    return case


def _vetoes_unit(case: AccountabilityCase) -> bool:
    """A unit case from an alert whose rule vetoes the unit (a failed annual task, Art. 41)."""
    if case.official_id is not None or case.alert_id is None:
        return False
    return any(
        AccountabilityForm.ONE_VOTE_VETO in u.get("forms", [])
        for u in case.alert.evidence.get("unit_targets", [])
    )


def _execute(case: AccountabilityCase) -> None:
    result = consequences(
        case.decided_forms,
        year=case.decided_on.year,
        failed_annual_task=_vetoes_unit(case),
        task_year=case.year or (case.alert.year if case.alert_id else None),
        source_level=case.source_level,
        serious_influence=case.serious_influence,
    )
    case.award_ineligible_year = result["award_ineligible_year"] if case.official_id else None
    case.appraisal = result["appraisal"] if case.official_id else ""
    case.veto_year = result["veto_year"]
    case._veto_ground = result["veto_ground"]


def _record_consequences(case: AccountabilityCase) -> None:
    """Write the year's consequences the assessment reads: the one-vote veto of the unit (or helping
    unit) with its ground, and the loss of award and promotion eligibility of the unit's principal
    leaders and the persons responsible; a helping unit's loss of its performance-award eligibility."""
    rows = []
    base = {"case": case, "unit": case.unit}
    if AccountabilityForm.PERFORMANCE_AWARD_INELIGIBLE in case.decided_forms and case.year:
        rows.append(
            Consequence(
                **base,
                kind=ConsequenceKind.PERFORMANCE_AWARD_INELIGIBLE,
                year=case.year,
                organisation=case.organisation,
                official=case.official,
            )
        )
    if case.veto_year:
        year = case.veto_year
        rows.append(
            Consequence(
                **base,
                kind=ConsequenceKind.VETO,
                year=year,
                organisation=case.organisation,
                ground=case._veto_ground,
            )
        )
        for official_id in sorted(_leaders_and_responsible(case, year)):
            rows += [
                Consequence(**base, kind=kind, year=year, official_id=official_id, ground=case._veto_ground)
                for kind in (ConsequenceKind.AWARD_INELIGIBLE, ConsequenceKind.PROMOTION_INELIGIBLE)
            ]
    Consequence.objects.bulk_create(rows)


def _leaders_and_responsible(case: AccountabilityCase, year: int) -> set[int]:
    """The vetoed unit's principal leaders at the year's end (or today, if earlier), the case's own
    official, and for a unit case the officials its alert names (相关责任人)."""
    on = min(dt.date(year, 12, 31), timezone.localdate())
    people: set[int] = {case.official_id} if case.official_id else set()
    if case.organisation_id is not None:
        posts = [Post.HELPING_UNIT_HEAD]
        held = holders_on(on, posts=posts)
        organisation_staff = set(
            Official.objects.filter(organisation_id=case.organisation_id).values_list("pk", flat=True)
        )
        people |= {h.official_id for hs in held.values() for h in hs if h.official_id in organisation_staff}
    else:
        posts = PRINCIPAL_POSTS.get(case.unit.level, ())
        held = holders_on(on, posts=posts, within=case.unit.code)
        people |= {h.official_id for post in posts for h in held.get((case.unit.code, post), [])}
    if case.official_id is None and case.alert_id is not None:
        people |= {t["official"] for t in case.alert.targets if t.get("official")}
    return people
