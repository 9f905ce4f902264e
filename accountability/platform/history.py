"""Append-only history of every change, kept by PostgreSQL triggers (django-pghistory).

Triggers see every write — ``save()``, ``bulk_create``, ``QuerySet.update`` and ``COPY`` — so
bulk imports are in the history as much as form edits. The acting user, request id, import job
and reason travel in the pghistory *context* attached to each event.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator
from typing import Any

import pghistory
from django.db import connection
from pghistory import runtime

from accountability.access.personal_data import can_see_personal_data, mask_personal_text
from accountability.platform.idnumbers import mask_id_number, mask_mobile


def tracked(*, exclude: list[str] | None = None):
    """Class decorator for every domain model: insert, update and delete events, append-only.

    ``exclude`` leaves fields out of the snapshots (a password hash, a login timestamp).
    Statement-level triggers read PostgreSQL's transition tables: one trigger call per statement,
    not per row, which keeps bulk imports fast (docs/decisions/0004).
    """
    return pghistory.track(
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
        exclude=exclude,
        append_only=True,
        level=pghistory.Statement,
    )


@contextlib.contextmanager
def history_context(*, actor=None, reason: str = "", **metadata: Any) -> Iterator[None]:
    """Group the writes inside under one history context naming the actor and the reason."""
    values: dict[str, Any] = dict(metadata)
    if actor is not None:
        values["user"] = actor.pk
        values["username"] = actor.get_username()
    if reason:
        values["reason"] = reason
    with pghistory.context(**values):
        yield


def bind_context_to_transaction() -> None:
    """Make the current history context visible to statements that bypass Django's cursor
    (``COPY`` through psycopg). Call inside ``transaction.atomic`` and ``history_context``."""
    tracker = getattr(runtime._tracker, "value", None)
    if tracker is None:
        return
    metadata = json.dumps(tracker.metadata, cls=pghistory.config.json_encoder())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pghistory.context_id', %s, true), "
            "set_config('pghistory.context_metadata', %s, true)",
            [str(tracker.id), metadata],
        )


def copy_rows(table: str, columns: list[str], rows: Iterable[tuple]) -> None:
    """COPY rows into a table inside the current transaction, with the history context bound so
    that the statement-level history triggers attribute them like any other write."""
    bind_context_to_transaction()
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def events_for(obj) -> Any:
    """All history events of one record, newest first; ``pgh_context`` is the context metadata."""
    return pghistory.models.Events.objects.tracks(obj).order_by("-pgh_created_at", "-pgh_id")


#: fields holding personal data in any tracked model, with their masks (the pages mask the same)
PERSONAL_FIELDS = {
    "id_number": mask_id_number,
    "family_id_number": mask_id_number,
    "mobile": mask_mobile,
    "phone": mask_mobile,
}


def _shown(field: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    mask = PERSONAL_FIELDS.get(field)
    return mask(value) if mask else mask_personal_text(value)


def events_shown_to(user, obj, limit: int = 500) -> list:
    """The history of ``obj`` as ``user`` may read it: snapshots, change diffs and reasons with ID
    numbers and mobile numbers masked unless the user has the personal-data right."""
    events = list(events_for(obj)[:limit])
    if can_see_personal_data(user):
        return events
    for event in events:
        event.pgh_data = {name: _shown(name, value) for name, value in (event.pgh_data or {}).items()}
        if event.pgh_diff:
            event.pgh_diff = {
                name: [_shown(name, value) for value in change] for name, change in event.pgh_diff.items()
            }
        if event.pgh_context:
            event.pgh_context = {name: _shown(name, value) for name, value in event.pgh_context.items()}
    return events


#: Record kinds with a history page (/history/<key>/<pk>/): key -> "app_label.Model". Apps add
#: theirs in AppConfig.ready(); every model listed must be tracked and scoped.
HISTORY_PAGES: dict[str, str] = {}


def register_history_pages(**pages: str) -> None:
    HISTORY_PAGES.update(pages)
