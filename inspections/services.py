"""Writes of supervision and rectification: one service per step, for every door (pages, API,
import, demo). Keyword-only, one transaction, the actor checked and named in the history."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from accountability.access.guards import require_in_jurisdiction, require_permission
from accountability.access.roles import ROLE_BY_CODE
from accountability.cases.models import CaseOrigin
from accountability.cases.services import case_open
from accountability.models import AdminLevel, AdminUnit, Official, Organisation, User
from accountability.platform.history import history_context
from accountability.platform.notifications import notifications_send
from accountability.policy.calendar import add_working_days
from accountability.rules.problems import RaisedProblem
from inspections.models import (
    PATROL_LEADER_RANKS,
    CadreRank,
    Evidence,
    EvidenceKind,
    Finding,
    FindingResponsible,
    FindingSeverity,
    FindingStatus,
    InspectionRound,
    MemberRole,
    Method,
    Petition,
    PlanItem,
    ProblemSource,
    RectificationStep,
    RoundKind,
    StepKind,
    SupervisionPlan,
    TeamMember,
    TransferTo,
)
from inspections.rules import (
    DEADLINE_REASON_MAX,
    PHOTO_EXTENSIONS,
    deadline_change_refusal,
    evidence_problem,
    rectification_deadline,
    significant,
    verification_refusal,
)
from inspections.selectors import policy_for, responsible_on


def _today() -> dt.date:
    return timezone.localdate()


def _not_future(day: dt.date, what: str) -> None:
    if day > _today():
        raise ValidationError(f"{what}不能晚于今天")


def _text(value: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(f"请填写{what}")
    return value


# --- plans -------------------------------------------------------------------------------------


@transaction.atomic
def plan_create(
    *, actor, unit: AdminUnit, year: int, title: str, adopted_on: dt.date | None = None
) -> SupervisionPlan:
    """The annual supervision plan of an office (one per unit and year)."""
    require_permission(actor, "inspections.add_supervisionplan")
    require_in_jurisdiction(actor, unit.code)
    if unit.level == AdminLevel.VILLAGE:
        raise ValidationError("村级不制定督查计划")
    plan = SupervisionPlan(
        unit=unit, year=year, title=_text(title, "计划名称"), adopted_on=adopted_on, created_by=actor
    )
    plan.full_clean(exclude=["unit", "created_by"], validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic(), history_context(actor=actor, reason="制定年度督查计划"):
            plan.save()
    except IntegrityError:
        raise ValidationError(f"{unit.name} 已有 {year} 年度督查计划") from None
    return plan


@transaction.atomic
def plan_item_add(
    *,
    actor,
    plan: SupervisionPlan,
    scope: str,
    title: str,
    counties: Iterable[AdminUnit] = (),
    helping_units: Iterable[Organisation] = (),
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
) -> PlanItem:
    require_permission(actor, "inspections.add_supervisionplan")
    require_in_jurisdiction(actor, plan.unit_id)
    counties, helping_units = list(counties), list(helping_units)
    for county in counties:
        if county.level != AdminLevel.COUNTY or not county.code.startswith(plan.unit.prefix):
            raise ValidationError(f"{county.name} 不是本计划范围内的县(区)")
    for organisation in helping_units:
        if not organisation.unit_id.startswith(plan.unit.prefix):
            raise ValidationError(f"{organisation.name} 不在本计划范围内")
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError("计划结束日期不能早于开始日期")
    for day in (starts_on, ends_on):
        if day and day.year != plan.year:
            raise ValidationError(f"日期应在 {plan.year} 年内")
    with history_context(actor=actor, reason="增加督查事项"):
        item = PlanItem.objects.create(
            plan=plan, scope=scope, title=_text(title, "督查事项"), starts_on=starts_on, ends_on=ends_on
        )
        item.counties.set(counties)
        item.helping_units.set(helping_units)
    return item


# --- rounds ------------------------------------------------------------------------------------


def _county_of(code: str) -> str:
    return code[:6]


@transaction.atomic
def round_create(
    *,
    actor,
    kind: str,
    number: str,
    title: str,
    issuer: AdminUnit,
    unit: AdminUnit,
    starts_on: dt.date,
    leader: Official,
    leader_rank: str,
    members: Iterable[Official] = (),
    methods: Iterable[str] = (),
    scope: str = "",
    helping_unit: Organisation | None = None,
    ends_on: dt.date | None = None,
    approved_on: dt.date | None = None,
    plan_item: PlanItem | None = None,
    cross_check: bool = True,
) -> InspectionRound:
    """A supervision or patrol of one unit by a team with one leader (组长负责制). A patrol needs
    the city's approval before it starts and a leader of 处级 rank or above (C3-13, C3-14); no member
    inspects their own county (C3-04, cross inspection)."""
    require_permission(actor, "inspections.add_inspectionround")
    require_in_jurisdiction(actor, issuer.code)
    require_in_jurisdiction(actor, unit.code)
    if kind not in RoundKind.values:
        raise ValidationError("类型应为督查或巡查")
    if not unit.code.startswith(issuer.prefix) or unit.code == issuer.code:
        raise ValidationError("被督查（巡查）单位应为组织单位的下级单位")
    if helping_unit is not None and not helping_unit.unit_id.startswith(issuer.prefix):
        raise ValidationError(f"{helping_unit.name} 不在组织单位的范围内")
    if kind == RoundKind.PATROL:
        scope = ""
        if approved_on is None:
            raise ValidationError("巡查须经市委、市政府批准，请填写批准日期")
        if approved_on > starts_on:
            raise ValidationError("巡查应在批准之后开展")
        if leader_rank not in PATROL_LEADER_RANKS:
            raise ValidationError("巡查组组长应为处级以上领导干部")
    elif scope not in ("comprehensive", "special"):
        raise ValidationError("督查类型应为综合督查或专项督查")
    if leader_rank not in CadreRank.values:
        raise ValidationError("组长级别不正确")
    unknown = set(methods) - set(Method.values)
    if unknown:
        raise ValidationError(f"未知的督查方式：{'、'.join(sorted(unknown))}")
    if ends_on and ends_on < starts_on:
        raise ValidationError("结束日期不能早于开始日期")
    if plan_item is not None and plan_item.plan.unit_id != issuer.code:
        raise ValidationError("计划事项不属于组织单位的督查计划")
    team = [leader, *[m for m in members if m.pk != leader.pk]]
    if cross_check and issuer.level == AdminLevel.CITY:  # the city's rounds cross counties (C3-04)
        county = _county_of(unit.code)
        own = [
            o.name
            for o in Official.objects.filter(pk__in=[m.pk for m in team]).select_related("organisation")
            if significant(o.organisation.unit_id).startswith(county)
        ]
        if own:
            raise ValidationError(f"交叉督查巡查：{'、'.join(own)} 不得督查（巡查）本人所在县(区)")
    found = InspectionRound(
        number=_text(number, "编号"),
        kind=kind,
        scope=scope,
        plan_item=plan_item,
        title=_text(title, "名称"),
        issuer=issuer,
        unit=unit,
        helping_unit=helping_unit,
        starts_on=starts_on,
        ends_on=ends_on,
        approved_on=approved_on,
        leader=leader,
        leader_rank=leader_rank,
        methods=sorted(set(methods)),
        created_by=actor,
    )
    try:
        with transaction.atomic(), history_context(actor=actor, reason=f"组织{RoundKind(kind).label}"):
            found.save()
            TeamMember.objects.bulk_create(
                [
                    TeamMember(
                        round=found,
                        official=m,
                        role=MemberRole.LEADER if m.pk == leader.pk else MemberRole.MEMBER,
                    )
                    for m in team
                ]
            )
    except IntegrityError:
        raise ValidationError(f"编号 {number} 已被使用") from None
    return found


@transaction.atomic
def round_update(
    *,
    actor,
    round: InspectionRound,
    methods: Iterable[str] | None = None,
    situation: str | None = None,
    opinions: str | None = None,
    ends_on: dt.date | None = None,
) -> InspectionRound:
    require_permission(actor, "inspections.change_inspectionround")
    require_in_jurisdiction(actor, round.issuer_id)
    if methods is not None:
        unknown = set(methods) - set(Method.values)
        if unknown:
            raise ValidationError(f"未知的督查方式：{'、'.join(sorted(unknown))}")
        round.methods = sorted(set(methods))
    if situation is not None:
        round.situation = situation.strip()
    if opinions is not None:
        round.opinions = opinions.strip()
    if ends_on is not None:
        if ends_on < round.starts_on:
            raise ValidationError("结束日期不能早于开始日期")
        round.ends_on = ends_on
    with history_context(actor=actor, reason="更新督查巡查情况"):
        round.save()
    return round


@transaction.atomic
def round_feedback(*, actor, round: InspectionRound, on: dt.date) -> InspectionRound:
    """Record the day the round's opinions were fed back to the inspected unit; the open patrol
    findings of the round take their deadline from it (seed 003 Art. 18)."""
    require_permission(actor, "inspections.change_inspectionround")
    require_in_jurisdiction(actor, round.issuer_id)
    _not_future(on, "反馈日期")
    if on < round.starts_on:
        raise ValidationError("反馈日期不能早于督查巡查开始日期")
    with history_context(actor=actor, reason="反馈督查巡查意见"):
        round.feedback_on = on
        round.save(update_fields=["feedback_on"])
        for finding in round.findings.exclude(status=FindingStatus.CLOSED).filter(feedback_on__isnull=True):
            finding.feedback_on = on
            _apply_deadline(finding, None)
            finding.save(update_fields=["feedback_on", "deadline", "deadline_basis"])
    return round


# --- findings ----------------------------------------------------------------------------------


def _apply_deadline(finding: Finding, set_deadline: dt.date | None) -> None:
    policy = policy_for(finding.unit_id, finding.found_on)
    deadline = rectification_deadline(
        source=finding.source,
        found_on=finding.found_on,
        feedback_on=finding.feedback_on,
        set_deadline=set_deadline,
        patrol_months=policy.patrol_rectification_months,
        default_months=policy.default_rectification_months,
    )
    finding.deadline, finding.deadline_basis = deadline.due, deadline.basis


def _step(finding: Finding, kind: str, actor, text: str = "", on: dt.date | None = None) -> RectificationStep:
    return RectificationStep.objects.create(
        finding=finding, kind=kind, on=on or _today(), text=text, actor=actor
    )


@transaction.atomic
def finding_create(
    *,
    actor,
    number: str,
    unit: AdminUnit,
    found_on: dt.date,
    source: str,
    category: str,
    severity: str,
    description: str,
    round: InspectionRound | None = None,
    feedback_on: dt.date | None = None,
    deadline: dt.date | None = None,
    responsible: Iterable[Official] | None = None,
    transfer_to: str = "",
    transfer_note: str = "",
    measures: str = "",
    disclosable: bool = True,
    issuer: AdminUnit | None = None,
    files: Iterable = (),
    reason: str = "登记问题",
) -> Finding:
    """Record a problem. The officials responsible are who held the unit's first- and
    direct-responsible posts on the finding's date, unless named; the deadline follows the source
    (2 months from the patrol feedback), a set date, or the profile's default."""
    require_permission(actor, "inspections.add_finding")
    require_in_jurisdiction(actor, unit.code)
    _not_future(found_on, "发现日期")
    if source not in ProblemSource.values:
        raise ValidationError("问题来源不正确")
    if round is not None:
        if not unit.code.startswith(round.unit.prefix):
            raise ValidationError(
                f"{unit.name} 不在本次{RoundKind(round.kind).label}的对象 {round.unit.name} 范围内"
            )
        source = round.kind
        owner, issuer = round.unit, round.issuer
        feedback_on = feedback_on or round.feedback_on
        if found_on < round.starts_on:
            raise ValidationError("发现日期不能早于督查巡查开始日期")
    else:
        owner = unit
        issuer = issuer or (actor.jurisdiction if getattr(actor, "jurisdiction_id", None) else unit)
    policy = policy_for(unit.code, found_on)
    if category not in {c["code"] for c in policy.categories}:
        raise ValidationError(f"问题类别“{category}”不在现行类别中")
    if feedback_on is not None and feedback_on < found_on:
        raise ValidationError("反馈日期不能早于发现日期")
    if deadline is not None and deadline < found_on:
        raise ValidationError("整改期限不能早于发现日期")
    if transfer_to and transfer_to not in TransferTo.values:
        raise ValidationError("移交机关应为纪检监察机关或检察机关")
    finding = Finding(
        number=_text(number, "问题编号"),
        round=round,
        source=source,
        category=category,
        severity=severity,
        unit=unit,
        owner=owner,
        issuer=issuer,
        found_on=found_on,
        feedback_on=feedback_on,
        description=_text(description, "问题描述"),
        measures=(measures or "").strip(),
        disclosable=disclosable,
        transfer_to=transfer_to or "",
        transferred_on=found_on if transfer_to else None,
        transfer_note=transfer_note.strip(),
        created_by=actor,
    )
    _apply_deadline(finding, deadline)
    finding.full_clean(
        exclude=["unit", "owner", "issuer", "round", "created_by", "verified_by", "case", "deadline"],
        validate_unique=False,
        validate_constraints=False,
    )
    try:
        with transaction.atomic(), history_context(actor=actor, reason=reason):
            finding.save()
            _set_responsible(finding, responsible)
            _step(finding, StepKind.CREATED, actor, finding.deadline_basis, on=found_on)
            if transfer_to:
                _step(
                    finding, StepKind.TRANSFERRED, actor, f"移交{TransferTo(transfer_to).label}", on=found_on
                )
            _attach(finding, None, files, actor)  # the inspector's photos: with the finding or not at all
            if transfer_to:
                _notify_discipline(finding, TransferTo(transfer_to).label)
    except IntegrityError:
        raise ValidationError(f"问题编号 {number} 已存在") from None
    return finding


