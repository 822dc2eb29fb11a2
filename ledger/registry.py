"""The registry, one model for everyone: the center, its windows and its people, each with their time in the center.

The ledger validates commands against it, the quarter fold keeps it (with the ledger positions that let a
question be answered as of any earlier position), the CLI lists it and the demo plans with it. It is folded
from the registry events by topic and stored fields, so raw stored rows (dates still tagged) and decoded
event objects (dates as `date`) give the same registry; it is plain JSON underneath, so it can be stored.

Everything that changes over time is a list of entries "from a day on", ordered by day (then by when it was
recorded): a window's presence in the center (D21) and its names (D24), a person's assignments — a window, or
None once they left the center (D22) — and their names. What held on a day, as the ledger stood at a position,
is the last entry from that day or before, recorded by that position; so a late entry re-attributes every day
after it (D23). D2, "the window of a person on a day", is `Registry.window_on` and nothing else.
"""

# annotations evaluated, not PEP 563 strings: cheaper classes at import (ledger/catalogue.py says why)

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, NamedTuple, TypedDict, TypeVar

from ledger.calendar import iso_day
from ledger.topics import topic


class CenterEntry(TypedDict):
    """The center and the rules catalogue it adopted at `init`."""

    center: str
    rules: str
    sha256: str
    p: int


class Presence(TypedDict):
    """From a day (ISO date) a window is in the center (`open`) or has left it (撤出), recorded at position `p`.

    `since` is None for a window the first release registered: it takes part from the rules' effective date."""

    since: str | None
    open: bool
    p: int


class WindowName(TypedDict):
    """A window's name and department from a day (None: from its registration), recorded at position `p`."""

    since: str | None
    name: str
    department: str
    p: int


class WindowEntry(TypedDict):
    """A registered window: its name and department now, its time in the center and its names over time; `p` is
    the ledger position that registered it."""

    name: str
    department: str
    p: int
    presence: list[Presence]
    names: list[WindowName]


class Assignment(TypedDict):
    """A person's assignment to a window from a day (ISO date), recorded at ledger position `p`; `window` is
    None from the day the person left the center (调离/离职)."""

    since: str
    window: str | None
    p: int


class PersonName(TypedDict):
    """A person's name from a day (None: from their registration), recorded at position `p`."""

    since: str | None
    name: str
    p: int


class PersonEntry(TypedDict):
    """A registered person: their name now, every assignment and every name, ordered by day (then by when it was
    recorded)."""

    name: str
    p: int
    assignments: list[Assignment]
    names: list[PersonName]


class Membership(NamedTuple):
    """Someone's part in a stretch of days (a quarter): the window of their last day in it (a window: its own
    code), and the day they left when they were out of the center by its end (None: still in)."""

    window: str
    left: str | None


CENTER_INITIALISED = topic("CenterInitialised")
WINDOW_REGISTERED = topic("WindowRegistered")
STAFF_REGISTERED = topic("StaffRegistered")
STAFF_MOVED = topic("StaffMoved")
WINDOW_CLOSED = topic("WindowClosed")
WINDOW_REOPENED = topic("WindowReopened")
WINDOW_RENAMED = topic("WindowRenamed")
STAFF_LEFT = topic("StaffLeft")
STAFF_RENAMED = topic("StaffRenamed")

Dated = TypeVar("Dated", Presence, WindowName, Assignment, PersonName)


def _day(value: object) -> str | None:
    """An event's optional day as ISO text (None stays None: an old event without it, or a correction)."""
    return None if value is None else iso_day(value)


def _order(entry: Presence | WindowName | Assignment | PersonName) -> tuple[str, int]:
    return entry["since"] or "", entry["p"]


def in_force(entries: Sequence[Dated], day: str, as_of: int | None = None) -> Dated | None:
    """The entry in force on an ISO day: the last one from that day or before (None: from the beginning) that was
    recorded by `as_of`; None when there is none."""
    current = None
    for e in entries:
        if as_of is not None and e["p"] > as_of:
            continue
        since = e["since"]
        if since is not None and since > day:
            break
        current = e
    return current


def names_over_time(entries: Sequence[Dated]) -> list[Dated]:
    """The names in force one after the other: a correction replaces the name it corrects."""
    out: list[Dated] = []
    for e in entries:
        if out and out[-1]["since"] == e["since"]:
            out[-1] = e
        else:
            out.append(e)
    return out


