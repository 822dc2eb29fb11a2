"""Questions on a SQLite ledger are answered through the stdlib reader (ledger/storage/reader.py): the same answers,
the same stored projection, the same refusals as through the full eventsourcing ledger, without importing it."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ledger.app import Ledger, open_ledger
from ledger.commands import quarter as lq
from ledger.integrity import keys
from ledger.storage.reader import LedgerReader, open_reader
from projections.engine.materialised import QuarterProjection
from projections.scoring import publication
from projections.views import Views
from tests.helpers import Kaoping, kaoping_script
from tests.seal import SEAL_KEY

ROOT = Path(__file__).resolve().parents[2]


def _phase_one(app: Ledger, evidence: Path) -> None:
    """Registry and first facts of 2008Q2, nothing settled yet."""
    app.add_window("TAX", "地税窗口", "县地税局")
    app.add_window("LAND", "国土窗口", "县国土资源局")
    app.add_staff("P1", "张三", "TAX", "2008-05-01")
    app.add_staff("P2", "李四", "LAND", "2008-05-01")
    app.add_staff("P3", "王五", "LAND", "2008-05-10")
    app.record_finding("S4.1", staff="P1", day="2008-05-02", source="weekly")
    app.record_finding("W2.3", window="TAX", day="2008-05-03", source="duty", dq="gaming")
    app.record_finding("S3.5", staff="P3", day="2008-05-12", source="duty", dq="complaint")
    app.claim_bonus("measure", window="TAX", day="2008-05-14", evidence_file=str(evidence))
    app.claim_bonus("article", staff="P1", day="2008-05-15", evidence_file=str(evidence), level="city", ref="稿件一")
    app.record_complaint(staff="P2", day="2008-06-07", channel="hotline-12345", text="态度冷漠")
    app.record_complaint(window="LAND", day="2008-06-09", channel="consultation", text="意见")


def _phase_two(app: Ledger, evidence: Path) -> None:
    """Follow-ups of phase one's facts (their quarter looked up in the ledger by a fresh fold), a move,
    the quarter's shortlist, decision and publication, a late amendment, and facts of 2008Q3."""
    by_kind: dict[str, list[str]] = {}
    for r in app.read():
        if getattr(r.event, "date", None) is not None:
            by_kind.setdefault(type(r.event).__name__, []).append(str(r.event.originator_id))
    app.retract(by_kind["FindingRecorded"][1], "录错窗口")
    app.verify_bonus(by_kind["BonusClaimed"][0])
    app.reject_bonus(by_kind["BonusClaimed"][1], "不是以窗口名义")
    app.verify_complaint(by_kind["ComplaintReceived"][0], "S2.4", "complaint")
    app.dismiss_complaint(by_kind["ComplaintReceived"][1], "查无此事")
    app.move_staff("P1", "LAND", "2008-07-01")
    views = Views(app, SEAL_KEY)
    windows, staff = views.shortlist("2008Q2", 2, 3)
    lq.freeze_shortlist(app, "2008Q2", 2, 3, windows, staff)
    lq.record_decision(app, "2008Q2", windows[:1], staff[:1], staff[1:2])
    res = Views(app, SEAL_KEY).result("2008Q2")
    lq.publish_quarter(app, "2008Q2", res.position, publication.digest(res))
    app.record_finding("S1.1", staff="P2", day="2008-06-20", source="weekly", note="补录")
    app.record_finding("S4.4", staff="P1", day="2008-07-02", source="duty", dq="corruption")
    app.record_finding("W1.1", window="TAX", day="2008-08-02", source="patrol")
    app.claim_bonus("training", window="LAND", day="2008-08-06", evidence_file=str(evidence))


@pytest.fixture
def history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, int]:
    """A SQLite ledger whose projection tables exist (a question was asked right after init), then the two
    phases; returns its path and the notification id where phase one ended."""
    monkeypatch.chdir(tmp_path)
    evidence = tmp_path / "证书.pdf"
    evidence.write_bytes(b"%PDF evidence")
    path = tmp_path / "full.db"
    app = open_ledger(f"sqlite:///{path}", "科长", create=True)
    try:
        app.init("长兴县行政服务中心")
        Views(app, SEAL_KEY).state  # noqa: B018 - creates the projection's tables and tracks the init events
        _phase_one(app, evidence)
        middle = max(r.notification_id for r in app.read())
        _phase_two(app, evidence)
    finally:
        app.close()
    return path, middle