def _set_responsible(finding: Finding, officials: Iterable[Official] | None) -> None:
    FindingResponsible.objects.filter(finding=finding).delete()
    if officials is None:
        rows = [
            FindingResponsible(finding=finding, official_id=h.official_id, post=h.post, resolved=True)
            for h in responsible_on(finding.unit, finding.found_on)
        ]
    else:
        rows = [FindingResponsible(finding=finding, official=o, post="", resolved=False) for o in officials]
    seen, unique = set(), []
    for row in rows:
        if row.official_id not in seen:
            seen.add(row.official_id)
            unique.append(row)
    FindingResponsible.objects.bulk_create(unique)


@transaction.atomic
def finding_set_responsible(
    *, actor, finding: Finding, officials: Iterable[Official] | None, reason: str
) -> Finding:
    """Name the officials responsible by hand (``None``: resolve again from the posts)."""
    require_permission(actor, "inspections.change_finding")
    require_in_jurisdiction(actor, finding.unit_id)
    with history_context(actor=actor, reason=reason or "调整问题责任人"):
        _set_responsible(finding, officials)
        names = "、".join(r.official.name for r in finding.responsible.select_related("official"))
        _step(finding, StepKind.RESPONSIBLE, actor, f"{_text(reason, '调整理由')}：{names or '无'}")
    return finding


