"""The one place that decides who sees what.

Every scoped model names the path to its 12-digit unit code in ``jurisdiction_path`` (for
``AdminUnit`` itself, ``"code"``). ``visible_to`` filters any queryset of such a model to the
user's jurisdiction subtree; every list, detail, count, export, API and admin path goes through it.
"""

from __future__ import annotations

from django.db.models import Model, Q, QuerySet

from accountability.hierarchy.models import within_code


class NotScopedError(TypeError):
    pass


def jurisdiction_filter(model: type[Model], prefix: str) -> Q:
    """The condition "inside the subtree ``prefix``" for rows of ``model``.

    A model names the path to its unit code in ``jurisdiction_path``, or, when a row belongs to
    more than one place, gives a ``jurisdiction_q(prefix)`` static method.
    """
    custom = getattr(model, "jurisdiction_q", None)
    if custom is not None:
        return custom(prefix)
    path = getattr(model, "jurisdiction_path", None)
    if not path:
        raise NotScopedError(f"{model.__name__} declares no jurisdiction_path and cannot be scoped")
    return within_code(path, prefix)


def is_scoped(model: type[Model]) -> bool:
    return bool(getattr(model, "jurisdiction_q", None) or getattr(model, "jurisdiction_path", None))


def visible_to(queryset: QuerySet, user) -> QuerySet:
    """Rows of ``queryset`` inside ``user``'s jurisdiction: all for a superuser, none for no jurisdiction."""
    if not is_scoped(queryset.model):  # fail loudly for superusers too
        raise NotScopedError(f"{queryset.model.__name__} declares no jurisdiction_path and cannot be scoped")
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    if user.jurisdiction_id is None:
        return queryset.none()
    return queryset.filter(jurisdiction_filter(queryset.model, user.jurisdiction.prefix))


def unit_code_in_jurisdiction(user, code: str) -> bool:
    """Whether a unit code lies in the user's jurisdiction (for checks on incoming data)."""
    if user.is_superuser:
        return True
    if user.jurisdiction_id is None:
        return False
    return code.startswith(user.jurisdiction.prefix)
