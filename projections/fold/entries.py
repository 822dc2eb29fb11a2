"""The fold's stored entries, named: what a quarter's state keeps of each fact and follow-up, and how it keys them.

Every entry is a plain JSON object (a TypedDict) so a stored projection reads back as it was written, with
no positional fields. Keys are short because findings are most of the ledger and every stored chunk repeats
them: `p` the ledger position of the event, `d` the fact's day (ISO text), `w` the window, `s` the person
(None for a window's own fact), `a` who recorded the event. Fact ids are keyed as 32 lowercase hex digits
(`fact_key`), days as ISO text (`ledger.calendar.iso_day`), both once, where a stored row enters the fold
(projections/engine/rows.fold_pages, projections/fold/handlers.fold) and its handler reads the day.
"""

# annotations evaluated, not PEP 563 strings: cheaper classes at import (ledger/catalogue.py says why)

from datetime import date
from typing import Any, TypedDict

from ledger.calendar import quarter_of


class FindingEntry(TypedDict):
    """A finding (FindingRecorded): item breached, window, person, inspection source, dq kind, note."""

    p: int
    d: str
    item: str
    w: str
    s: str | None
    src: str
    dq: str | None
    a: str
    note: str


class RetractionEntry(TypedDict):
    """A finding's retraction (FindingRetracted), with its reason."""

    p: int
    a: str
    reason: str


class ClaimEntry(TypedDict):
    """A bonus claim (BonusClaimed): kind, window, person, level, place and the work it names (`ref`)."""

    p: int
    d: str
    kind: str
    w: str
    s: str | None
    level: str | None
    place: int | None
    ref: str | None
    a: str


class ClaimOutcomeEntry(TypedDict):
    """A claim verified or rejected (`st`), with the rejection's reason ('' when verified)."""

    p: int
    a: str
    st: str
    reason: str


class ComplaintEntry(TypedDict):
    """A complaint received (ComplaintReceived): window, person, channel (`ch`) and its text."""

    p: int
    d: str
    w: str
    s: str | None
    ch: str
    text: str
    a: str


class ComplaintOutcomeEntry(TypedDict):
    """A complaint verified (the item found, the dq kind, the day of the verification `vd`, which opens its
    rectification, D30) or dismissed (with its reason; `vd` None)."""

    p: int
    a: str
    st: str
    item: str | None
    dq: str | None
    reason: str
    vd: str | None


class RatingEntry(TypedDict):
    """A 好差评 rating (RatingRecorded): its day, window (D2), person and level (`lv`, 5 … 1), D31."""

    p: int
    d: str
    w: str
    s: str | None
    lv: int


class RectificationEntry(TypedDict):
    """What was done about a verified complaint (RectificationRecorded, 整改): the complaint (`f`, a fact key), the
    day, the text."""

    p: int
    a: str
    f: str
    d: str
    text: str


class CallbackEntry(TypedDict):
    """The complainant's answer when called back (CallbackRecorded, 回访): the complaint (`f`), the day, `result`
    satisfied or unsatisfied (which opens the rectification again), the note."""

    p: int
    a: str
    f: str
    d: str
    result: str
    note: str


class ShortlistEntry(TypedDict):
    """A 入围名单 of a quarter: frozen (ShortlistFrozen, `reason` '') or frozen anew, replacing the earlier one
    whole (ShortlistAmended, with its reason, D25)."""

    p: int
    a: str
    windows_n: int
    staff_m: int
    windows: list[str]
    staff: list[str]
    reason: str


class DecisionEntry(TypedDict):
    """A 党组 decision of a quarter: recorded (DecisionRecorded, `reason` '') or amended, replacing the earlier one
    whole (DecisionAmended, with its reason, D25); the meeting's day (ISO text) and its 会议纪要 when named."""

    p: int
    a: str
    red_flag: list[str]
    five: list[str]
    four: list[str]
    reason: str
    meeting: str | None
    minutes: dict[str, Any] | None


class PublishedEntry(TypedDict):
    """A quarter's publication (QuarterPublished): the results position, their digest and the digest's version
    (ledger/digests.py), the checkpoint."""

    p: int
    a: str
    position: int
    digest: str
    version: int
    checkpoint: str | None


class AppealEntry(TypedDict):
    """An appeal (AppealFiled): the fact it is against (`f`, a fact key) and what it is (`o`: finding, complaint,
    claim), that fact's window and person, who appealed (`by`), the day (`d`), the text."""

    p: int
    d: str
    f: str
    o: str
    w: str
    s: str | None
    by: str
    text: str
    a: str


class AppealOutcomeEntry(TypedDict):
    """An appeal upheld or overturned (`st`), with the reason."""

    p: int
    a: str
    st: str
    reason: str


class AnnouncementEntry(TypedDict):
    """A 公示 (QuarterAnnounced): its announce day and length in working days (counted on the calendar when read)."""

    p: int
    a: str
    date: str
    days: int


def fact_key(value: Any) -> str:
    """A fact id as the fold keys it, 32 hex digits: a UUID's (PostgreSQL rows, event objects), SQLite's stored
    text as it is (so a lookup by the key finds the row), or a displayed or typed id without dashes, lowercased."""
    if type(value) is str:
        return value if len(value) == 32 else value.strip().replace("-", "").lower()
    return value.hex


def display_id(key: str) -> str:
    """A fact id as users see and type it (8-4-4-4-12)."""
    return f"{key[:8]}-{key[8:12]}-{key[12:16]}-{key[16:20]}-{key[20:]}" if len(key) == 32 else key


QUARTER_OF_MONTH: dict[str, str] = {}
"""Quarters by ISO month ('2008-05' → '2008Q2'), filled as days are seen: a rebuild asks once per fact."""


def quarter_of_iso(day: str) -> str:
    """The quarter of an ISO date text (D1), e.g. '2008-05-10' → '2008Q2'."""
    month = day[:7]
    q = QUARTER_OF_MONTH.get(month)
    if q is None:
        q = quarter_of(date.fromisoformat(day))
        QUARTER_OF_MONTH[month] = q
    return q
