"""tlog-proof files of a fact's recording event, read by kaoping and by an independent reader written from the spec."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.app import Ledger
from ledger.integrity import keys, receipts
from ledger.integrity.checkpoint import Checkpoint
from ledger.integrity.leaf_entry import LeafEntry, LeafError, parse_leaf
from ledger.integrity.leaves import leaf_data
from ledger.integrity.merkle import MerkleTree, ProofError, leaf_hash
from ledger.integrity.note import NoteError, SignerKey, sign_note
from ledger.integrity.tlog_proof import HEADER, ProofFormatError, TlogProof, parse_proof, verify_tlog_proof
from tests.ledger.go_note_vectors import GO_NOTE, GO_TEXT, GO_VKEY
from tests.ledger.integrity import independent


@pytest.fixture
def key(tmp_path: Path) -> Path:
    return tmp_path / "signing.key"


def _facts(ledger: Ledger) -> str:
    ledger.add_window("W01", "公安窗口")
    fid = ledger.record_finding("W2.3", window="W01", day="2024-03-01", source="patrol", note="未佩戴工作牌")
    for n in range(5):
        ledger.add_window(f"X{n}", "填充窗口")
    return str(fid)


def test_the_independent_reader_opens_the_go_reference_note_and_refuses_it_edited() -> None:
    key = independent.parse_key(GO_VKEY)
    assert independent.open_note(GO_NOTE.encode(), key) == GO_TEXT.encode()
    with pytest.raises(independent.Rejected):
        independent.open_note(GO_NOTE.replace("cryptography", "Cryptography").encode(), key)


def test_a_recording_proof_is_read_by_an_independent_reader_and_shows_the_stored_event(
    ledger: Ledger, key: Path
) -> None:
    fid = _facts(ledger)
    c = receipts.covered(ledger, fid, str(key))
    text = c.recording_proof().text()
    public = keys.recorded_key(ledger)
    assert public is not None
    proven = independent.verify_tlog_proof(text.encode(), public.text())
    entry = independent.parse_kaoping_leaf(proven.extra)
    stored = [n for n in ledger.notifications() if str(n.originator_id) == fid]
    position = next(p for p, n in enumerate(ledger.notifications(), start=1) if str(n.originator_id) == fid)
    assert (str(entry.originator), entry.version, entry.topic, entry.state) == (
        fid, 1, "ledger.events:FindingRecorded", stored[0].state)
    assert proven.index == position - 1
    assert (proven.checkpoint.size, proven.checkpoint.root) == (c.checkpoint.size, c.checkpoint.root)
    # kaoping's own reader says the same
    check = receipts.verify_receipt(receipts.read_receipt(text), public)
    assert check.form == "tlog-proof" and str(check.fact) == fid and check.complete is False
    assert [(e.position, e.version) for e in check.events] == [(position, 1)]


def test_the_proof_file_is_laid_out_line_for_line_as_the_spec_says(ledger: Ledger, key: Path) -> None:
    fid = _facts(ledger)
    c = receipts.covered(ledger, fid, str(key))
    proof = c.recording_proof()
    text = proof.text()
    position, o, version, topic, state = c.rows[0]
    expected = ["c2sp.org/tlog-proof@v1",
                "extra " + base64.b64encode(leaf_data(o, version, topic, state)).decode(),
                f"index {position - 1}",
                *(base64.b64encode(h).decode() for h in c.report.tree.inclusion_proof(position - 1, c.checkpoint.size)),
                ""]
    assert text == "\n".join(expected) + "\n" + c.checkpoint.note
    assert "\r" not in text and text.endswith("\n") and c.checkpoint.note.endswith("\n")
    assert parse_proof(text) == proof


def _signed_tree(size: int, signer: SignerKey) -> tuple[MerkleTree, list[bytes], str]:
    data = [f"entry {i}".encode() for i in range(size)]
    tree = MerkleTree(b"".join(leaf_hash(d) for d in data))
    note = sign_note(Checkpoint(signer.name, size, tree.root()).body(), signer)
    return tree, data, note


SIGNER = SignerKey.generate("kaoping.local/test-log")
IMPOSTOR = SignerKey.generate("kaoping.local/test-log")  # same name, another key


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 300).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n - 1))))
def test_proofs_of_every_index_of_trees_of_many_sizes_verify_in_both_readers(case: tuple[int, int]) -> None:
    size, index = case
    tree, data, note = _signed_tree(size, SIGNER)
    proof = TlogProof(index, tuple(tree.inclusion_proof(index)), note, data[index])
    text = proof.text()
    assert parse_proof(text) == proof
    assert verify_tlog_proof(parse_proof(text), SIGNER.verifier).size == size
    proven = independent.verify_tlog_proof(text.encode(), SIGNER.verifier.text())
    assert (proven.index, proven.extra, proven.checkpoint.size) == (index, data[index], size)


def _forgeries(proof: TlogProof, data: list[bytes], tree: MerkleTree) -> dict[str, str]:
    """Proof files an attacker might hand over, each of which both readers must refuse."""
    i = proof.index
    other = (i + 1) % len(data)
    flipped = bytes([proof.proof[0][0] ^ 1]) + proof.proof[0][1:]
    impostor_note = sign_note(Checkpoint(SIGNER.name, tree.size, tree.root()).body(), IMPOSTOR)
    smaller = sign_note(Checkpoint(SIGNER.name, tree.size - 1, tree.root(tree.size - 1)).body(), SIGNER)
    return {
        "signed by another key of the same name": TlogProof(i, proof.proof, impostor_note, proof.extra).text(),
        "a proof of another index": TlogProof(other, proof.proof, proof.checkpoint, proof.extra).text(),
        "another entry's data with this proof": TlogProof(i, proof.proof, proof.checkpoint, data[other]).text(),
        "an edited extra": TlogProof(i, proof.proof, proof.checkpoint, (proof.extra or b"") + b" ").text(),
        "a flipped proof hash": TlogProof(i, (flipped, *proof.proof[1:]), proof.checkpoint, proof.extra).text(),
        "a truncated proof": TlogProof(i, proof.proof[:-1], proof.checkpoint, proof.extra).text(),
        "an extended proof": TlogProof(i, (*proof.proof, proof.proof[-1]), proof.checkpoint, proof.extra).text(),
        "a checkpoint of a smaller tree": TlogProof(i, proof.proof, smaller, proof.extra).text(),
        "no extra line": TlogProof(i, proof.proof, proof.checkpoint, None).text(),
        "an edited checkpoint": proof.text().replace(f"\n{tree.size}\n", f"\n{tree.size + 1}\n"),
    }


@pytest.mark.parametrize("size,index", [(7, 0), (7, 5), (8, 7), (100, 42)])
def test_forged_proofs_are_refused_by_both_readers(size: int, index: int) -> None:
    tree, data, note = _signed_tree(size, SIGNER)
    proof = TlogProof(index, tuple(tree.inclusion_proof(index)), note, data[index])
    accepted = []
    for name, text in _forgeries(proof, data, tree).items():
        try:
            verify_tlog_proof(parse_proof(text), SIGNER.verifier)
            accepted.append(f"kaoping: {name}")
        except (ProofError, NoteError, ProofFormatError):
            pass
        try:
            independent.verify_tlog_proof(text.encode(), SIGNER.verifier.text())
            accepted.append(f"independent: {name}")
        except (independent.Rejected, ValueError):
            pass
    assert accepted == []


@pytest.mark.parametrize("text", [
    "c2sp.org/tlog-proof@v2\nindex 0\n\nx\n",
    f"{HEADER}\nindex 01\n\nx\n",
    f"{HEADER}\nindex -1\n\nx\n",
    f"{HEADER}\nindex ٣\n\nx\n",
    f"{HEADER}\nextra !!\nindex 0\n\nx\n",
    f"{HEADER}\nextra AB==\nindex 0\n\nx\n",  # non-canonical base64 (AA== is the one spelling)
    f"{HEADER}\nextra AA==\n\nx\n",
    f"{HEADER}\nindex 0\nAAAA\n\nx\n",  # a hash of 3 bytes
    f"{HEADER}\nindex 0\n" + ("A" * 43 + "=\n") * 64 + "\nx\n",  # more hashes than any tree needs
    f"{HEADER}\nindex 0\nx\n",  # no blank line, no checkpoint
    f"{HEADER}\nindex 0\n\n",
])
def test_a_malformed_proof_file_is_refused_as_such(text: str) -> None:
    with pytest.raises(ProofFormatError):
        parse_proof(text)


@settings(max_examples=100, deadline=None)
@given(st.uuids(), st.integers(1, 2**63 - 1), st.text(min_size=1, max_size=40), st.binary(max_size=200))
def test_leaf_data_reads_back_exactly_as_it_was_written(originator, version, topic, state) -> None:  # type: ignore[no-untyped-def]
    entry = LeafEntry(originator, version, topic, state)
    data = leaf_data(originator.bytes, version, topic, state)
    assert entry.data() == data
    assert parse_leaf(data) == entry
    for bad in (data + b"\x00", data[:-1], data[:10]):
        with pytest.raises(LeafError):
            parse_leaf(bad)
