"""Checkpoints, verification and receipts through the ledger API, on every backend."""

from __future__ import annotations

import base64
import copy
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


def test_a_receipt_proves_every_event_of_a_fact_and_verifies_offline(ledger: Ledger, key: Path) -> None:
    fid = _some_facts(ledger)
    ledger.retract(fid, "录入有误")
    doc = receipts.receipt(ledger, fid, str(key))
    assert [e["originator_version"] for e in doc["events"]] == [1, 2]
    result = receipts.verify_receipt(copy.deepcopy(doc))
    assert str(result.fact) == fid and result.checkpoint.size == doc["size"]
    assert receipts.verify_receipt(doc, keys.recorded_key(ledger), doc["key_id"]).key.key_id_hex == doc["key_id"]


def test_a_receipt_for_an_unknown_fact_is_refused(ledger: Ledger, key: Path) -> None:
    with pytest.raises(NotFound):
        receipts.receipt(ledger, str(uuid4()), str(key))
    with pytest.raises(InvalidInput):
        receipts.receipt(ledger, "not-an-id", str(key))


def _forgeries(doc: dict):  # type: ignore[no-untyped-def]
    """Receipts an attacker might hand over: each must be refused."""
    e0 = doc["events"][0]
    proof = e0["inclusion_proof"]

    def with_event(**changes):  # type: ignore[no-untyped-def]
        d = copy.deepcopy(doc)
        d["events"][0].update(changes)
        return d

    yield "truncated proof", with_event(inclusion_proof=proof[:-1])
    yield "extended proof", with_event(inclusion_proof=proof + [proof[-1]])
    yield "preceding node", with_event(inclusion_proof=[proof[0]] + proof)
    if len(proof) > 1 and proof[0] != proof[1]:
        yield "reordered proof", with_event(inclusion_proof=[proof[1], proof[0]] + proof[2:])
    yield "bit flipped", with_event(inclusion_proof=[base64.b64encode(bytes([base64.b64decode(proof[0])[0] ^ 1]) + base64.b64decode(proof[0])[1:]).decode()] + proof[1:])
    yield "index at size", with_event(position=doc["size"] + 1)
    yield "index beyond size", with_event(position=doc["size"] + 7)
    yield "other position", with_event(position=e0["position"] + 1)
    yield "position zero", with_event(position=0)
    state = base64.b64decode(e0["state"])
    forged = state.replace(b"W2.3", b"W2.4")
    yield "edited state", with_event(state=base64.b64encode(forged).decode())
    yield "edited readable content", with_event(content={**e0["content"], "item": "W2.4"})
    yield "other topic", with_event(topic="ledger.events:ComplaintReceived")
    d = copy.deepcopy(doc)
    d["size"] = doc["size"] - 1
    yield "wrong size", d
    d = copy.deepcopy(doc)
    d["checkpoint"] = d["checkpoint"].replace(f"\n{doc['size']}\n", f"\n{doc['size'] + 1}\n")
    yield "re-sized checkpoint", d
    impostor = SignerKey.generate(doc["origin"])
    from ledger.integrity.checkpoint import Checkpoint
    from ledger.integrity.note import sign_note

    d = copy.deepcopy(doc)
    d["checkpoint"] = sign_note(Checkpoint(doc["origin"], doc["size"], base64.b64decode(doc["root"])).body(), impostor)
    d["public_key"] = impostor.verifier.text()
    yield "signed by another key, key embedded", d
    d = copy.deepcopy(doc)
    d["events"] = []
    yield "no events", d
    d = copy.deepcopy(doc)
    d["fact"] = str(uuid4())
    yield "other fact", d


def test_forged_receipts_are_refused(ledger: Ledger, key: Path) -> None:
    fid = _some_facts(ledger)
    for _ in range(3):
        ledger.add_window(f"X{_}", "填充窗口")
    doc = receipts.receipt(ledger, fid, str(key))
    trusted = keys.recorded_key(ledger)
    accepted = []
    for name, forged in _forgeries(doc):
        try:
            receipts.verify_receipt(forged, trusted, doc["key_id"])
        except receipts.ReceiptError:
            continue
        accepted.append(name)
    assert accepted == []


def test_a_receipt_with_its_own_key_is_refused_when_the_key_id_does_not_match_the_published_one(ledger: Ledger, key: Path) -> None:
    fid = _some_facts(ledger)
    doc = receipts.receipt(ledger, fid, str(key))
    with pytest.raises(receipts.ReceiptError):
        receipts.verify_receipt(doc, None, "00000000")
