"""JSON receipts of every event of a fact (kaoping-receipt/2), and the first release's receipts (kaoping-receipt/1)."""

from __future__ import annotations

import base64
import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import orjson
import pytest

from ledger.app import Ledger
from ledger.errors import InvalidInput, NotAllowed
from ledger.integrity import keys, receipts, signing
from ledger.integrity.checkpoint import Checkpoint
from ledger.integrity.note import SignerKey, VerifierKey, sign_note
from ledger.integrity.tlog_proof import TlogProof, parse_proof
from tests.ledger.integrity import independent

RELEASE1 = Path(__file__).resolve().parents[2] / "data" / "release1"


@pytest.fixture
def key(tmp_path: Path) -> Path:
    return tmp_path / "signing.key"


def _retracted_finding(ledger: Ledger) -> tuple[str, str]:
    """A finding recorded then retracted (two events), and another fact beside it."""
    ledger.add_window("W01", "公安窗口")
    ledger.add_staff("P01", "张三", "W01", "2024-01-01")
    fid = ledger.record_finding("W2.3", window="W01", day="2024-03-01", source="patrol")
    other = ledger.record_finding("S4.1", staff="P01", day="2024-03-02", source="weekly")
    ledger.retract(str(fid), "录入有误")
    return str(fid), str(other)


def _verify(doc: dict[str, Any], trusted: VerifierKey) -> receipts.ReceiptCheck:
    return receipts.verify_receipt(receipts.read_receipt(orjson.dumps(doc).decode()), trusted)


def test_a_json_receipt_holds_every_event_of_the_fact_each_with_its_tlog_proof(ledger: Ledger, key: Path) -> None:
    fid, _ = _retracted_finding(ledger)
    doc = receipts.receipt(ledger, fid, str(key))
    trusted = keys.recorded_key(ledger)
    assert trusted is not None
    assert doc["format"] == "kaoping-receipt/2" and doc["event_count"] == 2
    assert [e["originator_version"] for e in doc["events"]] == [1, 2]
    assert [e["topic"] for e in doc["events"]] == ["ledger.events:FindingRecorded", "ledger.events:FindingRetracted"]
    result = _verify(copy.deepcopy(doc), trusted)
    assert str(result.fact) == fid and result.complete and result.checkpoint.size == doc["size"]
    assert [e.position for e in result.events] == [e["position"] for e in doc["events"]]
    # each event's proof, and the signed count, read by the independent reader too
    for n, e in enumerate(doc["events"], start=1):
        proven = independent.verify_tlog_proof(e["tlog_proof"].encode(), trusted.text())
        entry = independent.parse_kaoping_leaf(proven.extra)
        assert (str(entry.originator), entry.version, proven.index + 1) == (fid, n, e["position"])
        assert orjson.loads(entry.state) == e["content"]
    statement = independent.open_note(doc["statement"].encode(), independent.parse_key(trusted.text()))
    assert f"fact {fid}\n".encode() in statement and b"\nevents 2\n" in statement


def test_a_json_receipt_needs_the_key_file_that_signs_its_count_or_writes_nothing(ledger: Ledger, key: Path) -> None:
    fid, _ = _retracted_finding(ledger)
    signing.make_checkpoint(ledger, key)
    before = sum(1 for _ in ledger.notifications())
    with pytest.raises(NotAllowed, match="tlog-proof"):
        receipts.receipt(ledger, fid, str(key.with_name("elsewhere.key")))
    assert sum(1 for _ in ledger.notifications()) == before
    # the tlog-proof needs no key when a checkpoint already covers the fact
    assert receipts.covered(ledger, fid, str(key.with_name("elsewhere.key"))).recording_proof().index >= 0


