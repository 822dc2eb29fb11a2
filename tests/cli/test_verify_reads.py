"""`kaoping verify` reads every event as the questions read it, checks every evidence file, works on a read-only
copy of the ledger, and with --projection holds the stored projection against a replay."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.conftest import Kaoping


def _setup(kp: Kaoping) -> None:
    for args in (("init",), ("window", "add", "W01", "公安窗口"),
                 ("record", "W2.3", "--window", "W01", "--date", "2024-03-01", "--source", "patrol"),
                 ("checkpoint",),
                 ("record", "W2.3", "--window", "W01", "--date", "2024-03-02", "--source", "patrol")):
        r = kp(*args)
        assert r.exit_code == 0, (args, r.stderr)


def _sql(kp: Kaoping, statement: str, params: tuple[Any, ...] = ()) -> list[Any]:
    """One statement straight on the database, bypassing kaoping (`{events}` and `{blobs}` name the tables)."""
    if kp.db.startswith("sqlite"):
        query = statement.format(events="stored_events", blobs="kaoping_projection_blobs", id="rowid")
        with sqlite3.connect(kp.db[len("sqlite:///"):]) as conn:
            return conn.execute(query.replace("%s", "?"), params).fetchall()
    import psycopg

    query = statement.format(events="kaoping_events", blobs="kaoping_projection", id="notification_id")
    with psycopg.connect(kp.db, autocommit=True) as conn:
        cur = conn.execute(query, params)
        return cur.fetchall() if cur.description else []


def _edit_last_event(kp: Kaoping, edit: Callable[[dict[str, Any]], None]) -> int:
    """Edit the newest event's stored state; its position."""
    (last_id, state), = _sql(kp, "SELECT {id}, state FROM {events} ORDER BY {id} DESC LIMIT 1")
    doc = orjson.loads(bytes(state))
    edit(doc)
    _sql(kp, "UPDATE {events} SET state = %s WHERE {id} = %s", (orjson.dumps(doc), last_id))
    return int(_sql(kp, "SELECT COUNT(*) FROM {events}")[0][0])


def _set_date(value: object) -> Callable[[dict[str, Any]], None]:
    def edit(doc: dict[str, Any]) -> None:
        doc["date"] = value
    return edit


@pytest.mark.parametrize("bad", [{"_type_": "date_iso", "_data_": "2024-13-45"}, 20240302, None],
                         ids=["an impossible date", "a number for a date", "no date"])
def test_an_event_after_the_last_checkpoint_that_the_questions_cannot_read_fails_verify_at_its_position(
    kp: Kaoping, bad: object
) -> None:
    _setup(kp)
    assert kp("verify").exit_code == 0
    position = _edit_last_event(kp, _set_date(bad))
    v = kp("verify", "--json")
    assert v.exit_code == 1
    doc = orjson.loads(v.stdout)
    assert doc["broken"]["position"] == position and doc["broken"]["kind"] == "decode"
    plain = kp("verify")
    assert plain.exit_code == 1 and f"位置 {position}" in plain.stderr


def _evidence(kp: Kaoping, tmp_path: Path) -> Path:
    cert = tmp_path / "证书.txt"
    cert.write_text("县级表彰证书", encoding="utf-8")
    r = kp("bonus", "claim", "article", "--window", "W01", "--date", "2024-02-02", "--evidence", str(cert),
           "--level", "county", "--ref", "《窗口风采》")
    assert r.exit_code == 0, r.stderr
    sha = hashlib.sha256(cert.read_bytes()).hexdigest()
    found = [p for p in tmp_path.rglob(sha) if p.is_file()]
    assert len(found) == 1
    return found[0]


@pytest.mark.parametrize("how", ["edited", "deleted"])
def test_an_evidence_file_edited_or_deleted_fails_verify(kp: Kaoping, tmp_path: Path, how: str) -> None:
    _setup(kp)
    stored = _evidence(kp, tmp_path)
    assert kp("verify").exit_code == 0
    if how == "edited":
        stored.chmod(0o600)
        stored.write_text("伪造的证书", encoding="utf-8")
    else:
        stored.unlink()
    v = kp("verify", "--json")
    assert v.exit_code == 1
    doc = orjson.loads(v.stdout)
    assert doc["broken"]["kind"] == "evidence" and doc["broken"]["position"] == doc["size"]
    assert ("不符" if how == "edited" else "不存在") in doc["broken"]["message"]


def test_verify_projection_names_what_differs_from_a_replay(kp: Kaoping) -> None:
    _setup(kp)
    assert kp("report", "2024Q1").exit_code == 0  # the projection is stored (under the key file's seal)
    clean = kp("verify", "--projection", "--json")
    assert clean.exit_code == 0, clean.stdout
    doc = orjson.loads(clean.stdout)["projection"]
    assert doc["stored"] and doc["seal"] == "ok" and doc["differences"] == []
    assert "完全一致" in kp("verify", "--projection").stdout
    (key, value), = _sql(kp, "SELECT key, value FROM {blobs} WHERE key LIKE 'q:2024Q1:%%' ORDER BY key LIMIT 1")
    chunk = orjson.loads(bytes(value))
    dropped = sorted(chunk["findings"])[0]
    del chunk["findings"][dropped]
    _sql(kp, "UPDATE {blobs} SET value = %s WHERE key = %s", (orjson.dumps(chunk), key))
    v = kp("verify", "--projection", "--json")
    assert v.exit_code == 1
    out = orjson.loads(v.stdout)
    assert out["broken"]["kind"] == "projection"
    assert any(key in d for d in out["projection"]["differences"])
    assert any(dropped in d and "缺少" in d for d in out["projection"]["differences"])
    assert kp("verify").exit_code == 0  # the events themselves are intact: only --projection looks at it
    explained = kp("explain", "--window", "W01", "2024Q1", "--json")  # reads the quarter's chunks
    assert explained.exit_code == 0 and "注意" in explained.stderr  # noticed, folded again, never answered from
    assert kp("verify", "--projection").exit_code == 0  # rebuilt from the events


