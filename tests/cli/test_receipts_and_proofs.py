"""`receipt`, `verify-receipt`, `prove` and `verify-consistency` from the command line, and the full public key
in publications: what an outsider holding only files and the published key can check."""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from cli.main import cli
from ledger.integrity.checkpoint import Checkpoint, open_checkpoint
from ledger.integrity.note import SignerKey, VerifierKey, sign_note
from ledger.integrity.tlog_proof import TlogProof, parse_proof
from tests.conftest import Kaoping, Result, kaoping_script
from tests.ledger.integrity import independent

DATA = Path(__file__).resolve().parent.parent / "data"
RELEASE1, PROOFS = DATA / "release1", DATA / "proofs"
CORRUPTION = "1da246fe-9060-45ef-bbc1-cd2d3184d9e0"


def _retracted(kp: Kaoping) -> str:
    """A ledger with one finding recorded, then retracted, and more events after it; the finding's id."""
    assert kp("init").exit_code == 0
    assert kp("window", "add", "W01", "公安窗口").exit_code == 0
    r = kp("record", "W2.3", "--window", "W01", "--date", "2024-03-01", "--source", "patrol")
    assert r.exit_code == 0, r.stderr
    fid = r.stdout.strip()
    assert kp("retract", fid, "--reason", "录错窗口").exit_code == 0
    assert kp("window", "add", "W02", "税务窗口").exit_code == 0
    return fid


def _offline(folder: Path, *args: str) -> Result:
    """The installed script on a machine with no database: only the files in `folder`."""
    p = subprocess.run([kaoping_script(), "--db", str(folder / "none.db"), *args],
                       capture_output=True, text=True, cwd=folder, timeout=120)
    assert not (folder / "none.db").exists()
    return Result(p.returncode, p.stdout, p.stderr)


def test_a_tlog_proof_receipt_is_checked_offline_by_kaoping_and_by_an_independent_reader(
    kp: Kaoping, tmp_path: Path
) -> None:
    fid = _retracted(kp)
    r = kp("receipt", fid, "--out", "finding.tlog-proof")
    assert r.exit_code == 0, r.stderr
    assert "index" in r.stdout
    pub = kp("public-key").stdout.strip()
    data = (tmp_path / "finding.tlog-proof").read_bytes()
    assert data.startswith(b"c2sp.org/tlog-proof@v1\nextra ") and b"\r" not in data
    proven = independent.verify_tlog_proof(data, pub)
    entry = independent.parse_kaoping_leaf(proven.extra)
    assert (str(entry.originator), entry.version, entry.topic) == (fid, 1, "ledger.events:FindingRecorded")
    assert orjson.loads(entry.state)["item"] == "W2.3"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(tmp_path / "finding.tlog-proof", elsewhere)
    v = _offline(elsewhere, "verify-receipt", "finding.tlog-proof", "--public-key", pub, "--json")
    assert v.exit_code == 0, v.stderr
    doc = orjson.loads(v.stdout)
    assert doc["valid"] and doc["form"] == "tlog-proof" and doc["fact"] == fid and doc["complete"] is False
    assert doc["positions"] == [proven.index + 1]


def test_a_json_receipt_lists_every_event_and_a_dropped_retraction_is_caught(kp: Kaoping, tmp_path: Path) -> None:
    fid = _retracted(kp)
    r = kp("receipt", fid, "--out", "finding.json")
    assert r.exit_code == 0, r.stderr
    assert kp("public-key", "--out", "pub.txt").exit_code == 0
    ok = kp("verify-receipt", "finding.json", "--public-key", "pub.txt")
    assert ok.exit_code == 0 and "收据有效" in ok.stdout and "全部事件" in ok.stdout
    doc = orjson.loads((tmp_path / "finding.json").read_bytes())
    assert doc["event_count"] == 2 and [e["originator_version"] for e in doc["events"]] == [1, 2]
    for forged_count in (2, 1):  # the retraction left out, with the count as it was and edited to match
        doc["events"] = doc["events"][:1]
        doc["event_count"] = forged_count
        (tmp_path / "forged.json").write_bytes(orjson.dumps(doc))
        bad = kp("verify-receipt", "forged.json", "--public-key", "pub.txt")
        assert bad.exit_code == 1 and bad.stderr.startswith("收据无效：") and bad.stderr.count("\n") == 1


