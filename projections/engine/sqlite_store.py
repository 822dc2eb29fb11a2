"""The quarter projection's storage when the full ledger is open on SQLite: an eventsourcing tracking recorder
running the SQL of projections/engine/storage.py, so its blobs commit with the tracking row."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from eventsourcing.sqlite import SQLiteDatastore, SQLiteTrackingRecorder

from projections.engine.storage import (
    SQLITE_CREATE,
    TrackingNotAdvanced,
    sqlite_clear,
    sqlite_items,
    sqlite_keys,
    sqlite_load,
    sqlite_put,
    sqlite_replace,
    sqlite_save,
)


class SQLiteProjectionRecorder(SQLiteTrackingRecorder):
    """The projection's blobs in a table of the ledger's SQLite database, beside `tracking`."""

    def __init__(self, datastore: SQLiteDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), *SQLITE_CREATE]

    def load(self, key: str) -> bytes | None:
        with self.datastore.transaction(commit=False) as c:
            return sqlite_load(c, key)

    def keys(self, prefix: str) -> list[str]:
        with self.datastore.transaction(commit=False) as c:
            return sqlite_keys(c, prefix)

    def items(self, prefix: str) -> list[tuple[str, bytes]]:
        with self.datastore.transaction(commit=False) as c:
            return sqlite_items(c, prefix)

    def replace(self, old_keys: list[str], blobs: Mapping[str, bytes]) -> None:
        with self.datastore.transaction(commit=True) as c:
            sqlite_replace(c, old_keys, blobs)

    def put(self, blobs: Mapping[str, bytes]) -> None:
        with self.datastore.transaction(commit=True) as c:
            sqlite_put(c, blobs)

    def save(self, blobs: Mapping[str, bytes], notification_id: int) -> bool:
        try:
            with self.datastore.transaction(commit=True) as c:
                sqlite_save(c, blobs, notification_id)
        except TrackingNotAdvanced:
            return False
        return True

    def clear(self) -> None:
        with self.datastore.transaction(commit=True) as c:
            sqlite_clear(c)
