"""A sheet's new findings as stored rows, made a part of the sheet at a time as the insert reads them (`SheetImport`):
rows imported before are skipped, the rest encoded without building 100,000 event objects first; and the findings
already recorded on the sheet's days, for the duplicate check (D26)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from itertools import chain
from typing import Any, overload
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, Mapper, StoredEvent

from ledger import events as ev
from ledger import ids
from ledger.calendar import iso_day
from ledger.commands.sheet_duplicates import RecordedFinding, sort_new_rows
from ledger.commands.sheet_rows import CheckedRow, SheetRowsChecked
from ledger.commands.stamp import Stamp
from ledger.storage.rows import Row, decode_raw
from ledger.storage.sqlite_recorder import FastSQLiteApplicationRecorder
from ledger.storage.transcoder import OrjsonTranscoder
from ledger.topics import FINDING_TOPIC
from ledger.topics import topic as topic_of

RETRACTED_TOPIC = topic_of("FindingRetracted")
NewRow = tuple[CheckedRow, UUID, str]
"""A sheet row to record, its stream id and that id in hex."""
PART = 5000
"""Rows checked, looked up and encoded in the first part; each later part twice the one before, up to `LAST_PART`
(a lookup is one statement a part: a 100,000-row sheet makes five, and the COPY starts after the first 5,000)."""
LAST_PART = 40_000
NEEDLES = 2
"""At most this many texts are searched for in the stored findings (D26's narrow read, `recorded_on`): each one is
another pass of SQLite's `instr` (PostgreSQL's `position`) over every finding's stored state, dearer than reading a
few thousand more rows. With a sheet's days one by one, a quarter's sheet read slower than every finding (1M events,
SQLite: 92 days 31.5 s, every finding 9.2 s; PostgreSQL 16.0 s); by month or by year it reads in 1.2 s (1.1 s), a
week's sheet 2.6 -> 0.9 s on SQLite (PostgreSQL alike, 0.9 s), one day's as before (0.8-0.9 s)."""

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
    tags: dict[date, dict[str, str]] = {}  # a sheet spans a few dozen days
    checked = False

    def fast(item: str, window: str, staff: str | None, day: date, source: str, dq: str | None,
             note: str, key: str) -> bytes:
        nonlocal checked
        tagged = tags.get(day)
        if tagged is None:
            tagged = tags[day] = tag(day)
        data = plain({
            "timestamp": when, "actor": stamp.actor, "item": item, "window": window, "staff": staff,
            "date": tagged, "source": source, "dq": dq, "note": note, "evidence": None, "row_key": key,
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


class StoredFindings(Sequence[StoredEvent]):
    """Stored rows made one by one as the insert first reads them, then kept: a sequence over an iterator.

    What it buys: the recorder's insert is the first to read them, so on PostgreSQL each row is checked, looked up
    and encoded inside the COPY while the server ingests the rows before it (`SheetImport`); a second reading (a
    signed command's digest first, the insert after; a retried insert) reads the kept rows, so every row is made
    once, in order. Its truth value makes the first row (or all of them, when none is to be stored): an empty
    import opens no transaction. Its length and an index make every row first.
    """

    def __init__(self, rows: Iterable[StoredEvent]) -> None:
        self._rows: Iterator[StoredEvent] | None = iter(rows)
        self._made: list[StoredEvent] = []
        self._failed: BaseException | None = None

    def _next(self) -> bool:
        """Make one more row; False once there is none. A failure making a row (a refusal, a lookup's lost
        connection) is raised again on every later reading: a retried insert must not take the rows made before it
        for the whole sheet (a generator that raised only says it is exhausted)."""
        if self._failed is not None:
            raise self._failed
        if self._rows is not None:
            try:
                for row in self._rows:
                    self._made.append(row)
                    return True
            except BaseException as exc:
                self._failed = exc
                raise
            self._rows = None
        return False

    def __bool__(self) -> bool:
        return bool(self._made) or self._next()

    def __len__(self) -> int:
        while self._next():
            pass
        return len(self._made)

    def __iter__(self) -> Iterator[StoredEvent]:
        made = self._made
        i = len(made)
        yield from made[:i]  # the rows made so far (a retried insert; a digest read them first)
        while i < len(made) or self._next():  # another reader may be making rows too: share them, in order
            yield made[i]
            i += 1

    @overload
    def __getitem__(self, index: int) -> StoredEvent: ...

    @overload
    def __getitem__(self, index: slice) -> list[StoredEvent]: ...

    def __getitem__(self, index: int | slice) -> StoredEvent | list[StoredEvent]:
        len(self)  # every row made, in order, so that an index or a slice reads the same rows as iterating
        return self._made[index]


class SheetImport:
    """A sheet's findings to record, as stored rows made a part of the sheet at a time as the insert reads them:
    each part checked and keyed, its streams looked up (rows imported before are skipped), its new rows set against
    the findings recorded elsewhere (D26, unless `recorded` is None: --as-new), and encoded.

    Byte for byte and row for row what checking the whole sheet first stored: a refused row is only known when its
    part is checked, so every later part is still checked (nothing more is made), and the refusal, raised inside the
    insert, rolls it back; the first new row that is a candidate for the same finding as a recorded one is held, with
    every new row after it, until the whole sheet is known — which recorded findings are the sheet's own (imported
    before from it) takes every row's stream — then sorted as before (`sort_new_rows`). Before it every new row
    matches no recorded finding at all, its own or not, so nothing is decided differently, and the rows keep their
    order. The parts after the first are looked up on another connection while the insert holds the table lock.
    """

    def __init__(self, rows: SheetRowsChecked, recorder: ApplicationRecorder, encode: Callable[[NewRow], StoredEvent],
                 recorded: Callable[[], dict[str, RecordedFinding]] | None, part: int | None = None) -> None:
        self.checked, self.recorder, self.encode = rows, recorder, encode
        self.recorded, self.part = recorded, part or PART
        self.added: list[UUID] = []
        self.skipped = 0
        self.matched: list[tuple[CheckedRow, str]] = []

    def rows(self) -> Iterator[StoredEvent]:
        """The stored rows to insert, in sheet order; the import's refusal (bad rows, D26 edits) after the last."""
        sheet, checked, recorded = self.checked.sheet.rows, self.checked, self.recorded
        added, encode = self.added, self.encode
        own: set[str] = set()  # every row's stream, as far as the sheet is read
        held: list[NewRow] = []
        index: dict[str, RecordedFinding] | None = None
        findings: set[tuple[object, ...]] = set()  # the recorded findings' values, days as dates
        start, size = 0, self.part
        while start < len(sheet):
            new, hexes = unrecorded(self.recorder, checked.part(sheet[start : start + size]))
            start, size = start + size, max(self.part, min(2 * size, LAST_PART))
            own.update(hexes)
            self.skipped += len(hexes) - len(new)
            for fresh in new:
                if recorded is not None and not held:
                    if index is None:  # read once, at the first new row: a sheet imported before reads none
                        index = recorded()
                        findings = {(as_date(f.day), *f.finding[1:]) for f in index.values()}
                    # finding_of(row) with its day left a date (day, window, staff, item, source, dq): no isoformat
                    if findings and fresh[0][1:7] in findings:
                        held.append(fresh)
                        continue
                if held:
                    held.append(fresh)
                else:
                    added.append(fresh[1])
                    yield encode(fresh)
        checked.finish()
        if held:
            assert index is not None
            others = [f for hex_id, f in index.items() if hex_id not in own]
            keep, self.matched = sort_new_rows(checked.sheet.name, [row for row, _, _ in held], others)
            lines = {row.line for row in keep}
            for fresh in held:
                if fresh[0].line in lines:
                    yield self._store(fresh)

    def _store(self, new: NewRow) -> StoredEvent:
        self.added.append(new[1])
        return self.encode(new)


