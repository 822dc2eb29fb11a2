"""The quarter fold's state: every fact of a quarter with the ledger positions of the fact and its follow-ups.

Results as of any earlier position are derived from the same state by ignoring what came later
(projections/scoring). Nothing here reads a database or a file: the mappings a `State` is built on may be
plain dicts (a replay) or lazy, storage-backed mappings (the materialised projection), which is what lets
state be built incrementally and stored.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from ledger.calendar import quarter_of
from ledger.shapes import stream_hex

if TYPE_CHECKING:
    from ledger import events as ev


FOLD_VERSION = 2
"""Bump when the shape of the state changes: a stored projection of another version is rebuilt."""


class RecordedLike(Protocol):  # noqa: D101
    """What the fold needs of a recorded event: its position, notification id and the event."""

    position: int
    notification_id: int
    event: ev.Fact


F_P, F_D, F_ITEM, F_W, F_S, F_SRC, F_DQ, F_A, F_NOTE = range(9)
"""Fields of a stored finding: position, date, item, window, staff, source, dq kind, recorder, note."""


@dataclass
class QuarterState:
    """Every fact dated in one quarter (and the quarter's own decisions), with ledger positions.

    Append-only: an event only ever adds an entry (a follow-up is its own entry keyed by the fact it
    names), so a state can be kept as a series of partial states and `merge`d, first entry winning.
    Values are plain JSON-able dicts so a stored projection round-trips exactly:
    - findings[id] = [p, d, item, w, s, src, dq, a, note] (a list: findings are most of the ledger; see F_*)
    - retractions[id] = {p, a, reason}
    - claims[id] = {p, d, kind, w, s, level, place, ref, a};  claim_outcomes[id] = {p, a, st, reason}
    - complaints[id] = {p, d, w, s, ch, text, a};  complaint_outcomes[id] = {p, a, st, item, dq, reason}
    - shortlist / decision / published: None or the event's fields with {p, a}.
    """

    quarter: str
    findings: dict[str, list[Any]] = field(default_factory=dict)
    retractions: dict[str, dict[str, Any]] = field(default_factory=dict)
    claims: dict[str, dict[str, Any]] = field(default_factory=dict)
    claim_outcomes: dict[str, dict[str, Any]] = field(default_factory=dict)
    complaints: dict[str, dict[str, Any]] = field(default_factory=dict)
    complaint_outcomes: dict[str, dict[str, Any]] = field(default_factory=dict)
    shortlist: dict[str, Any] | None = None
    decision: dict[str, Any] | None = None
    published: dict[str, Any] | None = None

    MAPS = ("findings", "retractions", "claims", "claim_outcomes", "complaints", "complaint_outcomes")
    ONCE = ("shortlist", "decision", "published")

    def to_json(self) -> dict[str, Any]:
        """The state as a JSON-able dict."""
        out: dict[str, Any] = {"quarter": self.quarter}
        for name in self.MAPS + self.ONCE:
            out[name] = getattr(self, name)
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> QuarterState:
        """A state from what `to_json` produced."""
        return cls(**data)

    def merge(self, later: QuarterState) -> QuarterState:
        """Add a later partial state's entries to this one (an entry already here wins)."""
        for name in self.MAPS:
            mine: dict[str, Any] = getattr(self, name)
            theirs: dict[str, Any] = getattr(later, name)
            if not theirs:
                continue
            if not mine:
                setattr(self, name, theirs)
                continue
            if len(theirs) > len(mine):
                both = dict(theirs)
                both.update(mine)  # an entry already here wins
                setattr(self, name, both)
            else:
                for k, v in theirs.items():
                    mine.setdefault(k, v)
        for name in self.ONCE:
            if getattr(self, name) is None:
                setattr(self, name, getattr(later, name))
        return self

    @property
    def size(self) -> int:
        """How many entries the state holds."""
        return sum(len(getattr(self, n)) for n in self.MAPS)

    @property
    def empty(self) -> bool:
        """True when no event has added anything."""
        return not any(getattr(self, n) for n in self.MAPS + self.ONCE)


@dataclass
class RegistryState:
    """Windows and people with the positions that registered or moved them (for as-of answers)."""

    center: dict[str, Any] = field(default_factory=dict)
    windows: dict[str, dict[str, Any]] = field(default_factory=dict)
    people: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The registry as a JSON-able dict."""
        return {"center": self.center, "windows": self.windows, "people": self.people}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RegistryState:
        """A registry from what `to_json` produced."""
        return cls(**data)

    def window_at(self, person: str, day: str, as_of: int | None = None) -> str | None:
        """The window a person was assigned to on an ISO day, counting moves recorded by `as_of` (D2)."""
        p = self.people.get(person)
        if p is None:
            return None
        current = None
        for since, window, pos in p["assignments"]:
            if as_of is not None and pos > as_of:
                continue
            if since <= day:
                current = window
            else:
                break
        return current


def _no_lookup(fact_id: str) -> str | None:
    return None


class State:
    """The whole fold state: registry, one QuarterState per quarter, and where each fact lives.

    `quarters` and `fact_quarter` may be any mutable mappings; `lookup` answers for a fact id the
    fact-quarter index does not hold (a storage-backed projection passes one). `only` restricts the
    fold to one quarter, which keeps a replay small. A store writes back every quarter in `quarters`
    (the materialised projection starts each catch-up with none loaded: what it holds is what was added).
    """

    def __init__(
        self,
        quarters: MutableMapping[str, QuarterState] | None = None,
        fact_quarter: MutableMapping[str, str] | None = None,
        registry: RegistryState | None = None,
        *,
        position: int = 0,
        notification_id: int = 0,
        only: str | None = None,
        lookup: Callable[[str], str | None] = _no_lookup,
    ) -> None:
        self.quarters: MutableMapping[str, QuarterState] = {} if quarters is None else quarters
        self.fact_quarter: MutableMapping[str, str] = {} if fact_quarter is None else fact_quarter
        self.registry = registry or RegistryState()
        self.position = position
        self.notification_id = notification_id
        self.only = only
        self.lookup = lookup
        self.registry_touched = False

    def quarter(self, quarter: str) -> QuarterState:
        """The state of a quarter, created empty on first use."""
        q = self.quarters.get(quarter)
        if q is None:
            q = QuarterState(quarter)
            self.quarters[quarter] = q
        return q

    def fact_of(self, fact_id: str) -> tuple[str, QuarterState] | None:
        quarter = self.fact_quarter.get(fact_id)
        if quarter is None:
            quarter = self.lookup(fact_id)
        if quarter is None or (self.only is not None and quarter != self.only):
            return None
        return quarter, self.quarter(quarter)

    def wants(self, quarter: str) -> bool:
        return self.only is None or quarter == self.only


def iso_day(d: Any) -> str:
    """ISO text of a date, also when a raw-decoded event still holds it tagged or as text."""
    t = type(d)
    if t is str:
        return d
    if t is dict:
        return d["_data_"]
    return d.isoformat()


def hex_id(v: Any) -> str:
    """A stream id as the state keys it: 32 hex digits (SQLite stores it so; UUIDs give .hex); ValueError for
    anything else a tampered row may hold."""
    return v if type(v) is str and len(v) == 32 else stream_hex(v)


def display_id(fact_id: str) -> str:
    """A fact id as users see and type it (8-4-4-4-12)."""
    h = fact_id
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}" if len(h) == 32 else h


def state_id(fact_id: str) -> str:
    """A fact id as the state keys it, from what a user typed."""
    return fact_id.replace("-", "").lower()


QUARTER_OF_MONTH: dict[str, str] = {}


def quarter_of_iso(day: str) -> str:
    """The quarter of an ISO date text (D1), e.g. '2008-05-10' → '2008Q2'."""
    month = day[:7]
    q = QUARTER_OF_MONTH.get(month)
    if q is None:
        q = quarter_of(date.fromisoformat(day))
        QUARTER_OF_MONTH[month] = q
    return q


# Handlers read the event's attributes as a dict (`vars(event)`, or the stored JSON itself on the fast path).
Data = dict[str, Any]
