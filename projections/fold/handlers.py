"""The quarter fold: events in ledger order become per-quarter fact state, one event at a time (pure).

One handler per event type, keyed by the topic a stored row carries, so folding stored rows needs
neither the event classes nor eventsourcing.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from importlib import import_module
from typing import Any

from ledger import topics
from ledger.calendar import iso_day
from ledger.topics import topic
from projections.fold.entries import QUARTER_OF_MONTH, quarter_of_iso
from projections.fold.state import Data, QuarterState, RecordedLike, State


def _on_registry(event_topic: str) -> Callable[[State, int, Data], None]:
    def handler(s: State, p: int, e: Data) -> None:
        if s.registry.apply(event_topic, e, p):
            s.registry_touched = True
    return handler


def _new_fact(s: State, e: Data) -> tuple[str, str, QuarterState] | None:
    """(fact key, ISO day, quarter state) of a fact's first event, None when the fold does not keep its quarter."""
    day = iso_day(e["date"])
    quarter = QUARTER_OF_MONTH.get(day[:7]) or quarter_of_iso(day)
    if s.only is not None and quarter != s.only:
        return None
    fid: str = e["originator_id"]
    s.fact_quarter[fid] = quarter
    return fid, day, s.quarters.get(quarter) or s.quarter(quarter)


def _on_finding(s: State, p: int, e: Data) -> None:
    got = _new_fact(s, e)
    if got is not None:
        fid, day, q = got
        q.findings[fid] = {"p": p, "d": day, "item": e["item"], "w": e["window"], "s": e["staff"],
                           "src": e["source"], "dq": e["dq"], "a": e["actor"], "note": e["note"]}


def _follow_up(s: State, e: Data) -> tuple[str, QuarterState] | None:
    fid: str = e["originator_id"]
    q = s.fact_of(fid)
    return None if q is None else (fid, q)


def _on_retracted(s: State, p: int, e: Data) -> None:
    got = _follow_up(s, e)
    if got is not None:
        got[1].retractions.setdefault(got[0], {"p": p, "a": e["actor"], "reason": e["reason"]})


def _on_claim(s: State, p: int, e: Data) -> None:
    got = _new_fact(s, e)
    if got is not None:
        fid, day, q = got
        q.claims[fid] = {"p": p, "d": day, "kind": e["kind"], "w": e["window"], "s": e["staff"],
                         "level": e["level"], "place": e["place"], "ref": e["ref"], "a": e["actor"]}


def _claim_outcome(status: str) -> Callable[[State, int, Data], None]:
    def handler(s: State, p: int, e: Data) -> None:
        got = _follow_up(s, e)
        if got is not None:
            got[1].claim_outcomes.setdefault(got[0], {"p": p, "a": e["actor"], "st": status,
                                                      "reason": e.get("reason", "")})
    return handler


def _on_complaint(s: State, p: int, e: Data) -> None:
    got = _new_fact(s, e)
    if got is not None:
        fid, day, q = got
        q.complaints[fid] = {"p": p, "d": day, "w": e["window"], "s": e["staff"], "ch": e["channel"],
                             "text": e["text"], "a": e["actor"]}


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
        if not s.wants(quarter):
            return
        q = s.quarter(quarter)
        if getattr(q, name) is None:
            setattr(q, name, {"p": p, "a": e["actor"], **{f: e[f] for f in fields}})
    return handler


Handler = Callable[[State, int, Data], None]


TOPIC_HANDLERS: dict[str, Handler] = {
    **{t: _on_registry(t) for t in sorted(topics.REGISTRY_TOPICS)},
    topic("FindingRecorded"): _on_finding,
    topic("FindingRetracted"): _on_retracted,
    topic("BonusClaimed"): _on_claim,
    topic("BonusVerified"): _claim_outcome("verified"),
    topic("BonusRejected"): _claim_outcome("rejected"),
    topic("ComplaintReceived"): _on_complaint,
    topic("ComplaintVerified"): _on_complaint_verified,
    topic("ComplaintDismissed"): _on_complaint_dismissed,
    topic("ShortlistFrozen"): _quarter_step("shortlist", ("windows_n", "staff_m", "windows", "staff")),
    topic("DecisionRecorded"): _quarter_step("decision", ("red_flag", "five", "four")),
    topic("QuarterPublished"): _quarter_step("published", ("position", "digest", "checkpoint")),
}
"""The fold, one handler per event type, keyed by the topic a stored row carries (ledger/topics.py): folding
stored rows needs neither the event classes nor eventsourcing (tests/projections/test_fold_topics.py checks
every topic against ledger.events)."""


REGISTRY_TOPICS = topics.REGISTRY_TOPICS
"""The events whose handlers read or write the registry (every other handler only touches quarters)."""


NOT_FOLDED = topics.INTEGRITY_TOPICS
"""Event types that say nothing about a quarter's results (the integrity stream): deliberately skipped."""


@lru_cache(maxsize=1)
def handlers_by_class() -> dict[type, Handler]:
    """The same handlers by event class, for folding event objects (imports the event classes on first use)."""
    table: dict[type, Handler] = {}
    for stored_topic, handler in TOPIC_HANDLERS.items():
        module, _, name = stored_topic.partition(":")
        table[getattr(import_module(module), name)] = handler
    return table


def event_data(event: Any) -> Data:
    """An event object's fields as handlers read them: a copy, its originator id keyed as the fold keys facts."""
    data = dict(event.__dict__)
    data["originator_id"] = event.originator_id.hex
    return data


def apply(state: State, recorded: RecordedLike) -> State:
    """Fold one recorded event into the state (events must come in ledger order)."""
    handler = handlers_by_class().get(type(recorded.event))
    if handler is not None:
        handler(state, recorded.position, event_data(recorded.event))
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
            handler(st, r.position, event_data(r.event))
        st.position = r.position
        st.notification_id = r.notification_id
    return st
