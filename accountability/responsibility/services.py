"""Writes of the core: officials, responsibility assignments and handovers, helping-unit pairings.

Every service is keyword-only, takes the acting user, checks the permission and the jurisdiction,
runs in one transaction and records the change in the history with its reason.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accountability.access.guards import require_in_jurisdiction, require_permission
from accountability.models import (
    POSTS,
    AdminLevel,
    AdminUnit,
    HelpingUnitPairing,
    Official,
    Organisation,
    OrganisationKind,
    Post,
    ResponsibilityAssignment,
)
from accountability.platform.history import history_context
from accountability.platform.idnumbers import id_number_problem, normalise

OVERLAP_MESSAGE = "岗位“{post}”同一时间只能由一人担任：{unit} 在 {start} 起的任期与现有任职重叠"


def post_level_problem(post: str, unit: AdminUnit) -> str | None:
    spec = POSTS[Post(post)]
    if unit.level != spec.level:
        return (
            f"岗位“{Post(post).label}”的责任范围应为{AdminLevel(spec.level).label}级单位，"
            f"而 {unit.name}（{unit.code}）是{AdminLevel(unit.level).label}级"
        )
    return None


@transaction.atomic
def official_create(
    *,
    actor,
    name: str,
    id_number: str,
    organisation: Organisation,
    mobile: str = "",
    title: str = "",
    cadre_level: str | None = None,
    reason: str = "",
) -> Official:
    require_permission(actor, "accountability.add_official")
    require_in_jurisdiction(actor, organisation.unit_id)
    problem = id_number_problem(id_number)
    if problem:
        raise ValidationError({"id_number": problem})
    id_number = normalise(id_number)
    if Official.objects.filter(id_number=id_number).exists():
        raise ValidationError({"id_number": "该证件号码的干部已存在"})
    official = Official(name=name, id_number=id_number, organisation=organisation, mobile=mobile, title=title)
    if cadre_level:
        official.cadre_level = cadre_level
    with history_context(actor=actor, reason=reason or "新增干部"):
        official.save()
    return official


@transaction.atomic
def official_transfer(*, actor, official: Official, to_organisation: Organisation, reason: str) -> Official:
    """干部调动 — moving an official to an organisation of another unit is a procedure of its own, never
    an import's side effect: the actor must govern both organisations' units (the level above both
    sides), a reason is required, and the move is in the history with it. Posts are not moved: those
    held in the old place are closed by ``assignment_close`` (or a handover) as usual."""
    require_permission(actor, "accountability.change_official")
    require_in_jurisdiction(actor, official.organisation.unit_id)
    require_in_jurisdiction(actor, to_organisation.unit_id)
    if to_organisation.pk == official.organisation_id:
        raise ValidationError("调入单位与现单位相同")
    if not reason.strip():
        raise ValidationError("请写明调动理由")
    source = official.organisation
    official.organisation = to_organisation
    with history_context(actor=actor, reason=f"干部调动：{source} → {to_organisation}：{reason.strip()}"):
        official.save(update_fields=["organisation"])
    return official


@transaction.atomic
def assignment_create(
    *,
    actor,
    official: Official,
    scope_unit: AdminUnit,
    post: str,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    note: str = "",
    reason: str = "",
) -> ResponsibilityAssignment:
    """Give an official a post for a unit. Single-holder posts may not overlap (a database constraint)."""
    require_permission(actor, "accountability.add_responsibilityassignment")
    require_in_jurisdiction(actor, scope_unit.code)
    problem = post_level_problem(post, scope_unit)
    if problem:
        raise ValidationError({"post": problem})
    if valid_to is not None and valid_to < valid_from:
        raise ValidationError({"valid_to": "终止日期不能早于起始日期"})
    assignment = ResponsibilityAssignment(
        official=official,
        scope_unit=scope_unit,
        post=post,
        valid_from=valid_from,
        valid_to=valid_to,
        note=note,
    )
    try:
        with transaction.atomic(), history_context(actor=actor, reason=reason or "新增责任分工"):
            assignment.save()
    except IntegrityError as error:
        raise ValidationError(_integrity_message(error, assignment)) from error
    return assignment


def _integrity_message(error: IntegrityError, assignment: ResponsibilityAssignment) -> str:
    text = str(error)
    if "assignment_single_holder_no_overlap" in text:
        return OVERLAP_MESSAGE.format(
            post=Post(assignment.post).label, unit=assignment.scope_unit_id, start=assignment.valid_from
        )
    if "assignment_unique_start" in text:
        return "同一干部、岗位、单位和起始日期的任职已存在"
    return f"无法保存责任分工：{text.splitlines()[0]}"


@transaction.atomic
def assignment_close(*, actor, assignment: ResponsibilityAssignment, valid_to: dt.date, reason: str = ""):
    require_permission(actor, "accountability.change_responsibilityassignment")
    require_in_jurisdiction(actor, assignment.scope_unit_id)
    if valid_to < assignment.valid_from:
        raise ValidationError({"valid_to": "终止日期不能早于起始日期"})
    assignment.valid_to = valid_to
    with history_context(actor=actor, reason=reason or "任职结束"):
        assignment.save(update_fields=["valid_to"])
    return assignment


@transaction.atomic
def assignment_handover(
    *, actor, scope_unit: AdminUnit, post: str, successor: Official, on: dt.date, reason: str = ""
) -> ResponsibilityAssignment:
    """The successor holds the post from ``on``; whoever held it then stops the day before.

    The history keeps both tenures, so "who was responsible on date D" has one answer for every D.
    """
    require_permission(actor, "accountability.change_responsibilityassignment")
    require_in_jurisdiction(actor, scope_unit.code)
    reason = reason or f"岗位交接（{Post(post).label}）"
    current = list(
        ResponsibilityAssignment.objects.select_for_update()
        .active_on(on)
        .filter(scope_unit=scope_unit, post=post)
    )
    for assignment in current:
        if assignment.valid_from >= on:
            raise ValidationError("交接日期应晚于现任的起始日期")
        assignment_close(
            actor=actor, assignment=assignment, valid_to=on - dt.timedelta(days=1), reason=reason
        )
    return assignment_create(
        actor=actor, official=successor, scope_unit=scope_unit, post=post, valid_from=on, reason=reason
    )


@transaction.atomic
def pairing_create(
    *,
    actor,
    organisation: Organisation,
    village: AdminUnit,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    reason: str = "",
) -> HelpingUnitPairing:
    require_permission(actor, "accountability.add_helpingunitpairing")
    require_in_jurisdiction(actor, village.code)
    if village.level != AdminLevel.VILLAGE:
        raise ValidationError({"village": "包保对象应为村级单位"})
    if organisation.kind != OrganisationKind.HELPING_UNIT:
        raise ValidationError({"organisation": "只有包保单位可以包村"})
    pairing = HelpingUnitPairing(
        organisation=organisation, village=village, valid_from=valid_from, valid_to=valid_to
    )
    with history_context(actor=actor, reason=reason or "单位包村"):
        pairing.save()
    return pairing