def _require_reporter(actor, finding: Finding) -> None:
    require_permission(actor, "inspections.report_rectification")
    require_in_jurisdiction(actor, finding.unit_id)


def _attach(finding: Finding, step: RectificationStep | None, files: Iterable, actor) -> list[Evidence]:
    policy = policy_for(finding.unit_id, finding.found_on)
    attached = []
    for upload in files:
        if not upload:
            continue
        name = getattr(upload, "name", "") or "file"
        size = getattr(upload, "size", None)
        head = upload.read(16)
        upload.seek(0)
        if size is None:
            size = len(upload.read())
            upload.seek(0)
        problem = evidence_problem(name=name, size=size, content_head=head, max_mb=policy.evidence_max_mb)
        if problem:
            raise ValidationError(problem)
        extension = name.rsplit(".", 1)[-1].lower()
        evidence = Evidence(
            finding=finding,
            step=step,
            kind=EvidenceKind.PHOTO if extension in PHOTO_EXTENSIONS else EvidenceKind.DOCUMENT,
            name=name[:200],
            size=size,
            uploaded_by=actor,
        )
        evidence.file.save(
            name[-100:], upload if hasattr(upload, "chunks") else ContentFile(upload.read()), save=False
        )
        evidence.save()
        attached.append(evidence)
    return attached


