"""The demo city, loaded once per test process and put back before each test that needs it.

``load_demo`` (hierarchy, officials, households, visits, funds, ledger, inspections, assessment)
takes ~12 s; the browser journeys and the read-mostly test modules used to run it for every test
or module. Here it runs once per pytest-xdist worker: right after it, every table of the schema
is copied out (``COPY … TO STDOUT (FORMAT BINARY)``, held in memory, a few MB) with each
sequence's position; ``restore()`` empties the tables and copies the rows back in one transaction,
with the triggers off (the history triggers already wrote their rows when the demo was loaded: the
copy holds them), then sets the sequences back — the same rows, ids, history and sequence
positions as a fresh ``load_demo`` after a flush, in well under a second.
See docs/decisions/0030-demo-city-once-per-test-worker.md.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.core.management import call_command
from django.db import connection, transaction

#: the migration ledger stays as the migrations wrote it
KEPT = {"django_migrations"}


def quoted(name: str) -> str:
    return connection.ops.quote_name(name)


@dataclass
class DemoSnapshot:
    tables: list[str] = field(default_factory=list)  # every table, emptied before a restore
    rows: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # table → (columns, COPY data)
    sequences: list[tuple[str, int, bool]] = field(default_factory=list)  # name, last_value, is_called
    counts: dict[str, int] = field(default_factory=dict)  # table → rows, to check a restore against

    @classmethod
    def take(cls) -> DemoSnapshot:
        """Copy out the current contents of every table of the current schema."""
        snapshot = cls()
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT c.relname,
                       string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
                         FILTER (WHERE a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '')
                FROM pg_class c
                JOIN pg_namespace n ON n.oid = c.relnamespace
                JOIN pg_attribute a ON a.attrelid = c.oid
                WHERE n.nspname = current_schema() AND c.relkind = 'r'
                GROUP BY c.relname
                ORDER BY c.relname
                """
            )
            tables = [(name, columns) for name, columns in cursor.fetchall() if name not in KEPT]
            snapshot.tables = [name for name, _ in tables]
            for name, columns in tables:
                buffer = io.BytesIO()
                with cursor.copy(f"COPY {quoted(name)} ({columns}) TO STDOUT (FORMAT BINARY)") as copy:
                    for block in copy:
                        buffer.write(block)
                cursor.execute(f"SELECT count(*) FROM {quoted(name)}")
                count = cursor.fetchone()[0]
                snapshot.counts[name] = count
                if count:
                    snapshot.rows[name] = (columns, buffer.getvalue())
            cursor.execute(
                "SELECT quote_ident(sequencename) FROM pg_sequences"
                " WHERE schemaname = current_schema() ORDER BY 1"
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f"SELECT last_value, is_called FROM {name}")
                last_value, is_called = cursor.fetchone()
                snapshot.sequences.append((name, last_value, is_called))
        return snapshot

    def restore(self) -> None:
        """Put the snapshot's rows and sequence positions back, whatever the tables hold now."""
        with transaction.atomic(), connection.cursor() as cursor:
            if is_superuser():
                # no trigger fires (history, protection, foreign-key checks): the rows are copied back
                # as they were, history rows included. TRUNCATE (not DELETE, cheaper but see
                # empty_tables_sql): the rows lie in the order load_demo wrote them, as a query
                # without ORDER BY reads them.
                cursor.execute("SET LOCAL session_replication_role = replica")
                cursor.execute("TRUNCATE " + ", ".join(quoted(name) for name in self.tables))
                self._copy_in(cursor)
                # back to normal for the rest of the transaction (a test's, if inside one)
                cursor.execute("SET LOCAL session_replication_role = DEFAULT")
            else:  # the tables' owner may switch its own triggers off; Django's foreign keys are deferred
                # (off before the TRUNCATE: the ledger's statement trigger refuses it, decision 0032)
                for name in self.tables:
                    cursor.execute(f"ALTER TABLE {quoted(name)} DISABLE TRIGGER USER")
                cursor.execute("TRUNCATE " + ", ".join(quoted(name) for name in self.tables))
                self._copy_in(cursor)
                for name in self.tables:
                    cursor.execute(f"ALTER TABLE {quoted(name)} ENABLE TRIGGER USER")
            if self.sequences:
                cursor.execute(
                    "SELECT "
                    + ", ".join(
                        f"setval('{name}', {last_value}, {'true' if is_called else 'false'})"
                        for name, last_value, is_called in self.sequences
                    )
                )
        # the rows of django_content_type are the snapshot's again: forget the ids cached since
        from django.contrib.contenttypes.models import ContentType

        ContentType.objects.clear_cache()

    def _copy_in(self, cursor) -> None:
        for name, (columns, data) in self.rows.items():
            with cursor.copy(f"COPY {quoted(name)} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.write(data)


_SUPERUSER: dict[str, bool] = {}


def is_superuser() -> bool:
    """Whether the test database's role may set session_replication_role (superusers only)."""
    if connection.alias not in _SUPERUSER:
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            _SUPERUSER[connection.alias] = bool(cursor.fetchone()[0])
    return _SUPERUSER[connection.alias]


def empty_tables_sql(original):
    """``sql_flush`` for the tests' ``flush`` (after each transactional test): DELETE every table with
    the triggers off instead of one TRUNCATE of them all — the same empty tables, but TRUNCATE makes
    new files for each of the ~170 tables and their indexes, which costs seconds per test on a busy
    machine (measured 4–5 s for empty tables, against 0.3 s for the DELETEs). Sequences are reset
    and foreign keys cascaded by the original (TRUNCATE … RESTART IDENTITY / CASCADE) when asked.
    """

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if not tables or reset_sequences or allow_cascade or self.connection.vendor != "postgresql":
            return original(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if not cursor.fetchone()[0]:
                return original(self, style, tables)
        # flush runs this in a transaction (DatabaseOperations.execute_sql_flush); one round trip
        return [
            "SET LOCAL session_replication_role = replica;"
            + "".join(f"DELETE FROM {self.quote_name(table)};" for table in tables)
            + "SET LOCAL session_replication_role = DEFAULT;"
        ]

    return sql_flush


def load_demo_snapshot() -> DemoSnapshot:
    """Load the demo city into an emptied database (as a transactional test leaves it) and copy it."""
    call_command("flush", interactive=False, verbosity=0)
    call_command("load_demo", stdout=io.StringIO())
    return DemoSnapshot.take()