def as_date(day: str) -> date | str:
    """A stored day as the date whose ISO text it is (a sheet row's day compares equal to it exactly then), else as
    stored (equal to no row's day)."""
    try:
        found = date.fromisoformat(day)
    except (TypeError, ValueError):
        return day
    return found if found.isoformat() == day else day


def unrecorded(recorder: ApplicationRecorder, checked: Sequence[CheckedRow]) -> tuple[list[NewRow], list[str]]:
    """The checked rows not imported before (each row's stream is named by its key) with their streams, and the
    hex ids of every row's stream."""
    stream_ids, hexes = ids.sheet_row_streams([row.key for row in checked])
    existing = existing_streams(recorder, stream_ids, hexes) if hexes else set()
    fresh: list[NewRow] = []
    for row, stream, hex_id in zip(checked, stream_ids, hexes, strict=True):
        if hex_id in existing:
            continue
        existing.add(hex_id)
        fresh.append((row, stream, hex_id))
    return fresh, hexes


def row_encoder(recorder: ApplicationRecorder, mapper: Mapper[Any], stamp: Stamp) -> Callable[[NewRow], StoredEvent]:
    """The stored row of a new sheet row's FindingRecorded event."""
    # SQLite stores originator ids as hex text: hand it the hex already made (PostgreSQL wants UUIDs)
    as_hex = isinstance(recorder, FastSQLiteApplicationRecorder)
    encode = finding_encoder(mapper, stamp)

    def make(new: NewRow) -> StoredEvent:
        r, stream, hex_id = new
        return StoredEvent(hex_id if as_hex else stream, 1, FINDING_TOPIC,
                           encode(r.item, r.window, r.staff, r.day, r.source, r.dq, r.note, r.key))

    return make


