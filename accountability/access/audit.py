"""Audit records: logins (success, failure, lockout), unlocks, exports and reads of unmasked
personal data (accountability.models.AuditEvent), and unlocking locked-out users.

Writes go through ``audit_record``; the auth signals and axes' lockout signal are connected in
``AccountabilityConfig.ready``. Reads go through ``audit_events_for`` (scoped with
``visible_to``: discipline and audit roles see the events of users of their jurisdiction).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability.access.client_ip import client_ip
from accountability.access.scoping import visible_to
from accountability.models import AuditEvent, AuditKind, User

AUDIT_PERMISSION = "accountability.view_auditevent"


def _user_named(username: str) -> User | None:
    if not username:
        return None
    return User.objects.filter(username=username).select_related("jurisdiction").first()


def audit_record(
    *,
    kind: str,
    user=None,
    username: str = "",
    request=None,
    subject: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record one event. ``user`` may be None (a failed login for an unknown name): the event is
    then attached to the user of that name if there is one, to no jurisdiction otherwise."""
    if user is None or not getattr(user, "is_authenticated", False):
        user = _user_named(username)
    return AuditEvent.objects.create(
        kind=kind,
        user=user,
        username=(user.get_username() if user else username)[:150],
        jurisdiction_id=user.jurisdiction_id if user else None,
        ip_address=client_ip(request) if request is not None else None,
        subject=subject[:200],
        detail=detail or {},
    )


# --- signal receivers (connected in apps.py) -------------------------------------------------


def on_logged_in(sender, request, user, **kwargs) -> None:
    audit_record(kind=AuditKind.LOGIN, user=user, request=request)


def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    audit_record(
        kind=AuditKind.LOGIN_FAILED, username=str(credentials.get("username") or ""), request=request
    )


def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    audit_record(kind=AuditKind.LOCKOUT, username=str(username or ""), request=request)


# --- reads ----------------------------------------------------------------------------------


def audit_events_for(user) -> QuerySet[AuditEvent]:
    """The audit events ``user`` may read: none without the audit right, those of users of his
    jurisdiction with it (all for a superuser)."""
    events = AuditEvent.objects.select_related("jurisdiction").order_by("-at", "-pk")
    if not (user.is_active and user.has_perm(AUDIT_PERMISSION)):
        return events.none()
    return visible_to(events, user)


def lockouts_for(actor) -> list[dict[str, Any]]:
    """The users ``actor`` manages that have failed logins on record (axes' access attempts), with
    whether they are locked out now."""
    from axes.models import AccessAttempt

    from accountability.access.user_roles import users_managed_by

    failed = AccessAttempt.objects.exclude(username=None).values_list("username", flat=True).distinct()
    managed = {user.username: user for user in users_managed_by(actor).filter(username__in=failed)}
    if not managed:
        return []
    cooloff = settings.AXES_COOLOFF_TIME
    since = timezone.now() - dt.timedelta(hours=cooloff) if cooloff else None
    rows: dict[str, dict[str, Any]] = {}
    for attempt in AccessAttempt.objects.filter(username__in=list(managed)).order_by("-attempt_time"):
        row = rows.setdefault(
            attempt.username,
            {"user": managed[attempt.username], "failures": 0, "last": attempt.attempt_time, "locked": False},
        )
        row["failures"] = max(row["failures"], attempt.failures_since_start)
        recent = since is None or attempt.attempt_time >= since
        if attempt.failures_since_start >= settings.AXES_FAILURE_LIMIT and recent:
            row["locked"] = True
    return sorted(rows.values(), key=lambda row: (not row["locked"], row["user"].username))


# --- writes ---------------------------------------------------------------------------------


class UnlockRefused(LookupError):
    """The user is not one the actor manages (answered as unknown: 404)."""


def user_unlock(*, actor, user, request=None) -> int:
    """Clear ``user``'s failed logins (every address) so that he may log in again; recorded as an
    audit event. A jurisdiction administrator may unlock users of his own jurisdiction only."""
    from axes.utils import reset

    from accountability.access.user_roles import users_managed_by

    if not users_managed_by(actor).filter(pk=user.pk).exists():
        raise UnlockRefused(_("用户不存在"))
    removed = reset(username=user.get_username())
    audit_record(
        kind=AuditKind.UNLOCK,
        user=actor,
        request=request,
        subject=user.get_username(),
        detail={"unlocked_user": user.pk, "attempts_removed": removed},
    )
    return removed


def audit_record_export(
    *, user, kind: str, label: str, filters: dict | None = None, row_count: int = 0, masked: bool = True
):
    """Every export (households, compliance, import errors) goes through here: an ExportRecord and
    its audit event, scoped to the exporting user's jurisdiction. ``kind`` is the stable code the
    record keeps, ``label`` what the audit page shows (Chinese)."""
    from accountability.models import ExportRecord

    record = ExportRecord.objects.create(
        kind=kind, created_by=user, filters=filters or {}, row_count=row_count, masked=masked
    )
    audit_record(
        kind=AuditKind.EXPORT,
        user=user,
        subject=str(label),
        detail={
            "kind": kind,
            "export": record.pk,
            "rows": row_count,
            "masked": masked,
            "filters": filters or {},
        },
    )
    return record


def audit_record_unmasking(*, request, subject: str) -> AuditEvent | None:
    """A page showed ``request.user`` personal data in full (ID or mobile numbers): recorded for
    users with the personal-data right, nothing for the others (they saw masked numbers)."""
    from accountability.access.personal_data import can_see_personal_data

    if not can_see_personal_data(request.user):
        return None
    return audit_record(kind=AuditKind.UNMASK, user=request.user, request=request, subject=subject)
