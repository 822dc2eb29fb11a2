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
from ledger.digests import FIRST_VERSION
from ledger.shapes import FAST, check
from ledger.topics import FINDING_TOPIC, topic
from projections.fold.appeal_handlers import APPEAL_HANDLERS
from projections.fold.entries import QUARTER_OF_MONTH, fact_key, quarter_of_iso
from projections.fold.state import Data, QuarterState, RecordedLike, State
from projections.fold.voice_handlers import VOICE_HANDLERS, verified_day

Handler = Callable[[State, int, Data, str], None]
"""A handler: (state, ledger position, the event's fields, the key of its stream as `fact_key` gives it)."""


def _on_registry(event_topic: str) -> Handler:
    def handler(s: State, p: int, e: Data, fid: str) -> None:
        if s.registry.apply(event_topic, e, p):
            s.registry_touched = True
            person = e.get("staff_id")
            if person is not None:
                s.people_touched.add(person)
    return handler


def _filed(s: State, fid: str, day: str) -> QuarterState | None:
    """The state of the quarter a new fact's day files it in (None: a quarter this fold does not keep)."""
    quarter = QUARTER_OF_MONTH.get(day[:7]) or quarter_of_iso(day)
    if s.only is not None and quarter != s.only:
        return None
    s.fact_quarter[fid] = quarter
    return s.quarters.get(quarter) or s.quarter(quarter)


def _on_finding(s: State, p: int, e: Data, fid: str) -> None:
    item, window, staff, source, dq, actor, note = (e["item"], e["window"], e["staff"], e["source"], e["dq"],
                                                    e["actor"], e["note"])
    # a stored row is trusted on nobody's word (ledger/shapes.py), checked inline: half a ledger is findings
    if not (type(item) is str and type(window) is str and type(source) is str and type(actor) is str
            and type(note) is str and (staff is None or type(staff) is str) and (dq is None or type(dq) is str)):
        check(FINDING_TOPIC, e)
    when = e["date"]
    day = when["_data_"] if type(when) is dict else iso_day(when)  # a stored row's tagged day, without a call
    q = _filed(s, fid, day)
    if q is not None:
        q.findings[fid] = {"p": p, "d": day, "item": item, "w": window, "s": staff, "src": source, "dq": dq,
                           "a": actor, "note": note}


def _on_retracted(s: State, p: int, e: Data, fid: str) -> None:
    q = s.fact_of(fid)
    if q is not None:
        q.retractions.setdefault(fid, {"p": p, "a": e["actor"], "reason": e["reason"]})


def _on_claim(s: State, p: int, e: Data, fid: str) -> None:
    day = iso_day(e["date"])
    q = _filed(s, fid, day)
    if q is not None:
        q.claims[fid] = {"p": p, "d": day, "kind": e["kind"], "w": e["window"], "s": e["staff"],
                         "level": e["level"], "place": e["place"], "ref": e["ref"], "a": e["actor"]}


def _claim_outcome(status: str) -> Handler:
    def handler(s: State, p: int, e: Data, fid: str) -> None:
        q = s.fact_of(fid)
        if q is not None:
            q.claim_outcomes.setdefault(fid, {"p": p, "a": e["actor"], "st": status, "reason": e.get("reason", "")})
    return handler


def _on_complaint(s: State, p: int, e: Data, fid: str) -> None:
    day = iso_day(e["date"])
    q = _filed(s, fid, day)
    if q is not None:
        q.complaints[fid] = {"p": p, "d": day, "w": e["window"], "s": e["staff"], "ch": e["channel"],
                             "text": e["text"], "a": e["actor"]}


def _on_complaint_verified(s: State, p: int, e: Data, fid: str) -> None:
    q = s.fact_of(fid)
    if q is not None:
        q.complaint_outcomes.setdefault(fid, {"p": p, "a": e["actor"], "st": "verified", "item": e["item"],
                                              "dq": e["dq"], "reason": "", "vd": verified_day(e)})


def _on_complaint_dismissed(s: State, p: int, e: Data, fid: str) -> None:
    q = s.fact_of(fid)
    if q is not None:
        q.complaint_outcomes.setdefault(fid, {"p": p, "a": e["actor"], "st": "dismissed", "item": None, "dq": None,
                                              "reason": e["reason"], "vd": None})


def _on_shortlist(s: State, p: int, e: Data, fid: str) -> None:
    """A shortlist frozen, or frozen anew (D25): every one is kept, the last recorded is in force."""
    if s.wants(e["quarter"]):
        s.quarter(e["quarter"]).shortlists.append(
            {"p": p, "a": e["actor"], "windows_n": e["windows_n"], "staff_m": e["staff_m"], "windows": e["windows"],
             "staff": e["staff"], "reason": e.get("reason", "")})


