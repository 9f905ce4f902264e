"""``field__any=[...]``: membership as ``field = ANY(%s)`` with the list sent as one array parameter.

``__in`` expands a list into one placeholder per element, which costs seconds of Python and a huge
statement for the hundreds of thousands of keys an import compares; ``= ANY(array)`` is one
parameter and uses the same index.
"""

from __future__ import annotations

from django.db.models import Field, ForeignObject, Lookup


@Field.register_lookup
@ForeignObject.register_lookup  # related fields keep their own lookup registry
class AnyOf(Lookup):
    lookup_name = "any"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*lhs_params, list(self.rhs)]
