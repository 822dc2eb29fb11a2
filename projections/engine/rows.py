"""The ledger's stored rows as the engine folds them: pages of raw rows into the fold's handlers.

Rows are never decoded into event objects here: a stored state is parsed by `decode_raw` (dates left tagged)
and handed to the handler of its topic, its originator id keyed once (`fact_key`), which is what makes a
rebuild fast. Pages come from the ledger (`ReadableLedger.pages`, any backend) or, for a fold in two
processes, from `ledger_range` (`sqlite_range`, `postgres_range`: a range of ids on a connection of its own).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Generator, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from ledger.calendar import iso_day
from ledger.errors import LedgerUnreadable
from ledger.storage.rows import EVENTS_TABLE, decode_raw
from projections.fold.entries import fact_key, quarter_of_iso
from projections.fold.handlers import Handler
from projections.fold.state import State

if TYPE_CHECKING:
    from ledger.storage.location import Location
    from ledger.storage.reader import ReadableLedger

FoldRow = tuple[Any, str, bytes]
"""What the fold reads of a stored row: (originator id, topic, state)."""

Page = tuple[int, list[FoldRow]]
"""Rows in ledger order and the notification id the page reaches."""

WINDOW = 2000
"""Ids read per query by `sqlite_range` (smaller lists of rows stay in the CPU caches)."""


def fold_pages(
    st: State,
    pages: Iterable[Page],
    handlers: dict[str, Handler],
    spill: Callable[[State], None] | None = None,
) -> int:
    """Fold pages of stored rows onto a state; how many rows it folded.

    After each page the state's position and notification id are advanced and `spill` is called, so a long
    fold can write out what grew large.
    """
    get = handlers.get
    loads = decode_raw
    key = fact_key
    position = start = st.position
    for end_id, rows in pages:
        try:
            for originator_id, topic, stored in rows:
                position += 1
                handler = get(topic)
                if handler is not None:
                    # SQLite's stored ids are already the fold's keys: no call to `fact_key` for them
                    handler(st, position, loads(stored), originator_id if type(originator_id) is str
                            and len(originator_id) == 32 else key(originator_id))
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            # a row kaoping did not write (orjson.JSONDecodeError is a ValueError)
            raise LedgerUnreadable(position, exc) from exc
        st.position, st.notification_id = position, end_id
        if spill is not None:
            spill(st)
    return position - start


def ledger_pages(ledger: ReadableLedger, after_id: int, batch: int) -> Iterator[Page]:
    """The ledger's rows after a notification id as `fold_pages` takes them (any backend, `ledger.pages`)."""
    for page in ledger.pages(after_id, batch):
        yield page[-1][0], [(r[1], r[3], r[4]) for r in page]


def sqlite_range(path: str, after_id: int, upto_id: int, window: int = WINDOW) -> Generator[Page, None, None]:
    """Rows with after_id < rowid <= upto_id of a SQLite ledger, a window of ids at a time, on a connection of
    their own (a forked process never uses its parent's), each window in a read transaction of its own.

    Three columns and windows of ids rather than `ledger.pages`' LIMIT pages of five: reading rowid and version
    too cost ~0.05 s of CPU per 300,000 rows, LIMIT paging as much again; each window's last id is its bound.
    Rows up to `upto_id` are stored already and never change (events are appended, never updated), so reading
    them window by window reads what one transaction would. One transaction over the whole range held the WAL
    from being checkpointed while the fold wrote its chunks: a 1M rebuild left ~170 MB in the WAL, copied into
    the database at the end, after the fold (~0.3-0.7 s of its wall time); now each spill's commit checkpoints
    what came before it, beside the fold.
    """
    con = sqlite3.connect(path, isolation_level=None)
    statement = f"SELECT originator_id, topic, state FROM {EVENTS_TABLE} WHERE rowid > ? AND rowid <= ? ORDER BY rowid"
    try:
        low = after_id
        while low < upto_id:
            high = min(low + window, upto_id)
            rows = con.execute(statement, (low, high)).fetchall()
            if rows:
                yield high, rows
            low = high
    finally:
        con.close()


def postgres_range(location: Location, after_id: int, upto_id: int,
                   window: int = WINDOW) -> Generator[Page, None, None]:
    """Rows with after_id < notification id <= upto_id of a PostgreSQL ledger, `window` rows at a time, on a
    connection of their own in one read-only snapshot (`snapshot_batches`) — `sqlite_range` on the other storage."""
    from ledger.storage.postgres_reader import EVENTS, SCHEMA, quoted, snapshot_batches

    statement = (f"SELECT notification_id, originator_id, topic, state FROM {quoted(SCHEMA, EVENTS)} "
                 "WHERE notification_id > %s AND notification_id <= %s ORDER BY notification_id")
    for rows in snapshot_batches(location, statement, (after_id, upto_id), window, "kaoping_fold_range"):
        yield rows[-1][0], [(r[1], r[2], r[3]) for r in rows]


def postgres_count(location: Location, after_id: int, upto_id: int) -> int:
    """How many rows a PostgreSQL ledger holds with after_id < notification id <= upto_id (its ids have gaps: a
    rolled-back insert consumes sequence values), on a connection of its own."""
    from ledger.storage.postgres_reader import EVENTS, SCHEMA, connect, quoted

    conn = connect(location)
    try:
        row = conn.execute(f"SELECT COUNT(*) FROM {quoted(SCHEMA, EVENTS)} WHERE notification_id > %s "
                           "AND notification_id <= %s", (after_id, upto_id)).fetchone()
    finally:
        conn.close()
    return int(row[0]) if row is not None else 0


def ledger_range(location: Location, after_id: int, upto_id: int,
                 window: int = WINDOW) -> Generator[Page, None, None]:
    """A range of a ledger's rows read on a connection of its own, for a fold in two processes (either storage)."""
    if location.sqlite_path is not None:
        yield from sqlite_range(str(location.sqlite_path), after_id, upto_id, window)
    else:
        yield from postgres_range(location, after_id, upto_id, window)


def quarter_lookup(ledger: ReadableLedger) -> Callable[[str], str | None]:
    """The quarter of a fact the fold's recent index no longer holds: the quarter its first event names (an appeal
    names its fact's), else the quarter of that event's day."""

    def lookup(fact_id: str) -> str | None:
        fields = ledger.fact_fields(fact_id)
        if fields is not None and type(fields.get("quarter")) is str:
            return str(fields["quarter"])
        day = fields.get("date") if fields is not None else None
        return quarter_of_iso(iso_day(day)) if day is not None else None

    return lookup
