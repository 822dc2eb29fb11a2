"""kaoping's SQLite event recorder: batch inserts under the write lock, and plain-tuple reads for folds."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterable, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError, OperationalError, StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor

from ledger.storage.location import busy
from ledger.storage.rows import Row, select_rows


class FastSQLiteApplicationRecorder(SQLiteApplicationRecorder):
    """Inserts a batch with one executemany; ids follow from MAX(rowid) under the write lock."""

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        """Append in a BEGIN IMMEDIATE transaction: take the write lock first, so concurrent writers
        queue on the busy timeout instead of failing on a stale read snapshot (SQLITE_BUSY_SNAPSHOT)."""
        with self.datastore.get_connection(commit=True) as conn:
            raw: sqlite3.Connection = conn._sqlite_conn  # noqa: SLF001 - eventsourcing exposes no hook
            try:
                raw.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if "locked" in str(exc).lower() or "busy" in str(exc).lower():
                    raise busy(raw.execute("PRAGMA busy_timeout").fetchone()[0] / 1000) from None
                raise OperationalError(exc) from exc
            try:
                ids = self._insert_events(SQLiteCursor(raw.cursor()), stored_events, **kwargs)
                raw.commit()
            except BaseException as exc:
                raw.rollback()
                if isinstance(exc, sqlite3.IntegrityError):
                    raise IntegrityError(exc) from exc
                if isinstance(exc, sqlite3.OperationalError):
                    raise OperationalError(exc) from exc
                raise
        return ids

    def _insert_events(
        self,
        c: SQLiteCursor,
        stored_events: Sequence[StoredEvent],
        **_: Any,
    ) -> Sequence[int] | None:
        c.execute(self.select_max_notification_id_statement)
        first = (c.fetchone()[0] or 0) + 1
        c.executemany(
            self.insert_events_statement,
            [
                (
                    s.originator_id.hex if isinstance(s.originator_id, UUID) else s.originator_id,
                    s.originator_version,
                    s.topic,
                    s.state,
                )
                for s in stored_events
            ],
        )
        return list(range(first, first + len(stored_events)))

    def select_rows(self, after_id: int, limit: int, topics: Collection[str] | None = None,
                    containing: Collection[bytes] | None = None) -> list[Row]:
        """Stored events after a notification id as plain tuples (id, originator hex, version, topic, state),
        only those of `topics` when given, only those whose state holds one of `containing` when given."""
        with self.datastore.transaction(commit=False) as c:
            cur = c.sqlite_cursor
            cur.row_factory = None
            return select_rows(cur, after_id, limit, self.events_table_name, topics, containing)

    def existing_originators(self, ids: Iterable[UUID]) -> set[UUID]:
        """Which of these stream ids already have events (for idempotent imports)."""
        return {UUID(h) for h in self.existing_originator_hexes([i.hex for i in ids])}

    def existing_originator_hexes(self, hex_ids: Sequence[str]) -> set[str]:
        """Which of these stream ids (32-digit hex, as stored) already have events."""
        found: set[str] = set()
        with self.datastore.transaction(commit=False) as c:
            for start in range(0, len(hex_ids), 500):
                chunk = hex_ids[start : start + 500]
                c.execute(
                    f"SELECT DISTINCT originator_id FROM {self.events_table_name} "
                    f"WHERE originator_id IN ({','.join('?' * len(chunk))})",
                    chunk,
                )
                found.update(row[0] for row in c.fetchall())
        return found

    def select_streams(self, originator_ids: Sequence[UUID]) -> list[StoredEvent]:
        """Every stored event of these streams, by stream id then version (what `select_events` gives one stream at a
        time), a few hundred streams a statement."""
        out: list[StoredEvent] = []
        with self.datastore.transaction(commit=False) as c:
            for start in range(0, len(originator_ids), 500):
                chunk = [u.hex for u in originator_ids[start : start + 500]]
                c.execute(f"SELECT originator_id, originator_version, topic, state FROM {self.events_table_name} "
                          f"WHERE originator_id IN ({','.join('?' * len(chunk))}) "
                          "ORDER BY originator_id, originator_version", chunk)
                out += [StoredEvent(originator_id=UUID(row[0]), originator_version=row[1], topic=row[2],
                                    state=row[3]) for row in c.fetchall()]
        return out

    def streams_between(self, low: UUID, high: UUID, limit: int) -> list[UUID]:
        """Stream ids from `low` to `high` (inclusive), in order, at most `limit` (ids typed as a prefix); a range
        on the (originator id, version) key, as stored: 32 lowercase hex digits."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT DISTINCT originator_id FROM {self.events_table_name} "
                "WHERE originator_id BETWEEN ? AND ? ORDER BY originator_id LIMIT ?",
                (low.hex, high.hex, limit),
            )
            return [UUID(row[0]) for row in c.fetchall()]

    def stream_rows(self, originator_id: UUID) -> list[tuple[int, str, bytes]]:
        """One stream's stored events as (notification id, topic, state), oldest first (the center's adoptions)."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT rowid, topic, state FROM {self.events_table_name} WHERE originator_id = ? "
                      "ORDER BY originator_version", (originator_id.hex,))
            return [(row[0], row[1], row[2]) for row in c.fetchall()]

    def position_of(self, notification_id: int) -> int:
        """The ledger position (1-based ordinal) of the row with this notification id."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT COUNT(*) FROM {self.events_table_name} WHERE rowid <= ?", (notification_id,))
            return int(c.fetchone()[0])
