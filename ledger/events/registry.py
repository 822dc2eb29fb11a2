"""The registry's events: the center, its windows and its people, and their time in the center (D21–D24)."""

from __future__ import annotations

from datetime import date

from ledger.events.base import Fact


class CenterInitialised(Fact):
    """The center was set up and adopted a rules catalogue (pinned by its sha256)."""

    center: str
    rules: str
    rules_revision: int
    rules_sha256: str


class WindowRegistered(Fact):
    """A window (窗口) of a department was registered under its code, taking part from `since` (D21).

    The first release wrote no `since`: its windows take part from the rules' effective date, read as they are
    (the field's default), never rewritten.
    """

    code: str
    name: str
    department: str
    since: date | None = None


class StaffRegistered(Fact):
    """A staff member was registered and assigned to a window from a date."""

    staff_id: str
    name: str
    window: str
    since: date


class StaffMoved(Fact):
    """A staff member was reassigned (轮换) to another window from a date."""

    staff_id: str
    window: str
    since: date


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
