"""Where the materialised quarter projection lives: keyed blobs saved atomically with a tracking row.

The storage interface is a handful of calls (load, keys, items, put, replace, save, clear). On SQLite the
blobs sit in the ledger's own database beside eventsourcing's `tracking` table, so projection state and
tracking position commit in one transaction. Two objects reach that table with the same SQL (the functions
below): `projections/engine/sqlite_store.py`'s subclass of eventsourcing's `SQLiteTrackingRecorder` when the full
`Ledger` is open, and `SQLiteProjectionStorage` over a plain `sqlite3` connection when a question reads the
ledger through `ledger.storage.reader.LedgerReader` (no eventsourcing import). PostgreSQL: `PostgresTrackingRecorder`
subclass in `projections/engine/postgres_store.py` (imported lazily).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Protocol

from ledger.storage.reader import LedgerReader

if TYPE_CHECKING:
    from ledger.storage.reader import ReadableLedger

APPLICATION_NAME = "kaoping.quarters"
TABLE = "kaoping_projection"
SQLITE_TABLE = "kaoping_projection_blobs"
"""SQLite: a rowid table with a key index. The first layout (`TABLE` WITHOUT ROWID) kept multi-MB blobs in
the key's own b-tree, and SQLite reads a whole overflowing record to compare keys: every lookup or insert
cost milliseconds. The old table is dropped on open; the projection then rebuilds itself once."""


class ProjectionStorage(Protocol):
    """Keyed blobs plus the tracked notification id, written together."""

    def load(self, key: str) -> bytes | None:
        """The blob stored under a key, or None."""

    def keys(self, prefix: str) -> list[str]:
        """Every stored key starting with a prefix."""

    def items(self, prefix: str) -> list[tuple[str, bytes]]:
        """Every (key, blob) whose key starts with a prefix, in key order."""

    def replace(self, old_keys: list[str], blobs: Mapping[str, bytes]) -> None:
        """Delete some keys and store blobs, in one transaction (compaction)."""

    def put(self, blobs: Mapping[str, bytes]) -> None:
        """Store blobs without touching tracking."""

    def save(self, blobs: Mapping[str, bytes], notification_id: int) -> bool:
        """Store blobs and advance tracking atomically; False when another process got there first."""

    def clear(self) -> None:
        """Drop every blob and the tracking row."""


# --- SQLite: the statements, shared by the eventsourcing recorder and the light storage --------------------
# `cursor` is a sqlite3.Cursor or eventsourcing's SQLiteCursor (execute, executemany, fetchone, fetchall).

SQLITE_CREATE = [
    f"DROP TABLE IF EXISTS {TABLE}",
    f"CREATE TABLE IF NOT EXISTS {SQLITE_TABLE} (key TEXT PRIMARY KEY, value BLOB NOT NULL)",
]
"""Run after eventsourcing's own statements (which create `tracking`) when the full ledger opens."""

TRACKING_UPSERT = (
    "INSERT INTO tracking "
    "VALUES (:application_name, :notification_id) "
    "ON CONFLICT (application_name) DO UPDATE "
    "SET notification_id = :notification_id "
    "WHERE tracking.notification_id < :notification_id "
    "RETURNING notification_id"
)
"""eventsourcing 9.5's single-row tracking insert, word for word (a test compares it with
`SQLiteTrackingRecorder.insert_tracking_statement`): it returns no row when the stored position is not older."""


class TrackingNotAdvanced(Exception):
    """Another process tracked this or a later position first: the transaction must roll back."""


def sqlite_load(cursor: Any, key: str) -> bytes | None:
    """The blob under a key."""
    cursor.execute(f"SELECT value FROM {SQLITE_TABLE} WHERE key = ?", (key,))
    row = cursor.fetchone()
    return None if row is None else bytes(row[0])


def sqlite_keys(cursor: Any, prefix: str) -> list[str]:
    """Keys with a prefix, in order."""
    cursor.execute(f"SELECT key FROM {SQLITE_TABLE} WHERE key >= ? AND key < ? ORDER BY key",
                   (prefix, prefix + "\uffff"))
    return [r[0] for r in cursor.fetchall()]


