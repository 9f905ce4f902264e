"""The API's pagination (its own module: DRF imports it while ``rest_framework.generics`` loads)."""

from __future__ import annotations

from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.pagination import LimitOffsetPagination

from accountability.platform.validators import ascii_int

#: the largest page the list endpoints hand out, and the furthest offset they accept
MAX_PAGE_SIZE = 500
MAX_OFFSET = 10_000_000


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    """``?limit=&offset=`` as non-negative integers; ``limit`` at most MAX_PAGE_SIZE (larger values
    are cut to it), ``offset`` at most MAX_OFFSET; anything else is a 400 with a Chinese message."""

    max_limit = MAX_PAGE_SIZE

    def get_limit(self, request):
        text = request.query_params.get(self.limit_query_param)
        if text is None or text == "":
            return self.default_limit
        value = ascii_int(text, max_digits=18)
        if value is None or value == 0:
            raise DRFValidationError({self.limit_query_param: [f"应为 1–{MAX_PAGE_SIZE} 之间的整数"]})
        return min(value, self.max_limit)

    def get_offset(self, request):
        text = request.query_params.get(self.offset_query_param)
        if text is None or text == "":
            return 0
        value = ascii_int(text, max_digits=18)
        if value is None or value > MAX_OFFSET:
            raise DRFValidationError({self.offset_query_param: [f"应为 0–{MAX_OFFSET} 之间的整数"]})
        return value
