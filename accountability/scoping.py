"""The one place that decides who sees what.

Every scoped model names the path to its 12-digit unit code in ``jurisdiction_path`` (for
``AdminUnit`` itself, ``"code"``). ``visible_to`` filters any queryset of such a model to the
user's jurisdiction subtree; every list, detail, count, export, API and admin path goes through it.
"""

from __future__ import annotations

from django.db.models import Model, QuerySet

from accountability.models.units import within_code


class NotScopedError(TypeError):
    pass


def jurisdiction_path(model: type[Model]) -> str:
    path = getattr(model, "jurisdiction_path", None)
    if not path:
        raise NotScopedError(f"{model.__name__} declares no jurisdiction_path and cannot be scoped")
    return path


def visible_to(queryset: QuerySet, user) -> QuerySet:
    """Rows of ``queryset`` inside ``user``'s jurisdiction: all for a superuser, none for no jurisdiction."""
    path = jurisdiction_path(queryset.model)
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    if user.jurisdiction_id is None:
        return queryset.none()
    return queryset.filter(within_code(path, user.jurisdiction.prefix))


def unit_code_in_jurisdiction(user, code: str) -> bool:
    """Whether a unit code lies in the user's jurisdiction (for checks on incoming data)."""
    if user.is_superuser:
        return True
    if user.jurisdiction_id is None:
        return False
    return code.startswith(user.jurisdiction.prefix)
