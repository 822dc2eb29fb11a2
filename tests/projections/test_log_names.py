"""The log names every kind of event in Chinese and describes it in a Chinese line, never by its class name."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from uuid import uuid4

import pytest

from ledger import events as ev
from ledger.revisions import load_revision
from ledger.storage.reader_events import DEFAULTS, StoredFact
from ledger.topics import NAMES
from projections.log import TYPE_NAMES, summary

LATIN_WORD = re.compile(r"[A-Za-z]{4,}")


def make(cls: type[ev.Fact], **fields: object) -> StoredFact:
    """The event as the log reads it back (ledger/storage/reader_events.py)."""
    e = cls(originator_id=uuid4(), originator_version=1, timestamp=datetime.now(UTC),  # type: ignore[call-arg]
            actor="督查科", **fields)
    return StoredFact(1, cls.__name__, e.originator_id, 1, {**DEFAULTS.get(cls.__name__, {}), **vars(e)})


VOICE_EVENTS = [
    make(ev.QuarterAnnounced, quarter="2026Q3", date=date(2026, 10, 12), days=5),
    make(ev.AppealFiled, against="b839d534", origin="finding", quarter="2026Q3", window="DS", staff="0101",
         by="0101", date=date(2026, 10, 13), text="当天请假", evidence=None),
    make(ev.AppealUpheld, reason="请假未批准"),
    make(ev.AppealOverturned, reason="有请假条"),
    make(ev.RatingRecorded, date=date(2026, 8, 1), window="DS", staff="0101", level=1, channel="device",
         ref="330522-0001"),
    make(ev.RectificationRecorded, date=date(2026, 8, 9), text="已当面致歉", evidence=None),
    make(ev.CallbackRecorded, date=date(2026, 8, 20), result="unsatisfied", note=""),
    make(ev.CalendarYearAdded, year=2027, holidays=[date(2027, 1, 1)], workdays=[], source="国办发明电〔2026〕1号"),
]


def test_every_stored_event_class_has_a_chinese_type_name() -> None:
    named = set(TYPE_NAMES)
    assert set(NAMES) <= named, sorted(set(NAMES) - named)
    assert not [n for n in TYPE_NAMES.values() if LATIN_WORD.search(n)]


@pytest.mark.parametrize("event", VOICE_EVENTS, ids=lambda e: e.event_class)
def test_announcements_appeals_ratings_and_follow_ups_read_as_chinese_lines(event: StoredFact) -> None:
    line = summary(event, load_revision("changxing-2008", 2))
    assert event.event_class not in line
    assert not LATIN_WORD.search(line.replace(str(event.originator_id), "")), line


def test_a_rating_line_names_its_level_and_channel_as_the_rules_do() -> None:
    line = summary(VOICE_EVENTS[4], load_revision("changxing-2008", 2))
    assert "非常不满意" in line and "评价器" in line and "330522-0001" in line
