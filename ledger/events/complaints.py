"""Complaints (and 征求意见 responses) received, and what became of them.

One module per kind of fact: `record` creates only the findings' classes, `bonus claim` only the claims'
(each event class costs ~1 ms to create; issue 15)."""

from __future__ import annotations

from datetime import date

from ledger.events.base import Fact


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
