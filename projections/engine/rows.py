"""The ledger's stored rows as the engine folds them: pages of raw rows into the fold's handlers.

Rows are never decoded into event objects here: a stored state is parsed by `decode_raw` (dates left tagged)
and handed to the handler of its topic, its originator id keyed once (`fact_key`), which is what makes a
rebuild fast. Every page comes from the one paging helper, `ledger.storage.rows.paged`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Generator, Iterable
from typing import TYPE_CHECKING, Any

from ledger.calendar import iso_day
from ledger.errors import LedgerUnreadable
from ledger.storage.rows import EVENTS_TABLE, Row, decode_raw, paged
from projections.fold.entries import fact_key, quarter_of_iso
from projections.fold.state import State

if TYPE_CHECKING:
    from ledger.storage.reader import ReadableLedger

Handler = Callable[[State, int, dict[str, Any]], None]

PAGE = 2000
"""Rows read per query by `sqlite_range` (smaller lists of rows stay in the CPU caches)."""


def fold_pages(
    st: State,
    pages: Iterable[list[Row]],
    handlers: dict[str, Handler],
    spill: Callable[[State], None] | None = None,
) -> int:
    """Fold pages of stored rows (notification id, originator id, version, topic, state) onto a state; how many
    rows it folded.

    After each page the state's position and notification id are advanced and `spill` is called, so a long
    fold can write out what grew large.
    """
    get = handlers.get
    loads = decode_raw
    key = fact_key
    position = start = st.position
    for rows in pages:
        try:
            for _nid, originator_id, _version, topic, stored in rows:
                position += 1
                handler = get(topic)
                if handler is not None:
                    data = loads(stored)
                    data["originator_id"] = key(originator_id)
                    handler(st, position, data)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            # a row kaoping did not write (orjson.JSONDecodeError is a ValueError)
            raise LedgerUnreadable(position, exc) from exc
        st.position, st.notification_id = position, rows[-1][0]
        if spill is not None:
            spill(st)
    return position - start


def sqlite_range(path: str, after_id: int, upto_id: int, page: int = PAGE) -> Generator[list[Row], None, None]:
    """Rows with after_id < rowid <= upto_id of a SQLite ledger, on a connection of their own, in one read
    transaction (a forked process never uses its parent's connections)."""
    con = sqlite3.connect(path, isolation_level=None)
    statement = (f"SELECT rowid, originator_id, originator_version, topic, state FROM {EVENTS_TABLE} "
                 "WHERE rowid > ? AND rowid <= ? ORDER BY rowid LIMIT ?")
    try:
        con.execute("BEGIN")
        yield from paged(lambda start, limit: con.execute(statement, (start, upto_id, limit)).fetchall(),
                         after_id, page)
        con.execute("COMMIT")
    finally:
        con.close()


def quarter_lookup(ledger: ReadableLedger) -> Callable[[str], str | None]:
    """The quarter of a fact the fold's recent index no longer holds: the day of its first event in the ledger."""

    def lookup(fact_id: str) -> str | None:
        fields = ledger.fact_fields(fact_id)
        day = fields.get("date") if fields is not None else None
        return quarter_of_iso(iso_day(day)) if day is not None else None

    return lookup
