"""A registered window's or person's later changes: closing, reopening, renaming, leaving (D21–D24).

Apart from ledger/events/registry.py so that a write reading streams without them never creates their classes
(issue 15)."""

from __future__ import annotations

from datetime import date

from ledger.events.base import Fact


class WindowClosed(Fact):
    """A window left the center (撤出) from a day on (D21): it takes part in no day from `since`."""

    code: str
    since: date
    reason: str


class WindowReopened(Fact):
    """A window that had left the center came back from a day, under the name and department given then (D21)."""

    code: str
    name: str
    department: str
    since: date


class WindowRenamed(Fact):
    """A window's name (and department) changed from a day on, or, without a day, was corrected (D24)."""

    code: str
    name: str
    department: str
    since: date | None


class StaffLeft(Fact):
    """A person left the center (调离/离职) from a day on (D22); a return is a `StaffMoved`."""

    staff_id: str
    since: date
    reason: str


class StaffRenamed(Fact):
    """A person's name changed from a day on, or, without a day, was corrected (D24)."""

    staff_id: str
    name: str
    since: date | None
