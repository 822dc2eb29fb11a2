"""Stored rows as folds and the light reader read them: plain tuples, paged by notification id."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from typing import Any, TypeVar

import orjson

from ledger.errors import LedgerUnreadable
from ledger.registry import Registry
from ledger.shapes import check_types

Row = tuple[int, Any, int, str, bytes]
"""A stored event as folds read it: (notification id, originator id, version, topic, state)."""

P = TypeVar("P", bound=Sequence[Any])

EVENTS_TABLE = "stored_events"


decode_raw: Callable[[bytes], dict[str, Any]] = orjson.loads
"""A stored event's state as orjson parses it, tagged values left tagged, for folds that need only text.

A date stays `{"_type_": "date_iso", "_data_": "2008-05-10"}`; skipping the revival of every date,
datetime and UUID is what makes a full rebuild fast (and being orjson.loads itself, not a wrapper,
saves a call per event). Use `OrjsonTranscoder.decode` for events.
"""


def select_rows(cursor: Any, after_id: int, limit: int, table: str = EVENTS_TABLE,
                topics: Collection[str] | None = None, containing: Collection[bytes] | None = None) -> list[Row]:
    """SQLite: stored events after a notification id, in ledger order (the recorder and the light reader share it),
    only those of `topics` when given, and only those whose stored state holds one of the byte strings `containing`
    when given (none when it is empty)."""
    only = f"AND topic IN ({','.join('?' * len(topics))}) " if topics else ""
    if containing is not None:
        only += f"AND ({' OR '.join(['instr(state, ?) > 0'] * len(containing)) or '0'}) "
    cursor.execute(
        f"SELECT rowid, originator_id, originator_version, topic, state FROM {table} "
        f"WHERE rowid > ? {only}ORDER BY rowid LIMIT ?",
        (after_id, *sorted(topics or ()), *sorted(containing or ()), limit),
    )
    return cursor.fetchall()


def _row_id(item: Any) -> int:
    return item[0]


def paged(fetch: Callable[[int, int], P], after_id: int, batch: int,
          id_of: Callable[[Any], int] = _row_id) -> Iterator[P]:
    """Non-empty pages of at most `batch` items after a notification id, by `fetch(after_id, limit)`.

    The one paging loop of the ledger side: stored rows, eventsourcing's notifications (`id_of` their `.id`)
    and a cursor's batches (a `fetch` that ignores the id) all page through it.
    """
    start = after_id
    while True:
        page = fetch(start, batch)
        if not page:
            return
        yield page
        if len(page) < batch:
            return
        start = id_of(page[-1])


def iter_notifications(recorder: Any, after_id: int = 0, batch: int = 2000) -> Iterator[Any]:
    """Every stored row after a notification id, in ledger order (ids may have gaps)."""
    def fetch(start: int, limit: int) -> list[Any]:
        return list(recorder.select_notifications(start=start, limit=limit, inclusive_of_start=False))

    for page in paged(fetch, after_id, batch, lambda n: n.id):
        yield from page


def position_of(pages: Iterable[Sequence[Row]], notification_id: int) -> int:
    """The ledger position (1-based ordinal) of the row with this notification id, counted from `pages` of every row."""
    position = 0
    for page in pages:
        for row in page:
            if row[0] > notification_id:
                return position
            position += 1
    return position


def registry_from(pages: Iterable[Sequence[Row]], position: Callable[[int], int]) -> Registry:
    """The registry as it stands, folded from the stored rows of its topics with `Registry.apply`.

    Trusts no row on its word: one that does not decode into registry fields is refused, naming its ledger
    position (`position` of its notification id). Entries carry no positions (`p` is 0): a topic-filtered
    read does not count the rows between, so ask the quarter fold's registry for anything `as_of`.
    """
    registry = Registry()
    for page in pages:
        for nid, _, _, topic, state in page:
            try:
                data = decode_raw(state)
                check_types(topic, data)
                registry.apply(topic, data)
            except (ValueError, KeyError, TypeError) as exc:
                raise LedgerUnreadable(position(nid), exc) from exc
    return registry