def recorded_on(pages: Callable[..., Iterable[list[Row]]], days: Iterable[date]) -> dict[str, RecordedFinding]:
    """The findings recorded on these days and not retracted (`recorded_findings`), read narrowly: D26 sets a new
    row only against findings of its own day, so the database returns only the FindingRecorded rows whose stored
    state holds one of the days' ISO text, or of its prefix `day_texts` names (every stored form of a day does: ISO
    text, or tagged with it; the rows of other days it also holds, a note naming the day, another day of the month,
    are read and left out as before), and every retraction.
    What it buys: at 1M events a 1,500-row sheet's import read and decoded every one of ~520,000 findings (21.6 s of
    25.6 s at load 9; 6.6 s CPU)."""
    return recorded_findings(chain(pages(topics={FINDING_TOPIC}, containing=day_texts(days)),
                                   pages(topics={RETRACTED_TOPIC})))


def day_texts(days: Iterable[date]) -> list[bytes] | None:
    """What to search the stored findings for so that every finding of these days is found: the days' ISO texts,
    else their months' ("2008-07-") or years' ("2008-") — prefixes of them, held by every finding of the day too —
    whichever first needs at most `NEEDLES` texts; None (every finding) when even the years are more."""
    isos = {d.isoformat() for d in days}
    for cut in (10, 8, 5):
        texts = {iso[:cut] for iso in isos}
        if len(texts) <= NEEDLES:
            return sorted(t.encode() for t in texts)
    return None


def recorded_findings(pages: Iterable[list[Row]]) -> dict[str, RecordedFinding]:
    """Every finding in the ledger that is not retracted, by its stream's hex id, in ledger order."""
    found: dict[str, RecordedFinding] = {}
    retracted: set[str] = set()
    for page in pages:
        for _, originator, _, topic, state in page:
            hex_id = originator.hex if isinstance(originator, UUID) else UUID(str(originator)).hex
            if topic == RETRACTED_TOPIC:
                retracted.add(hex_id)
                continue
            f = decode_raw(state)
            found[hex_id] = RecordedFinding(str(UUID(hex_id)), iso_day(f["date"]), f["window"], f["staff"],
                                            f["item"], f["source"], f["dq"], f["note"])
    return {hex_id: f for hex_id, f in found.items() if hex_id not in retracted}