def _json_forgeries(
    doc: dict[str, Any], other: dict[str, Any], signer_name: str
) -> Iterator[tuple[str, dict[str, Any]]]:
    """JSON receipts an attacker might hand over, each of which must be refused."""

    def changed(fn: Any) -> dict[str, Any]:
        d = copy.deepcopy(doc)
        fn(d)
        return d

    yield "the retraction dropped", changed(lambda d: d["events"].pop())
    yield "the retraction dropped and the count edited", changed(
        lambda d: (d["events"].pop(), d.update(event_count=1)))
    yield "the recording dropped", changed(lambda d: d["events"].pop(0))
    yield "an event listed twice", changed(lambda d: d["events"].append(d["events"][0]))
    yield "events in another order", changed(lambda d: d["events"].reverse())
    yield "another fact's event in its place", changed(
        lambda d: d["events"].__setitem__(0, other["events"][0]))
    yield "another fact's statement", changed(lambda d: d.update(statement=other["statement"]))
    yield "another fact's id", changed(lambda d: d.update(fact=other["fact"]))
    yield "an edited readable content", changed(lambda d: d["events"][0]["content"].update(item="W2.4"))
    yield "an edited position", changed(lambda d: d["events"][0].update(position=d["events"][0]["position"] + 1))
    yield "an edited topic", changed(lambda d: d["events"][1].update(topic="ledger.events:FindingRecorded"))
    yield "an unsigned note added", changed(lambda d: d.update(note="已撤销"))
    yield "an unsigned field in an event", changed(lambda d: d["events"][0].update(verdict="维持"))
    yield "a wrong size beside the statement", changed(lambda d: d.update(size=d["size"] + 1))

    def edited_extra(d: dict[str, Any]) -> None:
        p = parse_proof(d["events"][0]["tlog_proof"])
        assert p.extra is not None
        forged = p.extra.replace(b"W2.3", b"W2.4")
        d["events"][0]["tlog_proof"] = TlogProof(p.index, p.proof, p.checkpoint, forged).text()
        d["events"][0]["content"]["item"] = "W2.4"

    yield "an edited extra", changed(edited_extra)

    def another_index(d: dict[str, Any]) -> None:
        p = parse_proof(d["events"][1]["tlog_proof"])
        d["events"][1]["tlog_proof"] = TlogProof(p.index - 1, p.proof, p.checkpoint, p.extra).text()

    yield "a proof of another index", changed(another_index)
    impostor = SignerKey.generate(signer_name)

    def resigned(d: dict[str, Any]) -> None:
        body = d["statement"][: d["statement"].rindex("\n\n") + 1].replace("events 2", "events 1")
        d["statement"] = sign_note(body, impostor)
        d["events"].pop()
        d["event_count"] = 1

    yield "the count re-signed by another key of the same name", changed(resigned)

    def checkpoints_by_impostor(d: dict[str, Any]) -> None:
        for e in d["events"]:
            p = parse_proof(e["tlog_proof"])
            note = sign_note(Checkpoint(signer_name, d["size"], base64.b64decode(d["root"])).body(), impostor)
            e["tlog_proof"] = TlogProof(p.index, p.proof, note, p.extra).text()

    yield "checkpoints signed by another key", changed(checkpoints_by_impostor)


def test_forged_json_receipts_are_refused(ledger: Ledger, key: Path) -> None:
    fid, other_id = _retracted_finding(ledger)
    for n in range(3):
        ledger.add_window(f"X{n}", "填充窗口")
    doc = receipts.receipt(ledger, fid, str(key))
    other = receipts.receipt(ledger, other_id, str(key))
    trusted = keys.recorded_key(ledger)
    assert trusted is not None
    _verify(doc, trusted)  # the genuine one verifies
    accepted = []
    for name, forged in _json_forgeries(doc, other, trusted.name):
        try:
            _verify(forged, trusted)
        except receipts.ReceiptError:
            continue
        accepted.append(name)
    assert accepted == []