@transaction.atomic
def evidence_add(*, actor, finding: Finding, files: Iterable) -> list[Evidence]:
    """Photos and documents of the finding itself (the inspector's evidence)."""
    if not (actor.has_perm("inspections.add_finding") or actor.has_perm("inspections.report_rectification")):
        raise PermissionDenied("您没有执行此操作的权限")
    require_in_jurisdiction(actor, finding.unit_id)
    if finding.status == FindingStatus.CLOSED:
        raise ValidationError("问题已销号，不能再补充佐证材料")
    with history_context(actor=actor, reason="上传佐证材料"):
        return _attach(finding, None, files, actor)


@transaction.atomic
def rectification_report(
    *,
    actor,
    finding: Finding,
    text: str,
    files: Iterable = (),
    on: dt.date | None = None,
    request_close: bool = False,
    measures: str = "",
) -> RectificationStep:
    """A progress report of the inspected unit with its attachments; with ``request_close`` it asks
    for close-out (销号) and the finding waits for verification."""
    _require_reporter(actor, finding)
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if finding.status == FindingStatus.CLOSED:
        raise ValidationError("问题已销号，不能再填报整改进展")
    if finding.status == FindingStatus.AWAITING:
        raise ValidationError("问题已申请销号，正在等待核验")
    on = on or _today()
    _not_future(on, "填报日期")
    kind = StepKind.REQUEST_CLOSE if request_close else StepKind.PROGRESS
    with history_context(actor=actor, reason=str(kind.label)):
        step = _step(finding, kind, actor, _text(text, "整改情况"), on=on)
        _attach(finding, step, files, actor)
        if measures.strip():
            finding.measures = measures.strip()
        if request_close:
            finding.status = FindingStatus.AWAITING
        finding.save(update_fields=["status", "measures"])
    return step


