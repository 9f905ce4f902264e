"""The one place that decides who may import which kind, and who may confirm an import job.

Every door into the import service asks here: the import pages (upload, preview, confirm, error
report, templates), the ``import_xlsx`` command when run ``--as`` a user, and the API's read of
import jobs. An import kind declares in ``permissions`` the add/change permissions of every model it
writes; a user may import a kind when he holds ``accountability.add_importjob`` and all of them.
"""

from __future__ import annotations

from accountability.importing.kinds import REGISTRY, ImportKind

IMPORT_PERMISSION = "accountability.add_importjob"


def _kind_class(kind: str | type[ImportKind]) -> type[ImportKind] | None:
    return REGISTRY.get(kind) if isinstance(kind, str) else kind


def import_kind_permissions(kind: str | type[ImportKind]) -> tuple[str, ...]:
    """All permissions needed to import ``kind``."""
    kind_class = _kind_class(kind)
    if kind_class is None:
        raise KeyError(kind)
    return (IMPORT_PERMISSION, *kind_class.permissions)


def import_kind_allowed(user, kind: str | type[ImportKind]) -> bool:
    """Whether ``user`` may upload, preview and write files of ``kind``."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    kind_class = _kind_class(kind)
    if kind_class is None:
        return False
    return user.is_superuser or user.has_perms(import_kind_permissions(kind_class))


def importable_kinds(user) -> dict[str, type[ImportKind]]:
    """The import kinds ``user`` may run, by name (the import page offers only these)."""
    return {name: kind for name, kind in sorted(REGISTRY.items()) if import_kind_allowed(user, kind)}


def import_job_confirmable_by(user, job) -> bool:
    """Whether ``user`` may write the rows of ``job``: he may import its kind, and he is the job's
    owner or an office user of the same jurisdiction as the job (a system administrator always)."""
    if not import_kind_allowed(user, job.kind):
        return False
    if user.is_superuser or job.created_by_id == user.pk:
        return True
    return job.jurisdiction_id is not None and job.jurisdiction_id == user.jurisdiction_id
