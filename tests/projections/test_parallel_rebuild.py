"""A rebuild (or long catch-up) folded in two processes equals a single-process fold of the same ledger."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.app import Ledger
from ledger.errors import LedgerUnreadable
from projections.engine import materialised, parallel
from projections.engine.materialised import QuarterProjection, replay
from projections.fold.state import QuarterState
from tests.projections.conftest import OPS, QUARTERS, Center, run_ops, small_center
from tests.projections.replayed import same_state
from tests.seal import SEAL_KEY


@pytest.fixture
def busy_center() -> Iterator[tuple[Ledger, Center]]:
    """A SQLite ledger with facts, follow-ups and moves in both quarters (fixed, not random)."""
    with small_center() as c:
        ops = [(op, n) for n in range(40) for op in ("find", "claim", "complaint", "move", "find", "retract",
                                                      "verify", "settle")]
        run_ops(c, ops, lambda: None)
        yield c.ledger, c


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(OPS, st.integers(1, 6), st.integers(1, 40), st.data())
def test_a_rebuild_in_two_processes_equals_a_replay_wherever_the_ledger_is_split(
        ops: list[tuple[str, int]], spill_at: int, parallel_at: int, data: st.DataObject) -> None:
    with small_center() as c:
        ledger = c.ledger
        # catch-ups between commands go through two processes too once their backlog reaches parallel_at
        factory = lambda: QuarterProjection(ledger, SEAL_KEY, index_limit=2, parallel_at=parallel_at)  # noqa: E731
        run_ops(c, ops, factory)
        caught_up = factory()
        same_state(ledger, caught_up, caught_up.catch_up(spill_at=spill_at))
        last = parallel.last_id(caught_up)
        # anywhere: before the registry, between a fact and its follow-up, after a move…
        split = data.draw(st.integers(0, last))
        again = QuarterProjection(ledger, SEAL_KEY, index_limit=2, parallel_at=1)
        again.storage.clear()
        state = again.load()
        chunk_id = parallel.fold_in_two(again, state, spill_at, split_id=split)
        assert again.flush(state, chunk_id)
        same_state(ledger, QuarterProjection(ledger, SEAL_KEY), QuarterProjection(ledger, SEAL_KEY).catch_up())
        assert state.position == replay(ledger).position


@pytest.mark.posix_only("forks a second process")
def test_a_long_rebuild_forks_and_still_equals_a_replay(busy_center: tuple[Ledger, Center],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    ledger, _ = busy_center
    splits: list[int] = []
    fold_in_two = parallel.fold_in_two

    def spy(*args: Any, **kwargs: Any) -> int:
        splits.append(fold_in_two(*args, **kwargs))
        return splits[-1]

    monkeypatch.setattr("projections.engine.materialised.fold_in_two", spy)
    projection = QuarterProjection(ledger, SEAL_KEY, parallel_at=100)
    state = projection.rebuild()
    assert splits and 0 < splits[0] < state.notification_id
    same_state(ledger, projection, state)


def test_where_there_is_no_fork_a_rebuild_folds_in_one_process_and_folding_in_two_parts_still_equals_a_replay(
        busy_center: tuple[Ledger, Center], monkeypatch: pytest.MonkeyPatch) -> None:
    ledger, _ = busy_center
    monkeypatch.delattr(os, "fork", raising=False)

    def refuse(*args: Any, **kwargs: Any) -> int:
        raise AssertionError("folded in two where nothing can fork")

    with monkeypatch.context() as m:
        m.setattr("projections.engine.materialised.fold_in_two", refuse)
        projection = QuarterProjection(ledger, SEAL_KEY, parallel_at=1)
        same_state(ledger, projection, projection.rebuild())
    # the two parts one after the other in this process (ledger/runtime/fork.py's fallback) give the same state
    again = QuarterProjection(ledger, SEAL_KEY, parallel_at=1)
    again.storage.clear()
    state = again.load()
    assert again.flush(state, parallel.fold_in_two(again, state, 3))
    same_state(ledger, QuarterProjection(ledger, SEAL_KEY), QuarterProjection(ledger, SEAL_KEY).catch_up())


def test_a_short_catch_up_stays_in_one_process(busy_center: tuple[Ledger, Center],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    ledger, c = busy_center
    QuarterProjection(ledger, SEAL_KEY).rebuild()

    def refuse(*args: Any, **kwargs: Any) -> int:
        raise AssertionError("forked for a short catch-up")

    monkeypatch.setattr("projections.engine.materialised.fold_in_two", refuse)
    c.find("W1.1", window="W1")
    projection = QuarterProjection(ledger, SEAL_KEY, parallel_at=100)
    same_state(ledger, projection, projection.catch_up())


@pytest.mark.posix_only("forks a second process")
def test_a_crash_before_the_final_flush_tracks_nothing_and_the_next_catch_up_starts_clean(
        busy_center: tuple[Ledger, Center], monkeypatch: pytest.MonkeyPatch) -> None:
    ledger, _ = busy_center
    crashing = QuarterProjection(ledger, SEAL_KEY, parallel_at=1)

    def crash(*args: Any, **kwargs: Any) -> bool:
        raise OSError("power cut")

    monkeypatch.setattr(crashing, "flush", crash)
    with pytest.raises(OSError):
        crashing.rebuild()
    left = crashing.storage.keys("q:")
    assert left  # the child's chunks were written …
    assert QuarterProjection(ledger, SEAL_KEY).load().position == 0  # … but no position was tracked
    # a leftover that no fold of this ledger would write: the next catch-up must drop it, not merge it
    bogus = QuarterState("2008Q2", findings={"f" * 32: {"p": 1, "d": "2008-05-10", "item": "W1.1", "w": "W1", "s": None,
                                                      "src": "weekly", "dq": None, "a": "x", "note": ""}})
    crashing.storage.put({"q:2008Q2:000000000000": orjson.dumps(bogus.to_json())})
    projection = QuarterProjection(ledger, SEAL_KEY)
    same_state(ledger, projection, projection.catch_up())


@pytest.mark.parametrize("half", ["first", "second"])
def test_an_unreadable_row_in_either_half_is_refused_naming_its_position(
        busy_center: tuple[Ledger, Center], half: str) -> None:
    ledger, _ = busy_center
    path = ledger.location.sqlite_path
    with sqlite3.connect(str(path)) as con:
        last = con.execute("SELECT max(rowid) FROM stored_events").fetchone()[0]
        bad = last // 4 if half == "first" else last - last // 4
        con.execute("UPDATE stored_events SET state = ? WHERE rowid = ?", (b"{not json", bad))
    projection = QuarterProjection(ledger, SEAL_KEY, parallel_at=1)
    with pytest.raises(LedgerUnreadable) as refused:
        projection.rebuild()
    assert refused.value.position == bad
    assert QuarterProjection(ledger, SEAL_KEY).load().position == 0


def test_a_gap_in_the_notification_ids_keeps_positions_ordinal(busy_center: tuple[Ledger, Center]) -> None:
    ledger, _ = busy_center
    with sqlite3.connect(str(ledger.location.sqlite_path)) as con:
        last = con.execute("SELECT max(rowid) FROM stored_events").fetchone()[0]
        # a finding (and its follow-up) gone from the first half: the child's positions must count rows, not ids
        gone = con.execute(
            "SELECT originator_id FROM stored_events WHERE originator_id IN "
            "(SELECT originator_id FROM stored_events WHERE topic LIKE '%FindingRecorded' AND rowid > 20) "
            "GROUP BY originator_id HAVING max(rowid) < ? LIMIT 1", (last // 2,)).fetchone()[0]
        con.execute("DELETE FROM stored_events WHERE originator_id = ?", (gone,))
    projection = QuarterProjection(ledger, SEAL_KEY, parallel_at=1)
    same_state(ledger, projection, projection.rebuild())


def _busy(center: Center) -> None:
    """Facts, follow-ups and moves in both quarters (fixed, not random)."""
    center.windows("W1", "W2")
    for p, w in (("P1", "W1"), ("P2", "W1"), ("P3", "W2")):
        center.staff(p, w)
    ops = [(op, n) for n in range(12) for op in ("find", "claim", "complaint", "move", "retract", "verify",
                                                  "settle")]
    run_ops(center, ops, lambda: None)


@pytest.mark.posix_only("forks a second process")
def test_a_rebuild_gives_the_same_results_on_every_backend(center: Center, monkeypatch: pytest.MonkeyPatch) -> None:
    """On SQLite and on PostgreSQL a long rebuild forks; both equal a replay."""
    _busy(center)
    forked: list[int] = []
    fold_in_two = parallel.fold_in_two

    def spy(*args: Any, **kwargs: Any) -> int:
        forked.append(fold_in_two(*args, **kwargs))
        return forked[-1]

    monkeypatch.setattr("projections.engine.materialised.fold_in_two", spy)
    projection = QuarterProjection(center.ledger, SEAL_KEY, parallel_at=1)
    state = projection.rebuild()
    assert forked
    same_state(center.ledger, projection, state)
    assert set(projection.quarters()) == set(QUARTERS)


@pytest.mark.posix_only("forks a second process")
def test_a_fold_in_two_split_anywhere_equals_a_replay_on_every_backend(center: Center) -> None:
    _busy(center)
    ledger = center.ledger
    last = ledger.max_notification_id()
    # before the registry, between a fact and its follow-up, after a move, at either end…
    for split in sorted({0, 1, last // 7, last // 3, last // 2, last - 5, last, *range(0, last, 29)}):
        again = QuarterProjection(ledger, SEAL_KEY, index_limit=2, parallel_at=1)
        again.storage.clear()
        state = again.load()
        assert again.flush(state, parallel.fold_in_two(again, state, 3, split_id=split)), split
        same_state(ledger, QuarterProjection(ledger, SEAL_KEY), QuarterProjection(ledger, SEAL_KEY).catch_up())


@pytest.mark.posix_only("forks a second process")
def test_on_postgresql_gaps_in_the_notification_ids_keep_a_fold_in_two_positions_ordinal(center: Center) -> None:
    """PostgreSQL's ids have gaps by design (a rolled-back insert consumes sequence values): the second process
    numbers its rows from the first part's count, not from the split id."""
    if center.ledger.location.backend != "postgres":
        pytest.skip("SQLite ids have no gaps (tests above delete rows to make them)")
    import psycopg

    center.windows("W1", "W2")
    for p, w in (("P1", "W1"), ("P2", "W1"), ("P3", "W2")):
        center.staff(p, w)
    with psycopg.connect(center.ledger.location.url.split("?")[0], autocommit=True) as conn:
        for n in range(6):
            run_ops(center, [(op, 7 * n + k) for k in range(3) for op in ("find", "claim", "move", "retract")],
                    lambda: None)
            # rolled-back inserts: ids taken from the sequence and never used
            conn.execute("SELECT setval(pg_get_serial_sequence('kaoping_events', 'notification_id'), "
                         "nextval(pg_get_serial_sequence('kaoping_events', 'notification_id')) + 40)")
    ledger = center.ledger
    last = ledger.max_notification_id()
    assert last > replay(ledger).position + 200  # the gaps are there
    for split in (last // 3, last // 2, last - last // 4):
        again = QuarterProjection(ledger, SEAL_KEY, index_limit=2, parallel_at=1)
        again.storage.clear()
        state = again.load()
        chunk_id = parallel.fold_in_two(again, state, 3, split_id=split)
        assert chunk_id == split  # the second process's part was kept, not folded again here over a wrong count
        assert again.flush(state, chunk_id)
        assert state.position == replay(ledger).position
        same_state(ledger, QuarterProjection(ledger, SEAL_KEY), QuarterProjection(ledger, SEAL_KEY).catch_up())


def test_a_long_catch_up_over_a_gap_keeps_the_quarters_already_split_by_window(
        busy_center: tuple[Ledger, Center], monkeypatch: pytest.MonkeyPatch) -> None:
    ledger, c = busy_center
    monkeypatch.setattr(materialised, "PARTITION_AT", 0)
    first = QuarterProjection(ledger, SEAL_KEY, parallel_at=10**9)
    first.catch_up()
    for q in QUARTERS:
        first.quarter_part(q, set())  # a partial read stores it split by window from now on
    assert any(":w:" in k for k in first.storage.keys("q:"))
    tracked = first.load().notification_id
    run_ops(c, [(op, n) for n in range(40, 60) for op in ("find", "claim", "retract", "verify")], lambda: None)
    with sqlite3.connect(str(ledger.location.sqlite_path)) as con:
        last = con.execute("SELECT max(rowid) FROM stored_events").fetchone()[0]
        # a finding of the backlog's first part gone (rows deleted outside kaoping): the parent folds the rest itself
        gone = con.execute(
            "SELECT originator_id FROM stored_events WHERE topic LIKE '%FindingRecorded' AND rowid > ? "
            "AND originator_id NOT IN (SELECT originator_id FROM stored_events WHERE rowid >= ?) LIMIT 1",
            (tracked, tracked + (last - tracked) // 3)).fetchone()[0]
        con.execute("DELETE FROM stored_events WHERE originator_id = ?", (gone,))
    projection = QuarterProjection(ledger, SEAL_KEY, parallel_at=1)
    same_state(ledger, projection, projection.catch_up())
