"""Moving a ledger between databases keeps every stored row and proves it; a SQLite backup is consistent."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from ledger.app import open_ledger
from ledger.backup.migrate import rows
from tests.helpers import Kaoping, kaoping_script

ROOT = Path(__file__).resolve().parents[2]


def _center(kp: Kaoping, tmp_path: Path) -> None:
    """A small center with a finding, a retraction, an evidence file and a sheet import."""
    assert kp("init", "--center", "长兴县行政服务中心").exit_code == 0
    assert kp("window", "add", "W01", "工商窗口").exit_code == 0
    assert kp("staff", "add", "S001", "张三", "--window", "W01", "--from", "2024-01-01").exit_code == 0
    fid = kp("record", "W2.3", "--window", "W01", "--date", "2024-02-01", "--source", "weekly").stdout.strip()
    assert kp("retract", fid, "--reason", "录错").exit_code == 0
    cert = tmp_path / "荣誉证书.txt"
    cert.write_text("县级荣誉", encoding="utf-8")
    r = kp("bonus", "claim", "honour", "--window", "W01", "--date", "2024-02-02", "--evidence", str(cert),
           "--level", "county", "--ref", "县文明窗口")
    assert r.exit_code == 0, r.stderr
    sheet = tmp_path / "week.csv"
    sheet.write_text(
        "date,window,staff,item,source,dq,note\n"
        + "".join(f"2024-02-{d:02d},W01,S001,S4.1,duty,,第{d}天\n" for d in range(1, 21)),
        encoding="utf-8",
    )
    assert kp("import", "findings", str(sheet)).exit_code == 0


def _raw(url: str) -> list[tuple[str, int, str, bytes]]:
    app = open_ledger(url)
    try:
        return [(str(n.originator_id), n.originator_version, n.topic, n.state) for n in rows(app.recorder)]
    finally:
        app.close()


def test_migrate_copies_every_stored_row_in_order_and_proves_the_same_root(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Default evidence folders: a.evidence beside the SQLite file, ./kaoping-evidence for PostgreSQL.
    monkeypatch.delenv("KAOPING_EVIDENCE_DIR", raising=False)
    source = f"sqlite:///{tmp_path / 'a.db'}"
    _center(Kaoping(source, tmp_path), tmp_path)
    kp = Kaoping(source, tmp_path)
    assert kp("checkpoint", "--out", "before.txt").exit_code == 0  # a signed checkpoint kept outside
    r = kp("migrate", "--from", source, "--to", db_url, "--json")
    assert r.exit_code == 0, r.stderr
    doc = orjson.loads(r.stdout)
    assert doc["same_root"] is True and doc["verified"] is True
    assert doc["source_root"] == doc["target_root"]
    assert doc["events"] == doc["size"] == len(_raw(source)) == 28  # the fill, the signing key (init), the checkpoint
    assert _raw(db_url) == _raw(source)  # byte for byte, same order
    # The evidence file travelled with the ledger, and the target reads the same.
    target = Kaoping(db_url, tmp_path)
    log_a = orjson.loads(kp("log", "--json").stdout)["events"]
    log_b = orjson.loads(target("log", "--json").stdout)["events"]
    assert log_a == log_b
    # The target is the same ledger to the integrity checks: same root, and it extends the old checkpoint.
    verified = target("verify", "--checkpoint", "before.txt", "--json")
    assert verified.exit_code == 0, verified.stdout + verified.stderr
    assert orjson.loads(verified.stdout)["root"] == doc["target_root"]
    assert orjson.loads(kp("verify", "--json").stdout)["root"] == doc["source_root"]
    report_a = kp("report", "2024Q1", "--json")
    report_b = target("report", "2024Q1", "--json")
    assert report_a.exit_code == 0, report_a.stderr
    assert orjson.loads(report_a.stdout) == orjson.loads(report_b.stdout)
    # Its signing key travelled too, so the target can sign the next checkpoint.
    assert target("checkpoint").exit_code == 0
    assert doc["evidence_files"] == 1
    copied = [p for p in (tmp_path / doc["evidence_dir"]).rglob("*") if p.is_file()]
    assert [p.read_text(encoding="utf-8") for p in copied] == ["县级荣誉"]
    # Moving on from the target to a third ledger proves the same root again.
    third = f"sqlite:///{tmp_path / 'c.db'}"
    again = kp("migrate", "--from", db_url, "--to", third, "--json")
    assert again.exit_code == 0, again.stderr
    assert orjson.loads(again.stdout)["target_root"] == orjson.loads(target("verify", "--json").stdout)["root"]


def test_migrate_refuses_a_target_that_already_holds_events_and_changes_nothing(
    db_url: str, tmp_path: Path
) -> None:
    source = f"sqlite:///{tmp_path / 'a.db'}"
    _center(Kaoping(source, tmp_path), tmp_path)
    target = Kaoping(db_url, tmp_path)
    assert target("init", "--center", "另一个中心").exit_code == 0
    before = _raw(db_url)
    r = Kaoping(source, tmp_path)("migrate", "--to", db_url)
    assert r.exit_code == 2
    assert "不是空的" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert _raw(db_url) == before


def test_migrate_from_an_empty_or_missing_ledger_is_refused_and_creates_no_target(tmp_path: Path) -> None:
    kp = Kaoping(f"sqlite:///{tmp_path / 'none.db'}", tmp_path)
    target = tmp_path / "t.db"
    r = kp("migrate", "--to", f"sqlite:///{target}")
    assert r.exit_code == 2 and "不存在" in r.stderr
    assert not target.exists()
    r = kp("migrate", "--from", f"sqlite:///{target}", "--to", f"sqlite:///{target}")
    assert r.exit_code == 2 and "同一个" in r.stderr


def test_backup_of_a_sqlite_ledger_is_a_consistent_standalone_copy_even_while_clerks_write(
    sqlite_url: str, tmp_path: Path
) -> None:
    kp = Kaoping(sqlite_url, tmp_path)
    _center(kp, tmp_path)
    go = tmp_path / "go"
    go.touch()
    clerk = subprocess.Popen(
        [sys.executable, "-m", "tests.ledger.clerk", sqlite_url, "1", "1500", str(go)],
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)}, stderr=subprocess.PIPE, text=True,
    )
    time.sleep(0.8)
    r = kp("backup", str(tmp_path / "backup.db"), "--json")
    _, err = clerk.communicate(timeout=300)
    assert clerk.returncode == 0, err
    assert r.exit_code == 0, r.stderr
    doc = orjson.loads(r.stdout)
    copy = Path(doc["backup"])
    conn = sqlite3.connect(copy)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    backed = _raw(f"sqlite:///{copy}")
    live = _raw(sqlite_url)
    assert 27 <= len(backed) <= len(live)
    assert backed == live[: len(backed)]  # a prefix of the ledger: a consistent moment, nothing torn
    assert doc["evidence_files"] == 1
    shown = Kaoping(f"sqlite:///{copy}", tmp_path)("log", "--json")
    assert shown.exit_code == 0
    assert [e["position"] for e in orjson.loads(shown.stdout)["events"]] == list(range(1, len(backed) + 1))


def test_backup_refuses_to_overwrite_and_points_postgresql_users_to_pg_dump(db_url: str, tmp_path: Path) -> None:
    kp = Kaoping(db_url, tmp_path)
    assert kp("init").exit_code == 0
    out = tmp_path / "copy.db"
    r = kp("backup", str(out))
    if db_url.startswith("postgresql"):
        assert r.exit_code == 2 and "pg_dump" in r.stderr
        assert not out.exists()
        return
    assert r.exit_code == 0, r.stderr
    again = kp("backup", str(out))
    assert again.exit_code == 2 and "已存在" in again.stderr


def test_the_installed_script_migrates_and_backs_up_too(db_url: str, tmp_path: Path) -> None:
    source = f"sqlite:///{tmp_path / 'a.db'}"
    _center(Kaoping(source, tmp_path), tmp_path)
    p = subprocess.run([kaoping_script(), "--db", source, "migrate", "--to", db_url],
                       capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert p.returncode == 0, p.stderr
    assert "两边根哈希一致" in p.stdout
    p = subprocess.run([kaoping_script(), "--db", source, "backup", "b.db"],
                       capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "b.db").exists() and (tmp_path / "b.evidence").is_dir()