def _day_before(day: str) -> str:
    return (date.fromisoformat(day) - timedelta(days=1)).isoformat()


def _add(entries: list[Dated], entry: Dated) -> None:
    """Add a dated entry, keeping the list ordered by day, then by when it was recorded (stable on ties)."""
    entries.append(entry)
    entries.sort(key=_order)


@dataclass
class Registry:
    """The registry as folded so far (`apply` one registry event at a time, in ledger order)."""

    center: CenterEntry | None = None
    windows: dict[str, WindowEntry] = field(default_factory=dict)
    people: dict[str, PersonEntry] = field(default_factory=dict)

    def apply(self, event_topic: str, data: Mapping[str, Any], position: int = 0) -> bool:
        """Fold one event given by its stored topic and fields; False when it says nothing about the registry."""
        if event_topic == WINDOW_REGISTERED:
            name, department = data["name"], data["department"]
            self.windows[data["code"]] = {
                "name": name, "department": department, "p": position,
                "presence": [{"since": _day(data.get("since")), "open": True, "p": position}],
                "names": [{"since": None, "name": name, "department": department, "p": position}],
            }
        elif event_topic == STAFF_REGISTERED:
            first: Assignment = {"since": iso_day(data["since"]), "window": data["window"], "p": position}
            self.people[data["staff_id"]] = {"name": data["name"], "p": position, "assignments": [first],
                                             "names": [{"since": None, "name": data["name"], "p": position}]}
        elif event_topic in (STAFF_MOVED, STAFF_LEFT):
            person = self.people.get(data["staff_id"])
            if person is None:
                return False
            window = data["window"] if event_topic == STAFF_MOVED else None
            assignment: Assignment = {"since": iso_day(data["since"]), "window": window, "p": position}
            _add(person["assignments"], assignment)
        elif event_topic in (WINDOW_CLOSED, WINDOW_REOPENED, WINDOW_RENAMED):
            return self._window_changed(event_topic, data, position)
        elif event_topic == STAFF_RENAMED:
            person = self.people.get(data["staff_id"])
            if person is None:
                return False
            since = _day(data["since"]) if data["since"] is not None else person["names"][-1]["since"]
            named: PersonName = {"since": since, "name": data["name"], "p": position}
            _add(person["names"], named)
            person["name"] = person["names"][-1]["name"]
        elif event_topic == CENTER_INITIALISED:
            self.center = {"center": data["center"], "rules": data["rules"], "sha256": data["rules_sha256"],
                           "p": position}
        else:
            return False
        return True

    def _window_changed(self, event_topic: str, data: Mapping[str, Any], position: int) -> bool:
        """A window closed, reopened or renamed (a rename without a day corrects the name now in force)."""
        w = self.windows.get(data["code"])
        if w is None:
            return False
        since: str | None
        if event_topic in (WINDOW_CLOSED, WINDOW_REOPENED):
            since = iso_day(data["since"])
            presence: Presence = {"since": since, "open": event_topic == WINDOW_REOPENED, "p": position}
            _add(w["presence"], presence)
            if event_topic == WINDOW_CLOSED or (data["name"], data["department"]) == (w["name"], w["department"]):
                return True
        else:
            since = _day(data["since"]) if data["since"] is not None else w["names"][-1]["since"]
        named: WindowName = {"since": since, "name": data["name"], "department": data["department"], "p": position}
        _add(w["names"], named)
        w["name"], w["department"] = w["names"][-1]["name"], w["names"][-1]["department"]
        return True

    # --- what held on a day ----------------------------------------------------------------------

    def window_on(self, person: str, day: str, as_of: int | None = None) -> str | None:
        """D2: the window a person was assigned to on an ISO day (counting what was recorded by `as_of`); None
        before their first assignment and while they were out of the center."""
        entry = self.people.get(person)
        if entry is None:
            return None
        a = in_force(entry["assignments"], day, as_of)
        return a["window"] if a is not None else None

    def left_on(self, person: str, day: str, as_of: int | None = None) -> str | None:
        """The day a person left the center when they were out of it on an ISO day (None: in, or not yet come)."""
        entry = self.people.get(person)
        a = in_force(entry["assignments"], day, as_of) if entry is not None else None
        return a["since"] if a is not None and a["window"] is None else None

    def open_on(self, code: str, day: str, as_of: int | None = None) -> bool:
        """D21: whether a window was in the center on an ISO day (as the ledger stood at `as_of`)."""
        w = self.windows.get(code)
        if w is None or (as_of is not None and w["p"] > as_of):
            return False
        e = in_force(w["presence"], day, as_of)
        return e is not None and e["open"]

    def window_name(self, code: str, day: str, as_of: int | None = None) -> tuple[str, str]:
        """A window's (name, department) in force on an ISO day (D24), as the ledger stood at `as_of`."""
        w = self.windows[code]
        n = in_force(w["names"], day, as_of)
        return (n["name"], n["department"]) if n is not None else (w["name"], w["department"])

    def person_name(self, person: str, day: str, as_of: int | None = None) -> str:
        """A person's name in force on an ISO day (D24), as the ledger stood at `as_of`."""
        entry = self.people[person]
        n = in_force(entry["names"], day, as_of)
        return n["name"] if n is not None else entry["name"]

    def window_between(self, code: str, first: str, last: str, as_of: int | None = None) -> Membership | None:
        """D21: a window's part in the days first…last (ISO): None when it was in the center on none of them."""
        w = self.windows.get(code)
        if w is None or (as_of is not None and w["p"] > as_of):
            return None
        entries = [e for e in w["presence"] if as_of is None or e["p"] <= as_of]
        at_first = in_force(entries, first)
        took_part = (at_first is not None and at_first["open"]) or any(
            e["open"] and e["since"] is not None and first < e["since"] <= last for e in entries)
        if not took_part:
            return None
        at_last = in_force(entries, last)
        return Membership(code, None if at_last is None or at_last["open"] else at_last["since"])

    def person_between(self, person: str, first: str, last: str, as_of: int | None = None) -> Membership | None:
        """D22: a person's part in the days first…last (ISO): the window of their last working day in them, and the
        day they left when they were out by the last; None when they worked on none of those days."""
        entry = self.people.get(person)
        if entry is None or (as_of is not None and entry["p"] > as_of):
            return None
        entries = [a for a in entry["assignments"] if as_of is None or a["p"] <= as_of]
        at_first = in_force(entries, first)
        worked = at_first["window"] if at_first is not None else None
        for a in entries:
            if first < a["since"] <= last and a["window"] is not None:
                worked = a["window"]
        if worked is None:
            return None
        at_last = in_force(entries, last)
        return Membership(worked, at_last["since"] if at_last is not None and at_last["window"] is None else None)

    # --- histories, for people to read ------------------------------------------------------------

    def window_periods(self, code: str) -> list[tuple[str | None, str | None]]:
        """A window's times in the center as (first day, last day): None as the first day is the rules'
        effective date, None as the last day means it is still in the center."""
        out: list[tuple[str | None, str | None]] = []
        for e in self.windows[code]["presence"]:
            if e["open"] and not (out and out[-1][1] is None):
                out.append((e["since"], None))
            elif not e["open"] and out and out[-1][1] is None and e["since"] is not None:
                out[-1] = (out[-1][0], _day_before(e["since"]))
        return out

    def stints(self, person: str) -> list[tuple[str, str, str | None]]:
        """A person's assignments as (window, first day, last day or None while it lasts), leaves left out."""
        entries = self.people[person]["assignments"]
        return [(a["window"], a["since"], _day_before(entries[i + 1]["since"]) if i + 1 < len(entries) else None)
                for i, a in enumerate(entries) if a["window"] is not None]

    # --- storing --------------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """The registry as a JSON-able dict."""
        return {"center": self.center, "windows": self.windows, "people": self.people}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Registry":
        """A registry from what `to_json` produced."""
        return cls(data.get("center"), dict(data.get("windows", {})), dict(data.get("people", {})))

    @classmethod
    def folded(cls, events: Iterable[tuple[str, Mapping[str, Any], int]]) -> "Registry":
        """A registry from (topic, fields, position) triples in ledger order."""
        reg = cls()
        for event_topic, data, position in events:
            reg.apply(event_topic, data, position)
        return reg


REGISTRY_TOPICS = frozenset({CENTER_INITIALISED, WINDOW_REGISTERED, STAFF_REGISTERED, STAFF_MOVED, WINDOW_CLOSED,
                             WINDOW_REOPENED, WINDOW_RENAMED, STAFF_LEFT, STAFF_RENAMED})
"""The topics `Registry.apply` folds (ledger/topics.py REGISTRY_TOPICS, checked equal by a test)."""