def test_verify_receipt_requires_the_trusted_key_and_never_trusts_one_the_receipt_carries(
    kp: Kaoping, tmp_path: Path
) -> None:
    fid = _retracted(kp)
    assert kp("receipt", fid, "--out", "finding.json").exit_code == 0
    key_id = orjson.loads((tmp_path / "finding.json").read_bytes())["key_id"]
    for args, says in ((["verify-receipt", "finding.json"], "--public-key"),
                       (["verify-receipt", "finding.json", "--key-id", key_id], "2³²")):
        r = kp(*args)
        assert r.exit_code == 2 and says in r.stderr and r.stderr.count("\n") == 1 and r.stdout == ""
    # A first-release receipt re-signed by an impostor, carrying the impostor's key: refused under the real key.
    old = orjson.loads((RELEASE1 / "receipt-corruption.json").read_bytes())
    impostor = SignerKey.generate(old["origin"])
    head = Checkpoint(old["origin"], old["size"], base64.b64decode(old["root"]))
    old["checkpoint"] = sign_note(head.body(), impostor)
    old["public_key"], old["key_id"] = impostor.verifier.text(), impostor.verifier.key_id_hex
    (tmp_path / "impostor.json").write_bytes(orjson.dumps(old))
    shutil.copy(RELEASE1 / "public-key.txt", tmp_path / "release1.pub")
    r = kp("verify-receipt", "impostor.json", "--public-key", "release1.pub")
    assert r.exit_code == 1 and "收据无效" in r.stderr
    assert kp("verify-receipt", "impostor.json").exit_code == 2  # the first release said 收据有效 here
    # the same receipt checked against the impostor's own key verifies: the key, not the file, is the trust
    assert kp("verify-receipt", "impostor.json", "--public-key", impostor.verifier.text()).exit_code == 0


def test_a_forged_tlog_proof_fails_with_exit_1_naming_why(kp: Kaoping, tmp_path: Path) -> None:
    fid = _retracted(kp)
    assert kp("receipt", fid, "--out", "f.tlog-proof").exit_code == 0
    pub = kp("public-key").stdout.strip()
    p = parse_proof((tmp_path / "f.tlog-proof").read_text())
    assert p.extra is not None
    forged = {
        "edited extra": TlogProof(p.index, p.proof, p.checkpoint, p.extra.replace(b"W2.3", b"W2.4")),
        "another index": TlogProof(p.index + 1, p.proof, p.checkpoint, p.extra),
    }
    for name, proof in forged.items():
        (tmp_path / f"{name}.tlog-proof").write_bytes(proof.text().encode())
        r = kp("verify-receipt", f"{name}.tlog-proof", "--public-key", pub)
        assert r.exit_code == 1 and r.stderr.startswith("收据无效：包含证明无效"), name


def _consistency_setup(kp: Kaoping) -> str:
    _retracted(kp)
    assert kp("checkpoint", "--out", "old.txt").exit_code == 0
    assert kp("window", "add", "W03", "国土窗口").exit_code == 0
    assert kp("checkpoint", "--out", "new.txt").exit_code == 0
    assert kp("public-key", "--out", "pub.txt").exit_code == 0
    return kp("public-key").stdout.strip()


def test_prove_and_verify_consistency_between_two_checkpoints_offline(kp: Kaoping, tmp_path: Path) -> None:
    _consistency_setup(kp)
    r = kp("prove", "old.txt", "new.txt", "--out", "proof.txt")
    assert r.exit_code == 0, r.stderr
    text = (tmp_path / "proof.txt").read_bytes()
    assert text.startswith(b"kaoping-consistency/1\norigin kaoping.local/") and b"\r" not in text
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for name in ("old.txt", "new.txt", "proof.txt", "pub.txt"):
        shutil.copy(tmp_path / name, elsewhere)
    v = _offline(elsewhere, "verify-consistency", "old.txt", "new.txt", "proof.txt", "--public-key", "pub.txt")
    assert v.exit_code == 0 and "一致性证明有效" in v.stdout, v.stderr
    swapped = _offline(elsewhere, "verify-consistency", "new.txt", "old.txt", "proof.txt", "--public-key", "pub.txt")
    assert swapped.exit_code == 1 and swapped.stderr.startswith("一致性证明无效：")
    lines = text.decode().split("\n")
    first = base64.b64decode(lines[4])
    lines[4] = base64.b64encode(bytes([first[0] ^ 1]) + first[1:]).decode()
    (elsewhere / "forged.txt").write_text("\n".join(lines))
    forged = _offline(elsewhere, "verify-consistency", "old.txt", "new.txt", "forged.txt", "--public-key", "pub.txt")
    assert forged.exit_code == 1 and "一致性证明不成立" in forged.stderr
    stranger = SignerKey.generate("kaoping.local/stranger").verifier.text()
    other = _offline(elsewhere, "verify-consistency", "old.txt", "new.txt", "proof.txt", "--public-key", stranger)
    assert other.exit_code == 1
    missing = _offline(elsewhere, "verify-consistency", "old.txt", "new.txt", "proof.txt")
    assert missing.exit_code == 2 and "--public-key" in missing.stderr
    not_a_proof = _offline(elsewhere, "verify-consistency", "old.txt", "new.txt", "old.txt", "--public-key", "pub.txt")
    assert not_a_proof.exit_code == 2 and "old.txt" in not_a_proof.stderr


