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
from typing import Any, Protocol

from ledger import events as ev
from ledger.calendar import quarter_of

FOLD_VERSION = 1
"""Bump when the shape of the state changes: a stored projection of another version is rebuilt."""


class RecordedLike(Protocol):
    """What the fold needs of a recorded event: its position, notification id and the event."""

    position: int
    notification_id: int
    event: ev.Fact


@dataclass
class QuarterState:
    """Every fact dated in one quarter (and the quarter's own decisions), with ledger positions.

    Values are plain JSON-able dicts so a stored projection round-trips exactly:
    - findings[id] = {p, d, item, w, s, src, dq, a, note, x: None | {p, a, reason}}
    - claims[id] = {p, d, kind, w, s, level, place, ref, a, ok: None | {p, a, st, reason}}
    - complaints[id] = {p, d, w, s, ch, text, a, ok: None | {p, a, st, item, dq, reason}}
    - shortlist / decision / published: None or the event's fields with {p, a}.
    """

    quarter: str
    findings: dict[str, dict[str, Any]] = field(default_factory=dict)
    claims: dict[str, dict[str, Any]] = field(default_factory=dict)
    complaints: dict[str, dict[str, Any]] = field(default_factory=dict)
    shortlist: dict[str, Any] | None = None
    decision: dict[str, Any] | None = None
    published: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        """The state as a JSON-able dict."""
        return {
            "quarter": self.quarter,
            "findings": self.findings,
            "claims": self.claims,
            "complaints": self.complaints,
            "shortlist": self.shortlist,
            "decision": self.decision,
            "published": self.published,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> QuarterState:
        """A state from what `to_json` produced."""
        return cls(**data)


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
    fold to one quarter, which keeps a replay small. `touched` names the quarters changed since the
    owner last cleared it, so a store writes back only those.
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
        self.touched: set[str] = set()
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


def _iso(d: date) -> str:
    return d.isoformat()


def _on_center(s: State, p: int, e: ev.CenterInitialised) -> None:
    s.registry.center = {"center": e.center, "rules": e.rules, "sha256": e.rules_sha256, "p": p}
    s.registry_touched = True


def _on_window(s: State, p: int, e: ev.WindowRegistered) -> None:
    s.registry.windows[e.code] = {"name": e.name, "department": e.department, "p": p}
    s.registry_touched = True


def _on_staff(s: State, p: int, e: ev.StaffRegistered) -> None:
    s.registry.people[e.staff_id] = {"name": e.name, "p": p, "assignments": [[_iso(e.since), e.window, p]]}
    s.registry_touched = True


def _on_move(s: State, p: int, e: ev.StaffMoved) -> None:
    person = s.registry.people.get(e.staff_id)
    if person is None:
        return
    person["assignments"].append([_iso(e.since), e.window, p])
    person["assignments"].sort(key=lambda a: (a[0], a[2]))
    s.registry_touched = True


def _new_fact(s: State, e: ev.Fact, day: date) -> tuple[str, QuarterState] | None:
    quarter = quarter_of(day)
    if not s._wants(quarter):
        return None
    fid = str(e.originator_id)
    s.fact_quarter[fid] = quarter
    s.touched.add(quarter)
    return fid, s.quarter(quarter)


def _on_finding(s: State, p: int, e: ev.FindingRecorded) -> None:
    got = _new_fact(s, e, e.date)
    if got is None:
        return
    fid, q = got
    q.findings[fid] = {
        "p": p, "d": _iso(e.date), "item": e.item, "w": e.window, "s": e.staff, "src": e.source,
        "dq": e.dq, "a": e.actor, "note": e.note, "x": None,
    }


def _on_retracted(s: State, p: int, e: ev.FindingRetracted) -> None:
    got = s._fact(str(e.originator_id))
    if got is None:
        return
    quarter, q = got
    f = q.findings.get(str(e.originator_id))
    if f is not None and f["x"] is None:
        f["x"] = {"p": p, "a": e.actor, "reason": e.reason}
        s.touched.add(quarter)


def _on_claim(s: State, p: int, e: ev.BonusClaimed) -> None:
    got = _new_fact(s, e, e.date)
    if got is None:
        return
    fid, q = got
    q.claims[fid] = {
        "p": p, "d": _iso(e.date), "kind": e.kind, "w": e.window, "s": e.staff, "level": e.level,
        "place": e.place, "ref": e.ref, "a": e.actor, "ok": None,
    }


def _on_claim_outcome(s: State, p: int, e: ev.Fact) -> None:
    got = s._fact(str(e.originator_id))
    if got is None:
        return
    quarter, q = got
    c = q.claims.get(str(e.originator_id))
    if c is not None and c["ok"] is None:
        verified = isinstance(e, ev.BonusVerified)
        c["ok"] = {"p": p, "a": e.actor, "st": "verified" if verified else "rejected",
                   "reason": getattr(e, "reason", "")}
        s.touched.add(quarter)


def _on_complaint(s: State, p: int, e: ev.ComplaintReceived) -> None:
    got = _new_fact(s, e, e.date)
    if got is None:
        return
    fid, q = got
    q.complaints[fid] = {
        "p": p, "d": _iso(e.date), "w": e.window, "s": e.staff, "ch": e.channel, "text": e.text,
        "a": e.actor, "ok": None,
    }


def _on_complaint_outcome(s: State, p: int, e: ev.Fact) -> None:
    got = s._fact(str(e.originator_id))
    if got is None:
        return
    quarter, q = got
    c = q.complaints.get(str(e.originator_id))
    if c is None or c["ok"] is not None:
        return
    if isinstance(e, ev.ComplaintVerified):
        c["ok"] = {"p": p, "a": e.actor, "st": "verified", "item": e.item, "dq": e.dq, "reason": ""}
    else:
        c["ok"] = {"p": p, "a": e.actor, "st": "dismissed", "item": None, "dq": None,
                   "reason": getattr(e, "reason", "")}
    s.touched.add(quarter)


def _on_shortlist(s: State, p: int, e: ev.ShortlistFrozen) -> None:
    if not s._wants(e.quarter):
        return
    q = s.quarter(e.quarter)
    if q.shortlist is None:
        q.shortlist = {"p": p, "a": e.actor, "windows_n": e.windows_n, "staff_m": e.staff_m,
                       "windows": list(e.windows), "staff": list(e.staff)}
        s.touched.add(e.quarter)


def _on_decision(s: State, p: int, e: ev.DecisionRecorded) -> None:
    if not s._wants(e.quarter):
        return
    q = s.quarter(e.quarter)
    if q.decision is None:
        q.decision = {"p": p, "a": e.actor, "red_flag": list(e.red_flag), "five": list(e.five),
                      "four": list(e.four)}
        s.touched.add(e.quarter)


def _on_published(s: State, p: int, e: ev.QuarterPublished) -> None:
    if not s._wants(e.quarter):
        return
    q = s.quarter(e.quarter)
    if q.published is None:
        q.published = {"p": p, "a": e.actor, "position": e.position, "digest": e.digest,
                       "checkpoint": e.checkpoint}
        s.touched.add(e.quarter)


HANDLERS: dict[type, Callable[[State, int, Any], None]] = {
    ev.CenterInitialised: _on_center,
    ev.WindowRegistered: _on_window,
    ev.StaffRegistered: _on_staff,
    ev.StaffMoved: _on_move,
    ev.FindingRecorded: _on_finding,
    ev.FindingRetracted: _on_retracted,
    ev.BonusClaimed: _on_claim,
    ev.BonusVerified: _on_claim_outcome,
    ev.BonusRejected: _on_claim_outcome,
    ev.ComplaintReceived: _on_complaint,
    ev.ComplaintVerified: _on_complaint_outcome,
    ev.ComplaintDismissed: _on_complaint_outcome,
    ev.ShortlistFrozen: _on_shortlist,
    ev.DecisionRecorded: _on_decision,
    ev.QuarterPublished: _on_published,
}


def apply(state: State, recorded: RecordedLike) -> State:
    """Fold one recorded event into the state (events must come in ledger order)."""
    handler = HANDLERS.get(type(recorded.event))
    if handler is not None:
        handler(state, recorded.position, recorded.event)
    state.position = recorded.position
    state.notification_id = recorded.notification_id
    return state


def fold(records: Any, state: State | None = None, *, only: str | None = None) -> State:
    """Fold a sequence of recorded events, from scratch or onto an existing state."""
    st = state if state is not None else State(only=only)
    get = HANDLERS.get
    for r in records:
        handler = get(type(r.event))
        if handler is not None:
            handler(st, r.position, r.event)
        st.position = r.position
        st.notification_id = r.notification_id
    return st
