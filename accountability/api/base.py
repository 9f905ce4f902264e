"""The one base every API view of the project stands on: jurisdiction scoping built in."""

from __future__ import annotations

from rest_framework import viewsets

from accountability.scoping import visible_to


class JurisdictionScopedMixin:
    """``get_queryset`` returns ``queryset`` filtered to the caller's jurisdiction.

    Subclasses set ``queryset`` (with its select_related) and never override ``get_queryset``
    without calling ``super()``; tests/test_scoping_guard.py fails for an API view that is not
    a subclass of this mixin (or explicitly exempted).
    """

    def get_queryset(self):
        return visible_to(super().get_queryset(), self.request.user)


class ScopedReadOnlyViewSet(JurisdictionScopedMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedModelViewSet(JurisdictionScopedMixin, viewsets.ModelViewSet):
    pass
