"""Where the materialised quarter projection lives: keyed blobs saved atomically with a tracking row.

The storage interface is four calls (load, keys, save, clear). SQLite stores it in the ledger's own
database through a subclass of eventsourcing's `SQLiteTrackingRecorder`, so the projection state and
the tracking position commit in one transaction; PostgreSQL does the same with
`PostgresTrackingRecorder` (imported lazily).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from eventsourcing.persistence import IntegrityError, Tracking
from eventsourcing.sqlite import SQLiteDatastore, SQLiteTrackingRecorder

from ledger.app import Ledger

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


class SQLiteProjectionRecorder(SQLiteTrackingRecorder):
    """The projection's blobs in a table of the ledger's SQLite database, beside `tracking`."""

    def __init__(self, datastore: SQLiteDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)

    def construct_create_table_statements(self) -> list[str]:
        statements = super().construct_create_table_statements()
        statements.append(f"DROP TABLE IF EXISTS {TABLE}")
        statements.append(f"CREATE TABLE IF NOT EXISTS {SQLITE_TABLE} (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
        return statements

    def load(self, key: str) -> bytes | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT value FROM {SQLITE_TABLE} WHERE key = ?", (key,))
            row = c.fetchone()
        return None if row is None else bytes(row[0])

    def keys(self, prefix: str) -> list[str]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT key FROM {SQLITE_TABLE} WHERE key >= ? AND key < ? ORDER BY key",
                      (prefix, prefix + "\uffff"))
            return [r[0] for r in c.fetchall()]

    def items(self, prefix: str) -> list[tuple[str, bytes]]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT key, value FROM {SQLITE_TABLE} WHERE key >= ? AND key < ? ORDER BY key",
                      (prefix, prefix + "\uffff"))
            return [(r[0], bytes(r[1])) for r in c.fetchall()]

    def replace(self, old_keys: list[str], blobs: Mapping[str, bytes]) -> None:
        with self.datastore.transaction(commit=True) as c:
            c.executemany(f"DELETE FROM {SQLITE_TABLE} WHERE key = ?", [(k,) for k in old_keys])
            c.executemany(f"INSERT OR REPLACE INTO {SQLITE_TABLE} (key, value) VALUES (?, ?)", list(blobs.items()))

    def put(self, blobs: Mapping[str, bytes]) -> None:
        with self.datastore.transaction(commit=True) as c:
            c.executemany(f"INSERT OR REPLACE INTO {SQLITE_TABLE} (key, value) VALUES (?, ?)", list(blobs.items()))

    def save(self, blobs: Mapping[str, bytes], notification_id: int) -> bool:
        try:
            with self.datastore.transaction(commit=True) as c:
                c.executemany(
                    f"INSERT INTO {SQLITE_TABLE} (key, value) VALUES (?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    list(blobs.items()),
                )
                self._insert_tracking(c, Tracking(APPLICATION_NAME, notification_id))
        except IntegrityError:
            return False
        return True

    def clear(self) -> None:
        with self.datastore.transaction(commit=True) as c:
            # Derived data: zero freed b-tree pages but not every freed overflow page (a full secure
            # delete of a large ledger's ~140 MB of blobs cost half a second of a rebuild).
            c.execute("PRAGMA secure_delete = FAST")
            c.execute(f"DELETE FROM {SQLITE_TABLE}")
            c.execute("DELETE FROM tracking WHERE application_name = ?", (APPLICATION_NAME,))


def storage_for(ledger: Ledger) -> ProjectionStorage:
    """The projection storage beside this ledger's events."""
    factory: Any = ledger.factory
    if ledger.location.backend == "sqlite":
        return factory.tracking_recorder(SQLiteProjectionRecorder)  # type: ignore[no-any-return]
    from projections.store_postgres import PostgresProjectionRecorder

    return factory.tracking_recorder(PostgresProjectionRecorder)  # type: ignore[no-any-return]
