"""The quarter projection's storage on PostgreSQL: one class, its transactions given to it (as on SQLite).

The blobs sit in `kaoping_projection` beside eventsourcing's tracking table, so a catch-up's blobs commit with its
tracking row. Whoever opened the database hands in its connections: the full ledger, eventsourcing's pool
(`on_datastore`, after eventsourcing created or migrated the tracking table); the light reader
(ledger/storage/postgres_reader.py), a plain psycopg connection (`on_connection`, no eventsourcing import). Either
way the same statements run, on tuple rows. Imports no eventsourcing and, at import time, no psycopg.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from ledger.storage.postgres_reader import quoted
from projections.engine.sealed import SEAL, Reseal
from projections.engine.sqlite_store import TrackingNotAdvanced
from projections.engine.storage import APPLICATION_NAME, TABLE

SEAL_LOCK = 0x6B616F70  # 'kaop': the advisory lock writers of the seal take in their transaction


def tracking_upsert(schema: str, tracking_table: str) -> str:
    """eventsourcing 9.5's single-row tracking insert, word for word (a test compares it with
    `PostgresTrackingRecorder.insert_tracking_statement`): it returns no row when the stored position is not older."""
    t = f"{quoted(schema)}.{quoted(tracking_table)}"
    return ("INSERT INTO " + t + " VALUES (%(application_name)s, %(notification_id)s) "
            "ON CONFLICT (application_name) DO UPDATE SET notification_id = %(notification_id)s "
            "WHERE " + t + ".notification_id < %(notification_id)s RETURNING notification_id")


class PostgresProjectionStorage:
    """The projection's blobs and tracking row in the ledger's PostgreSQL database."""

    def __init__(self, connection: Callable[[], AbstractContextManager[Any]], schema: str,
                 tracking_table: str) -> None:
        self.connection = connection  # a context giving a psycopg connection for one transaction
        self.reseal: Reseal | None = None  # set by projections/engine/sealed.SealedStorage
        self.table = quoted(schema, TABLE)
        self.tracking = quoted(schema, tracking_table)
        self.upsert_tracking = tracking_upsert(schema, tracking_table)

    @classmethod
    def on_datastore(cls, datastore: Any, tracking_table: str) -> PostgresProjectionStorage:
        """A store over eventsourcing's PostgresDatastore: its pool's connections, its schema."""
        return cls(datastore.get_connection, datastore.schema, tracking_table)

    @classmethod
    def on_connection(cls, connection: Any, schema: str, tracking_table: str) -> PostgresProjectionStorage:
        """A store over one plain autocommit psycopg connection (the light reader's)."""
        return cls(lambda: nullcontext(connection), schema, tracking_table)

    @contextmanager
    def transaction(self, *, commit: bool) -> Iterator[Any]:
        """One transaction's cursor (tuple rows, binary results), committed only when asked."""
        from psycopg.rows import tuple_row

        with self.connection() as conn, conn.transaction(force_rollback=not commit):
            with conn.cursor(row_factory=tuple_row, binary=True) as cursor:
                yield cursor

    @contextmanager
    def reading(self) -> Iterator[Any]:
        """A cursor for one statement that only reads, outside any transaction: both connections are in autocommit,
        and one statement reads one snapshot. What it buys: BEGIN and ROLLBACK, two of a read's three round trips —
        ~30 of a report's ~70 statements after one event at 1M events (each quarter part is one `load`)."""
        from psycopg.rows import tuple_row

        with self.connection() as conn, conn.cursor(row_factory=tuple_row, binary=True) as cursor:
            yield cursor

    def create(self) -> None:
        """Create the blob table (the tracking table is eventsourcing's, created by it)."""
        with self.transaction(commit=True) as c:
            c.execute(f"CREATE TABLE IF NOT EXISTS {self.table} (key text PRIMARY KEY, value bytea NOT NULL)")

    def _reseal(self, c: Any, deleted: list[str], blobs: Mapping[str, bytes]) -> None:
        """Rewrite the seal in this transaction, under an advisory lock held until it ends."""
        if self.reseal is None:
            return
        c.execute("SELECT pg_advisory_xact_lock(%s)", (SEAL_LOCK,))
        c.execute(f"SELECT value FROM {self.table} WHERE key = %s", (SEAL,))
        row = c.fetchone()
        self._upsert(c, {SEAL: self.reseal(None if row is None else bytes(row[0]), deleted, blobs)})

    def _upsert(self, c: Any, blobs: Mapping[str, bytes]) -> None:
        c.executemany(f"INSERT INTO {self.table} (key, value) VALUES (%s, %b) "
                      "ON CONFLICT (key) DO UPDATE SET value = excluded.value", list(blobs.items()))

    def tracked(self) -> int | None:
        """The projection's tracked notification id."""
        return self.max_tracking_id(APPLICATION_NAME)

    def max_tracking_id(self, application_name: str) -> int | None:
        """The notification id tracked for an application (eventsourcing's TrackingRecorder question)."""
        with self.reading() as c:
            c.execute(f"SELECT MAX(notification_id) FROM {self.tracking} WHERE application_name = %s",
                      (application_name,))
            row = c.fetchone()
        return None if row is None else row[0]

    def load(self, key: str) -> bytes | None:
        """The blob under a key."""
        with self.reading() as c:
            c.execute(f"SELECT value FROM {self.table} WHERE key = %s", (key,))
            row = c.fetchone()
        return None if row is None else bytes(row[0])

    def load_each(self, keys: Sequence[str]) -> list[tuple[str, bytes]]:
        """(key, blob) of each of these keys that is stored, in the order asked, in one statement (a report after one
        event at 1M events read ~20 quarter parts, one round trip each)."""
        with self.reading() as c:
            c.execute(f"SELECT key, value FROM {self.table} WHERE key = ANY(%s)", (list(keys),))
            found = {r[0]: bytes(r[1]) for r in c.fetchall()}
        return [(k, found[k]) for k in keys if k in found]

    def keys(self, prefix: str) -> list[str]:
        """Keys with a prefix, in order."""
        with self.reading() as c:
            c.execute(f"SELECT key FROM {self.table} WHERE starts_with(key, %s) ORDER BY key", (prefix,))
            return [r[0] for r in c.fetchall()]

    def items(self, prefix: str) -> list[tuple[str, bytes]]:
        """(key, blob) pairs with a key prefix, in key order."""
        with self.reading() as c:
            c.execute(f"SELECT key, value FROM {self.table} WHERE starts_with(key, %s) ORDER BY key", (prefix,))
            return [(r[0], bytes(r[1])) for r in c.fetchall()]

    def replace(self, old_keys: list[str], blobs: Mapping[str, bytes]) -> None:
        """Delete keys, then store blobs (compaction), in one transaction."""
        with self.transaction(commit=True) as c:
            self._reseal(c, old_keys, blobs)
            c.execute(f"DELETE FROM {self.table} WHERE key = ANY(%s)", (list(old_keys),))
            self._upsert(c, blobs)

    def put(self, blobs: Mapping[str, bytes]) -> None:
        """Store blobs, replacing any under the same keys, without touching tracking."""
        with self.transaction(commit=True) as c:
            self._reseal(c, [], blobs)
            self._upsert(c, blobs)

    def save(self, blobs: Mapping[str, bytes], notification_id: int) -> bool:
        """Store blobs and advance the tracking row atomically; False when it was not older."""
        try:
            with self.transaction(commit=True) as c:
                self._reseal(c, [], blobs)
                self._upsert(c, blobs)
                c.execute(self.upsert_tracking, {"application_name": APPLICATION_NAME,
                                                 "notification_id": notification_id})
                if c.fetchone() is None:
                    raise TrackingNotAdvanced(notification_id)
        except TrackingNotAdvanced:
            return False
        return True

    def clear(self) -> None:
        """Drop every blob and the projection's tracking row."""
        with self.transaction(commit=True) as c:
            c.execute(f"DELETE FROM {self.table}")
            c.execute(f"DELETE FROM {self.tracking} WHERE application_name = %s", (APPLICATION_NAME,))
