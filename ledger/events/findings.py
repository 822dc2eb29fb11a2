"""The 督查科's inspection findings, and their withdrawal.

One module per kind of fact: `record` creates only the findings' classes, `bonus claim` only the claims'
(each event class costs ~1 ms to create; issue 15)."""

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
