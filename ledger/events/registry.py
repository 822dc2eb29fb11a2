"""The registry's first events: the center, its windows and its people as registered, and a person's moves.

A window's closing, reopening and renaming and a person's leaving and renaming (D21–D24) are in
ledger/events/registry_changes.py: every write decodes its window's and person's streams, and each event class
costs ~1 ms to create (eventsourcing makes it a frozen dataclass), so a stream without such a change never
creates those five (issue 15)."""

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