def _on_decision(s: State, p: int, e: Data, fid: str) -> None:
    """A decision recorded, or amended (D25): every one is kept, the last recorded is in force. Decisions stored
    before the meeting could be named have no `meeting` or `minutes`."""
    if s.wants(e["quarter"]):
        meeting = e.get("meeting")
        s.quarter(e["quarter"]).decisions.append(
            {"p": p, "a": e["actor"], "red_flag": e["red_flag"], "five": e["five"], "four": e["four"],
             "reason": e.get("reason", ""), "meeting": iso_day(meeting) if meeting is not None else None,
             "minutes": e.get("minutes")})


def _on_published(s: State, p: int, e: Data, fid: str) -> None:
    """The publication; one stored without a digest version is the first release's, version 1."""
    if s.wants(e["quarter"]):
        q = s.quarter(e["quarter"])
        if q.published is None:
            q.published = {"p": p, "a": e["actor"], "position": e["position"], "digest": e["digest"],
                           "version": e.get("digest_version", FIRST_VERSION), "checkpoint": e["checkpoint"]}


def checked(event_topic: str, handler: Handler) -> Handler:
    """The handler of a topic, refusing (ValueError) a stored row whose fields are missing or of the wrong type."""
    passes = FAST[event_topic]  # `check`'s verdict alone; `check` itself only to explain a refusal

    def run(s: State, p: int, e: Data, fid: str) -> None:
        if not passes(e):
            check(event_topic, e)
        handler(s, p, e, fid)
    return run


HANDLERS: dict[str, Handler] = {
    **{t: _on_registry(t) for t in sorted(topics.REGISTRY_TOPICS)},
    topic("FindingRecorded"): _on_finding,
    topic("FindingRetracted"): _on_retracted,
    topic("BonusClaimed"): _on_claim,
    topic("BonusVerified"): _claim_outcome("verified"),
    topic("BonusRejected"): _claim_outcome("rejected"),
    topic("ComplaintReceived"): _on_complaint,
    topic("ComplaintVerified"): _on_complaint_verified,
    topic("ComplaintDismissed"): _on_complaint_dismissed,
    topic("ShortlistFrozen"): _on_shortlist,
    topic("DecisionRecorded"): _on_decision,
    topic("QuarterPublished"): _on_published,
    topic("ShortlistAmended"): _on_shortlist,
    topic("DecisionAmended"): _on_decision,
    **APPEAL_HANDLERS,
    **VOICE_HANDLERS,
}
TOPIC_HANDLERS: dict[str, Handler] = {t: h if t == FINDING_TOPIC else checked(t, h) for t, h in HANDLERS.items()}
"""The fold, one handler per event type, keyed by the topic a stored row carries (ledger/topics.py), each checking
its row's shape first (ledger/shapes.py; findings inline): folding stored rows needs neither the event classes nor
eventsourcing (tests/projections/test_fold_topics.py checks every topic against ledger.events)."""


REGISTRY_TOPICS = topics.REGISTRY_TOPICS
"""The events whose handlers read or write the registry (every other handler only touches quarters)."""


NOT_FOLDED = (topics.INTEGRITY_TOPICS | topics.RULES_TOPICS | topics.CALENDAR_TOPICS | topics.WITNESS_TOPICS
              | topics.PRIVACY_TOPICS | topics.ACTOR_TOPICS)
"""Event types that say nothing about a quarter's facts: the integrity stream, the rules adopted (the center's
stream, read by the questions themselves: ledger/revisions.py), the working-day calendar's years (read where a
deadline is counted), witnesses' cosignatures, a complainant's erasure, and who acts (the actors and each command's
signature): deliberately skipped."""


@lru_cache(maxsize=1)
def handlers_by_class() -> dict[type, Handler]:
    """The same handlers by event class, for folding event objects (imports the event classes on first use)."""
    table: dict[type, Handler] = {}
    for stored_topic, handler in TOPIC_HANDLERS.items():
        module, _, name = stored_topic.partition(":")
        table[getattr(import_module(module), name)] = handler
    return table


def apply(state: State, recorded: RecordedLike) -> State:
    """Fold one recorded event into the state (events must come in ledger order)."""
    handler = handlers_by_class().get(type(recorded.event))
    if handler is not None:
        handler(state, recorded.position, recorded.event.__dict__, fact_key(recorded.event.originator_id))
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
            handler(st, r.position, r.event.__dict__, fact_key(r.event.originator_id))
        st.position = r.position
        st.notification_id = r.notification_id
    return st
