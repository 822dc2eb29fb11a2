"""A PostgreSQL ledger read with psycopg alone, for the questions (report, explain, audit, year): the SQLite light
reader's model (ledger/storage/reader.py) on the other storage.

Opening the full `Ledger` on PostgreSQL imports eventsourcing, the event classes and psycopg_pool, then probes the
server, opens a pool and fetches the composite type's description before the first row is read: ~250 ms of a
`kaoping report` after one event. A question needs only stored rows, the center's catalogue and the projection's
own tables, so this reader opens one psycopg connection (two once the projection writes) and runs the same
statements the recorder runs (`rows_statement` and the lookups below are shared with it). psycopg itself is imported
only when a `postgresql://` URL is read (`open_postgres_reader`), never by a SQLite user. Anything unusual — the
server unreachable, the tables not yet created or migrated — gives None, and the caller opens the full `Ledger`,
which refuses or creates exactly as before.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import TYPE_CHECKING, Any
from uuid import UUID

from ledger.storage.location import CONNECT_OPTIONS, Location
from ledger.storage.reader import MIGRATION_ROW, LedgerReader
from ledger.storage.rows import Row, decode_raw, paged

if TYPE_CHECKING:
    import psycopg

EVENTS = "kaoping_events"
"""eventsourcing's events table for an application named `kaoping` (PostgresFactory: name + `_events`)."""
TRACKING = "kaoping_tracking"
"""eventsourcing's tracking table for it (name + `_tracking`), which the projection's storage writes beside."""
PROJECTION = "kaoping_projection"
"""The projection's blob table (projections/engine/storage.TABLE)."""
SCHEMA = "public"
"""eventsourcing's schema when POSTGRES_SCHEMA is not set (kaoping never sets it)."""


def quoted(*names: str) -> str:
    """A schema-qualified SQL identifier, quoted as PostgreSQL quotes identifiers."""
    return ".".join('"' + n.replace('"', '""') + '"' for n in names)


def rows_statement(schema: str, table: str, topics: bool, containing: bool = False) -> str:
    """The rows of `Ledger.pages` after a notification id, in ledger order, only some topics' when `topics`, only
    those whose state holds one of some byte strings when `containing` (parameters: after id, [topics,]
    [byte strings,] limit): the recorder's `select_rows` and this reader run the same text."""
    only = "AND topic = ANY(%s) " if topics else ""
    if containing:
        only += "AND EXISTS (SELECT FROM unnest(%s::bytea[]) AS n(b) WHERE position(n.b IN state) > 0) "
    return (f"SELECT notification_id, originator_id, originator_version, topic, state FROM {quoted(schema, table)} "
            f"WHERE notification_id > %s {only}ORDER BY notification_id LIMIT %s")


def connect_kwargs(location: Location) -> dict[str, Any]:
    """psycopg's connection arguments for a `postgresql://` location, as eventsourcing's pool gets them (host,
    port, database, user, password, connect timeout), plus the URL's query parameters (sslmode…)."""
    from urllib.parse import parse_qsl

    env = location.env
    kwargs: dict[str, Any] = {
        "dbname": env["POSTGRES_DBNAME"], "host": env["POSTGRES_HOST"], "port": env["POSTGRES_PORT"],
        "user": env["POSTGRES_USER"], "password": env["POSTGRES_PASSWORD"],
        "connect_timeout": max(1, int(env["POSTGRES_CONNECT_TIMEOUT"] or 10)),
    }
    kwargs.update(parse_qsl(env.get(CONNECT_OPTIONS) or "", keep_blank_values=True))
    return kwargs


def connect(location: Location) -> psycopg.Connection[tuple[Any, ...]]:
    """A new autocommit connection (transactions are begun explicitly, as eventsourcing's pool does)."""
    import psycopg

    return psycopg.connect(autocommit=True, **connect_kwargs(location))


def snapshot_batches(location: Location, statement: str, params: tuple[Any, ...], batch: int,
                     name: str) -> Iterator[list[tuple[Any, ...]]]:
    """The rows of one statement, `batch` at a time, through a server-side binary cursor named `name` in one
    read-only snapshot, on a connection of its own (a forked process or a thread never shares its parent's: a
    libpq connection is one conversation with the server). One cursor rather than LIMIT queries: the server plans
    and descends the index once, not once per page. The one such loop (the two-process fold's range, verify's
    stream-order pass)."""
    with connect(location) as conn, conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        with conn.cursor(name=name, binary=True) as cur:
            cur.itersize = batch
            cur.execute(statement, params)
            while rows := cur.fetchmany(batch):
                yield rows