def _copy(src: Path, dst: Path, upto: int | None = None) -> Path:
    """A copy of a closed SQLite ledger with its projection emptied (tables kept), optionally as the ledger
    stood at notification id `upto`."""
    shutil.copyfile(src, dst)
    wal = src.with_name(src.name + "-wal")
    if wal.exists():
        shutil.copyfile(wal, dst.with_name(dst.name + "-wal"))
    with sqlite3.connect(dst) as conn:
        conn.execute("DELETE FROM kaoping_projection_blobs")
        conn.execute("DELETE FROM tracking WHERE application_name = 'kaoping.quarters'")
        if upto is not None:
            conn.execute("DELETE FROM stored_events WHERE rowid > ?", (upto,))
    conn.close()
    return dst


def _append_rest(src: Path, dst: Path, after: int) -> None:
    """Add the source's rows after a notification id, with the same rowids (the rest of the history)."""
    conn = sqlite3.connect(dst)
    try:
        conn.execute("ATTACH DATABASE ? AS src", (str(src),))
        conn.execute("INSERT INTO stored_events (rowid, originator_id, originator_version, topic, state) "
                     "SELECT rowid, originator_id, originator_version, topic, state FROM src.stored_events "
                     "WHERE rowid > ?", (after,))
        conn.commit()
    finally:
        conn.close()


def _stored(path: Path) -> tuple[list[Any], list[Any]]:
    with sqlite3.connect(path) as conn:
        blobs = conn.execute("SELECT key, value FROM kaoping_projection_blobs ORDER BY key").fetchall()
        tracking = conn.execute("SELECT * FROM tracking ORDER BY application_name").fetchall()
    conn.close()
    return blobs, tracking


def _answers(ledger: Any) -> dict[str, Any]:
    """Every question's document, each from a fresh view (as each command makes one)."""
    docs: dict[str, Any] = {}
    for quarter in ("2008Q2", "2008Q3"):
        docs[f"report {quarter}"] = Views(ledger, SEAL_KEY).report(quarter)
        for as_of in (3, 9, 12):
            docs[f"report {quarter} as of {as_of}"] = Views(ledger, SEAL_KEY).report(quarter, as_of)
        for window in ("TAX", "LAND"):
            docs[f"explain {quarter} {window}"] = Views(ledger, SEAL_KEY).explain(quarter, window, None)
        for person in ("P1", "P2", "P3"):
            docs[f"explain {quarter} {person}"] = Views(ledger, SEAL_KEY).explain(quarter, None, person)
    docs["audit"] = Views(ledger, SEAL_KEY).disqualifications()
    docs["audit gaming"] = Views(ledger, SEAL_KEY).disqualifications(2008, "gaming")
    docs["year"] = Views(ledger, SEAL_KEY).year(2008)
    return docs


def _reader(path: Path) -> LedgerReader:
    reader = open_reader(f"sqlite:///{path}")
    assert isinstance(reader, LedgerReader)
    return reader


def test_the_reader_and_the_full_ledger_store_the_same_projection_rows_and_give_the_same_answers(
    history: tuple[Path, int], tmp_path: Path
) -> None:
    full, middle = history
    heavy, light = _copy(full, tmp_path / "heavy.db", middle), _copy(full, tmp_path / "light.db", middle)
    for step in ("phase one", "phase two"):
        ledger, reader = open_ledger(f"sqlite:///{heavy}"), _reader(light)
        try:
            assert type(QuarterProjection(reader, SEAL_KEY).storage.raw).__name__ == "SQLiteProjectionStorage"
            Views(ledger, SEAL_KEY).state, Views(reader, SEAL_KEY).state  # noqa: B018 - each catches up and stores
            blobs, tracking = _stored(light)
            assert (blobs, tracking) == _stored(heavy), step
            assert ("kaoping.quarters", max(r[0] for p in reader.pages() for r in p)) in tracking
            assert _answers(reader) == _answers(ledger), step
        finally:
            ledger.close()
            reader.close()
        if step == "phase one":
            _append_rest(full, heavy, middle)
            _append_rest(full, light, middle)


