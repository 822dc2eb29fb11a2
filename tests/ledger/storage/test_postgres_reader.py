"""Questions on a PostgreSQL ledger are answered through psycopg alone (ledger/storage/postgres_reader.py): the same
answers, the same stored projection, the same refusals as through the full eventsourcing ledger, without it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from ledger.app import Ledger, open_ledger
from ledger.commands import quarter as lq
from ledger.storage.postgres_reader import PostgresLedgerReader
from ledger.storage.readers import open_reader
from projections.engine.materialised import QuarterProjection
from projections.engine.postgres_store import tracking_upsert
from projections.scoring import publication
from projections.views import Views
from tests import pg
from tests.helpers import Kaoping
from tests.seal import SEAL_KEY

ROOT = Path(__file__).resolve().parents[3]


def _history(app: Ledger, evidence: Path) -> int:
    """A quarter with windows, people, every kind of fact and follow-up, a move, a published result and a late
    finding, then facts of the next quarter; returns the notification id where the first part ended."""
    app.add_window("TAX", "地税窗口", "县地税局")
    app.add_window("LAND", "国土窗口", "县国土资源局")
    app.add_staff("P1", "张三", "TAX", "2008-05-01")
    app.add_staff("P2", "李四", "LAND", "2008-05-01")
    app.record_finding("S4.1", staff="P1", day="2008-05-02", source="weekly")
    retracted = app.record_finding("W2.3", window="TAX", day="2008-05-03", source="duty", dq="gaming")
    claim = app.claim_bonus("measure", window="TAX", day="2008-05-14", evidence_file=str(evidence))
    complaint = app.record_complaint(staff="P2", day="2008-06-07", channel="hotline-12345", text="态度冷漠")
    middle = app.max_notification_id()
    app.retract(str(retracted), "录错窗口")
    app.verify_bonus(str(claim))
    app.verify_complaint(str(complaint), "S2.4", "complaint")
    app.move_staff("P1", "LAND", "2008-07-01")
    windows, staff = Views(app, SEAL_KEY).shortlist("2008Q2", 2, 2)
    lq.freeze_shortlist(app, "2008Q2", 2, 2, windows, staff)
    lq.record_decision(app, "2008Q2", windows[:1], staff[:1], staff[1:2])
    res = Views(app, SEAL_KEY).result("2008Q2")
    lq.publish_quarter(app, "2008Q2", res.position, publication.digest(res))
    app.record_finding("S1.1", staff="P2", day="2008-06-20", source="weekly", note="补录")
    app.record_finding("W1.1", window="TAX", day="2008-08-02", source="patrol")
    return middle


@pytest.fixture
def history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, int]]:
    """A PostgreSQL ledger whose projection tables exist (a question was asked right after init), then the
    history; its URL and the notification id where the first part ended."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KAOPING_EVIDENCE_DIR", str(tmp_path / pg.EVIDENCE_DIR))
    evidence = tmp_path / "证书.pdf"
    evidence.write_bytes(b"%PDF evidence")
    url = pg.database_for("reader_history")
    app = open_ledger(url, "科长", create=True)
    try:
        app.init("长兴县行政服务中心")
        Views(app, SEAL_KEY).state  # noqa: B018 - creates the projection's tables and tracks the init events
        middle = _history(app, evidence)
    finally:
        app.close()
    yield url, middle
    pg.drop_database(url)


def _sql(url: str, *statements: tuple[str, tuple[Any, ...]]) -> list[Any]:
    """Run statements on a database; the last one's rows (if it returns any)."""
    with psycopg.connect(url, autocommit=True) as conn:
        rows: list[Any] = []
        for statement, params in statements:
            cur = conn.execute(statement, params)  # type: ignore[arg-type]
            rows = cur.fetchall() if cur.description else []
        return rows


def _emptied_copy(url: str, upto: int | None = None) -> tuple[str, list[Any]]:
    """A copy of a ledger database with its projection emptied (tables kept) and, with `upto`, only the events up
    to that notification id; the URL and the events taken out (to put back with `_put_back`)."""
    copy = pg.copy_database(url)
    rest = _sql(copy, ("SELECT originator_id, originator_version, topic, state, notification_id FROM kaoping_events "
                       "WHERE notification_id > %s ORDER BY notification_id", (upto or 10**9,)))
    _sql(copy, ("DELETE FROM kaoping_projection", ()),
         ("DELETE FROM kaoping_tracking WHERE application_name = 'kaoping.quarters'", ()),
         ("DELETE FROM kaoping_events WHERE notification_id > %s", (upto or 10**9,)))
    return copy, rest


def _put_back(url: str, rows: list[Any]) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.cursor().executemany("INSERT INTO kaoping_events (originator_id, originator_version, topic, state, "
                                  "notification_id) VALUES (%s, %s, %s, %s, %s)", rows)


