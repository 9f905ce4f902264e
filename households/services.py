"""Writes of the registry: procedure steps, objections, member decrease, finding decisions.

Every service takes the acting user, checks permission and jurisdiction, runs in one transaction
and is recorded both as history and, for procedures, as a ProcedureStep (the domain event).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from accountability.access.guards import require_in_jurisdiction, require_permission
from accountability.models import AdminLevel, AdminUnit
from accountability.platform.history import history_context
from accountability.platform.idnumbers import id_facts, id_number_problem, normalise
from households.models import (
    FindingStatus,
    HelpingCadrePairing,
    HelpingMeasure,
    Household,
    HouseholdStatus,
    Member,
    ProcedureStep,
    Relation,
    VerificationFinding,
)
from households.policy import registry_policy_for
from households.procedures import PROCEDURES, Done, Procedure, Step, step_of, step_problem, steps_for

PERMISSION_OF = {
    "propose": "households.propose_procedure",
    "approve": "households.approve_procedure",
    "announce": "households.announce_procedure",
}


def exit_standard_problems(household: Household, year: int) -> list[str]:
    """S-7: income stably above the line for the year and 两不愁三保障 met; safe drinking water only
    where the profile requires it (004 篇3's standard does not name it)."""
    policy = registry_policy_for(household.village_id)
    line = policy.line_for(year)
    problems = []
    if household.income_per_capita is None:
        problems.append("未记录人均纯收入")
    elif household.income_per_capita <= line:
        problems.append(f"人均纯收入 {household.income_per_capita} 元未超过 {year} 年扶贫标准 {line} 元")
    checks = {
        "food_clothing_secure": "不愁吃穿",
        "compulsory_education_secure": "义务教育有保障",
        "basic_medical_secure": "基本医疗有保障",
        "housing_safe": "住房安全有保障",
    }
    if policy.exit_requires_drinking_water:
        checks["drinking_water_safe"] = "饮水安全"
    problems += [
        f"“{label}”未达标或未核实" for field, label in checks.items() if getattr(household, field) is not True
    ]
    return problems


def procedure_steps(household: Household, procedure: str) -> tuple[Step, ...]:
    """The steps of ``procedure`` for the household (an exit's notices follow its unit's profile)."""
    if procedure != Procedure.EXIT:
        return PROCEDURES[procedure]
    return steps_for(procedure, registry_policy_for(household.village_id).exit_notices)


def current_run(household: Household, procedure: str) -> tuple[int, list[ProcedureStep]]:
    """The number of the procedure's latest run and its steps so far (a new run after completion)."""
    run = household.steps.filter(procedure=procedure).aggregate(run=Max("run"))["run"] or 0
    steps = list(household.steps.filter(procedure=procedure, run=run).order_by("on", "pk")) if run else []
    if steps and steps[-1].step == PROCEDURES[procedure][-1].code:
        return run + 1, []  # the last run was completed (every variant ends alike): a new one starts
    if steps and steps[-1].step == "rejected":
        return run + 1, []
    return max(run, 1), steps


@transaction.atomic
def procedure_step_take(
    *,
    actor,
    household: Household,
    procedure: str,
    step: str,
    on: dt.date | None = None,
    reason: str = "",
    documents: str = "",
) -> ProcedureStep:
    """Take the next step of a procedure for a household, in order, by the authority it needs."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    require_in_jurisdiction(actor, household.village_id)
    try:
        steps_defined = procedure_steps(household, procedure)
        definition = step_of(procedure, step, steps_defined)
    except (KeyError, ValueError):
        raise ValidationError(f"未知的程序步骤：{procedure}.{step}") from None
    require_permission(actor, PERMISSION_OF[definition.authority])
    on = on or timezone.localdate()
    run, steps = current_run(household, procedure)
    status = "" if household.status == HouseholdStatus.IDENTIFYING and not steps else household.status
    problem = step_problem(
        procedure=procedure,
        step=step,
        status=status,
        on=on,
        today=timezone.localdate(),
        done=[Done(s.step, s.on, s.notice_until, s.objection_open) for s in steps],
        steps=steps_defined,
    )
    if problem:
        raise ValidationError(problem)
    if procedure == Procedure.EXIT and step == "village_assessment":
        problems = exit_standard_problems(household, on.year)
        if problems:
            raise ValidationError("未达到脱贫标准：" + "；".join(problems))
    notice_until = None
    if definition.notice:
        notice_until = on + dt.timedelta(days=registry_policy_for(household.village_id).notice_days - 1)
    with history_context(actor=actor, reason=reason or definition.label, procedure=procedure, step=step):
        event = ProcedureStep.objects.create(
            household=household,
            procedure=procedure,
            run=run,
            step=step,
            on=on,
            actor=actor,
            reason=reason,
            documents=documents,
            notice_until=notice_until,
        )
        if definition.sets_status:
            household.status = definition.sets_status
            if definition.sets_status == HouseholdStatus.EXITED:
                household.exit_year = on.year
            if definition.sets_status == HouseholdStatus.RETURNED:
                household.returned_on = on  # supersedes the exit (households/registered.py)
            if definition.sets_status == HouseholdStatus.REMOVED:
                household.removed_on = on  # registered during this year, not after it
            if procedure == Procedure.IDENTIFICATION and definition.sets_status == HouseholdStatus.NOT_EXITED:
                household.identified_year = on.year
            household.save(
                update_fields=["status", "exit_year", "identified_year", "returned_on", "removed_on"]
            )
    return event


@transaction.atomic
def household_apply(
    *,
    actor,
    village,
    number: str,
    head_name: str,
    head_id_number: str,
    attribute: str,
    main_cause: str,
    on: dt.date | None = None,
    reason: str = "",
) -> Household:
    """A family applies to be registered: the household is recorded as 识别中 with its head, and the
    identification procedure starts with the application step."""
    require_in_jurisdiction(actor, village.code)
    require_permission(actor, PERMISSION_OF["propose"])
    problem = id_number_problem(head_id_number)
    if problem:
        raise ValidationError({"head_id_number": problem})
    head_id_number = normalise(head_id_number)
    if Household.objects.filter(number=number).exists():
        raise ValidationError({"number": f"户编号 {number} 已存在"})
    if Member.objects.filter(id_number=head_id_number, active=True).exists():
        raise ValidationError({"head_id_number": "该证件号码已是其他户的在户成员"})
    on = on or timezone.localdate()
    with history_context(actor=actor, reason=reason or "农户申请"):
        household = Household.objects.create(
            village=village,
            number=number,
            head_name=head_name,
            attribute=attribute,
            main_cause=main_cause,
            identified_year=on.year,
            status=HouseholdStatus.IDENTIFYING,
            member_count=1,
        )
        Member.objects.create(
            household=household,
            name=head_name,
            id_number=head_id_number,
            relation="head",
            sex=id_facts(head_id_number).sex,
        )
    procedure_step_take(
        actor=actor,
        household=household,
        procedure=Procedure.IDENTIFICATION,
        step="application",
        on=on,
        reason=reason,
    )
    return household


@transaction.atomic
def objection_raise(*, actor, step: ProcedureStep, text: str) -> ProcedureStep:
    """Record an objection against a notice: the procedure waits until it is resolved."""
    require_in_jurisdiction(actor, step.household.village_id)
    require_permission(actor, PERMISSION_OF["propose"])
    if step.notice_until is None:
        raise ValidationError("该步骤没有公示，不能登记异议")
    if not text.strip():
        raise ValidationError("请填写异议内容")
    step.objection, step.objection_open = text.strip(), True
    with history_context(actor=actor, reason="登记公示异议"):
        step.save(update_fields=["objection", "objection_open"])
    return step


@transaction.atomic
def objection_resolve(*, actor, step: ProcedureStep, upheld: bool, reason: str) -> ProcedureStep:
    """Dismissed: the procedure goes on. Upheld: the procedure ends here without effect."""
    household = step.household
    require_in_jurisdiction(actor, household.village_id)
    require_permission(actor, PERMISSION_OF["approve"])
    if not step.objection_open:
        raise ValidationError("该步骤没有待处理的异议")
    if not reason.strip():
        raise ValidationError("请填写处理意见")
    step.objection_open = False
    step.objection_resolution = ("异议成立：" if upheld else "异议不成立：") + reason.strip()
    with history_context(actor=actor, reason=step.objection_resolution):
        step.save(update_fields=["objection_open", "objection_resolution"])
        if upheld:
            ProcedureStep.objects.create(
                household=household,
                procedure=step.procedure,
                run=step.run,
                step="rejected",
                on=timezone.localdate(),
                actor=actor,
                reason=reason,
            )
            household.status = (
                HouseholdStatus.NOT_ADMITTED
                if step.procedure == Procedure.IDENTIFICATION
                else HouseholdStatus.NOT_EXITED
            )
            household.save(update_fields=["status"])
    return step


@transaction.atomic
def member_decrease(*, actor, member: Member, reason: str, on: dt.date) -> Member:
    """Natural decrease of a member (death, moving out, marriage): the member leaves the household."""
    household = member.household
    require_in_jurisdiction(actor, household.village_id)
    require_permission(actor, PERMISSION_OF["propose"])
    if not member.active:
        raise ValidationError("该成员已不在户")
    if member.relation == "head" and household.members.filter(active=True).count() > 1:
        raise ValidationError("户主减少前请先变更户主")
    member.active, member.left_reason, member.left_date = False, reason, on
    with history_context(actor=actor, reason=f"家庭成员减少：{reason}"):
        member.save(update_fields=["active", "left_reason", "left_date"])
        household_summaries_refresh({household.pk})
    return member


@transaction.atomic
def finding_decide(*, actor, finding: VerificationFinding, status: str, reason: str) -> VerificationFinding:
    """Confirm or exclude a finding after verification; only confirmed findings count in the rules."""
    require_in_jurisdiction(actor, finding.village_id)
    require_permission(actor, "households.change_verificationfinding")
    if status not in {FindingStatus.CONFIRMED, FindingStatus.EXCLUDED}:
        raise ValidationError("核查结果只能认定为“已确认”或“已排除”")
    if not reason.strip():
        raise ValidationError("请填写认定理由")
    finding.status, finding.decided_by, finding.decided_at = status, actor, timezone.now()
    finding.note = (finding.note + "\n" if finding.note else "") + reason.strip()
    with history_context(actor=actor, reason=reason):
        finding.save(update_fields=["status", "decided_by", "decided_at", "note"])
    return finding


def allowed_next_steps(user, household: Household) -> list[tuple[str, str, str]]:
    """(procedure, step, label) the user could take next for the household (for the page's forms)."""
    options = []
    for procedure in Procedure:
        _run, steps = current_run(household, procedure)
        defined = procedure_steps(household, procedure)
        index = len(steps)
        if index >= len(defined):
            continue
        definition = defined[index]
        if not user.has_perm(PERMISSION_OF[definition.authority]):
            continue
        status = "" if household.status == HouseholdStatus.IDENTIFYING and not steps else household.status
        problem = step_problem(
            procedure=procedure,
            step=definition.code,
            status=status,
            on=timezone.localdate(),
            today=timezone.localdate(),
            done=[Done(s.step, s.on, s.notice_until, s.objection_open) for s in steps],
            steps=defined,
        )
        if problem is None:
            options.append((procedure.value, definition.code, f"{procedure.label}：{definition.label}"))
    return options


#: what a village official may correct on a household by hand (status and years only by procedure)
EDITABLE_HOUSEHOLD_FIELDS = (
    "attribute",
    "main_cause",
    "income_per_capita",
    "income_sources",
    "food_clothing_secure",
    "compulsory_education_secure",
    "basic_medical_secure",
    "housing_safe",
    "drinking_water_safe",
    "phone",
    "has_handbook",
    "has_exit_certificate",
)


@transaction.atomic
def household_update(*, actor, household: Household, changes: dict, reason: str = "") -> Household:
    """Correct a household's own fields (not its status: that changes only by procedure)."""
    require_in_jurisdiction(actor, household.village_id)
    require_permission(actor, "households.change_household")
    unknown = set(changes) - set(EDITABLE_HOUSEHOLD_FIELDS)
    if unknown:
        raise ValidationError(f"这些字段不能直接修改：{'、'.join(sorted(unknown))}（户状态须走程序）")
    changed = [name for name, value in changes.items() if getattr(household, name) != value]
    if not changed:
        return household
    for name in changed:
        setattr(household, name, changes[name])
    household.full_clean(exclude=["village"])
    with history_context(actor=actor, reason=reason or "修改户信息"):
        household.save(update_fields=changed)
    return household


def household_transfer_offered_to(user) -> bool:
    """A move needs the level above both villages: offered to users who may change households and
    govern more than one village (never a village's own users)."""
    if not user.has_perm("households.change_household"):
        return False
    return user.is_superuser or getattr(user.jurisdiction, "level", AdminLevel.VILLAGE) != AdminLevel.VILLAGE


@transaction.atomic
def household_transfer(*, actor, household: Household, to_village: AdminUnit, reason: str) -> Household:
    """户迁移 — moving a registered household to another village is a procedure of its own, never an
    import's side effect: the actor must govern both villages (a township within itself, a county
    office across its townships, the city office across counties), a reason is required, and the move
    is in the history with it."""
    require_permission(actor, "households.change_household")
    require_in_jurisdiction(actor, household.village_id)
    require_in_jurisdiction(actor, to_village.code)
    if to_village.level != AdminLevel.VILLAGE:
        raise ValidationError("只能迁入行政村")
    if to_village.code == household.village_id:
        raise ValidationError("迁入村与现所在村相同")
    if not reason.strip():
        raise ValidationError("请写明迁移理由")
    source = household.village
    household.village = to_village
    moved = f"{source.name}（{source.code}）→ {to_village.name}（{to_village.code}）"
    with history_context(actor=actor, reason=f"户迁移：{moved}：{reason.strip()}"):
        household.save(update_fields=["village"])
    return household


@transaction.atomic
def measure_create(*, actor, household: Household, kind: str, description: str, year: int) -> HelpingMeasure:
    """Record a helping measure (H-4: concrete measures for every registered household)."""
    require_in_jurisdiction(actor, household.village_id)
    require_permission(actor, "households.add_helpingmeasure")
    measure = HelpingMeasure(household=household, kind=kind, description=description.strip(), year=year)
    measure.full_clean()
    with history_context(actor=actor, reason="新增帮扶措施"):
        measure.save()
    return measure


@transaction.atomic
def cadre_pairing_create(
    *, actor, household: Household, official, valid_from: dt.date
) -> HelpingCadrePairing:
    """Pair a helping cadre (帮扶责任人) with the household from ``valid_from``; a pairing in force
    with another cadre ends the day before (one helping contact at a time, H-4)."""
    require_in_jurisdiction(actor, household.village_id)
    require_permission(actor, "households.add_helpingcadrepairing")
    if valid_from > timezone.localdate():
        raise ValidationError("结对开始日期不能晚于今天")
    current = list(
        HelpingCadrePairing.objects.select_for_update().filter(household=household).active_on(valid_from)
    )
    if any(p.official_id == official.pk for p in current):
        raise ValidationError(f"{official.name} 已是该户的帮扶责任人")
    with history_context(actor=actor, reason="更换帮扶责任人" if current else "确定帮扶责任人"):
        for pairing in current:
            if pairing.valid_from >= valid_from:
                raise ValidationError(f"现帮扶责任人自 {pairing.valid_from} 起结对，新结对须晚于该日期")
            pairing.valid_to = valid_from - dt.timedelta(days=1)
            pairing.save(update_fields=["valid_to"])
        return HelpingCadrePairing.objects.create(
            household=household, official=official, valid_from=valid_from
        )


#: one statement, whatever the number of households; a household without active members counts 0
SUMMARIES_SQL = """
UPDATE households_household h
   SET member_count = s.members, head_name = COALESCE(s.head, h.head_name)
  FROM (SELECT hh.id, count(m.id) AS members, max(m.name) FILTER (WHERE m.relation = %(head)s) AS head
          FROM households_household hh
          LEFT JOIN households_member m ON m.household_id = hh.id AND m.active
         WHERE hh.id = ANY(%(ids)s)
         GROUP BY hh.id) s
 WHERE h.id = s.id
   AND (h.member_count IS DISTINCT FROM s.members
        OR h.head_name IS DISTINCT FROM COALESCE(s.head, h.head_name))
"""


def household_summaries_refresh(household_ids: set[int] | list[int]) -> None:
    """The one place that keeps ``member_count`` and ``head_name`` in step with the active members
    (services, imports, the demo and the synthetic generator all call it); rows whose values do not
    change are not written, so the history records real changes only."""
    if household_ids:
        with connection.cursor() as cursor:
            cursor.execute(SUMMARIES_SQL, {"head": Relation.HEAD.value, "ids": list(household_ids)})
