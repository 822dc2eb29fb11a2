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
from ledger.shapes import check, stream_hex
from ledger.topics import FINDING_TOPIC
from projections.fold.state import (
    QUARTER_OF_MONTH,
    Data,
    QuarterState,
    RecordedLike,
    State,
    hex_id,
    iso_day,
    quarter_of_iso,
)


def _on_center(s: State, p: int, e: Data) -> None:
    s.registry.center = {"center": e["center"], "rules": e["rules"], "sha256": e["rules_sha256"], "p": p}
    s.registry_touched = True


def _on_window(s: State, p: int, e: Data) -> None:
    s.registry.windows[e["code"]] = {"name": e["name"], "department": e["department"], "p": p}
    s.registry_touched = True


def _on_staff(s: State, p: int, e: Data) -> None:
    s.registry.people[e["staff_id"]] = {"name": e["name"], "p": p,
                                        "assignments": [[iso_day(e["since"]), e["window"], p]]}
    s.registry_touched = True


def _on_move(s: State, p: int, e: Data) -> None:
    person = s.registry.people.get(e["staff_id"])
    if person is None:
        return
    person["assignments"].append([iso_day(e["since"]), e["window"], p])
    person["assignments"].sort(key=lambda a: (a[0], a[2]))
    s.registry_touched = True


def _new_fact(s: State, e: Data) -> tuple[str, str, QuarterState] | None:
    day = iso_day(e["date"])
    quarter = quarter_of_iso(day)
    if s.only is not None and quarter != s.only:
        return None
    fid = hex_id(e["originator_id"])
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
    quarter = QUARTER_OF_MONTH.get(day[:7]) or quarter_of_iso(day)
    if s.only is not None and quarter != s.only:
        return
    fid = e["originator_id"]
    if type(fid) is not str or len(fid) != 32:
        fid = stream_hex(fid)
    item, window, staff, source, dq, actor, note = (e["item"], e["window"], e["staff"], e["source"], e["dq"],
                                                    e["actor"], e["note"])
    # a stored row is trusted on nobody's word (ledger/shapes.py), checked inline: this runs once per finding
    if not (type(item) is str and type(window) is str and type(source) is str and type(actor) is str
            and type(note) is str and (staff is None or type(staff) is str) and (dq is None or type(dq) is str)):
        check(FINDING_TOPIC, e)
    s.fact_quarter[fid] = quarter
    q = s.quarters.get(quarter) or s.quarter(quarter)
    q.findings[fid] = [p, day, item, window, staff, source, dq, actor, note]


def _follow_up(s: State, e: Data) -> tuple[str, QuarterState] | None:
    fid = hex_id(e["originator_id"])
    got = s.fact_of(fid)
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
        if not s.wants(quarter):
            return
        q = s.quarter(quarter)
        if getattr(q, name) is None:
            setattr(q, name, {"p": p, "a": e["actor"], **{f: e[f] for f in fields}})
    return handler


Handler = Callable[[State, int, Data], None]


def checked(topic: str, handler: Handler) -> Handler:
    """The handler of a topic, refusing (ValueError) a stored row whose fields have the wrong types first."""
    def run(s: State, p: int, e: Data) -> None:
        check(topic, e)
        handler(s, p, e)
    return run


TOPIC_HANDLERS: dict[str, Handler] = {topic: handler if topic == FINDING_TOPIC else checked(topic, handler) for
                                      topic, handler in {
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
}.items()}
"""The fold, one handler per event type, keyed by the topic a stored row carries ("module:Class"): folding
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
