"""The registry as it stands: windows and staff with their assignment history, folded from events."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from ledger import events as ev
from ledger.registry import Registry as Assignments

REGISTRY_EVENTS: tuple[type[ev.Fact], ...] = (
    ev.CenterInitialised,
    ev.WindowRegistered,
    ev.StaffRegistered,
    ev.StaffMoved,
)


@dataclass(frozen=True)
class WindowInfo:
    """A registered window."""

    code: str
    name: str
    department: str


@dataclass
class PersonInfo:
    """A registered person and their assignments, oldest first."""

    staff_id: str
    name: str
    assignments: list[tuple[date, str]] = field(default_factory=list)

    def window_on(self, day: date) -> str | None:
        """The window the person was assigned to on `day` (D2, asked of the one rule: ledger.registry)."""
        since = [{"since": d.isoformat(), "window": w, "p": 0} for d, w in self.assignments]
        one = Assignments(people={self.staff_id: {"name": self.name, "p": 0, "assignments": since}})  # type: ignore[typeddict-item]
        return one.window_on(self.staff_id, day.isoformat())


@dataclass
class Registry:
    """Center name, rules id, windows and people."""

    center: str = ""
    rules: str = ""
    windows: dict[str, WindowInfo] = field(default_factory=dict)
    people: dict[str, PersonInfo] = field(default_factory=dict)

    def apply(self, e: ev.Fact) -> None:
        """Fold one event into the registry (other events are ignored)."""
        if isinstance(e, ev.WindowRegistered):
            self.windows[e.code] = WindowInfo(e.code, e.name, e.department)
        elif isinstance(e, ev.StaffRegistered):
            self.people[e.staff_id] = PersonInfo(e.staff_id, e.name, [(e.since, e.window)])
        elif isinstance(e, ev.StaffMoved):
            p = self.people[e.staff_id]
            p.assignments.append((e.since, e.window))
            p.assignments.sort(key=lambda a: a[0])
        elif isinstance(e, ev.CenterInitialised):
            self.center, self.rules = e.center, e.rules


def build(events: Iterable[ev.Fact]) -> Registry:
    """The registry from a sequence of events."""
    reg = Registry()
    for e in events:
        reg.apply(e)
    return reg
