"""Writes of visit logs, research trips and stationed days: one service each, for every door
(browser, batch entry, API, import)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accountability.access.guards import require_in_jurisdiction, require_permission
from accountability.models import AdminLevel, AdminUnit, Official, Post, User
from accountability.platform.history import history_context
from accountability.platform.notifications import notification_send
from accountability.policy.quotas import should_warn
from households.models import Household
from visits.compliance import compliance
from visits.models import ResearchTrip, StationedDay, StationedSource, Visit
from visits.rules import earliest_entry, sheet_conflicts, visit_problem
from visits.selectors import is_household_of_official


def own_official(user) -> Official | None:
    """The official a login belongs to, if any."""
    return getattr(user, "official", None)


def require_may_enter_for(actor, official: Official, unit_code: str) -> None:
    """An official enters their own records; a clerk (batch entry) enters records of units in their
    jurisdiction."""
    if own_official(actor) is not None and own_official(actor).pk == official.pk:
        return
    require_in_jurisdiction(actor, unit_code)


@transaction.atomic
def visit_create(
    *,
    actor,
    official: Official,
    household: Household,
    on: dt.date,
    kind: str = "home",
    checked: Iterable[str] = (),
    problems: str = "",
    follow_up: str = "",
    follow_up_due: dt.date | None = None,
    photo=None,
) -> Visit:
    """Record a visit; refused for a future date, a household outside the official's pairings and
    posts, or a second visit of the same official to the same household on one day."""
    require_permission(actor, "visits.add_visit")
    require_may_enter_for(actor, official, household.village_id)
    today = timezone.localdate()
    problem = visit_problem(
        on=on,
        today=today,
        in_scope=is_household_of_official(official, household, on),
        follow_up_due=follow_up_due,
        earliest=earliest_entry(today),
    )
    if problem:
        raise ValidationError(problem)
    visit = Visit(
        official=official,
        household=household,
        on=on,
        kind=kind,
        checked=sorted(set(checked)),
        problems=problems.strip(),
        follow_up=follow_up.strip(),
        follow_up_due=follow_up_due,
        entered_by=actor,
    )
    if photo:
        visit.photo = photo
    # the official, household and user are rows already read: no query to check they exist
    visit.full_clean(
        exclude=["official", "household", "entered_by"], validate_unique=False, validate_constraints=False
    )
    try:
        with transaction.atomic(), history_context(actor=actor, reason="录入走访记录"):
            visit.save()
    except IntegrityError:
        raise ValidationError(f"{official.name} 在 {on} 已有走访 {household.head_name} 户的记录") from None
    return visit


@transaction.atomic
def trip_create(
    *, actor, official: Official, unit: AdminUnit, on: dt.date, topic: str, findings: str = ""
) -> ResearchTrip:
    """Record a research trip (专题调研) of a leader to a unit."""
    require_permission(actor, "visits.add_researchtrip")
    require_may_enter_for(actor, official, unit.code)
    if on > timezone.localdate():
        raise ValidationError("调研日期不能晚于今天")
    if not topic.strip():
        raise ValidationError("请填写调研主题")
    try:
        with transaction.atomic(), history_context(actor=actor, reason="录入专题调研"):
            return ResearchTrip.objects.create(
                official=official,
                unit=unit,
                on=on,
                topic=topic.strip(),
                findings=findings.strip(),
                entered_by=actor,
            )
    except IntegrityError:
        raise ValidationError("该调研已经登记过") from None


def _require_stationed_village(village: AdminUnit) -> None:
    if village.level != AdminLevel.VILLAGE:
        raise ValidationError(f"{village.name} 不是村级单位")


#: the posts that are stationed in a village (驻村): they check in daily
STATIONED_POSTS = (Post.FIRST_SECRETARY, Post.WORK_TEAM_MEMBER)


def stationed_village(official: Official, on: dt.date) -> AdminUnit | None:
    """The village where the official is stationed on the day, if any."""
    stationed = (
        official.assignments.active_on(on).filter(post__in=STATIONED_POSTS).select_related("scope_unit")
    )
    return next((a.scope_unit for a in stationed[:1]), None)


@transaction.atomic
def stationed_day_check_in(*, actor, on: dt.date | None = None) -> StationedDay:
    """A first secretary's or work-team member's daily check-in (today only), in the village where
    they are stationed that day."""
    official = own_official(actor)
    if official is None:
        raise PermissionDenied("只有关联了干部身份的账号可以签到")
    today = timezone.localdate()
    on = on or today
    if on != today:
        raise ValidationError("每日签到只能签当天；补登请由乡镇录入月度考勤表")
    village = stationed_village(official, on)
    if village is None:
        raise ValidationError("您当前没有驻村岗位（第一书记或驻村工作队员），无需签到")
    try:
        with transaction.atomic(), history_context(actor=actor, reason="驻村签到"):
            return StationedDay.objects.create(
                official=official, village=village, on=on, source=StationedSource.CHECK_IN, entered_by=actor
            )
    except IntegrityError:
        raise ValidationError(f"{on} 已有驻村记录") from None


@transaction.atomic
def attendance_sheet(
    *, actor, official: Official, village: AdminUnit, month: dt.date, days: Iterable[dt.date]
) -> list[StationedDay]:
    """A township's monthly attendance sheet for one official and village: replaces the sheet's
    days of that month; refused for a day that already has a daily check-in (not both for a day)."""
    require_permission(actor, "visits.add_stationedday")
    require_in_jurisdiction(actor, village.code)
    _require_stationed_village(village)
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    stationed = official.assignments.overlapping(first, following - dt.timedelta(days=1)).filter(
        post__in=STATIONED_POSTS, scope_unit=village
    )
    if not stationed.exists():
        raise ValidationError(
            f"{official.name} 在 {first:%Y年%m月} 没有在 {village.name} 驻村的岗位，不能登记考勤"
        )
    days = sorted(set(days))
    outside = [d for d in days if not first <= d < following]
    if outside:
        raise ValidationError(f"考勤表只能填写 {first:%Y年%m月} 的日期：{'、'.join(map(str, outside))}")
    if days and days[-1] > timezone.localdate():
        raise ValidationError("考勤日期不能晚于今天")
    existing = StationedDay.objects.select_for_update().filter(
        official=official, on__gte=first, on__lt=following
    )
    checked_in = {d.on for d in existing if d.source == StationedSource.CHECK_IN}
    conflicts = sheet_conflicts(days, checked_in)
    if conflicts:
        raise ValidationError(f"这些日期已有本人签到，不能再由考勤表登记：{'、'.join(map(str, conflicts))}")
    with history_context(actor=actor, reason=f"录入 {first:%Y年%m月} 驻村考勤表"):
        existing.filter(source=StationedSource.SHEET).exclude(on__in=days).delete()
        kept = set(existing.filter(source=StationedSource.SHEET).values_list("on", flat=True))
        return StationedDay.objects.bulk_create(
            [
                StationedDay(
                    official=official, village=village, on=d, source=StationedSource.SHEET, entered_by=actor
                )
                for d in days
                if d not in kept
            ]
        )


def quota_warnings_send(*, today: dt.date) -> int:
    """One in-app message (and email) per official with a login who is behind with a quota in the
    last ``warn_days`` of its period; a second run on the same day sends nothing."""
    rows = [
        row
        for row in compliance("", on=today, today=today)
        if should_warn(status=row.status, window=row.held, today=today, warn_days=row.warn_days)
    ]
    by_official: dict[int, list] = {}
    for row in rows:
        by_official.setdefault(row.official_id, []).append(row)
    users = dict(Official.objects.filter(pk__in=by_official, user__is_active=True).values_list("pk", "user"))
    recipients = {u.pk: u for u in User.objects.filter(pk__in=users.values())}
    sent = 0
    for official_id, late in by_official.items():
        user = recipients.get(users.get(official_id))
        if user is None:
            continue
        lines = [
            f"· {r.quota_code} {r.quota_label}：已完成 {r.done}/{r.required}，考核期至 {r.held.end}"
            for r in late
        ]
        message = notification_send(
            recipient=user,
            kind="quota_warning",
            title=f"走访考核提醒：{len(late)} 项指标进度落后",
            body="以下指标本期即将结束，进度落后：\n" + "\n".join(lines),
            link="/visits/mine/",
            dedupe_key=f"quota-warning:{today.isoformat()}",
        )
        sent += message is not None
    return sent
