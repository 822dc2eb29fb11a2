"""A bulk import killed with SIGKILL mid-write leaves all of its rows or none, on every backend."""

from __future__ import annotations

import csv
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

from ledger import events as ev
from ledger.app import open_ledger
from tests.helpers import kaoping_script

ROWS = 30_000


def _sheet(path: Path, rows: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["date", "window", "staff", "item", "source", "dq", "note"])
        for i in range(rows):
            w.writerow([f"2024-02-{1 + i % 28:02d}", "W01", "", "W2.3", "weekly", "", f"第{i}条"])
    return path


def _findings(db_url: str) -> list[ev.FindingRecorded]:
    app = open_ledger(db_url)
    try:
        return [r.event for r in app.read() if isinstance(r.event, ev.FindingRecorded)]
    finally:
        app.close()


def _writing(db_url: str) -> bool:
    """True while another connection holds the ledger's write lock (the import is inserting)."""
    if db_url.startswith("sqlite"):
        conn = sqlite3.connect(db_url[len("sqlite:///"):], timeout=0, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            conn.close()
    import psycopg

    with psycopg.connect(db_url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_locks WHERE relation = to_regclass('kaoping_events') "
            "AND mode = 'ExclusiveLock' AND granted AND pid <> pg_backend_pid()"
        ).fetchone()
        return bool(row and row[0])


def _settled(db_url: str) -> None:
    """Wait until the server has finished with the killed client's session (PostgreSQL)."""
    if db_url.startswith("sqlite"):
        return
    import psycopg

    deadline = time.monotonic() + 30
    with psycopg.connect(db_url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()"
            ).fetchone()
            if row and row[0] == 0:
                return
            time.sleep(0.05)
    raise AssertionError("the killed import's session never ended")


def test_an_import_killed_while_writing_leaves_all_rows_or_none_and_a_rerun_adds_the_rest(
    kp, db_url: str, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    assert kp("init").exit_code == 0
    assert kp("window", "add", "W01", "工商窗口").exit_code == 0
    sheet = _sheet(tmp_path / "big.csv", ROWS)
    p = subprocess.Popen(
        [kaoping_script(), "--db", db_url, "--as", "录入员", "import", "findings", str(sheet)],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    caught_writing = False
    while p.poll() is None and time.monotonic() < deadline:
        if _writing(db_url):
            caught_writing = True
            break
        time.sleep(0.002)
    os.kill(p.pid, signal.SIGKILL)
    p.wait(timeout=30)
    _settled(db_url)

    after_kill = len(_findings(db_url))
    assert after_kill in (0, ROWS), after_kill
    assert kp("verify").exit_code == 0  # the ledger the crash left behind is intact
    assert caught_writing or after_kill == ROWS  # the kill did land mid-write, or the import had finished

    rerun = kp("import", "findings", str(sheet), "--json")
    assert rerun.exit_code == 0, rerun.stderr
    findings = _findings(db_url)
    assert len(findings) == ROWS
    assert len({f.originator_id for f in findings}) == ROWS
    assert sorted(f.note for f in findings) == sorted(f"第{i}条" for i in range(ROWS))
    verified = kp("verify", "--json")
    assert verified.exit_code == 0, verified.stdout


def test_a_writer_killed_mid_import_does_not_leave_the_ledger_locked(kp, db_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert kp("init").exit_code == 0
    assert kp("window", "add", "W01", "工商窗口").exit_code == 0
    sheet = _sheet(tmp_path / "big.csv", ROWS)
    p = subprocess.Popen(
        [kaoping_script(), "--db", db_url, "import", "findings", str(sheet)],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while p.poll() is None and time.monotonic() < deadline and not _writing(db_url):
        time.sleep(0.002)
    os.kill(p.pid, signal.SIGKILL)
    p.wait(timeout=30)
    _settled(db_url)
    r = kp("record", "W2.3", "--window", "W01", "--date", "2024-03-01", "--source", "patrol")
    assert r.exit_code == 0, r.stderr
