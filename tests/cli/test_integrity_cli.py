"""`kaoping checkpoint`, `verify`, `receipt`, `verify-receipt` and `public-key` from the command line."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
from pathlib import Path

import orjson
import pytest

from tests.helpers import Kaoping, kaoping_script


def _setup(kp) -> str:  # type: ignore[no-untyped-def]
    assert kp("init").exit_code == 0
    assert kp("window", "add", "W01", "公安窗口").exit_code == 0
    r = kp("record", "W2.3", "--window", "W01", "--date", "2024-03-01", "--source", "patrol")
    assert r.exit_code == 0, r.stderr
    return r.stdout.strip()


@pytest.mark.posix_only("checks the key file's mode bits and its place beside the ledger")
def test_init_creates_a_private_signing_key_and_records_its_public_half(kp: Kaoping, tmp_path: Path) -> None:
    assert kp("init").exit_code == 0
    key = tmp_path / "kaoping.key"
    if kp.db.startswith("sqlite"):
        key = Path(kp.db[len("sqlite:///"):]).with_suffix(".key")
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    pub = kp("public-key")
    assert pub.exit_code == 0 and pub.stdout.startswith("kaoping.local/")
    log = orjson.loads(kp("log", "--json").stdout)
    assert [e["type"] for e in log["events"]][:2] == ["CenterInitialised", "SigningKeyRecorded"]


def test_a_second_init_creates_no_new_key(kp: Kaoping, tmp_path: Path) -> None:
    assert kp("init").exit_code == 0
    key_text = kp("public-key").stdout
    assert kp("init").exit_code == 2
    assert kp("public-key").stdout == key_text


def test_checkpoint_verify_receipt_and_offline_verification(kp: Kaoping, tmp_path: Path) -> None:
    fid = _setup(kp)
    r = kp("checkpoint", "--out", "cp.txt")
    assert r.exit_code == 0, r.stderr
    note = (tmp_path / "cp.txt").read_text()
    assert note.count("\n") == 5 and "\n\n\u2014 kaoping.local/" in note
    assert kp("window", "add", "W02", "税务窗口").exit_code == 0
    v = kp("verify", "--checkpoint", "cp.txt", "--json")
    assert v.exit_code == 0, v.stdout
    doc = orjson.loads(v.stdout)
    assert doc["ok"] and doc["broken"] is None and doc["external"]["extends"]
    assert doc["newer_than_checkpoint"] == 2
    plain = kp("verify")
    assert plain.exit_code == 0 and "校验通过" in plain.stdout
    rec = kp("receipt", fid, "--out", "receipt.json")
    assert rec.exit_code == 0, rec.stderr
    assert kp("public-key", "--out", "pub.txt").exit_code == 0
    # On another machine: only the receipt and the public key, no database, no key file.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for name in ("receipt.json", "pub.txt"):
        (elsewhere / name).write_bytes((tmp_path / name).read_bytes())
    p = subprocess.run([kaoping_script(), "--db", str(elsewhere / "none.db"), "verify-receipt", "receipt.json",
                        "--public-key", "pub.txt", "--json"], capture_output=True, text=True, cwd=elsewhere, timeout=60)
    assert p.returncode == 0, p.stderr
    assert orjson.loads(p.stdout)["valid"] is True
    assert not (elsewhere / "none.db").exists()
    receipt = orjson.loads((elsewhere / "receipt.json").read_text())
    receipt["events"][0]["content"]["item"] = "W2.4"
    (elsewhere / "receipt.json").write_bytes(orjson.dumps(receipt))
    p = subprocess.run([kaoping_script(), "verify-receipt", "receipt.json", "--public-key", "pub.txt"],
                       capture_output=True, text=True, cwd=elsewhere, timeout=60)
    assert p.returncode == 1 and "收据无效" in p.stderr


def test_verify_through_the_installed_script(kp_script, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert kp_script("init").exit_code == 0
    assert kp_script("checkpoint", "--out", "cp.txt").exit_code == 0
    r = kp_script("verify", "--checkpoint", "cp.txt")
    assert r.exit_code == 0 and "校验通过" in r.stdout


def test_a_checkpoint_to_a_missing_folder_writes_nothing(kp: Kaoping, tmp_path: Path) -> None:
    _setup(kp)
    before = orjson.loads(kp("log", "--json").stdout)["events"]
    r = kp("checkpoint", "--out", "no/such/dir/cp.txt")
    assert r.exit_code == 2 and r.stderr.startswith("错误：")
    fid = orjson.loads(kp("log", "--json").stdout)["events"][-1]["id"]
    r = kp("receipt", fid, "--out", "no/such/dir/r.json")  # would otherwise take a checkpoint first
    assert r.exit_code == 2
    assert orjson.loads(kp("log", "--json").stdout)["events"] == before


@pytest.mark.sqlite_only("about SQLite files")
def test_verify_of_a_missing_ledger_is_refused_without_creating_one(kp: Kaoping, tmp_path: Path) -> None:
    r = kp("verify")
    assert r.exit_code == 2
    assert not Path(kp.db[len("sqlite:///"):]).exists()


def _edit_state(db: str, position: int, old: bytes, new: bytes) -> None:
    """Replace bytes in the stored state at a ledger position, directly in the database."""
    if db.startswith("sqlite"):
        with sqlite3.connect(db[len("sqlite:///"):]) as conn:
            rowid, state = conn.execute(
                "SELECT rowid, state FROM stored_events ORDER BY rowid LIMIT 1 OFFSET ?", (position - 1,)
            ).fetchone()
            conn.execute("UPDATE stored_events SET state=? WHERE rowid=?", (state.replace(old, new), rowid))
        return
    import psycopg

    with psycopg.connect(db, autocommit=True) as conn:
        nid, state = conn.execute(
            "SELECT notification_id, state FROM kaoping_events ORDER BY notification_id LIMIT 1 OFFSET %s",
            (position - 1,),
        ).fetchone()
        conn.execute("UPDATE kaoping_events SET state=%s WHERE notification_id=%s", (state.replace(old, new), nid))


def test_a_tampered_ledger_fails_verify_with_exit_1_and_the_position(kp: Kaoping) -> None:
    _setup(kp)
    assert kp("checkpoint").exit_code == 0
    _edit_state(kp.db, 4, b"W2.3", b"W2.4")
    r = kp("verify")
    assert r.exit_code == 1
    assert "位置 4" in r.stderr and "位置 4" in r.stdout
    doc = orjson.loads(kp("verify", "--json").stdout)
    assert doc["ok"] is False and doc["broken"]["position"] == 4 and doc["broken"]["kind"] == "content"
    assert kp("checkpoint").exit_code == 2  # never signs over a tampered ledger


def test_the_key_can_be_kept_elsewhere_with_an_option_or_the_environment(sqlite_url: str, tmp_path: Path) -> None:
    kp = Kaoping(sqlite_url, tmp_path)
    keyfile = tmp_path / "vault" / "center.key"
    keyfile.parent.mkdir()
    assert kp("--key", str(keyfile), "init").exit_code == 0
    assert keyfile.exists() and not Path(sqlite_url[len("sqlite:///"):]).with_suffix(".key").exists()
    assert kp("checkpoint").exit_code == 2  # the default place has no key
    os.environ["KAOPING_KEY"] = str(keyfile)
    try:
        assert kp("checkpoint").exit_code == 0
    finally:
        del os.environ["KAOPING_KEY"]


def _decided_quarter(kp: Kaoping) -> None:
    assert kp("init").exit_code == 0
    assert kp("window", "add", "W01", "县市场监管局窗口").exit_code == 0
    assert kp("staff", "add", "P1", "张伟", "--window", "W01", "--from", "2008-05-01").exit_code == 0
    assert kp("record", "S1.1", "--staff", "P1", "--date", "2008-05-06", "--source", "weekly").exit_code == 0
    assert kp("shortlist", "2008Q2", "--windows", "1", "--staff", "1").exit_code == 0
    assert kp("decide", "2008Q2", "--red-flag", "W01", "--five", "P1").exit_code == 0


def test_publishing_a_quarter_embeds_a_signed_checkpoint_of_the_ledger(kp: Kaoping, tmp_path: Path) -> None:
    _decided_quarter(kp)
    pub = kp("publish", "2008Q2", "--json")
    assert pub.exit_code == 0, pub.stderr
    note = orjson.loads(pub.stdout)["checkpoint"]
    (tmp_path / "tongbao-cp.txt").write_text(note)
    published = [e for e in orjson.loads(kp("log", "--json").stdout)["events"] if e["type"] == "QuarterPublished"]
    assert len(published) == 1
    doc = orjson.loads(kp("verify", "--checkpoint", "tongbao-cp.txt", "--json").stdout)
    assert doc["ok"] and doc["external"]["extends"]
    assert doc["checkpoints"][-1]["size"] == int(note.split("\n")[1])


def test_publishing_over_a_tampered_ledger_is_refused(kp: Kaoping) -> None:
    _decided_quarter(kp)
    assert kp("checkpoint").exit_code == 0
    _edit_state(kp.db, 5, b"S1.1", b"S1.2")
    r = kp("publish", "2008Q2")
    assert r.exit_code == 2 and "校验未通过" in r.stderr


def test_every_kind_of_flaw_verify_can_find_has_a_chinese_name() -> None:
    import ast

    from cli.commands.verify import KINDS

    root = Path(__file__).resolve().parents[2] / "ledger"
    found = set()
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Flaw" and len(node.args) > 1:
                kind = node.args[1]
                if isinstance(kind, ast.Constant) and isinstance(kind.value, str):
                    found.add(kind.value)
    assert {"content", "version", "stream"} <= found
    assert found <= set(KINDS), found - set(KINDS)
