"""Folding a long stretch of a SQLite ledger in two processes: one core alone cannot fold a million events
within twice the time of merely reading and decoding them.

The rows after the tracked notification id are split at a notification id: this process folds the
first part while a forked child, on its own database connections (never this process's), folds the
second. Each writes its own chunks (`q:QUARTER:<notification id>`, merged in key order, first entry
winning, so the child's chunks sort after this process's). The child cannot apply registry events
(a move names a person registered in the first part), so it sends them back and they are applied here
after the first part's, in ledger order; its follow-ups naming facts of the first part are resolved
through the projection's `lookup` (the fact's first event, read from the ledger). Only this process's
final flush records the tracked position: until then, whatever either process wrote is untracked.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import traceback
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

import orjson

from ledger.errors import LedgerUnreadable
from ledger.storage.rows import EVENTS_TABLE, decode_raw
from projections.fold.handlers import REGISTRY_TOPICS, TOPIC_HANDLERS
from projections.fold.state import RegistryState, State

if TYPE_CHECKING:
    from ledger.storage.reader import ReadableLedger
    from projections.engine.materialised import QuarterProjection

PARALLEL_AT = 100_000
"""A catch-up with at least this many rows to fold (a rebuild of a large ledger) folds them in two processes."""

FIRST_SHARE = 0.54
"""The share of the rows this process folds; the child also writes the last quarters and starts later."""

Row = tuple[Any, str, bytes]
WINDOW = 2000
"""Rows read per query by `sqlite_pages` (smaller lists of rows stay in the CPU caches)."""
Handler = Callable[[State, int, dict[str, Any]], None]


def can_fork() -> bool:
    """True where a child process can be forked (POSIX)."""
    return hasattr(os, "fork")


def fold_pages(
    st: State,
    pages: Iterable[tuple[int, list[Row]]],
    handlers: dict[str, Handler],
    spill: Callable[[State], None] | None = None,
) -> int:
    """Fold pages of stored rows (originator id, topic, state) onto a state; how many rows it folded.

    Each page comes with the notification id it reaches; after each, the state's position and
    notification id are advanced and `spill` is called, so a long fold can write out what grew large.
    """
    get = handlers.get
    loads = decode_raw
    position = start = st.position
    for end_id, rows in pages:
        try:
            for originator_id, topic, stored in rows:
                position += 1
                handler = get(topic)
                if handler is not None:
                    data = loads(stored)
                    data["originator_id"] = originator_id
                    handler(st, position, data)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            # a row kaoping did not write (orjson.JSONDecodeError is a ValueError)
            raise LedgerUnreadable(position, exc) from exc
        st.position, st.notification_id = position, end_id
        if spill is not None:
            spill(st)
    return position - start


def ledger_pages(ledger: ReadableLedger, after_id: int, batch: int) -> Iterator[tuple[int, list[Row]]]:
    """The ledger's rows after a notification id as `fold_pages` takes them (any backend)."""
    for page in ledger.pages(after_id, batch):
        yield page[-1][0], [(r[1], r[3], r[4]) for r in page]


def sqlite_pages(con: sqlite3.Connection, table: str, after_id: int, upto_id: int,
                 window: int = WINDOW) -> Iterator[tuple[int, list[Row]]]:
    """Rows with after_id < rowid <= upto_id, a window of ids at a time, in one read transaction.

    Three columns and small windows: reading rowid and version too, or 20,000-row pages, cost ~0.25 s more
    per half a million rows; each window's last id is its bound, so rowid itself is not read.
    """
    con.execute("BEGIN")
    try:
        low = after_id
        while low < upto_id:
            high = min(low + window, upto_id)
            rows = con.execute(
                f"SELECT originator_id, topic, state FROM {table} WHERE rowid > ? AND rowid <= ? ORDER BY rowid",
                (low, high),
            ).fetchall()
            if rows:
                yield high, rows
            low = high
    finally:
        con.execute("COMMIT")


def last_id(projection: QuarterProjection) -> int:
    """The highest notification id stored now (SQLite: the rowid)."""
    return projection.ledger.max_notification_id()


