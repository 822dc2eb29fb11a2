"""Overdue rectifications as of a position (D30): a report replayed `--as-of N` counts them against the day the
N-th event was recorded, not against today, so the replay (and a bundle made from one) is the same any day."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from ledger.app import Ledger
from ledger.commands import voice
from ledger.commands.stamp import Stamp
from projections import voice_view
from projections.fold.state import State
from projections.views import Views


def at(ledger: Ledger, monkeypatch: pytest.MonkeyPatch, moment: str) -> None:
    """Record the following events as if at this moment (UTC)."""
    when = datetime.fromisoformat(moment).replace(tzinfo=UTC)
    monkeypatch.setattr(ledger, "stamp", lambda: Stamp("督查科", when, when.date()))


def overdue(ledger: Ledger, as_of: int | None) -> int:
    doc = Views(ledger).report("2025Q3", as_of)
    return sum(w["overdue_rectifications"] for w in doc["windows"])


def test_a_replay_counts_overdue_against_the_day_of_its_position_and_the_report_now_against_today(
        ledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KAOPING_TZ", raising=False)  # the moments below are counted in Changxing's zone
    ledger.add_window("DS", "地税窗口")
    cid = ledger.record_complaint(window="DS", day="2025-09-20", channel="hotline-12345", text="办件超期")
    at(ledger, monkeypatch, "2025-09-26T02:00:00")
    ledger.verify_complaint(str(cid), "W5.2", None, "2025-09-26")  # 15 working days: due 2025-10-23
    verified = ledger.max_notification_id()
    at(ledger, monkeypatch, "2025-10-23T15:59:00")  # 23:59 in Changxing: the last day of the period
    ledger.add_window("GT", "国土窗口")
    on_due_day = ledger.max_notification_id()
    at(ledger, monkeypatch, "2025-10-23T16:00:00")  # 00:00 on 10-24 in Changxing: past it
    ledger.add_window("GS", "工商窗口")
    past_due = ledger.max_notification_id()
    at(ledger, monkeypatch, "2025-11-03T01:00:00")
    voice.rectify_complaint(ledger, str(cid), "2025-11-03", "补办完毕，当面致歉", None)
    assert [overdue(ledger, p) for p in (verified, on_due_day, past_due)] == [0, 0, 1]
    assert overdue(ledger, None) == 0  # rectified since: today nothing is overdue
    assert overdue(ledger, past_due) == 1  # and the replay still says what it said


class Gapped:
    """A ledger whose notification ids skip 3 (a PostgreSQL sequence after a rolled-back insert)."""

    def __init__(self, stamps: list[str]) -> None:
        ids = [1, 2, *range(4, len(stamps) + 2)]
        self.rows = [(n, "o", 1, "t", b'{"timestamp":{"_type_":"datetime_iso","_data_":"%s"}}' % s.encode())
                     for n, s in zip(ids, stamps, strict=True)]

    def pages(self, after_id: int = 0, batch: int = 20_000, **_: Any) -> Any:
        rows = [r for r in self.rows if r[0] > after_id][:batch]
        return iter([rows] if rows else [])


def test_the_day_of_a_position_is_found_by_counting_rows_where_notification_ids_have_gaps() -> None:
    ledger = Gapped(["2025-10-01T00:00:00+00:00", "2025-10-02T00:00:00+00:00", "2025-10-03T00:00:00+00:00",
                     "2025-10-04T17:00:00+00:00"])
    state = State(position=4, notification_id=5)
    days = [voice_view.overdue_day(ledger, state, p) for p in (1, 2, 3, 4)]  # type: ignore[arg-type]
    assert days == [date(2025, 10, 1), date(2025, 10, 2), date(2025, 10, 3), date(2025, 10, 5)]