def test_prove_refuses_another_log_a_newer_old_and_a_bad_signature_and_writes_nothing(
    kp: Kaoping, tmp_path: Path
) -> None:
    _consistency_setup(kp)
    other = tmp_path / "other"
    other.mkdir()
    theirs = Kaoping(f"sqlite:///{other / 'other.db'}", other)
    assert theirs("init").exit_code == 0
    assert theirs("checkpoint", "--out", "foreign.txt").exit_code == 0
    shutil.copy(other / "foreign.txt", tmp_path)
    note = (tmp_path / "old.txt").read_text()
    (tmp_path / "edited.txt").write_bytes(note.replace("\n", "\n ", 1).encode())
    (tmp_path / "crlf.txt").write_bytes(note.replace("\n", "\r\n").encode())
    before = kp("log", "--json").stdout
    for args, says in ((["foreign.txt", "new.txt"], "不是本账本签发"),
                       (["new.txt", "old.txt"], "还旧"),
                       (["edited.txt", "new.txt"], "签名"),
                       (["crlf.txt", "new.txt"], "Windows 换行")):
        r = kp("prove", *args, "--out", "p.txt")
        assert r.exit_code == 2 and says in r.stderr and r.stderr.count("\n") == 1, (args, r.stderr)
        assert not (tmp_path / "p.txt").exists()
    assert kp("log", "--json").stdout == before


def test_prove_without_a_new_checkpoint_signs_one_now_and_hands_it_over(kp: Kaoping, tmp_path: Path) -> None:
    _consistency_setup(kp)
    assert kp("window", "add", "W04", "人社窗口").exit_code == 0
    r = kp("prove", "old.txt", "--out", "proof.txt", "--new-out", "latest.txt", "--json")
    assert r.exit_code == 0, r.stderr
    doc = orjson.loads(r.stdout)
    assert doc["signed_now"] and (tmp_path / "latest.txt").read_text() == doc["new_checkpoint"]
    v = kp("verify-consistency", "old.txt", "latest.txt", "proof.txt", "--public-key", "pub.txt", "--json")
    assert v.exit_code == 0 and orjson.loads(v.stdout)["new"] == doc["new"]
    v = kp("verify", "--checkpoint", "latest.txt")
    assert v.exit_code == 0


def test_publish_prints_the_full_public_key_beside_everything_it_printed_before(kp: Kaoping) -> None:
    assert kp("init").exit_code == 0
    assert kp("window", "add", "W01", "县市场监管局窗口").exit_code == 0
    assert kp("staff", "add", "P1", "张伟", "--window", "W01", "--from", "2008-05-01").exit_code == 0
    assert kp("record", "S1.1", "--staff", "P1", "--date", "2008-05-06", "--source", "weekly").exit_code == 0
    assert kp("shortlist", "2008Q2", "--windows", "1", "--staff", "1").exit_code == 0
    assert kp("decide", "2008Q2", "--red-flag", "W01", "--five", "P1").exit_code == 0
    pub = kp("public-key").stdout.strip()
    r = kp("publish", "2008Q2", "--json")
    assert r.exit_code == 0, r.stderr
    doc = orjson.loads(r.stdout)
    assert {"id", "quarter", "position", "digest", "checkpoint"} <= set(doc) and doc["public_key"] == pub
    assert open_checkpoint(doc["checkpoint"], VerifierKey.parse(doc["public_key"])).size >= doc["position"] > 0


