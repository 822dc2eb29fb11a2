"""Where the materialised quarter projection lives: keyed blobs saved atomically with a tracking row.

The storage interface is a handful of calls (load, keys, items, put, replace, save, clear). The blobs sit in the
ledger's own database beside eventsourcing's tracking table, so projection state and tracking position commit in one
transaction: one class per backend, whose transactions are handed to it — `projections/engine/sqlite_store.py`
(eventsourcing's `SQLiteDatastore.transaction` when the full `Ledger` is open, a plain `sqlite3` connection when a
question reads through `ledger.storage.reader.LedgerReader`) and `projections/engine/postgres_store.py`
(eventsourcing's pool, or the psycopg connection of `ledger.storage.postgres_reader`).
`projections/engine/stores.py` picks one for a ledger.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

APPLICATION_NAME = "kaoping.quarters"
"""The projection's row in eventsourcing's `tracking` table."""

TABLE = "kaoping_projection"
"""PostgreSQL's blob table; on SQLite the first layout's table, dropped on open (projections/engine/sqlite_store.py)."""


class ProjectionStorage(Protocol):
    """Keyed blobs plus the tracked notification id, written together."""

    def load(self, key: str) -> bytes | None:
        """The blob stored under a key, or None."""

    def load_each(self, keys: Sequence[str]) -> list[tuple[str, bytes]]:
        """(key, blob) of each of these keys that is stored, in the order asked: one read, not one per key."""

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
