"""Many clerks writing one ledger at once: nothing lost, nothing twice, one total order; locks explained."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import orjson
import pytest

from ledger import events as ev
from ledger.app import Ledger, open_ledger
from ledger.errors import Conflict
from tests.conftest import kaoping_script

ROOT = Path(__file__).resolve().parents[2]
CLERKS = 8
EACH = 150  # 1,200 concurrent appends, serialised by the table lock: every clerk still overlaps every other to its end


def _setup(url: str) -> None:
    app = open_ledger(url, "督查科", create=True)
    app.init("长兴县行政服务中心")
    app.add_window("W01", "工商窗口")
    app.add_staff("S001", "张三", "W01", "2024-01-01")
    app.add_window("W02", "税务窗口")
    app.add_window("W03", "公安窗口")
    app.close()


def test_eight_clerks_recording_150_findings_each_at_once_lose_nothing_and_share_one_order(
    db_url: str, tmp_path: Path
) -> None:
    _setup(db_url)
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KAOPING_LOCK_TIMEOUT": "60"}
    clerks = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.ledger.clerk", db_url, str(i), str(EACH), str(go)],
            cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True,
        )
        for i in range(CLERKS)
    ]
    time.sleep(0.5)
    go.touch()
    for p in clerks:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err

    app = open_ledger(db_url)
    recorded = list(app.read())
    app.close()
    positions = [r.position for r in recorded]
    assert positions == list(range(1, len(recorded) + 1))
    ids = [r.notification_id for r in recorded]
    assert ids == sorted(set(ids))  # strictly increasing, gaps allowed
    findings = [r.event for r in recorded if isinstance(r.event, ev.FindingRecorded)]
    notes = [f.note for f in findings]
    assert len(notes) == CLERKS * EACH
    assert set(notes) == {f"clerk-{i}-{j}" for i in range(CLERKS) for j in range(EACH)}
    assert len({f.originator_id for f in findings}) == CLERKS * EACH
    by_clerk: dict[str, list[int]] = defaultdict(list)
    for f in findings:
        _, clerk, j = f.note.split("-")
        by_clerk[clerk].append(int(j))
    assert all(seq == list(range(EACH)) for seq in by_clerk.values())  # each clerk's own order kept

    out = subprocess.run(
        [kaoping_script(), "--db", db_url, "log", "--json"], capture_output=True, cwd=tmp_path, timeout=120
    )
    assert out.returncode == 0, out.stderr.decode()
    logged = orjson.loads(out.stdout)["events"]
    assert [e["position"] for e in logged] == positions
    assert [e["id"] for e in logged] == [str(r.event.originator_id) for r in recorded]

    # The projections see every finding once, at its ledger position; the ledger verifies.
    def kaoping(*args: str) -> dict:  # type: ignore[type-arg]
        p = subprocess.run([kaoping_script(), "--db", db_url, *args, "--json"], capture_output=True,
                           cwd=tmp_path, timeout=300)
        assert p.returncode == 0, p.stdout.decode() + p.stderr.decode()
        return orjson.loads(p.stdout)  # type: ignore[no-any-return]

    explained = kaoping("explain", "--window", "W01", "2024Q1")
    counted = {f["id"]: f["position"] for c in explained["categories"] for f in c["facts"]}
    at = {str(r.event.originator_id): r.position for r in recorded if isinstance(r.event, ev.FindingRecorded)}
    assert counted == at
    assert kaoping("report", "2024Q1")["position"] == len(recorded)
    verified = kaoping("verify")
    assert verified["ok"] is True and verified["size"] == len(recorded)


def test_a_writer_that_lost_a_race_for_the_same_stream_retries_and_succeeds(db_url: str) -> None:
    _setup(db_url)
    mine = open_ledger(db_url, "甲")
    theirs = open_ledger(db_url, "乙")
    real_staff = Ledger.staff
    raced = []

    def staff_then_someone_else_moves(self: Ledger, person: str):  # type: ignore[no-untyped-def]
        state = real_staff(self, person)
        if not raced:
            raced.append(True)
            theirs.move_staff("S001", "W02", "2024-03-01")  # appends version 2 behind our back
        return state

    try:
        Ledger.staff = staff_then_someone_else_moves  # type: ignore[method-assign]
        mine.move_staff("S001", "W03", "2024-04-01")
    finally:
        Ledger.staff = real_staff  # type: ignore[method-assign]
    state = mine.staff("S001")
    assert [w for _, w in state.assignments] == ["W01", "W02", "W03"]
    assert raced == [True]
    mine.close()
    theirs.close()


def test_a_conflict_that_never_clears_is_a_refusal_not_a_loop(db_url: str) -> None:
    _setup(db_url)
    app = open_ledger(db_url, "甲")
    calls = []

    def always_conflicts() -> None:
        calls.append(1)
        raise Conflict("记录冲突")

    with pytest.raises(Conflict):
        app.retrying(always_conflicts)
    assert 1 < len(calls) < 20
    app.close()


def _hold_write_lock(db_url: str):  # type: ignore[no-untyped-def]
    """Another connection that holds the ledger's write lock until closed."""
    if db_url.startswith("sqlite"):
        conn = sqlite3.connect(db_url[len("sqlite:///"):], isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        return conn
    import psycopg

    conn = psycopg.connect(db_url)
    conn.execute("LOCK TABLE kaoping_events IN EXCLUSIVE MODE")
    return conn


def test_a_ledger_locked_longer_than_the_timeout_gives_one_chinese_line_and_writes_nothing(
    db_url: str, tmp_path: Path
) -> None:
    _setup(db_url)
    before = len(list(open_ledger(db_url).read()))
    holder = _hold_write_lock(db_url)
    try:
        p = subprocess.run(
            [kaoping_script(), "--db", db_url, "record", "W2.3", "--window", "W01",
             "--date", "2024-02-05", "--source", "weekly"],
            capture_output=True, text=True, cwd=tmp_path, timeout=120,
            env={**os.environ, "KAOPING_LOCK_TIMEOUT": "1"},
        )
    finally:
        holder.rollback()
        holder.close()
    assert p.returncode == 2
    assert p.stdout == ""
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1, p.stderr
    assert "锁定超过 1 秒" in lines[0] and "KAOPING_LOCK_TIMEOUT" in lines[0]
    assert "Traceback" not in p.stderr
    assert len(list(open_ledger(db_url).read())) == before
