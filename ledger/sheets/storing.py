"""A sheet's new findings as stored rows: rows imported before are skipped, the rest encoded without building
100,000 event objects first; and the findings already recorded, for the duplicate check (D26)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from typing import Any, overload
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, Mapper, StoredEvent

from ledger import events as ev
from ledger import ids
from ledger.calendar import iso_day
from ledger.commands.sheet_duplicates import RecordedFinding
from ledger.commands.sheet_rows import CheckedRow
from ledger.commands.stamp import Stamp
from ledger.storage.rows import Row, decode_raw
from ledger.storage.sqlite_recorder import FastSQLiteApplicationRecorder
from ledger.storage.transcoder import OrjsonTranscoder
from ledger.topics import FINDING_TOPIC
from ledger.topics import topic as topic_of

RETRACTED_TOPIC = topic_of("FindingRetracted")
FINDING_TOPICS = frozenset({FINDING_TOPIC, RETRACTED_TOPIC})
"""What `recorded_findings` reads."""
NewRow = tuple[CheckedRow, UUID, str]
"""A sheet row to record, its stream id and that id in hex."""

FindingEncoder = Callable[[str, str, "str | None", date, str, "str | None", str, str], bytes]
"""(item, window, staff, date, source, dq, note, row key) → the stored state of the row's FindingRecorded."""

FINDING_FIELDS = tuple(f.name for f in dataclasses.fields(ev.FindingRecorded))
HEAD_FIELDS = ("originator_id", "originator_version", "timestamp", "actor")
FAST_FIELDS = ("item", "window", "staff", "date", "source", "dq", "note", "evidence", "row_key")


def finding_encoder(mapper: Mapper[Any], stamp: Stamp) -> FindingEncoder:
    """The stored state of an imported row's FindingRecorded, without building the event object.

    Byte for byte what `mapper.to_stored_event(FindingRecorded(...))` stores (checked on the
    first row of every import); falls back to exactly that where the fast path does not apply.
    What it buys: an import of a large sheet skips an event object and a generic encoding per row.
    """

    def generic(item: str, window: str, staff: str | None, day: date, source: str, dq: str | None,
                note: str, key: str) -> bytes:
        e = stamp.event(ev.FindingRecorded, ids.NAMESPACE, 1, item=item, window=window, staff=staff, date=day,
                        source=source, dq=dq, note=note, evidence=None, row_key=key)
        return mapper.to_stored_event(e).state

    transcoder = mapper.transcoder
    if not isinstance(transcoder, OrjsonTranscoder) or mapper.compressor or mapper.cipher:
        return generic
    if FINDING_FIELDS != HEAD_FIELDS + FAST_FIELDS or getattr(ev.FindingRecorded, "class_version", 1) != 1:
        return generic
    when, tag, plain = transcoder.tag(stamp.at), transcoder.tag, transcoder.encode_tagged
    checked = False

    def fast(item: str, window: str, staff: str | None, day: date, source: str, dq: str | None,
             note: str, key: str) -> bytes:
        nonlocal checked
        data = plain({
            "timestamp": when, "actor": stamp.actor, "item": item, "window": window, "staff": staff,
            "date": tag(day), "source": source, "dq": dq, "note": note, "evidence": None, "row_key": key,
        })
        if not checked:
            reference = generic(item, window, staff, day, source, dq, note, key)
            if data != reference:
                raise AssertionError(f"fast finding encoding drifted: {data!r} != {reference!r}")
            checked = True
        return data

    return fast


def existing_streams(recorder: ApplicationRecorder, stream_ids: list[UUID], hexes: list[str]) -> set[str]:
    """Hex ids of the streams that already have events, asked in bulk where the recorder can."""
    by_hex = getattr(recorder, "existing_originator_hexes", None)
    if by_hex is not None:
        return by_hex(hexes)
    finder = getattr(recorder, "existing_originators", None)
    if finder is not None:
        return {u.hex for u in finder(stream_ids)}
    return {s.hex for s in stream_ids if recorder.select_events(s, limit=1)}