def test_a_genuine_receipt_is_refused_under_any_other_public_key(ledger: Ledger, key: Path) -> None:
    fid, _ = _retracted_finding(ledger)
    doc = receipts.receipt(ledger, fid, str(key))
    trusted = keys.recorded_key(ledger)
    assert trusted is not None
    for stranger in (SignerKey.generate(trusted.name).verifier, SignerKey.generate("kaoping.local/other").verifier):
        with pytest.raises(receipts.ReceiptError):
            _verify(doc, stranger)
        with pytest.raises(receipts.ReceiptError):
            receipts.verify_receipt(receipts.read_receipt(doc["events"][0]["tlog_proof"]), stranger)


@pytest.mark.parametrize("text", ["not json", "[]", '{"format": "kaoping-receipt/9"}', '{"events": []}'])
def test_a_file_that_is_no_receipt_is_bad_input_not_a_failed_receipt(text: str) -> None:
    with pytest.raises(InvalidInput):
        receipts.read_receipt(text)


# The first release's receipts (kaoping-receipt/1): they still verify, and forgeries of them are refused.

RELEASE1_KEY = VerifierKey.parse((RELEASE1 / "public-key.txt").read_text())
RELEASE1_RECEIPTS = ["receipt-corruption.json", "receipt-complaint.json"]


@pytest.mark.parametrize("name", RELEASE1_RECEIPTS)
def test_receipts_of_the_first_release_still_verify_under_its_public_key(name: str) -> None:
    result = receipts.verify_receipt(receipts.read_receipt((RELEASE1 / name).read_text()), RELEASE1_KEY)
    assert result.form == "kaoping-receipt/1" and result.complete is False and result.events


def _legacy_forgeries(doc: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """First-release receipts an attacker might hand over: each must be refused."""
    e0 = doc["events"][0]
    proof = e0["inclusion_proof"]

    def with_event(**changes: Any) -> dict[str, Any]:
        d = copy.deepcopy(doc)
        d["events"][0].update(changes)
        return d

    yield "truncated proof", with_event(inclusion_proof=proof[:-1])
    yield "extended proof", with_event(inclusion_proof=proof + [proof[-1]])
    yield "preceding node", with_event(inclusion_proof=[proof[0]] + proof)
    if len(proof) > 1 and proof[0] != proof[1]:
        yield "reordered proof", with_event(inclusion_proof=[proof[1], proof[0]] + proof[2:])
    first = base64.b64decode(proof[0])
    flipped = base64.b64encode(bytes([first[0] ^ 1]) + first[1:]).decode()
    yield "bit flipped", with_event(inclusion_proof=[flipped] + proof[1:])
    yield "index at size", with_event(position=doc["size"] + 1)
    yield "index beyond size", with_event(position=doc["size"] + 7)
    yield "other position", with_event(position=e0["position"] + 1)
    yield "position zero", with_event(position=0)
    state = base64.b64decode(e0["state"])
    forged = state.replace(e0["content"]["channel"].encode(), b"consultation")
    assert forged != state
    yield "edited state", with_event(state=base64.b64encode(forged).decode())
    yield "edited readable content", with_event(content={**e0["content"], "channel": "consultation"})
    yield "other topic", with_event(topic="ledger.events:FindingRecorded")
    d = copy.deepcopy(doc)
    d["size"] = doc["size"] - 1
    yield "wrong size", d
    d = copy.deepcopy(doc)
    d["checkpoint"] = d["checkpoint"].replace(f"\n{doc['size']}\n", f"\n{doc['size'] + 1}\n")
    yield "re-sized checkpoint", d
    impostor = SignerKey.generate(doc["origin"])
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


@pytest.mark.parametrize("name", RELEASE1_RECEIPTS)
def test_forged_first_release_receipts_are_refused(name: str) -> None:
    doc = orjson.loads((RELEASE1 / name).read_bytes())
    accepted = []
    for what, forged in _legacy_forgeries(doc):
        try:
            _verify(forged, RELEASE1_KEY)
        except receipts.ReceiptError:
            continue
        accepted.append(what)
    assert accepted == []