def test_a_long_catch_up_through_the_reader_spills_and_stores_what_the_full_ledger_stores(
    history: tuple[Path, int], tmp_path: Path
) -> None:
    full, _ = history
    heavy, light = _copy(full, tmp_path / "heavy.db"), _copy(full, tmp_path / "light.db")
    ledger, reader = open_ledger(f"sqlite:///{heavy}"), _reader(light)
    try:
        QuarterProjection(ledger, SEAL_KEY).catch_up(spill_at=3)
        QuarterProjection(reader, SEAL_KEY).catch_up(spill_at=3)  # pages of 3 rows, chunks written by a second thread
        assert _stored(light) == _stored(heavy)
        assert _answers(reader) == _answers(ledger)
    finally:
        ledger.close()
        reader.close()


def test_a_save_that_loses_the_race_to_another_process_is_rolled_back_and_says_so(
    history: tuple[Path, int]
) -> None:
    full, _ = history
    reader = _reader(full)
    try:
        storage = QuarterProjection(reader, SEAL_KEY).storage
        tracked = _stored(full)[1]
        assert storage.save({"probe": b"x"}, 1) is False  # the tracked position is already later
        assert storage.load("probe") is None and _stored(full)[1] == tracked
        assert storage.save({"probe": b"x"}, 10**9) is True
        assert storage.load("probe") == b"x"
    finally:
        reader.close()


def _report_imports(db: Path, *args: str) -> tuple[str, list[str]]:
    code = (
        "import sys\nfrom cli.main import main\ntry:\n    main()\n"
        "except SystemExit as e:\n    assert not e.code, e.code\n"
        "print(sorted({m.split('.')[0] if m.startswith('eventsourcing') else 'ledger.events' if"
        " m.startswith('ledger.events') else 'ledger.app' if m.split('.')[:2] == ['ledger', 'app'] else m"
        " for m in sys.modules if m.startswith(('eventsourcing', 'ledger.events'))"
        " or m.split('.')[:2] == ['ledger', 'app']}), file=sys.stderr)"
    )
    p = subprocess.run([sys.executable, "-c", code, "--db", f"sqlite:///{db}", *args],
                       capture_output=True, text=True, cwd=ROOT, check=True)
    return p.stdout, p.stderr.strip().splitlines()


def test_kaoping_report_on_a_sqlite_ledger_imports_neither_eventsourcing_nor_the_event_classes(
    history: tuple[Path, int]
) -> None:
    full, _ = history
    for args in (("report", "2008Q2"), ("report", "2008Q3", "--json"), ("explain", "--staff", "P1", "2008Q2"),
                 ("audit", "disqualifications"), ("year", "2008")):
        _, imported = _report_imports(full, *args)
        assert imported[-1] == "[]", args


def test_the_first_question_on_a_new_ledger_opens_the_full_ledger_and_the_next_one_reads_lightly(
    tmp_path: Path
) -> None:
    db = tmp_path / "k.db"
    app = open_ledger(f"sqlite:///{db}", "科长", create=True)
    staged = keys.stage_key(db.with_suffix(".key"))  # as `kaoping init` does: the projection is kept under its seal
    app.init("长兴县行政服务中心", also=[keys.key_event(app.actor, staged.signer)])
    app.close()
    first, imported = _report_imports(db, "report", "2008Q3")  # no projection tables yet: made as before
    assert imported[-1] == "['eventsourcing', 'ledger.app', 'ledger.events']"
    again, imported = _report_imports(db, "report", "2008Q3")
    assert imported[-1] == "[]" and again == first


# --- refusals -------------------------------------------------------------------------------------


