"""Current state of one stream (a window, a person, a claim…), folded from its own events for validation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ledger import events as ev


@dataclass
class StreamState:
    """Common part of every stream's state: its events and version."""

    events: list[ev.Fact] = field(default_factory=list)

    @property
    def version(self) -> int:
        """Version of the last event (0 for an empty stream)."""
        return self.events[-1].originator_version if self.events else 0

    @property
    def exists(self) -> bool:
        """True once the stream has its first event."""
        return bool(self.events)


@dataclass
class StaffState(StreamState):
    """A person with their assignment history, oldest first."""

    staff_id: str = ""
    name: str = ""
    assignments: list[tuple[date, str]] = field(default_factory=list)

    def window_on(self, day: date) -> str | None:
        """The window the person was assigned to on `day` (D2), or None before their first."""
        return window_on(self.assignments, day)


def window_on(assignments: list[tuple[date, str]], day: date) -> str | None:
    """D2: the window of the last assignment (sorted oldest first) that began on or before `day`."""
    current = None
    for since, window in assignments:
        if since > day:
            break
        current = window
    return current


@dataclass
class StatusState(StreamState):
    """A finding, claim or complaint: its first event and where it stands now."""

    status: str = ""

    @property
    def first(self) -> ev.Fact:
        """The event that created the stream."""
        return self.events[0]


def fold_staff(events: list[ev.Fact]) -> StaffState:
    """A person's state from their stream."""
    st = StaffState(events=events)
    for e in events:
        if isinstance(e, ev.StaffRegistered):
            st.staff_id, st.name = e.staff_id, e.name
            st.assignments.append((e.since, e.window))
        elif isinstance(e, ev.StaffMoved):
            st.assignments.append((e.since, e.window))
    st.assignments.sort(key=lambda a: a[0])
    return st


_STATUS = {
    ev.FindingRecorded: "recorded",
    ev.FindingRetracted: "retracted",
    ev.BonusClaimed: "claimed",
    ev.BonusVerified: "verified",
    ev.BonusRejected: "rejected",
    ev.ComplaintReceived: "received",
    ev.ComplaintVerified: "verified",
    ev.ComplaintDismissed: "dismissed",
}


def fold_status(events: list[ev.Fact]) -> StatusState:
    """A finding's, claim's or complaint's status from its stream."""
    st = StatusState(events=events)
    for e in events:
        st.status = _STATUS.get(type(e), st.status)
    return st
