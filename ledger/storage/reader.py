"""A SQLite ledger read with the stdlib alone, for the questions (report, explain, audit, year).

Opening the full `Ledger` imports eventsourcing and the event classes (~40 ms of a ~230 ms `kaoping report`);
answering a question needs only stored rows, the center's pinned catalogue and the projection's own table.
`open_reader` gives a `LedgerReader` for a SQLite file that already holds kaoping's tables, and None whenever
anything is unusual (PostgreSQL, a missing, foreign or non-WAL file, tables not yet created): the caller then
opens the full `Ledger`, which makes the same refusals and creates what is missing exactly as before.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterator
from typing import TYPE_CHECKING, Any, Protocol
from uuid import UUID

from ledger.errors import LedgerUnreadable, not_initialised
from ledger.storage.location import Location, lock_timeout_seconds, parse_url, sqlite_uri
from ledger.storage.rows import EVENTS_TABLE, Row, decode_raw, paged, registry_from, select_rows
from ledger.topics import CENTER_TOPIC, REGISTRY_TOPICS

if TYPE_CHECKING:
    from ledger.catalogue import Catalogue
    from ledger.registry import Registry
    from ledger.revisions import RulesInForce

REQUIRED_TABLES = frozenset({EVENTS_TABLE, "tracking", "kaoping_projection_blobs"})
"""What the first opening of the full ledger and of its projection create (ledger/app.py,
projections/engine/storage.py)."""
LEGACY_TABLES = frozenset({"kaoping_projection"})
"""A table the full ledger drops when its projection opens: its presence means that has not happened yet."""
MIGRATION_ROW = "__migration__"
"""eventsourcing's marker row in a single-row `tracking` table (written when it creates or migrates the table)."""


class ReadableLedger(Protocol):
    """What the projections need of a ledger: its place, rules, stored rows in ledger order, and facts' first events.

    Both the full `ledger.app.Ledger` and `LedgerReader` provide it.
    """

    location: Location

    @property
    def catalogue(self) -> Catalogue:
        """The rules catalogue the center adopted (checked against the hash pinned at init)."""

    def catalogue_for(self, quarter: str, as_of: int | None = None) -> Catalogue:
        """The catalogue a quarter is scored under: the revision in force on its first day (D36)."""

    def rules_in_force(self) -> RulesInForce:
        """The center's rule adoptions (init's and `rules adopt`'s), refused before `init`."""

    def pages(self, after_id: int = 0, batch: int = 20_000, *,
              topics: Collection[str] | None = None) -> Iterator[list[Row]]:
        """Stored rows after a notification id (only `topics`' when given), a non-empty page of at most `batch`
        rows at a time."""

    def registry(self) -> Registry:
        """The registry as it stands: the center, its windows and its people (refused before `init`)."""

    def max_notification_id(self) -> int:
        """The highest notification id stored now (0 for an empty ledger)."""

    def fact_fields(self, fact_id: str) -> dict[str, Any] | None:
        """A fact stream's first event as stored (tagged values left tagged), None for an unknown stream."""

    def stream_rows(self, originator_id: UUID) -> list[tuple[int, str, bytes]]:
        """One stream's stored events as (notification id, topic, state), oldest first."""

    def streams_between(self, low: UUID, high: UUID, limit: int) -> list[UUID]:
        """Stream ids from `low` to `high` (inclusive), in order, at most `limit` (ledger/short_ids.py)."""

    def close(self) -> None:
        """Release the database connections."""


def date_of(fields: dict[str, Any] | None) -> str | None:
    """The ISO date in a fact's stored fields (None when there is none)."""
    day = fields.get("date") if fields is not None else None
    if day is None:
        return None
    return day["_data_"] if type(day) is dict else str(day)


def _connect(location: Location) -> sqlite3.Connection:
    """A connection like eventsourcing's SQLite datastore makes (autocommit, same busy timeout), that
    never creates the file (mode=rw)."""
    assert location.sqlite_path is not None
    return sqlite3.connect(sqlite_uri(location.sqlite_path, mode="rw"), uri=True, timeout=lock_timeout_seconds(),
                           isolation_level=None, check_same_thread=False)


def open_reader(url: str | None) -> LedgerReader | None:
    """A light reader of the SQLite ledger at a `--db` URL, or None when the full ledger must open it."""
    location = parse_url(url)
    path = location.sqlite_path
    if location.backend != "sqlite" or path is None or not path.is_file():
        return None
    try:
        conn = _connect(location)
    except sqlite3.Error:
        return None
    try:
        if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            raise LookupError("eventsourcing switches the file to WAL when it opens it")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not REQUIRED_TABLES <= tables or tables & LEGACY_TABLES:
            raise LookupError("the full ledger has not yet created (or migrated) its tables")
        if conn.execute("SELECT 1 FROM tracking WHERE application_name = ?", (MIGRATION_ROW,)).fetchone() is None:
            raise LookupError("eventsourcing has not yet made tracking single-row")
    except (sqlite3.Error, LookupError):
        conn.close()
        return None
    return LedgerReader(location, conn)


