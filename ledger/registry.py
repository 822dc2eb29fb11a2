"""The registry, one model for everyone: the center, its windows and its people with their assignment history.

The ledger validates commands against it, the quarter fold keeps it (with the ledger positions that let a
question be answered as of any earlier position), the CLI lists it and the demo plans with it. It is folded
from the registry events by topic and stored fields, so raw stored rows (dates still tagged) and decoded
event objects (dates as `date`) give the same registry; it is plain JSON underneath, so it can be stored.

D2, "the window of a person on a day", is `Registry.window_on` and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypedDict

from ledger.calendar import iso_day
from ledger.topics import topic


class CenterEntry(TypedDict):
    """The center and the rules catalogue it adopted at `init`."""

    center: str
    rules: str
    sha256: str
    p: int


class WindowEntry(TypedDict):
    """A registered window; `p` is the ledger position that registered it."""

    name: str
    department: str
    p: int


class Assignment(TypedDict):
    """A person's assignment to a window from a day (ISO date), recorded at ledger position `p`."""

    since: str
    window: str
    p: int


class PersonEntry(TypedDict):
    """A registered person and every assignment, ordered by day (then by when it was recorded)."""

    name: str
    p: int
    assignments: list[Assignment]


CENTER_INITIALISED = topic("CenterInitialised")
WINDOW_REGISTERED = topic("WindowRegistered")
STAFF_REGISTERED = topic("StaffRegistered")
STAFF_MOVED = topic("StaffMoved")


@dataclass
class Registry:
    """The registry as folded so far (`apply` one registry event at a time, in ledger order)."""

    center: CenterEntry | None = None
    windows: dict[str, WindowEntry] = field(default_factory=dict)
    people: dict[str, PersonEntry] = field(default_factory=dict)

    def apply(self, event_topic: str, data: Mapping[str, Any], position: int = 0) -> bool:
        """Fold one event given by its stored topic and fields; False when it says nothing about the registry."""
        if event_topic == WINDOW_REGISTERED:
            self.windows[data["code"]] = {"name": data["name"], "department": data["department"], "p": position}
        elif event_topic == STAFF_REGISTERED:
            first: Assignment = {"since": iso_day(data["since"]), "window": data["window"], "p": position}
            self.people[data["staff_id"]] = {"name": data["name"], "p": position, "assignments": [first]}
        elif event_topic == STAFF_MOVED:
            person = self.people.get(data["staff_id"])
            if person is None:
                return False
            person["assignments"].append({"since": iso_day(data["since"]), "window": data["window"], "p": position})
            person["assignments"].sort(key=lambda a: (a["since"], a["p"]))
        elif event_topic == CENTER_INITIALISED:
            self.center = {"center": data["center"], "rules": data["rules"], "sha256": data["rules_sha256"],
                           "p": position}
        else:
            return False
        return True

    def window_on(self, person: str, day: str, as_of: int | None = None) -> str | None:
        """D2: the window a person was assigned to on an ISO day (counting what was recorded by `as_of`)."""
        entry = self.people.get(person)
        if entry is None:
            return None
        current = None
        for a in entry["assignments"]:
            if as_of is not None and a["p"] > as_of:
                continue
            if a["since"] > day:
                break
            current = a["window"]
        return current

    def to_json(self) -> dict[str, Any]:
        """The registry as a JSON-able dict."""
        return {"center": self.center, "windows": self.windows, "people": self.people}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Registry:
        """A registry from what `to_json` produced."""
        return cls(data.get("center"), dict(data.get("windows", {})), dict(data.get("people", {})))

    @classmethod
    def folded(cls, events: Iterable[tuple[str, Mapping[str, Any], int]]) -> Registry:
        """A registry from (topic, fields, position) triples in ledger order."""
        reg = cls()
        for event_topic, data, position in events:
            reg.apply(event_topic, data, position)
        return reg


REGISTRY_TOPICS = frozenset({CENTER_INITIALISED, WINDOW_REGISTERED, STAFF_REGISTERED, STAFF_MOVED})
"""The topics `Registry.apply` folds (ledger/topics.py REGISTRY_TOPICS, checked equal by a test)."""
