"""满意率 and rectifications as of a position, hand-computed on fold states (D30, D31)."""

from __future__ import annotations

from datetime import date

from ledger.workdays import shipped
from projections.fold.state import QuarterState
from projections.scoring.voice import overdue_by_window, rectifications, tallies


def quarter() -> QuarterState:
    q = QuarterState("2025Q3")
    q.ratings = {"r1": {"p": 1, "d": "2025-09-01", "w": "DS", "s": "0101", "lv": 5},
                 "r2": {"p": 2, "d": "2025-09-01", "w": "DS", "s": None, "lv": 2},
                 "r3": {"p": 5, "d": "2025-09-02", "w": "DS", "s": "0101", "lv": 3}}
    q.complaints = {"c": {"p": 3, "d": "2025-09-01", "w": "DS", "s": None, "ch": "rating", "text": "", "a": "x"}}
    q.complaint_outcomes = {"c": {"p": 4, "a": "x", "st": "verified", "item": "W5.5", "dq": None, "reason": "",
                                  "vd": "2025-09-26"}}
    q.rectifications = {"6": {"p": 6, "a": "x", "f": "c", "d": "2025-10-09", "text": "t"}}
    q.callbacks = {"7": {"p": 7, "a": "x", "f": "c", "d": "2025-10-10", "result": "unsatisfied", "note": ""}}
    return q


def test_satisfaction_counts_only_the_ratings_recorded_by_the_position_and_a_window_counts_its_staff() -> None:
    w, s = tallies(quarter(), [5, 4, 3], as_of=4)
    assert (w["DS"].satisfied, w["DS"].total, w["DS"].rate) == (1, 2, 0.5)
    assert (s["0101"].rate, s["0101"].total) == (1.0, 1)
    w, s = tallies(quarter(), [5, 4, 3])
    assert (w["DS"].rate, s["0101"].total) == (0.6667, 2)


def test_a_rectification_is_open_rectified_or_open_again_as_of_each_position() -> None:
    cal, q = shipped(), quarter()
    assert rectifications(q, cal, 15, as_of=3) == []  # not verified yet
    (at4,) = rectifications(q, cal, 15, as_of=4)
    assert (at4.phase, at4.due) == ("open", date(2025, 10, 23))
    assert overdue_by_window([at4], date(2025, 10, 23)) == {}
    assert overdue_by_window([at4], date(2025, 10, 24)) == {"DS": 1}
    (at6,) = rectifications(q, cal, 15, as_of=6)
    assert (at6.phase, at6.due) == ("rectified", None)
    assert overdue_by_window([at6], date(2026, 1, 1)) == {}
    (now,) = rectifications(q, cal, 15)
    assert (now.phase, now.since, now.due) == ("open", date(2025, 10, 10), date(2025, 10, 30))