def sqlite_items(cursor: Any, prefix: str) -> list[tuple[str, bytes]]:
    """(key, blob) pairs with a key prefix, in key order."""
    cursor.execute(f"SELECT key, value FROM {SQLITE_TABLE} WHERE key >= ? AND key < ? ORDER BY key",
                   (prefix, prefix + "\uffff"))
    return [(r[0], bytes(r[1])) for r in cursor.fetchall()]


def sqlite_replace(cursor: Any, old_keys: list[str], blobs: Mapping[str, bytes]) -> None:
    """Delete keys, then store blobs (compaction)."""
    cursor.executemany(f"DELETE FROM {SQLITE_TABLE} WHERE key = ?", [(k,) for k in old_keys])
    sqlite_put(cursor, blobs)


def sqlite_put(cursor: Any, blobs: Mapping[str, bytes]) -> None:
    """Store blobs, replacing any under the same keys."""
    cursor.executemany(f"INSERT OR REPLACE INTO {SQLITE_TABLE} (key, value) VALUES (?, ?)", list(blobs.items()))


def sqlite_save(cursor: Any, blobs: Mapping[str, bytes], notification_id: int) -> None:
    """Store blobs and advance the tracking row; raise TrackingNotAdvanced when it is not older."""
    cursor.executemany(
        f"INSERT INTO {SQLITE_TABLE} (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        list(blobs.items()),
    )
    cursor.execute(TRACKING_UPSERT, {"application_name": APPLICATION_NAME, "notification_id": notification_id})
    if cursor.fetchone() is None:
        raise TrackingNotAdvanced(notification_id)


def sqlite_clear(cursor: Any) -> None:
    """Drop every blob and the projection's tracking row."""
    # Derived data: zero freed b-tree pages but not every freed overflow page (a full secure
    # delete of a large ledger's ~140 MB of blobs cost half a second of a rebuild).
    cursor.execute("PRAGMA secure_delete = FAST")
    cursor.execute(f"DELETE FROM {SQLITE_TABLE}")
    cursor.execute("DELETE FROM tracking WHERE application_name = ?", (APPLICATION_NAME,))


class SQLiteProjectionStorage:
    """The projection's blobs through a plain sqlite3 connection (autocommit mode, transactions begun
    explicitly as eventsourcing's SQLiteDatastore does), for a ledger read by `LedgerReader`."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    @contextmanager
    def _transaction(self, commit: bool) -> Iterator[sqlite3.Cursor]:
        cursor = self.connection.cursor()
        cursor.execute("BEGIN")
        try:
            yield cursor
            if commit:
                self.connection.commit()
        finally:
            if self.connection.in_transaction:
                self.connection.rollback()
            cursor.close()

    def load(self, key: str) -> bytes | None:
        with self._transaction(commit=False) as c:
            return sqlite_load(c, key)

    def keys(self, prefix: str) -> list[str]:
        with self._transaction(commit=False) as c:
            return sqlite_keys(c, prefix)

    def items(self, prefix: str) -> list[tuple[str, bytes]]:
        with self._transaction(commit=False) as c:
            return sqlite_items(c, prefix)

    def replace(self, old_keys: list[str], blobs: Mapping[str, bytes]) -> None:
        with self._transaction(commit=True) as c:
            sqlite_replace(c, old_keys, blobs)

    def put(self, blobs: Mapping[str, bytes]) -> None:
        with self._transaction(commit=True) as c:
            sqlite_put(c, blobs)

    def save(self, blobs: Mapping[str, bytes], notification_id: int) -> bool:
        try:
            with self._transaction(commit=True) as c:
                sqlite_save(c, blobs, notification_id)
        except TrackingNotAdvanced:
            return False
        return True

    def clear(self) -> None:
        with self._transaction(commit=True) as c:
            sqlite_clear(c)


def storage_for(ledger: ReadableLedger) -> ProjectionStorage:
    """The projection storage beside this ledger's events."""
    if isinstance(ledger, LedgerReader):
        return SQLiteProjectionStorage(ledger.connect())
    factory: Any = ledger.factory  # type: ignore[attr-defined]
    if ledger.location.backend == "sqlite":
        from projections.engine.sqlite_store import SQLiteProjectionRecorder

        return factory.tracking_recorder(SQLiteProjectionRecorder)  # type: ignore[no-any-return]
    from projections.engine.postgres_store import PostgresProjectionRecorder

    return factory.tracking_recorder(PostgresProjectionRecorder)  # type: ignore[no-any-return]