def _stored(url: str) -> tuple[list[Any], list[Any]]:
    blobs = _sql(url, ("SELECT key, value FROM kaoping_projection ORDER BY key", ()))
    tracking = _sql(url, ("SELECT * FROM kaoping_tracking ORDER BY application_name", ()))
    return blobs, tracking


def _answers(ledger: Any) -> dict[str, Any]:
    """Every question's document, each from a fresh view (as each command makes one)."""
    docs: dict[str, Any] = {}
    for quarter in ("2008Q2", "2008Q3"):
        docs[f"report {quarter}"] = Views(ledger, SEAL_KEY).report(quarter)
        for as_of in (3, 6, 9):
            docs[f"report {quarter} as of {as_of}"] = Views(ledger, SEAL_KEY).report(quarter, as_of)
        for window in ("TAX", "LAND"):
            docs[f"explain {quarter} {window}"] = Views(ledger, SEAL_KEY).explain(quarter, window, None)
        for person in ("P1", "P2"):
            docs[f"explain {quarter} {person}"] = Views(ledger, SEAL_KEY).explain(quarter, None, person)
    docs["audit"] = Views(ledger, SEAL_KEY).disqualifications()
    docs["year"] = Views(ledger, SEAL_KEY).year(2008)
    return docs


def _reader(url: str) -> PostgresLedgerReader:
    reader = open_reader(url)
    assert isinstance(reader, PostgresLedgerReader)
    return reader


def test_the_reader_and_the_full_ledger_store_the_same_projection_rows_and_give_the_same_answers(
    history: tuple[str, int]
) -> None:
    url, middle = history
    (heavy, rest), (light, _) = _emptied_copy(url, middle), _emptied_copy(url, middle)
    try:
        for step in ("first part", "the rest"):
            ledger, reader = open_ledger(heavy), _reader(light)
            try:
                storage = QuarterProjection(reader, SEAL_KEY).storage.raw
                assert type(storage).__name__ == "PostgresProjectionStorage"
                Views(ledger, SEAL_KEY).state, Views(reader, SEAL_KEY).state  # noqa: B018 - each catches up, stores
                assert _stored(light) == _stored(heavy), step
                assert [p for p in reader.pages()] == [p for p in ledger.pages()], step
                assert _answers(reader) == _answers(ledger), step
            finally:
                ledger.close()
                reader.close()
            if step == "first part":
                _put_back(heavy, rest)
                _put_back(light, rest)
    finally:
        pg.drop_database(heavy)
        pg.drop_database(light)


def test_a_long_catch_up_through_the_reader_spills_and_stores_what_the_full_ledger_stores(
    history: tuple[str, int]
) -> None:
    url, _ = history
    (heavy, _), (light, _) = _emptied_copy(url), _emptied_copy(url)
    ledger, reader = open_ledger(heavy), _reader(light)
    try:
        QuarterProjection(ledger, SEAL_KEY).catch_up(spill_at=3)
        QuarterProjection(reader, SEAL_KEY).catch_up(spill_at=3)  # pages of 3 rows, chunks written by a second thread
        assert _stored(light) == _stored(heavy)
        assert _answers(reader) == _answers(ledger)
    finally:
        ledger.close()
        reader.close()
        pg.drop_database(heavy)
        pg.drop_database(light)


def test_the_readers_lookups_answer_as_the_full_ledgers(history: tuple[str, int]) -> None:
    url, _ = history
    ledger, reader = open_ledger(url), _reader(url)
    try:
        assert reader.max_notification_id() == ledger.max_notification_id()
        assert reader.registry().to_json() == ledger.registry().to_json()
        assert reader.rules_in_force() == ledger.rules_in_force()
        assert reader.catalogue == ledger.catalogue
        streams = [r[1] for p in ledger.pages() for r in p]
        low, high = min(streams), max(streams)
        assert reader.streams_between(low, high, 5) == ledger.streams_between(low, high, 5)
        for stream in (streams[-1].hex, str(streams[5]), "not-an-id", "0" * 32):
            assert reader.fact_fields(stream) == ledger.fact_fields(stream)
        registry_topics = {r[3] for p in ledger.pages(topics={"ledger.events:StaffMoved"}) for r in p}
        assert [p for p in reader.pages(topics={"ledger.events:StaffMoved"})] == [
            p for p in ledger.pages(topics={"ledger.events:StaffMoved"})] and registry_topics
    finally:
        ledger.close()
        reader.close()


def test_the_shared_tracking_statement_is_eventsourcings_single_row_insert_word_for_word(
    history: tuple[str, int]
) -> None:
    from eventsourcing.postgres import PostgresTrackingRecorder

    ledger = open_ledger(history[0])
    try:
        recorder = ledger.factory.tracking_recorder(PostgresTrackingRecorder)  # type: ignore[attr-defined]
        with psycopg.connect(history[0]) as conn:
            theirs = recorder.insert_tracking_statement.as_string(conn)
        assert " ".join(theirs.split()) == tracking_upsert("public", "kaoping_tracking")
    finally:
        ledger.close()


