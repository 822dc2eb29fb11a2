"""The quarter fold: events in ledger order become per-quarter fact state, one event at a time (pure).

The state keeps every fact of a quarter with the ledger positions of the fact and of its follow-ups
(retraction, verification…), so results as of any earlier position are derived from the same state
by ignoring what came later (projections/scoring.py). Nothing here reads a database or a file: the
mappings a `State` is built on may be plain dicts (a replay) or lazy, storage-backed mappings (the
materialised projection), which is what lets state be built incrementally and stored.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import import_module
from typing import TYPE_CHECKING, Any, Protocol

from ledger.calendar import quarter_of

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

    def _fact(self, fact_id: str) -> tuple[str, QuarterState] | None:
        quarter = self.fact_quarter.get(fact_id)
        if quarter is None:
            quarter = self.lookup(fact_id)
        if quarter is None or (self.only is not None and quarter != self.only):
            return None
        return quarter, self.quarter(quarter)

    def _wants(self, quarter: str) -> bool:
        return self.only is None or quarter == self.only


def _iso(d: Any) -> str:
    """ISO text of a date, also when a raw-decoded event still holds it tagged or as text."""
    t = type(d)
    if t is str:
        return d  # type: ignore[no-any-return]
    if t is dict:
        return d["_data_"]  # type: ignore[no-any-return]
    return d.isoformat()  # type: ignore[no-any-return]


def _hex(v: Any) -> str:
    """A stream id as the state keys it: 32 hex digits (SQLite stores it so; UUIDs give .hex)."""
    return v if type(v) is str else v.hex  # type: ignore[no-any-return]


def display_id(fact_id: str) -> str:
    """A fact id as users see and type it (8-4-4-4-12)."""
    h = fact_id
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}" if len(h) == 32 else h


def state_id(fact_id: str) -> str:
    """A fact id as the state keys it, from what a user typed."""
    return fact_id.replace("-", "").lower()


_QUARTER_OF_MONTH: dict[str, str] = {}


def quarter_of_iso(day: str) -> str:
    """The quarter of an ISO date text (D1), e.g. '2008-05-10' → '2008Q2'."""
    month = day[:7]
    q = _QUARTER_OF_MONTH.get(month)
    if q is None:
        q = quarter_of(date.fromisoformat(day))
        _QUARTER_OF_MONTH[month] = q
    return q


# Handlers read the event's attributes as a dict (`vars(event)`, or the stored JSON itself on the fast path).
Data = dict[str, Any]


def _on_center(s: State, p: int, e: Data) -> None:
    s.registry.center = {"center": e["center"], "rules": e["rules"], "sha256": e["rules_sha256"], "p": p}
    s.registry_touched = True


def _on_window(s: State, p: int, e: Data) -> None:
    s.registry.windows[e["code"]] = {"name": e["name"], "department": e["department"], "p": p}
    s.registry_touched = True


def _on_staff(s: State, p: int, e: Data) -> None:
    s.registry.people[e["staff_id"]] = {"name": e["name"], "p": p,
                                        "assignments": [[_iso(e["since"]), e["window"], p]]}
    s.registry_touched = True


def _on_move(s: State, p: int, e: Data) -> None:
    person = s.registry.people.get(e["staff_id"])
    if person is None:
        return
    person["assignments"].append([_iso(e["since"]), e["window"], p])
    person["assignments"].sort(key=lambda a: (a[0], a[2]))
    s.registry_touched = True


def _new_fact(s: State, e: Data) -> tuple[str, str, QuarterState] | None:
    day = _iso(e["date"])
    quarter = quarter_of_iso(day)
    if s.only is not None and quarter != s.only:
        return None
    fid = _hex(e["originator_id"])
    s.fact_quarter[fid] = quarter
    q = s.quarters.get(quarter)
    if q is None:
        q = s.quarter(quarter)
    return fid, day, q


def _on_finding(s: State, p: int, e: Data) -> None:
    # The hottest line of a rebuild (half the ledger is findings): kept flat on purpose.
    day = e["date"]
    if type(day) is dict:
        day = day["_data_"]
    elif type(day) is not str:
        day = day.isoformat()
    quarter = _QUARTER_OF_MONTH.get(day[:7]) or quarter_of_iso(day)
    if s.only is not None and quarter != s.only:
        return
    fid = e["originator_id"]
    if type(fid) is not str:
        fid = fid.hex
    s.fact_quarter[fid] = quarter
    q = s.quarters.get(quarter) or s.quarter(quarter)
    q.findings[fid] = [p, day, e["item"], e["window"], e["staff"], e["source"], e["dq"], e["actor"], e["note"]]


def _follow_up(s: State, e: Data) -> tuple[str, QuarterState] | None:
    fid = _hex(e["originator_id"])
    got = s._fact(fid)
    if got is None:
        return None
    quarter, q = got
    return fid, q


def _on_retracted(s: State, p: int, e: Data) -> None:
    got = _follow_up(s, e)
    if got is not None:
        got[1].retractions.setdefault(got[0], {"p": p, "a": e["actor"], "reason": e["reason"]})


def _on_claim(s: State, p: int, e: Data) -> None:
    got = _new_fact(s, e)
    if got is None:
        return
    fid, day, q = got
    q.claims[fid] = {
        "p": p, "d": day, "kind": e["kind"], "w": e["window"], "s": e["staff"], "level": e["level"],
        "place": e["place"], "ref": e["ref"], "a": e["actor"],
    }


def _claim_outcome(status: str) -> Callable[[State, int, Data], None]:
    def handler(s: State, p: int, e: Data) -> None:
        got = _follow_up(s, e)
        if got is not None:
            got[1].claim_outcomes.setdefault(got[0], {"p": p, "a": e["actor"], "st": status,
                                                      "reason": e.get("reason", "")})
    return handler


def _on_complaint(s: State, p: int, e: Data) -> None:
    got = _new_fact(s, e)
    if got is None:
        return
    fid, day, q = got
    q.complaints[fid] = {
        "p": p, "d": day, "w": e["window"], "s": e["staff"], "ch": e["channel"], "text": e["text"], "a": e["actor"],
    }


def _on_complaint_verified(s: State, p: int, e: Data) -> None:
    got = _follow_up(s, e)
    if got is not None:
        got[1].complaint_outcomes.setdefault(got[0], {"p": p, "a": e["actor"], "st": "verified", "item": e["item"],
                                                      "dq": e["dq"], "reason": ""})


def _on_complaint_dismissed(s: State, p: int, e: Data) -> None:
    got = _follow_up(s, e)
    if got is not None:
        got[1].complaint_outcomes.setdefault(got[0], {"p": p, "a": e["actor"], "st": "dismissed", "item": None,
                                                      "dq": None, "reason": e["reason"]})


def _quarter_step(name: str, fields: tuple[str, ...]) -> Callable[[State, int, Data], None]:
    def handler(s: State, p: int, e: Data) -> None:
        quarter = e["quarter"]
        if not s._wants(quarter):
            return
        q = s.quarter(quarter)
        if getattr(q, name) is None:
            setattr(q, name, {"p": p, "a": e["actor"], **{f: e[f] for f in fields}})
    return handler


Handler = Callable[[State, int, Data], None]

TOPIC_HANDLERS: dict[str, Handler] = {
    "ledger.events:CenterInitialised": _on_center,
    "ledger.events:WindowRegistered": _on_window,
    "ledger.events:StaffRegistered": _on_staff,
    "ledger.events:StaffMoved": _on_move,
    "ledger.events:FindingRecorded": _on_finding,
    "ledger.events:FindingRetracted": _on_retracted,
    "ledger.events:BonusClaimed": _on_claim,
    "ledger.events:BonusVerified": _claim_outcome("verified"),
    "ledger.events:BonusRejected": _claim_outcome("rejected"),
    "ledger.events:ComplaintReceived": _on_complaint,
    "ledger.events:ComplaintVerified": _on_complaint_verified,
    "ledger.events:ComplaintDismissed": _on_complaint_dismissed,
    "ledger.events:ShortlistFrozen": _quarter_step("shortlist", ("windows_n", "staff_m", "windows", "staff")),
    "ledger.events:DecisionRecorded": _quarter_step("decision", ("red_flag", "five", "four")),
    "ledger.events:QuarterPublished": _quarter_step("published", ("position", "digest", "checkpoint")),
}
"""The fold, one handler per event type, keyed by the topic a stored row carries ("module:Class"): folding
stored rows needs neither the event classes nor eventsourcing (tests/projections/test_fold_topics.py checks
every topic against ledger.events)."""

REGISTRY_TOPICS = frozenset(f"ledger.events:{name}" for name in (
    "CenterInitialised", "WindowRegistered", "StaffRegistered", "StaffMoved"))
"""The events whose handlers read or write the registry (every other handler only touches quarters)."""

NOT_FOLDED = frozenset({"ledger.events:SigningKeyRecorded", "ledger.events:CheckpointRecorded"})
"""Event types that say nothing about a quarter's results (the integrity stream): deliberately skipped."""


@lru_cache(maxsize=1)
def handlers_by_class() -> dict[type, Handler]:
    """The same handlers by event class, for folding event objects (imports the event classes on first use)."""
    table: dict[type, Handler] = {}
    for topic, handler in TOPIC_HANDLERS.items():
        module, _, name = topic.partition(":")
        table[getattr(import_module(module), name)] = handler
    return table


def apply(state: State, recorded: RecordedLike) -> State:
    """Fold one recorded event into the state (events must come in ledger order)."""
    handler = handlers_by_class().get(type(recorded.event))
    if handler is not None:
        handler(state, recorded.position, recorded.event.__dict__)
    state.position = recorded.position
    state.notification_id = recorded.notification_id
    return state


def fold(records: Any, state: State | None = None, *, only: str | None = None) -> State:
    """Fold a sequence of recorded events, from scratch or onto an existing state."""
    st = state if state is not None else State(only=only)
    get = handlers_by_class().get
    for r in records:
        handler = get(type(r.event))
        if handler is not None:
            handler(st, r.position, r.event.__dict__)
        st.position = r.position
        st.notification_id = r.notification_id
    return st