def unrecorded(recorder: ApplicationRecorder, checked: Sequence[CheckedRow]) -> tuple[list[NewRow], set[str]]:
    """The checked rows not imported before (each row's stream is named by its key) with their streams, and the
    hex ids of every row's stream (what the duplicate check leaves out: the sheet's own findings)."""
    stream_ids, hexes = ids.sheet_row_streams([row.key for row in checked])
    existing = existing_streams(recorder, stream_ids, hexes)
    fresh: list[NewRow] = []
    for row, stream, hex_id in zip(checked, stream_ids, hexes, strict=True):
        if hex_id in existing:
            continue
        existing.add(hex_id)
        fresh.append((row, stream, hex_id))
    return fresh, set(hexes)


class StoredFindings(Sequence[StoredEvent]):
    """The stored rows of new sheet rows' FindingRecorded events, each encoded when first read, then kept.

    What it buys: the recorder's insert is the first to read them, so on PostgreSQL each row is encoded inside the
    COPY while the server ingests the rows before it (the client waited ~0.5 s for the server after encoding a
    100,000-row sheet up front); a second reading (a signed command's digest first, the COPY after; a retried
    insert) reads the kept rows, so every row is encoded once, in order, byte for byte as before.
    """

    def __init__(self, rows: Sequence[NewRow], make: Callable[[NewRow], StoredEvent]) -> None:
        self._rows, self._make = rows, make
        self._made: list[StoredEvent] = []

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[StoredEvent]:
        rows, made, i = self._rows, self._made, 0
        while i < len(rows):
            if i == len(made):
                made.append(self._make(rows[i]))
            yield made[i]
            i += 1

    @overload
    def __getitem__(self, index: int) -> StoredEvent: ...

    @overload
    def __getitem__(self, index: slice) -> list[StoredEvent]: ...

    def __getitem__(self, index: int | slice) -> StoredEvent | list[StoredEvent]:
        if len(self._made) < len(self._rows):
            for _ in self:  # every row made, in order, so that an index or a slice reads the same rows as iterating
                pass
        return self._made[index]


def stored_findings(recorder: ApplicationRecorder, mapper: Mapper[Any], rows: Sequence[NewRow],
                    stamp: Stamp) -> StoredFindings:
    """The stored rows of the FindingRecorded events of new sheet rows (encoded as the insert reads them)."""
    # SQLite stores originator ids as hex text: hand it the hex already made (PostgreSQL wants UUIDs)
    as_hex = isinstance(recorder, FastSQLiteApplicationRecorder)
    encode = finding_encoder(mapper, stamp)

    def make(new: NewRow) -> StoredEvent:
        r, stream, hex_id = new
        return StoredEvent(hex_id if as_hex else stream, 1, FINDING_TOPIC,
                           encode(r.item, r.window, r.staff, r.day, r.source, r.dq, r.note, r.key))

    return StoredFindings(rows, make)


def recorded_findings(pages: Iterable[list[Row]], leave_out: set[str]) -> list[RecordedFinding]:
    """Every finding in the ledger that is not retracted, except those of the streams left out (hex ids)."""
    found: dict[str, RecordedFinding] = {}
    retracted: set[str] = set()
    for page in pages:
        for _, originator, _, topic, state in page:
            hex_id = originator.hex if isinstance(originator, UUID) else UUID(str(originator)).hex
            if hex_id in leave_out:
                continue
            if topic == RETRACTED_TOPIC:
                retracted.add(hex_id)
                continue
            f = decode_raw(state)
            found[hex_id] = RecordedFinding(str(UUID(hex_id)), iso_day(f["date"]), f["window"], f["staff"],
                                            f["item"], f["source"], f["dq"], f["note"])
    return [f for hex_id, f in found.items() if hex_id not in retracted]
