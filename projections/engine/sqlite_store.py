"""The quarter projection's storage on SQLite: one class, its transactions given to it.

The blobs sit in a table of the ledger's own database beside eventsourcing's `tracking`, so a catch-up's blobs
commit with its tracking row. Whoever opened the database hands in how to run a transaction: the full ledger,
eventsourcing's `SQLiteDatastore.transaction` (its locks and connections); the light reader, `on_connection`
over a plain `sqlite3` connection (no eventsourcing import). Either way the same statements run.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Protocol

from projections.engine.sealed import SEAL, Reseal
from projections.engine.storage import APPLICATION_NAME, TABLE

SQLITE_TABLE = "kaoping_projection_blobs"
"""A rowid table with a key index. The first layout (`TABLE` WITHOUT ROWID) kept multi-MB blobs in the key's own
b-tree, and SQLite reads a whole overflowing record to compare keys: every lookup or insert cost milliseconds.
The old table is dropped on open; the projection then rebuilds itself once."""

SQLITE_CREATE = (
    f"DROP TABLE IF EXISTS {TABLE}",
    f"CREATE TABLE IF NOT EXISTS {SQLITE_TABLE} (key TEXT PRIMARY KEY, value BLOB NOT NULL)",
)
"""Run after eventsourcing has created `tracking`, when the full ledger opens the projection."""

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


class Transaction(Protocol):
    """How a store runs one transaction: a context giving a cursor (sqlite3's or eventsourcing's SQLiteCursor)."""

    def __call__(self, *, commit: bool) -> AbstractContextManager[Any]: ...  # noqa: D102


class TrackingNotAdvanced(Exception):
    """Another process tracked this or a later position first: the transaction must roll back."""


class SQLiteProjectionStorage:
    """The projection's blobs and tracking row in the ledger's SQLite database."""

    def __init__(self, transaction: Transaction) -> None:
        self.transaction = transaction
        self.reseal: Reseal | None = None  # set by projections/engine/sealed.SealedStorage

    def _reseal(self, cursor: Any, deleted: list[str], blobs: Mapping[str, bytes]) -> None:
        """Rewrite the seal in this transaction, holding the write lock (taken by this first write) while it reads."""
        if self.reseal is None:
            return
        cursor.execute(f"UPDATE {SQLITE_TABLE} SET value = value WHERE key = ?", (SEAL,))
        cursor.execute(f"SELECT value FROM {SQLITE_TABLE} WHERE key = ?", (SEAL,))
        row = cursor.fetchone()
        _put(cursor, {SEAL: self.reseal(None if row is None else bytes(row[0]), deleted, blobs)})

    @classmethod
    def on_connection(cls, connection: sqlite3.Connection) -> SQLiteProjectionStorage:
        """A store over a plain sqlite3 connection in autocommit mode, beginning transactions explicitly as
        eventsourcing's SQLiteDatastore does.

        The connection is the projection's own (the light reader writes nothing else), so its commits need not wait
        for the disk: in WAL mode `synchronous = NORMAL` keeps every commit atomic and the file consistent, and a
        power loss or OS crash can only roll back its last commits — blobs, seal and tracking row together — which
        the next command folds again from the events (they are written with eventsourcing's FULL). A report after
        one event commits twice (the catch-up, the standings): ~6–8 ms each on this machine's disk with FULL,
        ~0.5 ms with NORMAL (issue 15 aim 3)."""
        connection.execute("PRAGMA synchronous = NORMAL")

        @contextmanager
        def transaction(*, commit: bool) -> Iterator[sqlite3.Cursor]:
            cursor = connection.cursor()
            cursor.execute("BEGIN")
            try:
                yield cursor
                if commit:
                    connection.commit()
            finally:
                if connection.in_transaction:
                    connection.rollback()
                cursor.close()

        return cls(transaction)

    def create(self) -> None:
        """Create the blob table (and drop the first layout's)."""
        with self.transaction(commit=True) as c:
            for statement in SQLITE_CREATE:
                c.execute(statement)

    def load(self, key: str) -> bytes | None:
        """The blob under a key."""
        with self.transaction(commit=False) as c:
            c.execute(f"SELECT value FROM {SQLITE_TABLE} WHERE key = ?", (key,))
            row = c.fetchone()
        return None if row is None else bytes(row[0])

    def load_each(self, keys: Sequence[str]) -> list[tuple[str, bytes]]:
        """(key, blob) of each of these keys that is stored, in the order asked (a few hundred keys a statement)."""
        found: dict[str, bytes] = {}
        with self.transaction(commit=False) as c:
            for start in range(0, len(keys), 500):
                some = keys[start : start + 500]
                c.execute(f"SELECT key, value FROM {SQLITE_TABLE} WHERE key IN ({','.join('?' * len(some))})", some)
                found.update((r[0], bytes(r[1])) for r in c.fetchall())
        return [(k, found[k]) for k in keys if k in found]

    def keys(self, prefix: str) -> list[str]:
        """Keys with a prefix, in order."""
        with self.transaction(commit=False) as c:
            c.execute(f"SELECT key FROM {SQLITE_TABLE} WHERE key >= ? AND key < ? ORDER BY key",
                      (prefix, prefix + "\uffff"))
            return [r[0] for r in c.fetchall()]

    def items(self, prefix: str) -> list[tuple[str, bytes]]:
        """(key, blob) pairs with a key prefix, in key order."""
        with self.transaction(commit=False) as c:
            c.execute(f"SELECT key, value FROM {SQLITE_TABLE} WHERE key >= ? AND key < ? ORDER BY key",
                      (prefix, prefix + "\uffff"))
            return [(r[0], bytes(r[1])) for r in c.fetchall()]

    def replace(self, old_keys: list[str], blobs: Mapping[str, bytes]) -> None:
        """Delete keys, then store blobs (compaction), in one transaction."""
        with self.transaction(commit=True) as c:
            self._reseal(c, old_keys, blobs)
            c.executemany(f"DELETE FROM {SQLITE_TABLE} WHERE key = ?", [(k,) for k in old_keys])
            _put(c, blobs)

    def put(self, blobs: Mapping[str, bytes]) -> None:
        """Store blobs, replacing any under the same keys, without touching tracking."""
        with self.transaction(commit=True) as c:
            self._reseal(c, [], blobs)
            _put(c, blobs)

    def save(self, blobs: Mapping[str, bytes], notification_id: int) -> bool:
        """Store blobs and advance the tracking row atomically; False when it was not older."""
        try:
            with self.transaction(commit=True) as c:
                self._reseal(c, [], blobs)
                _put(c, blobs)
                c.execute(TRACKING_UPSERT, {"application_name": APPLICATION_NAME, "notification_id": notification_id})
                if c.fetchone() is None:
                    raise TrackingNotAdvanced(notification_id)
        except TrackingNotAdvanced:
            return False
        return True

    def clear(self) -> None:
        """Drop every blob and the projection's tracking row."""
        with self.transaction(commit=True) as c:
            # Derived data: zero freed b-tree pages but not every freed overflow page (a full secure
            # delete of a large ledger's ~140 MB of blobs cost half a second of a rebuild).
            c.execute("PRAGMA secure_delete = FAST")
            c.execute(f"DELETE FROM {SQLITE_TABLE}")
            c.execute("DELETE FROM tracking WHERE application_name = ?", (APPLICATION_NAME,))

    def tracked(self) -> int | None:
        """The projection's tracked notification id."""
        return self.max_tracking_id(APPLICATION_NAME)

    def max_tracking_id(self, application_name: str) -> int | None:
        """The notification id tracked for an application (eventsourcing's TrackingRecorder question)."""
        with self.transaction(commit=False) as c:
            c.execute("SELECT MAX(notification_id) FROM tracking WHERE application_name = ?", (application_name,))
            row = c.fetchone()
        return None if row is None else row[0]


def _put(cursor: Any, blobs: Mapping[str, bytes]) -> None:
    cursor.executemany(
        f"INSERT INTO {SQLITE_TABLE} (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        list(blobs.items()),
    )
