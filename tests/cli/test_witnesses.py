"""Witnesses (D33): `witness new`, `witness cosign`, `witness record` and `verify --witness`, as an outside office
(县纪委) would use them — and the cosignature line checked by an implementation written from the spec alone."""

from __future__ import annotations

import base64
import shutil
from pathlib import Path

import orjson
import pytest

from tests.cli.cosignature import independent_cosignature
from tests.conftest import Kaoping

WITNESS = "jw.changxing.example/witness"


def _witnessed(kp: Kaoping) -> tuple[Path, str]:
    """A ledger with one checkpoint cosigned by a new witness: the folder, and the witness's public key."""
    assert kp("init").exit_code == 0
    assert kp("window", "add", "W01", "公安窗口").exit_code == 0
    assert kp("checkpoint", "--out", "cp1.txt").exit_code == 0
    r = kp("witness", "new", WITNESS, "--key-out", "jw.key")
    assert r.exit_code == 0, r.stderr
    (kp.cwd / "jw.pub").write_text(r.stdout)
    key = kp("public-key").stdout.strip()
    r = kp("witness", "cosign", "cp1.txt", "--key", "jw.key", "--state", "jw.json", "--public-key", key,
           "--out", "cos1.txt")
    assert r.exit_code == 0, r.stderr
    return kp.cwd, r.stdout


def test_a_new_witness_key_is_private_and_its_public_key_is_a_cosignature_vkey(kp: Kaoping) -> None:
    r = kp("witness", "new", WITNESS, "--key-out", "jw.key")
    assert r.exit_code == 0
    name, hexid, blob = r.stdout.strip().split("+", 2)
    assert name == WITNESS and len(hexid) == 8 and base64.b64decode(blob)[0] == 0x04
    assert (kp.cwd / "jw.key").stat().st_mode & 0o777 == 0o600
    again = kp("witness", "new", WITNESS, "--key-out", "jw.key")
    assert again.exit_code == 2 and "已存在" in again.stderr


def test_the_cosignature_verifies_by_the_spec_and_the_state_remembers_the_checkpoint(kp: Kaoping) -> None:
    folder, _ = _witnessed(kp)
    note = (folder / "cos1.txt").read_text()
    cp1 = (folder / "cp1.txt").read_text()
    assert note.startswith(cp1)  # the log's checkpoint and signature, then the witness's line
    assert independent_cosignature((folder / "jw.pub").read_text(), note) > 1_600_000_000
    state = orjson.loads((folder / "jw.json").read_bytes())
    assert state["checkpoint"] == cp1 and state["witness"] == (folder / "jw.pub").read_text().strip()


def test_a_checkpoint_that_extends_the_last_one_is_cosigned_with_a_proof_from_the_ledger_or_from_prove(
        kp: Kaoping) -> None:
    _witnessed(kp)
    assert kp("window", "add", "W02", "税务窗口").exit_code == 0
    assert kp("checkpoint", "--out", "cp2.txt").exit_code == 0
    r = kp("witness", "cosign", "cp2.txt", "--key", "jw.key", "--state", "jw.json", "--json")
    assert r.exit_code == 0, r.stderr
    assert orjson.loads(r.stdout)["basis"] == "ledger"
    assert kp("window", "add", "W03", "社保窗口").exit_code == 0
    assert kp("checkpoint", "--out", "cp3.txt").exit_code == 0
    assert kp("prove", "cp2.txt", "cp3.txt", "--out", "p23.txt").exit_code == 0
    r = kp("witness", "cosign", "cp3.txt", "--key", "jw.key", "--state", "jw.json", "--proof", "p23.txt", "--json")
    assert r.exit_code == 0, r.stderr
    assert orjson.loads(r.stdout)["basis"] == "proof" and orjson.loads(r.stdout)["previous"] > 0


def test_an_older_checkpoint_is_refused_and_the_state_is_untouched(kp: Kaoping) -> None:
    folder, _ = _witnessed(kp)
    assert kp("window", "add", "W02", "税务窗口").exit_code == 0
    assert kp("checkpoint", "--out", "cp2.txt").exit_code == 0
    assert kp("witness", "cosign", "cp2.txt", "--key", "jw.key", "--state", "jw.json").exit_code == 0
    before = (folder / "jw.json").read_bytes()
    r = kp("witness", "cosign", "cp1.txt", "--key", "jw.key", "--state", "jw.json", "--out", "old.txt")
    assert r.exit_code == 2 and "回退" in r.stderr
    assert (folder / "jw.json").read_bytes() == before and not (folder / "old.txt").exists()


def test_a_checkpoint_not_signed_by_the_log_is_refused(kp: Kaoping) -> None:
    folder, _ = _witnessed(kp)
    forged = (folder / "cp1.txt").read_text().replace("\n\n", "\n\n\u2014 x AAAA\n", 1)
    (folder / "forged.txt").write_text(forged.split("\n\n")[0] + "\n\n\u2014 other AAAAAAAAAAAAAAAA\n")
    before = (folder / "jw.json").read_bytes()
    r = kp("witness", "cosign", "forged.txt", "--key", "jw.key", "--state", "jw.json")
    assert r.exit_code == 2 and "不是该账本" in r.stderr
    assert (folder / "jw.json").read_bytes() == before