def fold_in_two(projection: QuarterProjection, st: State, spill_at: int, split_id: int | None = None) -> int:
    """Fold the rows after the state's notification id, up to the last one stored now, in two processes.

    The state ends at the last row with every registry event applied; what the fold added here stays in
    `st.quarters` for the caller's final flush, which must key those chunks at the returned notification id
    (the split: the child's chunks, already written, are keyed after it).
    """
    ledger = projection.ledger
    path = str(ledger.location.sqlite_path)
    table = EVENTS_TABLE
    after, end = st.notification_id, last_id(projection)
    split = after + int((end - after) * FIRST_SHARE) if split_id is None else max(after, min(split_id, end))
    start = st.position
    projection._stop_writer()  # fork with no other thread running (a retried catch-up may have left one)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns, never touches the parent's connections
        os.close(read_end)
        _child(projection, write_end, path, table, after, split, end, start, spill_at)
    os.close(write_end)
    done = False
    try:
        con = sqlite3.connect(path, isolation_level=None)
        pages = sqlite_pages(con, table, after, split, min(WINDOW, spill_at))
        try:
            mine = fold_pages(st, pages, TOPIC_HANDLERS, lambda s: projection._spill(s, spill_at))
        finally:
            pages.close()
            con.close()
        projection._spill(st, 1)  # write this part's quarters while the child finishes (keyed at the split)
        with os.fdopen(read_end, "rb") as pipe:
            read_end = -1
            answer = orjson.loads(pipe.read() or b'{"error": "the child process ended without an answer"}')
        os.waitpid(pid, 0)
        done = True
    finally:
        if read_end != -1:
            os.close(read_end)
        if not done:  # this half failed: stop the child (it writes only untracked chunks) and reap it
            try:
                os.kill(pid, signal.SIGTERM)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
    if mine != split - after:
        # Ids have gaps before the split (rows deleted outside kaoping): the child numbered its rows from
        # the wrong position. Drop what it wrote and fold its part here.
        from projections.engine.materialised import QUARTER_PREFIX

        stale = [k for k in projection.storage.keys(QUARTER_PREFIX) if int(k.split(":")[2]) > split]
        projection.storage.replace(stale, {})
        con = sqlite3.connect(path, isolation_level=None)
        pages = sqlite_pages(con, table, split, end, min(WINDOW, spill_at))
        try:
            fold_pages(st, pages, TOPIC_HANDLERS, lambda s: projection._spill(s, spill_at))
        finally:
            pages.close()
            con.close()
        return st.notification_id
    if "unreadable" in answer:
        position, cause, text = answer["unreadable"]
        # the same refusal as in one process: its message names the cause's type
        raise LedgerUnreadable(position, type(cause, (ValueError,), {})(text))
    if "error" in answer:
        raise RuntimeError(f"the rebuild's second process failed:\n{answer['error']}")
    for position, topic, data in answer["registry"]:
        TOPIC_HANDLERS[topic](st, position, data)
    st.position = start + mine + answer["rows"]
    st.notification_id = max(split, answer["last_id"])
    return split


def _child(projection: QuarterProjection, out: int, path: str, table: str, after: int, split: int, end: int,
           start: int, spill_at: int) -> None:
    """Fold rows split < id <= end in this forked child; send registry events and counts; exit."""
    answer: dict[str, Any]
    try:
        from ledger.storage.reader import open_reader
        from projections.engine.materialised import QuarterProjection, chunk_key

        con = sqlite3.connect(path, isolation_level=None)
        # Positions are ordinals. Counting the first part's rows would cost ~0.1 s; SQLite ids have no gaps
        # unless rows were deleted outside kaoping, and the parent, having counted them, checks.
        first = start + split - after
        # the light reader when the file allows it (no eventsourcing application to set up in the child)
        ledger: ReadableLedger | None = open_reader(projection.ledger.location.url)
        if ledger is None:
            from ledger.app import open_ledger

            ledger = open_ledger(projection.ledger.location.url)
        mine = QuarterProjection(ledger, index_limit=projection.index_limit)
        registry: list[tuple[int, str, dict[str, Any]]] = []
        handlers = dict(TOPIC_HANDLERS)
        for topic in REGISTRY_TOPICS:
            handlers[topic] = (lambda t: lambda s, p, e: registry.append((p, t, e)))(topic)
        st = State({}, {}, RegistryState(), position=first, notification_id=split, lookup=mine._fact_quarter)
        rows = fold_pages(st, sqlite_pages(con, table, split, end, min(WINDOW, spill_at)), handlers,
                          lambda s: mine._spill(s, spill_at))
        mine._stop_writer()
        blobs = {chunk_key(q, st.notification_id): orjson.dumps(part.to_json())
                 for q, part in sorted(st.quarters.items()) if not part.empty}
        if blobs:
            mine.storage.put(blobs)
        answer = {"rows": rows, "last_id": st.notification_id, "registry": registry}
    except LedgerUnreadable as exc:
        cause = exc.__cause__
        answer = {"unreadable": [exc.position, type(cause).__name__, str(cause)]}
    except BaseException:  # noqa: BLE001 - reported to the parent, which raises
        answer = {"error": traceback.format_exc()}
    try:
        data = orjson.dumps(answer)
        while data:
            data = data[os.write(out, data):]
    finally:
        os._exit(0)  # no clean-up: atexit handlers and finalizers belong to the parent
