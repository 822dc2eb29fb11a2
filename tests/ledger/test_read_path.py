"""The fast read path decodes every stored event exactly as eventsourcing's mapper does."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger.app import Ledger


@pytest.fixture
def busy(ledger: Ledger, tmp_path: Path) -> Ledger:
    cert = tmp_path / "证书.pdf"
    cert.write_bytes(b"%PDF")
    ledger.add_window("W01", "工商窗口", "县市场监管局")
    ledger.add_staff("P1", "张三", "W01", "2008-05-01")
    ledger.add_window("W02", "税务窗口")
    ledger.move_staff("P1", "W02", "2008-06-01")
    f = ledger.record_finding("S4.2", staff="P1", day="2008-05-10", source="patrol", dq="gaming", note="QQ聊天",
                              evidence_file=str(cert))
    ledger.retract(str(f), "录错")
    c = ledger.claim_bonus("article", staff="P1", day="2008-05-11", evidence_file=str(cert), level="city", ref="稿")
    ledger.verify_bonus(str(c))
    m = ledger.record_complaint(window="W01", day="2008-05-12", channel="hotline-12345", text="态度差")
    ledger.verify_complaint(str(m), "W5.1", "complaint")
    return ledger


def test_the_read_path_gives_the_same_events_as_the_mapper(busy: Ledger) -> None:
    fast = list(busy.read())
    slow = [busy.mapper.to_domain_event(n) for n in busy.notifications()]
    assert [r.event for r in fast] == slow
    assert [type(r.event) for r in fast] == [type(e) for e in slow]
    assert [r.position for r in fast] == list(range(1, len(slow) + 1))
    assert all(vars(a) == vars(b) for a, b in zip((r.event for r in fast), slow, strict=True))


def test_reading_resumes_after_a_position_and_stops_at_upto(busy: Ledger) -> None:
    everything = list(busy.read())
    third = everything[2]
    rest = list(busy.read(after=(third.position, third.notification_id), upto=third.position + 2))
    assert [r.position for r in rest] == [third.position + 1, third.position + 2]
    assert [r.event for r in rest] == [r.event for r in everything[3:5]]
