"""A ratings sheet's new ratings as stored rows, encoded without building 100,000 event objects first, and the
ratings already recorded under the sheet's 办件编号 (D31)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, Mapper, StoredEvent

from ledger import events as ev
from ledger import ids
from ledger.calendar import iso_day
from ledger.commands.ratings import CheckedRating
from ledger.commands.stamp import Stamp
from ledger.sheets.storing import HEAD_FIELDS, existing_streams
from ledger.storage.rows import Row, decode_raw
from ledger.storage.sqlite_recorder import FastSQLiteApplicationRecorder
from ledger.storage.transcoder import OrjsonTranscoder
from ledger.topics import RATING_TOPIC

RatingEncoder = Callable[[date, str, "str | None", int, str, str], bytes]
"""(date, window, staff, level, channel, ref) → the stored state of the rating's RatingRecorded."""

RATING_FIELDS = tuple(f.name for f in dataclasses.fields(ev.RatingRecorded))
FAST_FIELDS = ("date", "window", "staff", "level", "channel", "ref")
BY_ONE = 2_000
"""Up to this many ratings recorded before are read one stream at a time; more, by one pass over the ratings."""


def rating_encoder(mapper: Mapper[Any], stamp: Stamp) -> RatingEncoder:
    """The stored state of an imported rating's RatingRecorded, without building the event object.

    Byte for byte what `mapper.to_stored_event(RatingRecorded(...))` stores (checked on the first rating of every
    import); exactly that where the fast path does not apply. What it buys: a month of ratings (100,000) skips an
    event object and a generic encoding per rating.
    """

    def generic(day: date, window: str, staff: str | None, level: int, channel: str, ref: str) -> bytes:
        e = stamp.event(ev.RatingRecorded, ids.NAMESPACE, 1, date=day, window=window, staff=staff, level=level,
                        channel=channel, ref=ref)
        return mapper.to_stored_event(e).state

    transcoder = mapper.transcoder
    if not isinstance(transcoder, OrjsonTranscoder) or mapper.compressor or mapper.cipher:
        return generic
    if RATING_FIELDS != HEAD_FIELDS + FAST_FIELDS or getattr(ev.RatingRecorded, "class_version", 1) != 1:
        return generic
    when, tag, plain = transcoder.tag(stamp.at), transcoder.tag, transcoder.encode_tagged
    days: dict[date, Any] = {}
    checked = False

    def fast(day: date, window: str, staff: str | None, level: int, channel: str, ref: str) -> bytes:
        nonlocal checked
        tagged = days.get(day)
        if tagged is None:
            tagged = days[day] = tag(day)
        data = plain({"timestamp": when, "actor": stamp.actor, "date": tagged, "window": window, "staff": staff,
                      "level": level, "channel": channel, "ref": ref})
        if not checked:
            reference = generic(day, window, staff, level, channel, ref)
            if data != reference:
                raise AssertionError(f"fast rating encoding drifted: {data!r} != {reference!r}")
            checked = True
        return data

    return fast


Streams = dict[str, tuple[UUID, str]]
"""Each 办件编号's rating stream and that id in hex, made once per import (`rating_streams`)."""


def rating_streams(refs: Iterable[str]) -> Streams:
    """The rating stream of each 办件编号 (ids.rating_id, in bulk): both the look-up of the ratings recorded before
    and the stored rows need them, and a month of ratings is 100,000 uuid5."""
    names = list(refs)
    uuids, hexes = ids.rating_streams(names)
    return dict(zip(names, zip(uuids, hexes, strict=True), strict=True))


def recorded_ratings(recorder: ApplicationRecorder, pages: Callable[[], Iterable[list[Row]]],
                     streams: Streams) -> dict[str, Mapping[str, Any]]:
    """The stored fields of the ratings already recorded in these streams, by 办件编号."""
    ordered = list(streams.values())
    existing = existing_streams(recorder, [u for u, _ in ordered], [h for _, h in ordered])
    if not existing:
        return {}
    found: dict[str, Mapping[str, Any]] = {}
    if len(existing) <= BY_ONE:
        for stream, hex_id in ordered:
            if hex_id in existing:
                stored = recorder.select_events(stream, lte=1, limit=1)
                fields = decode_raw(stored[0].state)
                found[fields["ref"]] = fields
    else:
        for page in pages():
            for _, originator, _, _, state in page:
                hex_id = originator.hex if isinstance(originator, UUID) else str(originator).replace("-", "")
                if hex_id in existing:
                    fields = decode_raw(state)
                    found[fields["ref"]] = fields
    return {ref: {**fields, "date": iso_day(fields["date"])} for ref, fields in found.items()}


def stored_ratings(recorder: ApplicationRecorder, mapper: Mapper[Any], ratings: Sequence[CheckedRating],
                   streams: Streams, stamp: Stamp) -> list[StoredEvent]:
    """The stored rows of the RatingRecorded events of new ratings (their streams made by `rating_streams`)."""
    as_hex = isinstance(recorder, FastSQLiteApplicationRecorder)  # SQLite stores originator ids as hex text
    encode = rating_encoder(mapper, stamp)
    out = []
    for r in ratings:
        stream, hex_id = streams[r.ref]
        out.append(StoredEvent(hex_id if as_hex else stream, 1, RATING_TOPIC,
                               encode(r.day, r.window, r.staff, r.level, r.channel, r.ref)))
    return out
