"""The registry's first events: the center set up, and its windows registered.

A person's registration and moves are in ledger/events/people.py, a window's or person's later changes (closing,
reopening, renaming, leaving; D21–D24) in ledger/events/registry_changes.py: every write decodes the streams it
names, and each event class costs ~1 ms to create (eventsourcing makes it a frozen dataclass), so a window's
finding never creates the people's classes, nor any write the changes' when its streams hold none (issue 15)."""

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
