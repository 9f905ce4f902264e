"""The one base every API view of the project stands on: jurisdiction scoping built in."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.views import exception_handler as drf_exception_handler

from accountability.access.scoping import visible_to
from accountability.platform.validators import FIRST_YEAR, LAST_YEAR, ascii_int

#: query dates outside this range are refused (a day in 9999 has no assessment period after it)
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(LAST_YEAR, 12, 31)


def query_int(request, name: str, *, minimum: int = 1, maximum: int = 2**31 - 1) -> int | None:
    """An integer query parameter (None when absent); a 400 in Chinese when it is not one."""
    text = request.query_params.get(name, "")
    if text == "":
        return None
    value = ascii_int(text, max_digits=len(str(maximum)))
    if value is None or not minimum <= value <= maximum:
        raise DRFValidationError({name: [f"应为 {minimum}–{maximum} 之间的整数，而不是“{text[:20]}”"]})
    return value


def query_year(request, name: str = "year") -> int | None:
    return query_int(request, name, minimum=FIRST_YEAR, maximum=LAST_YEAR)


def query_day(request, name: str = "on") -> dt.date | None:
    """A YYYY-MM-DD query parameter between FIRST_DAY and LAST_DAY (None when absent)."""
    text = request.query_params.get(name, "")
    if text == "":
        return None
    try:
        day = dt.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        day = None
    if day is None or not FIRST_DAY <= day <= LAST_DAY:
        raise DRFValidationError(
            {name: [f"应为 {FIRST_DAY}–{LAST_DAY} 之间的日期（YYYY-MM-DD），而不是“{text[:20]}”"]}
        )
    return day


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
