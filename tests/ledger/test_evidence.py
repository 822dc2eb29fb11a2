"""Evidence is stored by its sha256 beside the ledger, never replaced, and only for committed events."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from ledger import events as ev
from ledger.app import Ledger
from ledger.errors import InvalidInput, NotAllowed
from ledger.storage import evidence


@pytest.fixture
def center(ledger: Ledger) -> Ledger:
    ledger.add_window("TAX", "地税窗口")
    ledger.add_staff("P1", "张三", "TAX", "2008-05-01")
    return ledger


def test_a_claims_evidence_is_stored_under_its_hash_and_the_event_holds_hash_size_and_name(
    center: Ledger, tmp_path: Path
) -> None:
    data = "荣誉证书".encode() * 100
    (tmp_path / "证书.jpg").write_bytes(data)
    cid = center.claim_bonus("honour", staff="P1", day="2008-06-01", evidence_file=str(tmp_path / "证书.jpg"),
                             level="city")
    claim = center.stream(cid)[0]
    assert isinstance(claim, ev.BonusClaimed)
    digest = hashlib.sha256(data).hexdigest()
    assert claim.evidence == {"sha256": digest, "size": len(data), "name": "证书.jpg"}
    stored = evidence.path_for(center.location.evidence_dir, digest)
    assert stored.read_bytes() == data
    assert [p.name for p in center.location.evidence_dir.rglob("*") if p.is_file()] == [digest]


def test_the_same_content_twice_is_stored_once(center: Ledger, tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"same")
    (tmp_path / "b.pdf").write_bytes(b"same")
    center.claim_bonus("measure", window="TAX", day="2008-06-01", evidence_file=str(tmp_path / "a.pdf"))
    center.record_finding("W2.1", window="TAX", day="2008-06-01", source="weekly",
                          evidence_file=str(tmp_path / "b.pdf"))
    assert len([p for p in center.location.evidence_dir.rglob("*") if p.is_file()]) == 1


def test_a_stored_file_that_was_altered_is_not_silently_replaced(center: Ledger, tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"original")
    center.claim_bonus("measure", window="TAX", day="2008-06-01", evidence_file=str(tmp_path / "a.pdf"))
    stored = evidence.path_for(center.location.evidence_dir, hashlib.sha256(b"original").hexdigest())
    stored.chmod(0o644)
    stored.write_bytes(b"tampered")
    before = list(center.notifications())
    with pytest.raises(NotAllowed):
        center.claim_bonus("measure", window="TAX", day="2008-06-02", evidence_file=str(tmp_path / "a.pdf"))
    assert stored.read_bytes() == b"tampered"
    assert list(center.notifications()) == before


def test_a_refused_claim_leaves_no_evidence_behind(center: Ledger, tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"content")
    with pytest.raises(InvalidInput):
        center.claim_bonus("measure", window="TAX", day="2099-01-01", evidence_file=str(tmp_path / "a.pdf"))
    assert not center.location.evidence_dir.exists() or not any(center.location.evidence_dir.rglob("*"))


def test_staged_evidence_is_removed_when_the_event_is_not_saved(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"content")
    store = tmp_path / "store"
    staged = evidence.stage(store, str(tmp_path / "a.pdf"))
    evidence.abandon(staged)
    assert not store.exists() or not any(store.rglob("*"))


def test_stored_evidence_is_read_only(center: Ledger, tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"content")
    center.claim_bonus("measure", window="TAX", day="2008-06-01", evidence_file=str(tmp_path / "a.pdf"))
    stored = next(p for p in center.location.evidence_dir.rglob("*") if p.is_file())
    assert stored.stat().st_mode & 0o222 == 0