def _require_verifier(actor, finding: Finding) -> None:
    require_permission(actor, "inspections.verify_finding")
    require_in_jurisdiction(actor, finding.unit_id)
    refusal = verification_refusal(
        verifier_code=actor.jurisdiction_id, owner_code=finding.owner_id, is_superuser=actor.is_superuser
    )
    if refusal:
        raise PermissionDenied(refusal)


@transaction.atomic
def finding_verify(*, actor, finding: Finding, text: str = "", on: dt.date | None = None) -> Finding:
    """Verification passed: the finding is closed (销号). Only by someone outside the owning unit."""
    _require_verifier(actor, finding)
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if finding.status != FindingStatus.AWAITING:
        raise ValidationError("只有已申请销号的问题可以核验")
    on = on or _today()
    _not_future(on, "核验日期")
    with history_context(actor=actor, reason="核验销号"):
        finding.status, finding.closed_on, finding.verified_by = FindingStatus.CLOSED, on, actor
        finding.save(update_fields=["status", "closed_on", "verified_by"])
        _step(finding, StepKind.VERIFIED, actor, (text or "").strip() or "核验通过，同意销号", on=on)
    return finding


@transaction.atomic
def finding_reject(*, actor, finding: Finding, text: str, on: dt.date | None = None) -> Finding:
    """Verification failed: back to rectification, the rejection counted."""
    _require_verifier(actor, finding)
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if finding.status != FindingStatus.AWAITING:
        raise ValidationError("只有已申请销号的问题可以退回")
    with history_context(actor=actor, reason="核验退回"):
        finding.status = FindingStatus.RECTIFYING
        finding.rejections += 1
        finding.save(update_fields=["status", "rejections"])
        _step(finding, StepKind.REJECTED, actor, _text(text, "退回理由"), on=on)
    return finding


