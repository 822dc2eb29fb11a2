"""Properties of the pure fold, on event sequences generated at random (hypothesis)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger import catalogue, ids
from ledger import events as ev
from ledger.registry import Registry
from projections.fold.handlers import fold
from projections.fold.state import QuarterState, State
from projections.scoring.derive import derive

CAT = catalogue.load()
QUARTERS = ("2008Q2", "2008Q3")
WINDOWS = ("W1", "W2", "W3")
PEOPLE = {"P1": "W1", "P2": "W1", "P3": "W2", "P4": "W3"}
ITEMS = ("W1.1", "W2.3", "W3.7", "W5.2", "S1.1", "S2.3", "S3.5", "S4.1", "S4.2", "S4.4")
DQ_FOR = {"W2.3": "gaming", "S4.2": "gaming", "W3.7": "corruption", "S4.4": "corruption", "S3.5": "complaint",
          "W5.2": "complaint", "S4.1": "discipline"}
NOW = datetime(2009, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Rec:
    """A recorded event as the ledger hands it out."""

    position: int
    notification_id: int
    event: ev.Fact


def make(cls: type[ev.Fact], stream: UUID, version: int = 1, **fields: Any) -> ev.Fact:
    return cls(originator_id=stream, originator_version=version, timestamp=NOW, actor="测试", **fields)  # type: ignore[call-arg]


def registry_events() -> list[ev.Fact]:
    out = [make(ev.CenterInitialised, ids.center_id(), center="中心", rules=CAT.id, rules_revision=1,
                rules_sha256=CAT.sha256)]
    out += [make(ev.WindowRegistered, ids.window_id(w), code=w, name=f"窗口{w}", department="") for w in WINDOWS]
    out += [make(ev.StaffRegistered, ids.staff_id(p), staff_id=p, name=f"人{p}", window=w, since=date(2008, 5, 1))
            for p, w in PEOPLE.items()]
    out.append(make(ev.StaffMoved, ids.staff_id("P2"), 2, staff_id="P2", window="W2", since=date(2008, 7, 15)))
    return out


def window_of(person: str, day: date) -> str:
    return "W2" if person == "P2" and day >= date(2008, 7, 15) else PEOPLE[person]


@st.composite
def quarter_ops(draw: st.DrawFn, quarter: str) -> list[ev.Fact]:
    """Facts of one quarter and their follow-ups, in an order the ledger could have recorded them."""
    month0 = 4 if quarter == "2008Q2" else 7
    facts: list[tuple[str, UUID]] = []
    out: list[ev.Fact] = []
    for _ in range(draw(st.integers(0, 14))):
        op = draw(st.sampled_from(["finding", "finding", "finding", "claim", "complaint", "follow"]))
        day = date(2008, draw(st.integers(month0 + (1 if quarter == "2008Q2" else 0), month0 + 2)),
                   draw(st.integers(1, 28)))
        if op == "follow" and facts:
            kind, stream = draw(st.sampled_from(facts))
            facts.remove((kind, stream))
            if kind == "finding":
                out.append(make(ev.FindingRetracted, stream, 2, reason="录错"))
            elif kind == "claim":
                out.append(make(draw(st.sampled_from([ev.BonusVerified, ev.BonusVerified])), stream, 2)
                           if draw(st.booleans()) else make(ev.BonusRejected, stream, 2, reason="不符"))
            else:
                if draw(st.booleans()):
                    subject_staff = draw(st.booleans())
                    item = draw(st.sampled_from([i for i in ITEMS if i.startswith("S" if subject_staff else "W")]))
                    out.append(make(ev.ComplaintVerified, stream, 2, item=item,
                                    dq=DQ_FOR.get(item) if draw(st.booleans()) else None))
                else:
                    out.append(make(ev.ComplaintDismissed, stream, 2, reason="不实"))
            continue
        person = draw(st.sampled_from([None, *PEOPLE]))
        window = window_of(person, day) if person else draw(st.sampled_from(WINDOWS))
        stream = uuid4()
        if op in ("finding", "follow"):
            item = draw(st.sampled_from([i for i in ITEMS if i.startswith("S" if person else "W")]))
            dq = DQ_FOR.get(item) if draw(st.integers(0, 4)) == 0 else None
            out.append(make(ev.FindingRecorded, stream, item=item, window=window, staff=person, date=day,
                            source="weekly", dq=dq, note="", evidence=None, row_key=None))
            facts.append(("finding", stream))
        elif op == "claim":
            kind = draw(st.sampled_from(["article", "competition", "measure", "honour", "suggestion", "training"]))
            if kind == "training":
                person = None
                window = draw(st.sampled_from(WINDOWS))
            bk = CAT.bonus_kind(kind)
            level = draw(st.sampled_from(sorted(bk.window_points))) if bk.by == "level" else None
            place = draw(st.integers(1, 3)) if bk.by == "place" else None
            out.append(make(ev.BonusClaimed, stream, kind=kind, window=window, staff=person, date=day, evidence={},
                            level=level, place=place, ref=draw(st.sampled_from([None, "稿A", "稿B"]))))
            facts.append(("claim", stream))
        else:
            out.append(make(ev.ComplaintReceived, stream, window=window, staff=person, date=day,
                            channel=draw(st.sampled_from(sorted(CAT.channels))), text="反映"))
            facts.append(("complaint", stream))
    if draw(st.booleans()):
        qid = ids.quarter_id(quarter)
        out.append(make(ev.ShortlistFrozen, qid, quarter=quarter, windows_n=2, staff_m=2,
                        windows=draw(st.lists(st.sampled_from(WINDOWS), unique=True, max_size=2)),
                        staff=draw(st.lists(st.sampled_from(list(PEOPLE)), unique=True, max_size=3))))
        if draw(st.booleans()):
            out.append(make(ev.DecisionRecorded, qid, 2, quarter=quarter, red_flag=["W1"], five=["P1"], four=["P3"]))
    return out


def recorded(events: list[ev.Fact]) -> list[Rec]:
    return [Rec(i + 1, (i + 1) * 3, e) for i, e in enumerate(events)]  # notification ids with gaps


def results(state: State, as_of: int | None = None) -> dict[str, Any]:
    return {q: derive(state.quarters.get(q), state.registry, CAT, q, as_of, position=state.position)
            for q in QUARTERS}


def rows(state: State) -> dict[str, Any]:
    return {q: r.rows for q, r in results(state).items()}


def roundtrip(state: State) -> State:
    """A state written out and read back as the materialised projection stores it."""
    quarters = {k: QuarterState.from_json(orjson.loads(orjson.dumps(v.to_json()))) for k, v in state.quarters.items()}
    reg = Registry.from_json(orjson.loads(orjson.dumps(state.registry.to_json())))
    return State(quarters, dict(state.fact_quarter), reg, position=state.position,
                 notification_id=state.notification_id)


both_quarters = st.tuples(quarter_ops("2008Q2"), quarter_ops("2008Q3"))


@settings(max_examples=60, deadline=None)
@given(both_quarters, st.data())
def test_replaying_all_at_once_equals_building_incrementally_through_storage(ops: Any, data: st.DataObject) -> None:
    events = recorded(registry_events() + ops[0] + ops[1])
    whole = fold(events)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(events)), max_size=5)))
    state = State()
    start = 0
    for cut in [*cuts, len(events)]:
        state = roundtrip(fold(events[start:cut], state))
        start = max(start, cut)
    assert results(state) == results(whole)


@settings(max_examples=60, deadline=None)
@given(both_quarters, st.data())
def test_results_as_of_a_position_equal_a_replay_up_to_it(ops: Any, data: st.DataObject) -> None:
    events = recorded(registry_events() + ops[0] + ops[1])
    whole = fold(events)
    k = data.draw(st.integers(1, len(events)))
    prefix = fold(events[:k])
    assert results(whole, as_of=k) == results(prefix)


@settings(max_examples=60, deadline=None)
@given(both_quarters, st.data())
def test_events_of_different_quarters_commute(ops: Any, data: st.DataObject) -> None:
    q2, q3 = ops
    merged: list[ev.Fact] = []
    i = j = 0
    while i < len(q2) or j < len(q3):
        take_q2 = j >= len(q3) or (i < len(q2) and data.draw(st.booleans()))
        if take_q2:
            merged.append(q2[i])
            i += 1
        else:
            merged.append(q3[j])
            j += 1
    base = registry_events()
    assert rows(fold(recorded(base + merged))) == rows(fold(recorded(base + q2 + q3)))


@settings(max_examples=40, deadline=None)
@given(quarter_ops("2008Q2"))
def test_a_fold_restricted_to_one_quarter_gives_that_quarters_results(ops: Any) -> None:
    events = recorded(registry_events() + ops)
    assert results(fold(events, only="2008Q2"))["2008Q2"] == results(fold(events))["2008Q2"]


@settings(max_examples=60, deadline=None)
@given(both_quarters, st.data())
def test_partial_states_folded_chunk_by_chunk_merge_into_the_whole(ops: Any, data: st.DataObject) -> None:
    """What the materialised projection does: each catch-up stores only what it added; merging gives the whole."""
    events = recorded(registry_events() + ops[0] + ops[1])
    whole = fold(events)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(events)), max_size=6)))
    merged: dict[str, QuarterState] = {}
    index: dict[str, str] = {}
    registry = Registry()
    start = 0
    for cut in [*cuts, len(events)]:
        part = fold(events[start:cut], State({}, index, registry))
        for quarter, q in part.quarters.items():
            stored = QuarterState.from_json(orjson.loads(orjson.dumps(q.to_json())))
            merged[quarter] = merged[quarter].merge(stored) if quarter in merged else stored
        start = max(start, cut)
    combined = State(merged, index, registry, position=whole.position)
    assert results(combined) == results(whole)


@settings(max_examples=60, deadline=None)
@given(both_quarters, st.data())
def test_the_fast_report_derivation_gives_the_same_rows_and_totals_as_the_detailed_one(ops: Any,
                                                                                      data: st.DataObject) -> None:
    # without detail the standings count violations per category and sum claims, building no line (the report's
    # and the standings cache's path); with it, every occurrence and bonus line is built and added up
    events = registry_events() + ops[0] + ops[1]
    state = fold(recorded(events))
    as_of = data.draw(st.none() | st.integers(1, len(events)))
    for q in QUARTERS:
        args = (state.quarters.get(q), state.registry, CAT, q, as_of)
        fast, full = derive(*args, detail=False), derive(*args, detail=True)
        assert fast.rows == full.rows
        assert [(w.code, w.score, w.bonus, w.deductions, w.eligible) for w in fast.windows] == [
            (w.code, sum(c.score for c in w.categories) + sum(b.points for b in w.bonus_lines), w.bonus,
             sum(c.raw for c in w.categories), not any("quarter-red-flag" in d.scopes for d in w.disqualifications))
            for w in full.windows]
        assert [(p.id, p.score, p.bonus, p.deductions, p.eligible) for p in fast.staff] == [
            (p.id, p.score, min(CAT.staff_bonus_cap, sum(b.points for b in p.bonus_lines)), p.deductions,
             not any("quarter-star" in d.scopes for d in p.disqualifications)) for p in full.staff]
