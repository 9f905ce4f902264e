"""The one base every API view of the project stands on: jurisdiction scoping built in."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.views import exception_handler as drf_exception_handler

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


def exception_handler(exc, context):
    """DRF's handler, plus Django's ValidationError (raised by services) as a 400 with its messages."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = DRFValidationError(detail)
    return drf_exception_handler(exc, context)