@transaction.atomic
def finding_reopen(*, actor, finding: Finding, text: str, on: dt.date | None = None) -> Finding:
    """A closed finding found again (反弹) or closed on false grounds: reopened, counted."""
    _require_verifier(actor, finding)
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if finding.status != FindingStatus.CLOSED:
        raise ValidationError("只有已销号的问题可以重新打开")
    with history_context(actor=actor, reason="重新打开问题"):
        finding.status, finding.closed_on, finding.verified_by = FindingStatus.RECTIFYING, None, None
        finding.reopenings += 1
        finding.save(update_fields=["status", "closed_on", "verified_by", "reopenings"])
        _step(finding, StepKind.REOPENED, actor, _text(text, "重新打开理由"), on=on)
    return finding


@transaction.atomic
def finding_set_deadline(*, actor, finding: Finding, deadline: dt.date, reason: str) -> Finding:
    """Set an open finding's deadline by hand, with the reason kept in the history and the timeline:
    by the issuing office or one above it (not for patrol findings: N months from the feedback)."""
    require_permission(actor, "inspections.change_finding")
    require_in_jurisdiction(actor, finding.unit_id)
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    refusal = deadline_change_refusal(
        source=finding.source,
        status=finding.status,
        actor_code=actor.jurisdiction_id,
        issuer_code=finding.issuer_id,
        is_superuser=actor.is_superuser,
    )
    if refusal:  # the finding's state is a ValidationError, the actor's place a PermissionDenied
        settled = finding.source == ProblemSource.PATROL or finding.status == FindingStatus.CLOSED
        raise ValidationError(refusal) if settled else PermissionDenied(refusal)
    reason = _text(reason, "调整理由")
    if len(reason) > DEADLINE_REASON_MAX:
        raise ValidationError(f"调整理由不超过 {DEADLINE_REASON_MAX} 字")
    if deadline < finding.found_on:
        raise ValidationError("整改期限不能早于发现日期")
    if deadline == finding.deadline:
        raise ValidationError(f"整改期限已是 {deadline}")
    before = finding.deadline
    with history_context(actor=actor, reason=f"调整整改期限：{reason}"):
        finding.deadline, finding.deadline_basis = deadline, f"调整：{reason}"
        finding.save(update_fields=["deadline", "deadline_basis"])
        _step(finding, StepKind.DEADLINE, actor, f"整改期限由 {before} 调整为 {deadline}：{reason}")
    return finding


@transaction.atomic
def finding_transfer(*, actor, finding: Finding, to: str, note: str, on: dt.date | None = None) -> Finding:
    """Transfer a violation to the discipline inspection or the procuratorate (A-11, C3-17)."""
    require_permission(actor, "inspections.transfer_finding")
    require_in_jurisdiction(actor, finding.unit_id)
    if to not in (TransferTo.DISCIPLINE, TransferTo.PROCURATORATE):
        raise ValidationError("移交机关应为纪检监察机关或检察机关")
    if finding.transfer_to:
        raise ValidationError(
            f"该问题已于 {finding.transferred_on} 移交{TransferTo(finding.transfer_to).label}"
        )
    on = on or _today()
    _not_future(on, "移交日期")
    with history_context(actor=actor, reason="移交问题线索"):
        finding.transfer_to, finding.transferred_on, finding.transfer_note = to, on, (note or "").strip()
        finding.save(update_fields=["transfer_to", "transferred_on", "transfer_note"])
        _step(
            finding, StepKind.TRANSFERRED, actor, f"移交{TransferTo(to).label}：{(note or '').strip()}", on=on
        )
        _notify_discipline(finding, TransferTo(to).label)
    return finding


