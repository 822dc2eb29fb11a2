"""The quarter projection's storage on PostgreSQL: blobs beside eventsourcing's tracking table."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from eventsourcing.persistence import IntegrityError, Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from psycopg.sql import SQL, Identifier

from projections.engine.sealed import SEAL, Reseal
from projections.engine.storage import APPLICATION_NAME, TABLE

SEAL_LOCK = 0x6B616F70  # 'kaop': the advisory lock writers of the seal take in their transaction


class PostgresProjectionRecorder(PostgresTrackingRecorder):
    """Projection blobs in a PostgreSQL table, committed with the tracking row."""

    def __init__(self, datastore: PostgresDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        self._table = Identifier(self.datastore.schema, TABLE)
        self.sql_create_statements.append(
            SQL("CREATE TABLE IF NOT EXISTS {0} (key text PRIMARY KEY, value bytea NOT NULL)").format(self._table)
        )
        self.reseal: Reseal | None = None  # set by projections/engine/sealed.SealedStorage

    def _reseal(self, c: Any, deleted: list[str], blobs: Mapping[str, bytes]) -> None:
        """Rewrite the seal in this transaction, under an advisory lock held until it ends."""
        if self.reseal is None:
            return
        c.execute("SELECT pg_advisory_xact_lock(%s)", (SEAL_LOCK,))
        c.execute(SQL("SELECT value FROM {0} WHERE key = %s").format(self._table), (SEAL,))
        row = c.fetchone()
        self._upsert(c, {SEAL: self.reseal(None if row is None else bytes(row["value"]), deleted, blobs)})

    def _upsert(self, c: Any, blobs: Mapping[str, bytes]) -> None:
        c.executemany(
            SQL("INSERT INTO {0} (key, value) VALUES (%s, %s) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value").format(self._table),
            list(blobs.items()),
        )

    def tracked(self) -> int | None:
        """The projection's tracked notification id."""
        return self.max_tracking_id(APPLICATION_NAME)

    def load(self, key: str) -> bytes | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute(SQL("SELECT value FROM {0} WHERE key = %s").format(self._table), (key,))
            row = c.fetchone()
        return None if row is None else bytes(row["value"])

    def keys(self, prefix: str) -> list[str]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(SQL("SELECT key FROM {0} WHERE starts_with(key, %s) ORDER BY key").format(self._table),
                      (prefix,))
            return [r["key"] for r in c.fetchall()]

    def items(self, prefix: str) -> list[tuple[str, bytes]]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(SQL("SELECT key, value FROM {0} WHERE starts_with(key, %s) ORDER BY key").format(self._table),
                      (prefix,))
            return [(r["key"], bytes(r["value"])) for r in c.fetchall()]

    def replace(self, old_keys: list[str], blobs: Mapping[str, bytes]) -> None:
        with self.datastore.transaction(commit=True) as c:
            self._reseal(c, old_keys, blobs)
            c.execute(SQL("DELETE FROM {0} WHERE key = ANY(%s)").format(self._table), (list(old_keys),))
            self._upsert(c, blobs)

    def put(self, blobs: Mapping[str, bytes]) -> None:
        with self.datastore.transaction(commit=True) as c:
            self._reseal(c, [], blobs)
            self._upsert(c, blobs)

    def save(self, blobs: Mapping[str, bytes], notification_id: int) -> bool:
        try:
            with self.datastore.transaction(commit=True) as c:
                self._reseal(c, [], blobs)
                self._upsert(c, blobs)
                self._insert_tracking(c, Tracking(APPLICATION_NAME, notification_id))
        except IntegrityError:
            return False
        return True

    def clear(self) -> None:
        with self.datastore.transaction(commit=True) as c:
            c.execute(SQL("DELETE FROM {0}").format(self._table))
            c.execute(
                SQL("DELETE FROM {0} WHERE application_name = %s").format(
                    Identifier(self.datastore.schema, self.tracking_table_name)
                ),
                (APPLICATION_NAME,),
            )
