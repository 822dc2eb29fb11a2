"""The registry's events: the center, its windows and its people."""

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
    """A window (窗口) of a department was registered under its code."""

    code: str
    name: str
    department: str


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