@pytest.mark.sqlite_only("a fork is made by copying the SQLite file")
def test_a_forked_ledgers_checkpoint_is_refused_whether_proven_from_its_ledger_or_from_a_proof(
        kp: Kaoping, tmp_path: Path) -> None:
    folder, _ = _witnessed(kp)
    db = Path(kp.db.removeprefix("sqlite:///"))
    fork_dir = tmp_path / "fork"
    fork_dir.mkdir()
    shutil.copy(db, fork_dir / db.name)
    shutil.copy(db.with_suffix(".key"), fork_dir / db.with_suffix(".key").name)
    fork = Kaoping(f"sqlite:///{fork_dir / db.name}", folder)
    assert kp("window", "add", "W02", "税务窗口").exit_code == 0
    assert kp("checkpoint", "--out", "cp2.txt").exit_code == 0
    assert kp("witness", "cosign", "cp2.txt", "--key", "jw.key", "--state", "jw.json").exit_code == 0
    before = (folder / "jw.json").read_bytes()
    # the fork: the same key, a different history after cp1, at the same size as cp2
    assert fork("window", "add", "W09", "另一个窗口").exit_code == 0
    assert fork("checkpoint", "--out", "fork2.txt").exit_code == 0
    r = fork("witness", "cosign", "fork2.txt", "--key", "jw.key", "--state", "jw.json", "--out", "f.txt")
    assert r.exit_code == 2 and "分叉" in r.stderr
    # and larger: neither its own ledger nor a proof made from it shows that it extends cp2
    assert fork("window", "add", "W08", "又一个窗口").exit_code == 0
    assert fork("checkpoint", "--out", "fork3.txt").exit_code == 0
    r = fork("witness", "cosign", "fork3.txt", "--key", "jw.key", "--state", "jw.json", "--out", "f.txt")
    assert r.exit_code == 2 and "拒绝副署" in r.stderr
    assert fork("prove", "cp1.txt", "fork3.txt", "--out", "pf.txt").exit_code == 0
    r = fork("witness", "cosign", "fork3.txt", "--key", "jw.key", "--state", "jw.json", "--proof", "pf.txt")
    assert r.exit_code == 2 and "不是从本见证方上次副署的" in r.stderr
    assert (folder / "jw.json").read_bytes() == before and not (folder / "f.txt").exists()


def test_verify_requires_each_named_witnesss_cosignature_on_the_latest_checkpoint(kp: Kaoping) -> None:
    folder, _ = _witnessed(kp)
    r = kp("verify", "--witness", "jw.pub")
    assert r.exit_code == 1 and "缺少见证方" in r.stderr  # cosigned, but not yet recorded in the ledger
    assert kp("verify", "--checkpoint", "cos1.txt", "--witness", "jw.pub").exit_code == 0  # the file carries it
    r = kp("witness", "record", "cos1.txt", "--witness", "jw.pub")
    assert r.exit_code == 0, r.stderr
    r = kp("verify", "--witness", "jw.pub", "--json")
    assert r.exit_code == 0
    assert [w["ok"] for w in orjson.loads(r.stdout)["witnesses"]] == [True]
    other = kp("witness", "new", "xn.changxing.example/witness", "--key-out", "xn.key")
    (folder / "xn.pub").write_text(other.stdout)
    r = kp("verify", "--witness", "jw.pub", "--witness", "xn.pub")
    assert r.exit_code == 1 and "xn.changxing.example/witness" in r.stderr
    assert kp("checkpoint").exit_code == 0  # a newer checkpoint: the witness has not cosigned that one
    assert kp("verify", "--witness", "jw.pub").exit_code == 1
    assert "见证副署" in kp("log").stdout


def test_recording_a_cosignature_refuses_what_is_not_this_ledgers_checkpoint_or_this_witnesss_line(
        kp: Kaoping) -> None:
    folder, _ = _witnessed(kp)
    other = kp("witness", "new", "xn.changxing.example/witness", "--key-out", "xn.key")
    (folder / "xn.pub").write_text(other.stdout)
    r = kp("witness", "record", "cos1.txt", "--witness", "xn.pub")
    assert r.exit_code == 2 and "没有见证方" in r.stderr
    r = kp("witness", "record", "cp1.txt", "--witness", "jw.pub")
    assert r.exit_code == 2
    tampered = (folder / "cos1.txt").read_text().replace("\u2014 " + WITNESS + " ", "\u2014 " + WITNESS + " AAAA")
    (folder / "bad.txt").write_text(tampered)
    assert kp("witness", "record", "bad.txt", "--witness", "jw.pub").exit_code == 2
    size = len(kp("log", "--json").stdout)
    assert kp("witness", "record", "cos1.txt", "--witness", "jw.pub").exit_code == 0
    again = kp("witness", "record", "cos1.txt", "--witness", "jw.pub")
    assert again.exit_code == 2 and "已经登记过" in again.stderr
    assert len(kp("log", "--json").stdout) > size
