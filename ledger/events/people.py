"""A person's registration and moves (轮换): the events every person's stream begins with (D2).

Apart from ledger/events/registry.py so that a write about a window creates no person's classes (issue 15)."""

from __future__ import annotations

from datetime import date

from ledger.events.base import Fact


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