def test_verify_projection_tells_an_earlier_kaopings_projection_apart_from_an_altered_one(
        kp: Kaoping, monkeypatch: pytest.MonkeyPatch) -> None:
    from projections.engine import check, materialised, standings_cache
    from projections.fold import state

    _setup(kp)
    with monkeypatch.context() as earlier:  # the projection as a kaoping with the previous fold version stored it
        for module in (state, materialised, check, standings_cache):
            earlier.setattr(module, "FOLD_VERSION", state.FOLD_VERSION - 1)
        assert kp("report", "2024Q1").exit_code == 0
    v = kp("verify", "--projection", "--json")
    assert v.exit_code == 0, v.stdout
    doc = orjson.loads(v.stdout)["projection"]
    assert doc["outdated"] and doc["seal"] == "ok" and doc["differences"] == []
    assert "较早版本" in kp("verify", "--projection").stdout
    assert kp("report", "2024Q1").exit_code == 0  # the next question folds it again, in this kaoping's layout
    doc = orjson.loads(kp("verify", "--projection", "--json").stdout)["projection"]
    assert not doc["outdated"] and doc["differences"] == []


def _read_only(folder: Path) -> None:
    for p in folder.iterdir():
        p.chmod(stat.S_IRUSR | stat.S_IRGRP) if p.is_file() else None
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)


@pytest.mark.posix_only("makes files read-only by mode bits and finds the key beside the ledger")
def test_verify_works_on_a_read_only_copy_and_creates_nothing_beside_it(kp: Kaoping, tmp_path: Path) -> None:
    if not kp.db.startswith("sqlite"):
        pytest.skip("about SQLite files")
    _setup(kp)
    cd = tmp_path / "cd"
    cd.mkdir()
    db = Path(kp.db[len("sqlite:///"):])
    shutil.copyfile(db, cd / "kaoping.db")
    shutil.copyfile(db.with_suffix(".key"), cd / "kaoping.key")
    (cd / "kaoping.key").chmod(0o600)
    shutil.copyfile(db.with_name(db.name + "-wal"), cd / "kaoping.db-wal") if db.with_name(
        db.name + "-wal").exists() else None
    _read_only(cd)
    before = sorted(p.name for p in cd.iterdir())
    try:
        v = Kaoping(f"sqlite:///{cd / 'kaoping.db'}", tmp_path)("verify", "--json")
        assert v.exit_code == 0, v.stdout + v.stderr
        assert orjson.loads(v.stdout)["size"] == orjson.loads(kp("verify", "--json").stdout)["size"]
        assert sorted(p.name for p in cd.iterdir()) == before
    finally:
        cd.chmod(0o700)


@pytest.mark.posix_only("makes files read-only by mode bits and finds the key beside the ledger")
def test_verify_reads_the_events_a_crash_left_in_the_wal_of_a_read_only_copy(kp: Kaoping, tmp_path: Path) -> None:
    if not kp.db.startswith("sqlite"):
        pytest.skip("about SQLite files")
    _setup(kp)
    db = Path(kp.db[len("sqlite:///"):])
    size = orjson.loads(kp("verify", "--json").stdout)["size"]
    holder = sqlite3.connect(db)  # a reader keeps the WAL from being merged back when the writer finishes
    holder.execute("PRAGMA wal_autocheckpoint = 0")
    holder.execute("BEGIN")
    holder.execute("SELECT COUNT(*) FROM stored_events").fetchall()
    try:
        assert kp("record", "W2.3", "--window", "W01", "--date", "2024-03-03", "--source", "patrol").exit_code == 0
        cd = tmp_path / "cd"
        cd.mkdir()
        for suffix in ("", "-wal"):
            shutil.copyfile(db.with_name(db.name + suffix), cd / f"kaoping.db{suffix}")
    finally:
        holder.close()
    assert (cd / "kaoping.db-wal").stat().st_size > 0
    shutil.copyfile(db.with_suffix(".key"), cd / "kaoping.key")
    (cd / "kaoping.key").chmod(0o600)
    _read_only(cd)
    try:
        v = Kaoping(f"sqlite:///{cd / 'kaoping.db'}", tmp_path)("verify", "--json")
        assert v.exit_code == 0, v.stdout + v.stderr
        assert orjson.loads(v.stdout)["size"] == size + 1
        assert sorted(p.name for p in cd.iterdir()) == ["kaoping.db", "kaoping.db-wal", "kaoping.key"]
    finally:
        cd.chmod(0o700)