def open_postgres_reader(location: Location) -> PostgresLedgerReader | None:
    """A light reader of the PostgreSQL ledger at a location, or None when the full ledger must open it."""
    import psycopg

    try:
        conn = connect(location)
    except psycopg.Error:
        return None  # the full ledger connects again and names the cause (postgres_recorder.probe)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT to_regclass(%s), to_regclass(%s), to_regclass(%s)",
                        (quoted(SCHEMA, EVENTS), quoted(SCHEMA, TRACKING), quoted(SCHEMA, PROJECTION)))
            found = cur.fetchone()
            if found is None or None in found:
                raise LookupError("the full ledger has not yet created its tables")
            cur.execute(f"SELECT 1 FROM {quoted(SCHEMA, TRACKING)} WHERE application_name = %s", (MIGRATION_ROW,))
            if cur.fetchone() is None:
                raise LookupError("eventsourcing has not yet made tracking single-row")
    except (psycopg.Error, LookupError):
        conn.close()
        return None
    return PostgresLedgerReader(location, conn)


class PostgresLedgerReader(LedgerReader):
    """Reads a PostgreSQL ledger through one psycopg connection: stored rows, facts' first events, the center's
    catalogue (the catalogue, rules and registry folds are the SQLite reader's, over these rows)."""

    def __init__(self, location: Location, connection: psycopg.Connection[tuple[Any, ...]]) -> None:
        # the SQLite reader's state, bar its sqlite3 connection (every method using that is replaced below)
        self.location = location
        self._pg = connection
        self._pg_others: list[psycopg.Connection[tuple[Any, ...]]] = []
        self._catalogue = None
        self.schema = SCHEMA
        self.tracking_table = TRACKING
        self._events = quoted(SCHEMA, EVENTS)

    def connect(self) -> psycopg.Connection[tuple[Any, ...]]:  # type: ignore[override]
        """Another connection to the same database (the projection's storage writes through its own, from the
        spilling thread too)."""
        conn = connect(self.location)
        self._pg_others.append(conn)
        return conn

    def close(self) -> None:
        """Close every connection."""
        for conn in (self._pg, *self._pg_others):
            conn.close()
        self._pg_others = []

    def _rows(self, statement: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        """One statement's rows, binary (bytea, uuid and bigint arrive unparsed from text)."""
        with self._pg.cursor(binary=True) as cur:
            cur.execute(statement, params)
            return cur.fetchall()

    def pages(self, after_id: int = 0, batch: int = 20_000, *,
              topics: Collection[str] | None = None) -> Iterator[list[Row]]:
        """The rows of `Ledger.pages`: (notification id, originator UUID, version, topic, state), ledger order."""
        statement = rows_statement(self.schema, EVENTS, bool(topics))
        extra = (sorted(topics),) if topics else ()
        return paged(lambda start, limit: self._rows(statement, (start, *extra, limit)),
                     after_id, batch)

    def _position(self, rowid: int) -> int:
        """The ledger position (1-based ordinal) of a stored row (ids may have gaps)."""
        return int(self._rows(f"SELECT COUNT(*) FROM {self._events} WHERE notification_id <= %s", (rowid,))[0][0])

    def fact_fields(self, fact_id: str) -> dict[str, Any] | None:
        """A fact stream's first event as stored (tagged values left tagged), None for an unknown stream."""
        try:
            stream = UUID(fact_id)
        except ValueError:
            return None
        rows = self._rows(f"SELECT state FROM {self._events} WHERE originator_id = %s AND originator_version <= 1 "
                          "ORDER BY originator_version LIMIT 1", (stream,))
        return decode_raw(rows[0][0]) if rows else None

    def streams_between(self, low: UUID, high: UUID, limit: int) -> list[UUID]:
        """The recorder's `streams_between`, over the same stored ids."""
        rows = self._rows(f"SELECT DISTINCT originator_id FROM {self._events} WHERE originator_id BETWEEN %s AND %s "
                          "ORDER BY originator_id LIMIT %s", (low, high, limit))
        return [row[0] for row in rows]

    def max_notification_id(self) -> int:
        """The highest notification id stored now (0 for an empty ledger)."""
        last = self._rows(f"SELECT MAX(notification_id) FROM {self._events}", ())[0][0]
        return int(last or 0)

    def stream_rows(self, originator_id: UUID) -> list[tuple[int, str, bytes]]:
        """One stream's stored events as (notification id, topic, state), oldest first (the recorder's)."""
        return self._rows(f"SELECT notification_id, topic, state FROM {self._events} WHERE originator_id = %s "
                          "ORDER BY originator_version", (originator_id,))

    def _center_rows(self) -> list[tuple[int, str, dict[str, Any]]]:
        """The center stream's stored events as (notification id, topic, fields); an undecodable one is refused."""
        from ledger.errors import LedgerUnreadable
        from ledger.ids import center_id

        out = []
        for nid, topic, state in self.stream_rows(center_id()):
            try:
                out.append((nid, topic, decode_raw(state)))
            except ValueError as exc:
                raise LedgerUnreadable(self._position(nid), exc) from exc
        return out
