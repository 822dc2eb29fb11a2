"""Folding a long stretch of a ledger in two processes: one core alone cannot fold a million events within twice
the time of merely reading and decoding them.

The rows after the tracked notification id are split at a notification id: this process folds the
first part while a second process (`ledger.runtime.fork`), on its own database connections (never this
process's), folds the second. Each writes its own chunks (`q:QUARTER:<notification id>`, merged in key order,
first entry winning, so the second part's chunks sort after this process's). The second part cannot apply
registry events (a move names a person registered in the first part), so it sends them back and they are
applied here after the first part's, in ledger order; its follow-ups naming facts of the first part are
resolved through a lookup of the fact's first event in the ledger. Only this process's final flush records
the tracked position: until then, whatever either process wrote is untracked.

Either storage: SQLite's parts are read from the file (`sqlite_range`), PostgreSQL's through a server-side cursor
on a new connection in each process (`postgres_range`). The second part's first position is the first part's
row count: SQLite ids have no gaps unless rows were deleted outside kaoping (assumed, then checked), PostgreSQL's
do (a rolled-back insert consumes sequence values), so there they are counted on the server before the fork. A
full ledger on PostgreSQL has its connection pool's threads running when it forks: the child has none of them
(only the forking thread is carried over), never touches the pool or an inherited connection (it opens its own;
the cyclic collector is paused, so no finalizer closes one), and ends with `os._exit`.
"""

from __future__ import annotations

from contextlib import closing
from typing import TYPE_CHECKING, Any, Protocol

import orjson

from ledger.errors import LedgerUnreadable
from ledger.registry import Registry
from ledger.runtime import fork
from projections.engine.chunks import QUARTER_PREFIX, chunk_key
from projections.engine.rows import WINDOW, fold_pages, ledger_range, postgres_count, quarter_lookup
from projections.engine.sealed import SealedStorage
from projections.engine.spill import Spiller
from projections.engine.stores import storage_for
from projections.fold.handlers import REGISTRY_TOPICS, TOPIC_HANDLERS, Handler
from projections.fold.state import State

if TYPE_CHECKING:
    from ledger.storage.location import Location
    from ledger.storage.reader import ReadableLedger

PARALLEL_AT = 100_000
"""A catch-up with at least this many rows to fold (a rebuild of a large ledger) folds them in two processes."""

FIRST_SHARE = 0.50
"""The share of the rows this process folds. Measured by each process's CPU on a 1M rebuild (H27): at 0.54 this
process spent ~1.4 s more than the second (it also clears the old projection and ends with the flush), at 0.49
~0.4 s less; the second's later start and last quarters are no longer the larger part since both spill alike."""


class Folding(Protocol):
    """What folding in two needs of the projection it folds for."""

    @property
    def ledger(self) -> ReadableLedger: ...  # noqa: D102

    @property
    def storage(self) -> SealedStorage: ...  # noqa: D102

    @property
    def index_limit(self) -> int: ...  # noqa: D102

    @property
    def spiller(self) -> Spiller: ...  # noqa: D102

    @property
    def seal_key(self) -> bytes | None: ...  # noqa: D102


def last_id(projection: Folding) -> int:
    """The highest notification id stored now (SQLite: the rowid)."""
    return projection.ledger.max_notification_id()