def _both_ways(kp: Kaoping, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[Any, Any]:
    """The same command through the reader (when it can) and with the reader turned off."""
    light = kp(*args)
    with monkeypatch.context() as m:
        m.setattr("ledger.storage.reader.open_reader", lambda url: None)
        heavy = kp(*args)
    return light, heavy


@pytest.fixture
def asked(tmp_path: Path) -> Kaoping:
    """An initialised SQLite ledger with a window, a finding, and one question already answered."""
    kp = Kaoping(f"sqlite:///{tmp_path / 'kaoping.db'}", tmp_path)
    for args in (("init",), ("window", "add", "A", "甲窗口"),
                 ("record", "W1.1", "--window", "A", "--date", "2008-07-01", "--source", "weekly"),
                 ("report", "2008Q3")):
        assert kp(*args).exit_code == 0
    return kp


def test_an_undecodable_row_is_refused_by_the_reader_as_by_the_full_ledger(
    asked: Kaoping, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert asked("record", "W1.2", "--window", "A", "--date", "2008-07-02", "--source", "weekly").exit_code == 0
    with sqlite3.connect(tmp_path / "kaoping.db") as conn:  # the new finding, not yet folded
        conn.execute("UPDATE stored_events SET state = X'7B7B' WHERE rowid = (SELECT MAX(rowid) FROM stored_events)")
    conn.close()
    for args in (("report", "2008Q3"), ("explain", "--window", "A", "2008Q3"), ("year", "2008")):
        light, heavy = _both_ways(asked, monkeypatch, *args)
        assert (light.exit_code, light.stdout, light.stderr) == (heavy.exit_code, heavy.stdout, heavy.stderr)
        assert light.exit_code == 2 and "位置 5" in light.stderr and len(light.stderr.strip().splitlines()) == 1


def test_bad_questions_are_refused_by_the_reader_as_by_the_full_ledger(
    asked: Kaoping, monkeypatch: pytest.MonkeyPatch
) -> None:
    for args in (("report", "2007Q1"), ("report", "2099Q1"), ("report", "2008Q3", "--as-of", "99"),
                 ("explain", "2008Q3"), ("explain", "--window", "Z", "2008Q3"), ("explain", "--staff", "P9", "2008Q3"),
                 ("audit", "disqualifications", "--kind", "bribery"), ("year", "2001")):
        light, heavy = _both_ways(asked, monkeypatch, *args)
        assert light.exit_code == 2, args
        assert (light.exit_code, light.stdout, light.stderr) == (heavy.exit_code, heavy.stdout, heavy.stderr), args


def test_a_missing_foreign_or_broken_file_is_refused_as_before_and_left_alone(tmp_path: Path) -> None:
    (tmp_path / "notes.db").write_text("not a database")
    with sqlite3.connect(tmp_path / "other.db") as conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.close()
    for name in ("missing.db", "notes.db", "other.db"):
        path = tmp_path / name
        before = path.read_bytes() if path.exists() else None
        assert open_reader(f"sqlite:///{path}") is None
        r = Kaoping(f"sqlite:///{path}", tmp_path)("report", "2008Q3")
        assert r.exit_code == 2 and r.stderr.startswith("错误：") and len(r.stderr.strip().splitlines()) == 1
        assert (path.read_bytes() if path.exists() else None) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db", "other.db"]


def test_a_ledger_locked_longer_than_the_timeout_is_refused_by_the_reader_as_by_the_full_ledger(
    asked: Kaoping, tmp_path: Path
) -> None:
    assert asked("record", "W1.2", "--window", "A", "--date", "2008-07-02", "--source", "weekly").exit_code == 0
    db = tmp_path / "kaoping.db"
    env = {**os.environ, "KAOPING_LOCK_TIMEOUT": "1"}
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        light = subprocess.run([kaoping_script(), "--db", f"sqlite:///{db}", "report", "2008Q3"],
                               capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
        heavy = subprocess.run(
            [sys.executable, "-c", "import sys, ledger.storage.reader as r; r.open_reader = lambda url: None\n"
             "from cli.main import main; main()", "--db", f"sqlite:///{db}", "report", "2008Q3"],
            capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    finally:
        holder.rollback()
        holder.close()
    assert (light.returncode, light.stdout, light.stderr) == (heavy.returncode, heavy.stdout, heavy.stderr)
    assert light.returncode == 2 and light.stderr == "错误：数据库被其他写入者长时间锁定，请稍后重试\n"


def test_a_ledger_whose_center_is_missing_or_unreadable_is_refused_by_the_reader_in_one_line(
    asked: Kaoping, tmp_path: Path
) -> None:
    db = tmp_path / "kaoping.db"
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE stored_events SET state = X'7B7B' WHERE rowid = 1")
    conn.close()
    r = asked("report", "2008Q3")
    assert r.exit_code == 2 and "位置 1" in r.stderr and "kaoping verify" in r.stderr
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM stored_events WHERE rowid = 1")
    conn.close()
    light = asked("report", "2008Q3")
    heavy = Kaoping(asked.db, tmp_path)
    assert light.exit_code == 2 and light.stderr == "错误：账本尚未初始化，请先运行 kaoping init\n"
    with pytest.MonkeyPatch.context() as m:
        m.setattr("ledger.storage.reader.open_reader", lambda url: None)
        assert heavy("report", "2008Q3").stderr == light.stderr