def test_a_save_that_loses_the_race_to_another_process_is_rolled_back_and_says_so(
    history: tuple[str, int]
) -> None:
    url, _ = history
    reader = _reader(url)
    try:
        storage = QuarterProjection(reader, SEAL_KEY).storage
        tracked = _stored(url)[1]
        assert storage.save({"probe": b"x"}, 1) is False  # the tracked position is already later
        assert storage.load("probe") is None and _stored(url)[1] == tracked
        assert storage.save({"probe": b"x"}, 10**9) is True
        assert storage.load("probe") == b"x"
    finally:
        reader.close()


def _imports(url: str, *args: str) -> tuple[str, str]:
    # the full ledger's modules: ledger.app and its parts (ledger.app_tenure…), not ledger.appeal_names
    code = (
        "import sys\nfrom cli.main import main\ntry:\n    main()\n"
        "except SystemExit as e:\n    assert not e.code, e.code\n"
        "app = ('ledger.app.', 'ledger.app_')\n"
        "print(sorted({m.split('.')[0] if m.startswith(('eventsourcing', 'psycopg_pool')) else 'ledger.events' if"
        " m.startswith('ledger.events') else 'ledger.app' if m == 'ledger.app' or m.startswith(app) else m"
        " for m in sys.modules if m.startswith(('eventsourcing', 'ledger.events', 'psycopg_pool')) or m == 'ledger.app'"
        " or m.startswith(app)}), file=sys.stderr)"
    )
    p = subprocess.run([sys.executable, "-c", code, "--db", url, *args], capture_output=True, text=True, cwd=ROOT,
                       check=True)
    return p.stdout, p.stderr.strip().splitlines()[-1]


def test_kaoping_report_on_a_postgresql_ledger_imports_neither_eventsourcing_nor_the_event_classes(
    history: tuple[str, int]
) -> None:
    url, _ = history
    for args in (("report", "2008Q2"), ("report", "2008Q3", "--json"), ("explain", "--staff", "P1", "2008Q2"),
                 ("audit", "disqualifications"), ("year", "2008")):
        assert _imports(url, *args)[1] == "[]", args


def test_a_database_without_kaopings_tables_or_an_unreachable_server_is_left_to_the_full_ledger(
    tmp_path: Path
) -> None:
    url = pg.database_for("reader_empty")
    try:
        assert open_reader(url) is None
        assert _sql(url, ("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", ())) == [(0,)]
        r = Kaoping(url, tmp_path)("report", "2008Q3")
        assert r.exit_code == 2 and r.stderr == "错误：账本尚未初始化，请先运行 kaoping init\n"
    finally:
        pg.drop_database(url)
    assert open_reader("postgresql://clerk:topsecret@127.0.0.1:1/kaoping") is None


def _both_ways(kp: Kaoping, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[Any, Any]:
    """The same command through the reader and with the reader turned off."""
    light = kp(*args)
    with monkeypatch.context() as m:
        m.setattr("ledger.storage.postgres_reader.open_postgres_reader", lambda location: None)
        heavy = kp(*args)
    return light, heavy


def test_bad_questions_and_an_undecodable_row_are_refused_by_the_reader_as_by_the_full_ledger(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = pg.database_for("reader_refusals")
    monkeypatch.setenv("KAOPING_EVIDENCE_DIR", str(tmp_path / pg.EVIDENCE_DIR))
    kp = Kaoping(url, tmp_path)
    try:
        for args in (("init",), ("window", "add", "A", "甲窗口"),
                     ("record", "W1.1", "--window", "A", "--date", "2008-07-01", "--source", "weekly"),
                     ("report", "2008Q3")):
            assert kp(*args).exit_code == 0
        for args in (("report", "2007Q1"), ("report", "2099Q1"), ("report", "2008Q3", "--as-of", "99"),
                     ("explain", "2008Q3"), ("explain", "--window", "Z", "2008Q3"), ("year", "2001")):
            light, heavy = _both_ways(kp, monkeypatch, *args)
            assert light.exit_code == 2, args
            assert (light.exit_code, light.stdout, light.stderr) == (heavy.exit_code, heavy.stdout, heavy.stderr)
        assert kp("record", "W1.2", "--window", "A", "--date", "2008-07-02", "--source", "weekly").exit_code == 0
        _sql(url, ("UPDATE kaoping_events SET state = '\\x7b7b' WHERE notification_id = "
                   "(SELECT MAX(notification_id) FROM kaoping_events)", ()))
        for args in (("report", "2008Q3"), ("explain", "--window", "A", "2008Q3")):
            light, heavy = _both_ways(kp, monkeypatch, *args)
            assert (light.exit_code, light.stdout, light.stderr) == (heavy.exit_code, heavy.stdout, heavy.stderr)
            assert light.exit_code == 2 and "位置 5" in light.stderr and len(light.stderr.strip().splitlines()) == 1
    finally:
        pg.drop_database(url)
