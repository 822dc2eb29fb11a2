"""Checkpoints, verification and receipts through the ledger API, on every backend."""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

import pytest

from ledger import ids, topics
from ledger.app import Ledger
from ledger.errors import InvalidInput, NotAllowed, NotFound
from ledger.integrity import keys, receipts, signing, verification
from ledger.integrity.checkpoint import open_checkpoint
from ledger.integrity.leaves import leaf_data, raw_rows, scan_rows
from ledger.integrity.merkle import leaf_hash
from ledger.integrity.note import SignerKey, write_key_file


@pytest.fixture
def key(tmp_path: Path) -> Path:
    return tmp_path / "signing.key"


def _some_facts(ledger: Ledger) -> str:
    ledger.add_window("W01", "公安窗口")
    ledger.add_staff("P01", "张三", "W01", "2024-01-01")
    fid = ledger.record_finding("W2.3", window="W01", day="2024-03-01", source="patrol")
    ledger.record_finding("S4.1", staff="P01", day="2024-03-02", source="weekly")
    return str(fid)


def test_the_fast_leaf_path_hashes_exactly_the_documented_leaf_data(ledger: Ledger) -> None:
    _some_facts(ledger)
    s = scan_rows(raw_rows(ledger), topics.KNOWN_TOPICS, ids.INTEGRITY_STREAM.bytes, frozenset())
    for position, n in enumerate(ledger.notifications(), start=1):
        expected = leaf_hash(leaf_data(n.originator_id.bytes, n.originator_version, n.topic, n.state))
        assert s.leaves[(position - 1) * 32 : position * 32] == expected
    assert s.flaws == []


def test_a_checkpoint_signs_the_ledger_as_it_stands_and_is_stored_in_it(ledger: Ledger, key: Path) -> None:
    _some_facts(ledger)
    before = sum(1 for _ in ledger.notifications())
    note = signing.make_checkpoint(ledger, key)
    signer_key = keys.recorded_key(ledger)
    assert signer_key is not None
    cp = open_checkpoint(note, signer_key)
    assert cp.size == before + 1  # the signing key was recorded first
    report = verification.check(ledger)
    assert report.ok
    assert [c.size for c in report.checkpoints] == [cp.size]
    assert report.tree.root(cp.size) == cp.root
    assert report.newer_than_checkpoint == 1


def test_checkpoint_sizes_only_grow_and_each_is_consistent_with_the_last(ledger: Ledger, key: Path) -> None:
    _some_facts(ledger)
    signing.make_checkpoint(ledger, key)
    signing.make_checkpoint(ledger, key)
    ledger.add_window("W02", "税务窗口")
    signing.make_checkpoint(ledger, key)
    report = verification.check(ledger)
    sizes = [c.size for c in report.checkpoints]
    assert report.ok and sizes == sorted(set(sizes)) and len(sizes) == 3


def test_a_key_file_that_is_not_the_recorded_key_cannot_sign(ledger: Ledger, key: Path, tmp_path: Path) -> None:
    signing.make_checkpoint(ledger, key)
    other = tmp_path / "other.key"
    write_key_file(other, SignerKey.generate("kaoping.local/other"))
    with pytest.raises(NotAllowed):
        signing.make_checkpoint(ledger, other)
    assert len(verification.check(ledger).checkpoints) == 1


def test_verification_against_another_public_key_names_the_recorded_key(ledger: Ledger, key: Path) -> None:
    signing.make_checkpoint(ledger, key)
    stranger = SignerKey.generate("kaoping.local/stranger").verifier
    report = verification.check(ledger, trusted=stranger, key_source="public-key")
    assert not report.ok and report.broken is not None and report.broken.kind == "key"


def test_an_external_checkpoint_of_an_older_ledger_is_proven_extended(ledger: Ledger, key: Path) -> None:
    _some_facts(ledger)
    old = signing.make_checkpoint(ledger, key)
    ledger.add_window("W09", "新窗口")
    report = verification.check(ledger, external_note=old)
    assert report.ok and report.external is not None and report.external["extends"]
    assert report.external["proof"]


def test_an_external_checkpoint_from_another_ledger_is_refused(ledger: Ledger, key: Path, tmp_path: Path) -> None:
    signing.make_checkpoint(ledger, key)
    foreign = SignerKey.generate("kaoping.local/x")
    from ledger.integrity.checkpoint import Checkpoint
    from ledger.integrity.note import sign_note

    note = sign_note(Checkpoint("kaoping.local/x", 1, bytes(32)).body(), foreign)
    with pytest.raises(InvalidInput):
        verification.check(ledger, external_note=note)


def test_a_receipt_for_an_unknown_fact_is_refused(ledger: Ledger, key: Path) -> None:
    with pytest.raises(NotFound):
        receipts.receipt(ledger, str(uuid4()), str(key))
    with pytest.raises(InvalidInput):
        receipts.receipt(ledger, "not-an-id", str(key))
