"""The facts the 督查科 records: inspection findings, bonus claims and complaints, and what became of them."""

from __future__ import annotations

from datetime import date
from typing import Any

from ledger.events.base import Fact


class FindingRecorded(Fact):
    """An inspection sheet noted a violation of one item by a window or a person.

    `window` is the window the finding is attributed to: the subject itself, or the window
    the person was assigned to on `date` (D2). `row_key` is set for imported sheet rows so a
    re-import recognises them.
    """

    item: str
    window: str
    staff: str | None
    date: date
    source: str
    dq: str | None
    note: str
    evidence: dict[str, Any] | None
    row_key: str | None


class FindingRetracted(Fact):
    """A recorded finding was withdrawn as mistaken (D20); the finding itself stays."""

    reason: str


class BonusClaimed(Fact):
    """A window or a person claimed a bonus, with evidence; it counts only once verified (D5)."""

    kind: str
    window: str
    staff: str | None
    date: date
    evidence: dict[str, Any]
    level: str | None
    place: int | None
    ref: str | None


class BonusVerified(Fact):
    """The 督查科 checked the evidence of a bonus claim and accepted it."""


class BonusRejected(Fact):
    """The 督查科 rejected a bonus claim."""

    reason: str


class ComplaintReceived(Fact):
    """A complaint (or a 征求意见 response) about a window or a person was received.

    `complainant`, when the complainant gave a name or contact (D34), is `{"key_id", "sealed"}`: the name and
    contact encrypted under a per-complaint data key kept outside the database (ledger/privacy); never the clear
    text. Complaints recorded before D34 have none (the class default reads them as they are).
    """

    window: str
    staff: str | None
    date: date
    channel: str
    text: str
    complainant: dict[str, str] | None = None


class ComplaintVerified(Fact):
    """A complaint was found true (经查实): it breaches `item`, possibly disqualifying; `date` is the day of the
    verification (D30: a rectification is due counted from it), None in events written before it was asked."""

    item: str
    dq: str | None
    date: date | None = None


class ComplaintDismissed(Fact):
    """A complaint was found untrue and dismissed."""

    reason: str
