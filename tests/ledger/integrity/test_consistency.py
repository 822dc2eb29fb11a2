"""Consistency proofs between two signed checkpoints: many pairs of sizes verify, forged ones fail, and the
ledger refuses to prove what is not so."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.app import Ledger
from ledger.errors import NotAllowed
from ledger.integrity import consistency, keys, signing
from ledger.integrity.checkpoint import Checkpoint
from ledger.integrity.consistency import ConsistencyError, ConsistencyProof, parse_consistency, verify_proof
from ledger.integrity.merkle import MerkleTree, leaf_hash
from ledger.integrity.note import SignerKey, read_key_file, sign_note
from ledger.integrity.tlog_proof import ProofFormatError
from tests.ledger.integrity import independent

SIGNER = SignerKey.generate("kaoping.local/consistency-test")
IMPOSTOR = SignerKey.generate("kaoping.local/consistency-test")
OTHER_LOG = SignerKey.generate("kaoping.local/another-center")


def _tree(n: int) -> MerkleTree:
    return MerkleTree(b"".join(leaf_hash(f"event {i}".encode()) for i in range(n)))


def _note(tree: MerkleTree, size: int, signer: SignerKey = SIGNER) -> str:
    return sign_note(Checkpoint(signer.name, size, tree.root(size)).body(), signer)


def _proof(tree: MerkleTree, old: int, new: int) -> ConsistencyProof:
    return ConsistencyProof(SIGNER.name, old, new, tuple(tree.consistency_proof(old, new)))


sizes = st.integers(1, 260).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n)))


@settings(max_examples=120, deadline=None)
@given(sizes)
def test_a_proof_between_any_two_sizes_verifies_and_the_independent_reader_agrees(case: tuple[int, int]) -> None:
    old, new = case
    tree = _tree(new)
    proof = _proof(tree, old, new)
    assert parse_consistency(proof.text()) == proof
    got = verify_proof(_note(tree, old), _note(tree, new), parse_consistency(proof.text()), SIGNER.verifier)
    assert (got[0].size, got[1].size) == (old, new)
    if old:  # the RFC's recursive definition, walked independently, shows the same two roots
        assert independent.roots_from_consistency(old, new, list(proof.hashes), tree.root(old)) == (
            tree.root(old), tree.root(new))
        assert independent.mth([tree.leaf(i) for i in range(new)]) == tree.root(new)


def _forgeries(tree: MerkleTree, old: int, new: int) -> dict[str, tuple[str, str, ConsistencyProof]]:
    """(OLD, NEW, PROOF) triples an attacker might hand over, each of which must be refused."""
    good = _proof(tree, old, new)
    o, n = _note(tree, old), _note(tree, new)
    h = good.hashes
    out: dict[str, tuple[str, str, ConsistencyProof]] = {}
    flipped = bytes([h[0][0] ^ 1]) + h[0][1:]
    out["a flipped hash"] = (o, n, ConsistencyProof(good.origin, old, new, (flipped, *h[1:])))
    out["a hash dropped"] = (o, n, ConsistencyProof(good.origin, old, new, h[:-1]))
    if len(set(h)) > 1:
        out["hashes reordered"] = (o, n, ConsistencyProof(good.origin, old, new, h[::-1]))
    out["a hash added"] = (o, n, ConsistencyProof(good.origin, old, new, (*h, tree.leaf(0))))
    out["the checkpoints swapped"] = (n, o, good)
    out["the old size edited in the proof"] = (o, n, ConsistencyProof(good.origin, old - 1, new, h))
    out["another old checkpoint"] = (_note(tree, old - 1), n, ConsistencyProof(good.origin, old - 1, new, h))
    out["the new checkpoint re-signed by another key"] = (o, _note(tree, new, IMPOSTOR), good)
    forged_new = sign_note(Checkpoint(SIGNER.name, new, _alter(tree, old, new)).body(), SIGNER)
    out["a rewritten history signed by the real key"] = (o, forged_new, good)
    out["a proof claiming another log"] = (o, n, ConsistencyProof(OTHER_LOG.name, old, new, h))
    out["checkpoints of another log"] = (_note(tree, old, OTHER_LOG), _note(tree, new, OTHER_LOG), good)
    return out


def _alter(tree: MerkleTree, old: int, new: int) -> bytes:
    """The root of a tree of `new` leaves equal to the first `old` but for one (its last) leaf."""
    leaves = [tree.leaf(i) for i in range(new)]
    leaves[old - 1] = leaf_hash(b"rewritten")
    return MerkleTree(b"".join(leaves)).root()


@pytest.mark.parametrize("old,new", [(1, 2), (3, 7), (4, 8), (6, 8), (7, 13), (31, 64), (100, 257)])
def test_forged_consistency_proofs_fail(old: int, new: int) -> None:
    tree = _tree(new)
    verify_proof(_note(tree, old), _note(tree, new), _proof(tree, old, new), SIGNER.verifier)
    accepted = []
    for name, (o, n, proof) in _forgeries(tree, old, new).items():
        try:
            verify_proof(o, n, parse_consistency(proof.text()), SIGNER.verifier)
        except ConsistencyError:
            continue
        accepted.append(name)
    assert accepted == []


def test_two_checkpoints_of_one_size_with_different_roots_are_a_fork_and_fail() -> None:
    tree = _tree(9)
    forked = sign_note(Checkpoint(SIGNER.name, 9, _alter(tree, 9, 9)).body(), SIGNER)
    with pytest.raises(ConsistencyError, match="根哈希不同"):
        verify_proof(_note(tree, 9), forked, ConsistencyProof(SIGNER.name, 9, 9, ()), SIGNER.verifier)


@pytest.mark.parametrize("text", [
    "kaoping-consistency/2\norigin a\nold 1\nnew 2\n",
    "kaoping-consistency/1\norigin a\nold 1\nnew 2",  # no final newline
    "kaoping-consistency/1\norigin a\nold 1\n",
    "kaoping-consistency/1\norigin a\nnew 2\nold 1\n",
    "kaoping-consistency/1\norigin \nold 1\nnew 2\n",
    "kaoping-consistency/1\norigin a\nold 01\nnew 2\n",
    "kaoping-consistency/1\norigin a\nold 1\nnew 2\nAAAA\n",
    "kaoping-consistency/1\norigin a\nold 1\nnew 2\n\n",
    "kaoping-consistency/1\r\norigin a\r\nold 1\r\nnew 2\r\n",
])
def test_a_malformed_proof_file_is_refused_as_such(text: str) -> None:
    with pytest.raises(ProofFormatError):
        parse_consistency(text)


@pytest.fixture
def key(tmp_path: Path) -> Path:
    return tmp_path / "signing.key"


def _grow(ledger: Ledger, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        ledger.add_window(f"W{i:02d}", f"窗口{i}")


def test_the_ledger_proves_its_later_checkpoint_extends_an_earlier_one(ledger: Ledger, key: Path) -> None:
    _grow(ledger, 3)
    old = signing.make_checkpoint(ledger, key)
    _grow(ledger, 4, 3)
    new = signing.make_checkpoint(ledger, key)
    trusted = keys.recorded_key(ledger)
    assert trusted is not None
    proven = consistency.prove(ledger, old, new, str(key))
    assert proven.new_note == new and not proven.signed_now
    got = verify_proof(old, new, parse_consistency(proven.proof.text()), trusted)
    assert got[0].size < got[1].size


def test_without_a_new_checkpoint_the_newest_is_used_or_one_is_signed_now(ledger: Ledger, key: Path) -> None:
    _grow(ledger, 2)
    old = signing.make_checkpoint(ledger, key)
    _grow(ledger, 2, 2)
    latest = signing.make_checkpoint(ledger, key)
    proven = consistency.prove(ledger, old, None, str(key))
    assert proven.new_note == latest and not proven.signed_now  # only its own record came after it
    _grow(ledger, 1, 4)
    proven = consistency.prove(ledger, old, None, str(key))
    assert proven.signed_now and proven.new_note != latest
    trusted = keys.recorded_key(ledger)
    assert trusted is not None
    verify_proof(old, proven.new_note, proven.proof, trusted)
    # without the key file, a new checkpoint cannot be signed: refused, nothing written
    _grow(ledger, 1, 5)
    before = sum(1 for _ in ledger.notifications())
    with pytest.raises(NotAllowed, match="NEW_CHECKPOINT"):
        consistency.prove(ledger, old, None, str(key.with_name("absent.key")))
    assert sum(1 for _ in ledger.notifications()) == before


def test_the_ledger_refuses_to_prove_what_is_not_so(ledger: Ledger, key: Path) -> None:
    _grow(ledger, 3)
    old = signing.make_checkpoint(ledger, key)
    _grow(ledger, 3, 3)
    new = signing.make_checkpoint(ledger, key)
    signer = read_key_file(key)
    cases = {
        "a checkpoint of another log": (_note(_tree(4), 4, OTHER_LOG), new),
        "a new checkpoint older than the old": (new, old),
        "a bad signature": (old.replace("\n", "\n\u200b", 1), new),
        "a checkpoint signed by this log's key over another history": (
            sign_note(Checkpoint(signer.name, 2, bytes(32)).body(), signer), new),
        "a checkpoint larger than the ledger": (
            old, sign_note(Checkpoint(signer.name, 10**6, bytes(32)).body(), signer)),
    }
    refused = []
    for name, (o, n) in cases.items():
        try:
            consistency.prove(ledger, o, n, str(key))
        except NotAllowed:
            refused.append(name)
    assert refused == list(cases)


def test_a_tampered_ledger_proves_nothing(sqlite_url: str, tmp_path: Path) -> None:
    from ledger.app import open_ledger

    ledger = open_ledger(sqlite_url, "测试员", create=True)
    try:
        ledger.init("长兴县行政服务中心")
        _grow(ledger, 3)
        key = tmp_path / "signing.key"
        old = signing.make_checkpoint(ledger, key)
        new = signing.make_checkpoint(ledger, key)
        with sqlite3.connect(sqlite_url[len("sqlite:///"):]) as conn:
            (state,) = conn.execute("SELECT state FROM stored_events WHERE rowid = 3").fetchone()
            assert "窗口1".encode() in state
            forged = state.replace("窗口1".encode(), "窗口9".encode())
            conn.execute("UPDATE stored_events SET state = ? WHERE rowid = 3", (forged,))
        with pytest.raises(NotAllowed, match="校验未通过"):
            consistency.prove(ledger, old, new, str(key))
    finally:
        ledger.close()