def _notify_discipline(finding: Finding, to: str) -> int:
    """The discipline officers whose jurisdiction contains the finding's unit receive the transfer in
    their inbox (once per finding)."""
    codes = [finding.unit_id, *finding.unit.ancestor_codes()]
    officers = list(
        User.objects.filter(
            is_active=True, jurisdiction_id__in=codes, groups__name=ROLE_BY_CODE["discipline_officer"].name
        ).distinct()
    )
    return notifications_send(
        recipients=officers,
        kind="finding_transfer",
        dedupe_key=f"finding-transfer:{finding.pk}",
        link=f"/inspections/findings/{finding.pk}/",
        messages={
            user.pk: (
                f"问题线索移交：{finding.number}",
                f"{finding.unit.name}：{finding.description[:200]}（移交{to}，{finding.transferred_on}）",
            )
            for user in officers
        },
    )


@transaction.atomic
def finding_open_case(
    *, actor, finding: Finding, situation: str, severity: str, official: Official | None = None
):
    """Open an accountability case on the finding as its ground (origin 督查巡查发现)."""
    if finding.case_id:
        raise ValidationError(f"该问题已立案（案件 {finding.case_id}）")
    case = case_open(
        actor=actor,
        unit=finding.unit,
        situation=situation,
        facts=f"问题 {finding.number}（{finding.get_source_display()}，{finding.found_on}）："
        + finding.description,
        severity=severity,
        official=official,
        origin=CaseOrigin.INSPECTION,
        source_reference=finding.number,
    )
    with history_context(actor=actor, reason="由问题立案问责"):
        finding.case = case
        finding.save(update_fields=["case"])
        _step(finding, StepKind.CASE, actor, f"立案问责（案件 {case.pk}）")
    return case


# --- problems raised by other apps (the core's contract, accountability/rules/problems.py) ---------

#: the assessment's Art. 8 problem kinds (assessment.rules.TRIGGERS) → the supervision focus areas
RAISED_CATEGORIES = {
    "task_failed": "reduction_tasks",
    "fund_violation": "fund_use",
    "false_exit": "identification_exit",
    "low_accuracy": "identification_exit",
    "violation_found": "responsibility",
}


def _raised_number(problem: RaisedProblem) -> str:
    """A stable 问题编号 for a raised problem: KH<year>-<unit code>-<6 hex digits of its key>."""
    return (
        f"KH{problem.year}-{problem.unit_code}-{hashlib.sha256(problem.key.encode()).hexdigest()[:6].upper()}"
    )


@transaction.atomic
def findings_receive(problems: Sequence[RaisedProblem]) -> int:
    """Record problems another app raised (the annual assessment's Art. 8 problems, Art. 9: talk and
    rectification by a deadline) as findings in the problem list and rectification ledger, in the
    raiser's name; once per ``key``. Source 第三方评估 (the assessment's vocabulary closest to the seven
    sources of the issue), severity 较重 (a talk with the principal leaders), the deadline the
    raiser set, the officials who held the posts on the day it was raised. Returns how many are new."""
    problems = list(problems)
    known = set(
        Finding.objects.filter(origin_key__in=[p.key for p in problems]).values_list("origin_key", flat=True)
    )
    units = AdminUnit.objects.in_bulk([p.unit_code for p in problems if p.key not in known])
    users = User.objects.in_bulk([p.actor_id for p in problems if p.actor_id])
    recorded = 0
    for problem in problems:
        unit, actor = units.get(problem.unit_code), users.get(problem.actor_id)
        if problem.key in known or unit is None or actor is None:
            continue
        raised_by = AdminUnit.objects.filter(code=problem.raised_by).first() if problem.raised_by else None
        if raised_by is None or not unit.code.startswith(raised_by.prefix) or raised_by.code == unit.code:
            raised_by = unit.parent or unit  # the level above verifies (C3-19)
        found_on = min(problem.raised_on or _today(), _today())
        policy = policy_for(unit.code, found_on)
        codes = [c["code"] for c in policy.categories]
        category = RAISED_CATEGORIES.get(problem.category)
        category = category if category in codes else codes[0]
        deadline = problem.rectify_by if problem.rectify_by and problem.rectify_by >= found_on else None
        talk = "；须约谈该单位主要负责人（第九条）" if problem.talk else ""
        finding = Finding(
            number=_raised_number(problem),
            source=ProblemSource.THIRD_PARTY,
            category=category,
            severity=FindingSeverity.SERIOUS,
            unit=unit,
            owner=unit,
            issuer=raised_by,
            found_on=found_on,
            description=f"{problem.title}（{problem.detail}）{talk}",
            origin_key=problem.key,
            created_by=actor,
        )
        _apply_deadline(finding, deadline)
        try:
            with (
                transaction.atomic(),
                history_context(actor=actor, reason=f"成效考核交办问题（{problem.source}）"),
            ):
                finding.save()
                _set_responsible(finding, None)
                _step(
                    finding,
                    StepKind.CREATED,
                    actor,
                    f"成效考核结果反馈交办；{finding.deadline_basis}",
                    on=found_on,
                )
        except IntegrityError:  # raised at the same time by another request: recorded there
            continue
        known.add(problem.key)
        recorded += 1
    return recorded