class LedgerReader:
    """Reads a SQLite ledger through the stdlib `sqlite3`: stored rows, facts' first events, the center's catalogue."""

    def __init__(self, location: Location, connection: sqlite3.Connection) -> None:
        self.location = location
        self._conn = connection
        self._others: list[sqlite3.Connection] = []
        self._catalogue: Catalogue | None = None

    def connect(self) -> sqlite3.Connection:
        """Another connection to the same file (the projection's storage writes through its own)."""
        conn = _connect(self.location)
        self._others.append(conn)
        return conn

    def close(self) -> None:
        """Close every connection."""
        for conn in (self._conn, *self._others):
            conn.close()
        self._others = []

    def pages(self, after_id: int = 0, batch: int = 20_000, *,
              topics: Collection[str] | None = None) -> Iterator[list[Row]]:
        """The rows of `Ledger.pages`: (notification id, originator hex, version, topic, state), ledger order."""
        return paged(lambda start, limit: select_rows(self._conn.cursor(), start, limit, topics=topics),
                     after_id, batch)

    def registry(self) -> Registry:
        """The registry as it stands, as `Ledger.registry` folds it."""
        registry = registry_from(self.pages(topics=REGISTRY_TOPICS), self._position)
        if registry.center is None:
            raise not_initialised()
        return registry

    def _position(self, rowid: int) -> int:
        """The ledger position of a stored row (for a refusal naming it)."""
        return int(self._conn.execute(f"SELECT COUNT(*) FROM {EVENTS_TABLE} WHERE rowid <= ?", (rowid,)).fetchone()[0])

    def fact_fields(self, fact_id: str) -> dict[str, Any] | None:
        """A fact stream's first event as stored (tagged values left tagged), None for an unknown stream."""
        row = self._conn.execute(
            f"SELECT state FROM {EVENTS_TABLE} WHERE originator_id = ? AND originator_version <= 1 "
            "ORDER BY originator_version LIMIT 1",
            (fact_id,),
        ).fetchone()
        return None if row is None else decode_raw(row[0])

    def stream_rows(self, originator_id: UUID) -> list[tuple[int, str, bytes]]:
        """The recorder's `stream_rows`: one stream's stored events as (rowid, topic, state), by its index."""
        return self._conn.execute(
            f"SELECT rowid, topic, state FROM {EVENTS_TABLE} WHERE originator_id = ? ORDER BY originator_version",
            (originator_id.hex,),
        ).fetchall()

    def streams_between(self, low: UUID, high: UUID, limit: int) -> list[UUID]:
        """The recorder's `streams_between`, over the same stored ids (32 lowercase hex digits)."""
        rows = self._conn.execute(
            f"SELECT DISTINCT originator_id FROM {EVENTS_TABLE} WHERE originator_id BETWEEN ? AND ? "
            "ORDER BY originator_id LIMIT ?", (low.hex, high.hex, limit)).fetchall()
        return [UUID(row[0]) for row in rows]

    def max_notification_id(self) -> int:
        """The highest rowid stored now (0 for an empty ledger)."""
        last: int | None = self._conn.execute(f"SELECT MAX(rowid) FROM {EVENTS_TABLE}").fetchone()[0]
        return last or 0

    def _center_rows(self) -> list[tuple[int, str, dict[str, Any]]]:
        """The center stream's stored events as (rowid, topic, fields); an undecodable one is refused, named."""
        from ledger.ids import center_id

        out = []
        for rowid, topic, state in self.stream_rows(center_id()):
            try:
                out.append((rowid, topic, decode_raw(state)))
            except ValueError as exc:
                raise LedgerUnreadable(self._position(rowid), exc) from exc
        return out

    def _center(self) -> dict[str, Any]:
        """The stored state of the center's initialisation, or the refusal `Ledger.center()` gives."""
        for _, topic, fields in self._center_rows():
            if topic == CENTER_TOPIC:
                return fields
        raise not_initialised()

    @property
    def catalogue(self) -> Catalogue:
        """The rules catalogue the center adopted, checked against the hash pinned at init (as `Ledger.catalogue`)."""
        if self._catalogue is None:
            from ledger.revisions import pinned

            center = self._center()
            self._catalogue = pinned(str(center["rules"]), int(center.get("rules_revision", 1)),
                                     str(center["rules_sha256"]))
        return self._catalogue

    def rules_in_force(self) -> RulesInForce:
        """The center's rule adoptions (as `Ledger.rules_in_force`)."""
        from ledger.revisions import RulesInForce

        found = RulesInForce.from_rows(self._center_rows(), self._position)
        if not found.adoptions:
            raise not_initialised()
        return found

    def catalogue_for(self, quarter: str, as_of: int | None = None) -> Catalogue:
        """The catalogue a quarter is scored under (as `Ledger.catalogue_for`)."""
        return self.rules_in_force().catalogue_for(quarter, as_of)
