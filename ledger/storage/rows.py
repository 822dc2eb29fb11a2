"""Stored rows as folds and the light reader read them: plain tuples, paged by notification id."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import orjson

Row = tuple[int, Any, int, str, bytes]
"""A stored event as folds read it: (notification id, originator id, version, topic, state)."""


EVENTS_TABLE = "stored_events"


decode_raw: Callable[[bytes], dict[str, Any]] = orjson.loads
"""A stored event's state as orjson parses it, tagged values left tagged, for folds that need only text.

A date stays `{"_type_": "date_iso", "_data_": "2008-05-10"}`; skipping the revival of every date,
datetime and UUID is what makes a full rebuild fast (and being orjson.loads itself, not a wrapper,
saves a call per event). Use `OrjsonTranscoder.decode` for events.
"""


def select_rows(cursor: Any, after_id: int, limit: int, table: str = EVENTS_TABLE) -> list[Row]:
    """SQLite: stored events after a notification id, in ledger order (the recorder and the light reader share it)."""
    cursor.execute(
        f"SELECT rowid, originator_id, originator_version, topic, state FROM {table} "
        "WHERE rowid > ? ORDER BY rowid LIMIT ?",
        (after_id, limit),
    )
    return cursor.fetchall()  # type: ignore[no-any-return]


def paged(fetch: Callable[[int, int], list[Row]], after_id: int, batch: int) -> Iterator[list[Row]]:
    """Non-empty pages of at most `batch` rows after a notification id, by `fetch(after_id, limit)`."""
    start = after_id
    while True:
        page = fetch(start, batch)
        if not page:
            return
        yield page
        start = page[-1][0]
        if len(page) < batch:
            return


def iter_notifications(recorder: Any, after_id: int = 0, batch: int = 2000) -> Iterator[Any]:
    """Every stored row after a notification id, in ledger order (ids may have gaps)."""
    start = after_id
    while True:
        page = recorder.select_notifications(start=start, limit=batch, inclusive_of_start=False)
        if not page:
            return
        yield from page
        start = page[-1].id
        if len(page) < batch:
            return