# --- petitions ---------------------------------------------------------------------------------


def answer_due(received_on: dt.date, working_days: int) -> dt.date | None:
    """The answer deadline: ``working_days`` working days after receipt on the official calendar
    (receipt day not counted); ``None`` (unknown) where the calendar has no data for the year —
    never counted on bare weekdays."""
    return add_working_days(received_on, working_days)


@transaction.atomic
def petition_create(
    *,
    actor,
    number: str,
    channel: str,
    received_on: dt.date,
    content: str,
    unit: AdminUnit,
    handler: Official | None = None,
) -> Petition:
    require_permission(actor, "inspections.add_petition")
    require_in_jurisdiction(actor, unit.code)
    _not_future(received_on, "受理日期")
    policy = policy_for(unit.code, received_on)
    petition = Petition(
        number=_text(number, "编号"),
        channel=channel,
        received_on=received_on,
        content=_text(content, "反映内容"),
        unit=unit,
        handler=handler,
        answer_due=answer_due(received_on, policy.petition_answer_working_days),
        created_by=actor,
    )
    petition.full_clean(
        exclude=["unit", "handler", "finding", "created_by"],
        validate_unique=False,
        validate_constraints=False,
    )
    try:
        with transaction.atomic(), history_context(actor=actor, reason="登记信访举报"):
            petition.save()
    except IntegrityError:
        raise ValidationError(f"编号 {number} 已存在") from None
    return petition


@transaction.atomic
def petition_answer(
    *, actor, petition: Petition, answer: str, on: dt.date | None = None, satisfaction: str = ""
) -> Petition:
    require_permission(actor, "inspections.change_petition")
    require_in_jurisdiction(actor, petition.unit_id)
    on = on or _today()
    _not_future(on, "答复日期")
    if on < petition.received_on:
        raise ValidationError("答复日期不能早于受理日期")
    with history_context(actor=actor, reason="答复信访举报"):
        petition.answer, petition.answered_on, petition.satisfaction = (
            _text(answer, "答复内容"),
            on,
            satisfaction,
        )
        petition.save(update_fields=["answer", "answered_on", "satisfaction"])
    return petition


@transaction.atomic
def petition_to_finding(
    *, actor, petition: Petition, number: str, category: str, severity: str, deadline: dt.date | None = None
) -> Finding:
    """A petition that reveals a problem produces a finding (source 信访举报)."""
    if petition.finding_id:
        raise ValidationError(f"该信访举报已形成问题 {petition.finding.number}")
    finding = finding_create(
        actor=actor,
        number=number,
        unit=petition.unit,
        found_on=petition.received_on,
        source=ProblemSource.PETITION,
        category=category,
        severity=severity,
        description=petition.content,
        deadline=deadline,
        reason=f"信访举报 {petition.number} 形成问题",
    )
    with history_context(actor=actor, reason="信访举报形成问题"):
        petition.finding = finding
        petition.save(update_fields=["finding"])
    return finding