def test_publish_in_plain_text_keeps_its_lines_and_adds_the_public_key(kp: Kaoping) -> None:
    assert kp("init").exit_code == 0
    assert kp("window", "add", "W01", "县市场监管局窗口").exit_code == 0
    assert kp("staff", "add", "P1", "张伟", "--window", "W01", "--from", "2008-05-01").exit_code == 0
    assert kp("record", "S1.1", "--staff", "P1", "--date", "2008-05-06", "--source", "weekly").exit_code == 0
    assert kp("shortlist", "2008Q2", "--windows", "1", "--staff", "1").exit_code == 0
    assert kp("decide", "2008Q2", "--red-flag", "W01", "--five", "P1").exit_code == 0
    r = kp("publish", "2008Q2")
    assert r.exit_code == 0, r.stderr
    assert "结果已公布" in r.stdout and "签名检查点" in r.stdout
    assert r.stdout.rstrip("\n").endswith(kp("public-key").stdout.strip())


def test_checkpoint_and_proof_files_hold_exactly_the_signed_bytes(kp: Kaoping, tmp_path: Path) -> None:
    fid = _retracted(kp)
    r = kp("checkpoint", "--out", "cp.txt", "--json")
    assert r.exit_code == 0
    assert (tmp_path / "cp.txt").read_bytes() == orjson.loads(r.stdout)["note"].encode("utf-8")
    assert kp("receipt", fid, "--out", "r.json").exit_code == 0
    doc = orjson.loads((tmp_path / "r.json").read_bytes())
    assert kp("receipt", fid, "--out", "r.tlog-proof").exit_code == 0
    assert (tmp_path / "r.tlog-proof").read_bytes() == doc["events"][0]["tlog_proof"].encode("utf-8")
    assert kp("public-key", "--out", "k.pub").exit_code == 0
    assert (tmp_path / "k.pub").read_bytes() == (kp("public-key").stdout.strip() + "\n").encode()


# The first release's ledger: its receipts still verify, and this release's proofs of it are reproduced exactly.

def _release1(tmp_path: Path) -> Path:
    folder = tmp_path / "release1"
    shutil.copytree(RELEASE1, folder)
    os.chmod(folder / "demo.key", 0o600)
    (folder / "checkpoint-437.txt").write_text(orjson.loads((folder / "publish.json").read_bytes())["checkpoint"])
    return folder


def _in(folder: Path, *args: str) -> Result:
    old = os.getcwd()
    os.chdir(folder)
    try:
        r = CliRunner().invoke(cli, ["--db", "sqlite:///demo.db", *args], catch_exceptions=False)
    finally:
        os.chdir(old)
    return Result(r.exit_code, r.stdout, r.stderr)


def test_this_release_writes_the_stored_proofs_of_the_first_release_ledger_byte_for_byte(tmp_path: Path) -> None:
    folder = _release1(tmp_path)
    before = (folder / "demo.db").read_bytes()
    for args in (["receipt", CORRUPTION, "--out", "corruption.tlog-proof"],
                 ["receipt", CORRUPTION, "--out", "corruption-receipt.json"],
                 ["prove", "checkpoint-437.txt", "checkpoint.txt", "--out", "consistency-437-439.txt"]):
        r = _in(folder, *args)
        assert r.exit_code == 0, r.stderr
        name = args[-1]
        assert (folder / name).read_bytes() == (PROOFS / name).read_bytes(), name
    assert (folder / "demo.db").read_bytes() == before  # a checkpoint covered everything: nothing was written


@pytest.mark.parametrize("args", [
    ["verify-receipt", "corruption.tlog-proof", "--public-key", "public-key.txt"],
    ["verify-receipt", "corruption-receipt.json", "--public-key", "public-key.txt"],
    ["verify-receipt", "receipt-corruption.json", "--public-key", "public-key.txt"],
    ["verify-receipt", "receipt-complaint.json", "--public-key", "public-key.txt"],
    ["verify-consistency", "checkpoint-437.txt", "checkpoint.txt", "consistency-437-439.txt",
     "--public-key", "public-key.txt"],
])
def test_the_stored_proofs_and_the_first_release_receipts_verify_through_the_installed_script(
    args: list[str], tmp_path: Path
) -> None:
    folder = _release1(tmp_path)
    for name in PROOFS.iterdir():
        shutil.copy(name, folder)
    (folder / "demo.db").unlink()  # offline: no ledger at all
    r = _offline(folder, *args)
    assert r.exit_code == 0, r.stderr
    assert "有效" in r.stdout


def test_the_stored_tlog_proof_is_read_by_the_independent_reader() -> None:
    proven = independent.verify_tlog_proof((PROOFS / "corruption.tlog-proof").read_bytes(),
                                           (RELEASE1 / "public-key.txt").read_text())
    entry = independent.parse_kaoping_leaf(proven.extra)
    assert str(entry.originator) == CORRUPTION and entry.version == 1
    assert proven.checkpoint.size == 439