def fold_in_two(projection: Folding, st: State, spill_at: int, split_id: int | None = None) -> int:
    """Fold the rows after the state's notification id, up to the last one stored now, in two processes.

    The state ends at the last row with every registry event applied; what the fold added here stays in
    `st.quarters` for the caller's final flush, which must key those chunks at the returned notification id
    (the split: the second part's chunks, already written, are keyed after it).
    """
    ledger = projection.ledger
    location = ledger.location
    after, end = st.notification_id, last_id(projection)
    split = after + int((end - after) * FIRST_SHARE) if split_id is None else max(after, min(split_id, end))
    start = st.position
    window = min(WINDOW, spill_at)
    spiller = projection.spiller
    spiller.stop()  # fork with no other thread of ours running (a retried catch-up may have left one)
    # Positions are ordinals. Counting the first part's rows would cost SQLite ~0.1 s, and its ids have no gaps
    # unless rows were deleted outside kaoping: this process, having counted them, checks. PostgreSQL counts.
    counted = split - after if location.backend == "sqlite" else postgres_count(location, after, split)
    seal_key = projection.seal_key
    assert seal_key is not None  # only a projection kept in the database folds in two
    second = fork.start(lambda: _second_part(location.url, projection.index_limit, location, split, end,
                                             start + counted, window, spill_at, seal_key))
    try:
        with closing(ledger_range(location, after, split, window)) as pages:
            mine = fold_pages(st, pages, TOPIC_HANDLERS, lambda s: spiller.spill(s, spill_at))
        spiller.spill(st, 1)  # write this part's quarters while the second finishes (keyed at or before the split)
        answer = second.result()
    finally:
        second.stop()  # this half failed: stop the second (it writes only untracked chunks)
    if mine != counted:
        # Ids have gaps before the split (rows deleted outside kaoping): the second part numbered its rows from
        # the wrong position. Drop what it wrote and fold its part here.
        projection.storage.refresh()  # the seal as the second process left it (its chunks are in it)
        stale = [k for k in projection.storage.keys(QUARTER_PREFIX) if int(k.split(":")[2]) > split]
        projection.storage.replace(stale, {})
        with closing(ledger_range(location, split, end, window)) as pages:
            fold_pages(st, pages, TOPIC_HANDLERS, lambda s: spiller.spill(s, spill_at))
        return st.notification_id
    if "unreadable" in answer:
        position, cause, text = answer["unreadable"]
        # the same refusal as in one process: its message names the cause's type
        raise LedgerUnreadable(position, type(cause, (ValueError,), {})(text))
    for position, event_topic, data, fid in answer["registry"]:
        TOPIC_HANDLERS[event_topic](st, position, data, fid)
    st.position = start + mine + answer["rows"]
    st.notification_id = max(split, answer["last_id"])
    return split


def _second_part(url: str | None, index_limit: int, location: Location, split: int, end: int, first: int,
                 window: int, spill_at: int, seal_key: bytes) -> dict[str, Any]:
    """Fold rows split < id <= end (the first at position `first`) and store them; the registry events and
    counts for the first process to apply (`fold_in_two`)."""
    from ledger.storage.readers import open_reader

    # the light reader when the database allows it (no eventsourcing application to set up)
    ledger: ReadableLedger | None = open_reader(url)
    if ledger is None:
        from ledger.app import open_ledger

        ledger = open_ledger(url)
    try:
        storage = SealedStorage(storage_for(ledger), seal_key)
        spiller = Spiller(storage, index_limit)
        registry: list[tuple[int, str, dict[str, Any], str]] = []
        handlers: dict[str, Handler] = dict(TOPIC_HANDLERS)
        for registry_topic in REGISTRY_TOPICS:
            handlers[registry_topic] = (lambda t: lambda s, p, e, fid: registry.append((p, t, e, fid)))(registry_topic)
        st = State({}, {}, Registry(), position=first, notification_id=split, lookup=quarter_lookup(ledger))
        try:
            with closing(ledger_range(location, split, end, window)) as pages:
                rows = fold_pages(st, pages, handlers, lambda s: spiller.spill(s, spill_at))
        except LedgerUnreadable as exc:
            cause = exc.__cause__
            return {"unreadable": [exc.position, type(cause).__name__, str(cause)]}
        finally:
            spiller.stop()
        blobs = {chunk_key(q, st.notification_id): orjson.dumps(part.to_json())
                 for q, part in sorted(st.quarters.items()) if not part.empty}
        if blobs:
            storage.put(blobs)
        return {"rows": rows, "last_id": st.notification_id, "registry": registry}
    finally:
        ledger.close()
