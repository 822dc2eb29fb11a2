"""The PostgreSQL backend: loaded only when used, fails clearly, and nothing assumes gap-free ids."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from uuid import uuid4

import pytest

from ledger import ids
from ledger.errors import Conflict, KaopingError
from ledger.storage.location import parse_url
from tests.conftest import Kaoping

ROOT = Path(__file__).resolve().parents[2]


def test_a_sqlite_ledger_never_imports_psycopg(tmp_path: Path) -> None:
    code = (
        "import sys; from cli.main import cli; from ledger.app import open_ledger;"
        f"a = open_ledger('sqlite:///{tmp_path / 'k.db'}', 'x', create=True); a.init('中心'); a.close();"
        "print(sorted(m for m in sys.modules if m.startswith("
        "('psycopg', 'eventsourcing.postgres', 'ledger.storage.postgres_recorder'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


def test_a_postgresql_url_selects_kaopings_recorder_and_keeps_the_password_out_of_messages() -> None:
    loc = parse_url("postgresql://clerk:s%40cret@db.example:6543/kaoping")
    assert loc.backend == "postgres"
    assert loc.env["APPLICATION_RECORDER_TOPIC"] == "ledger.storage.postgres_recorder:FastPostgresApplicationRecorder"
    assert (loc.env["POSTGRES_USER"], loc.env["POSTGRES_PASSWORD"]) == ("clerk", "s@cret")
    assert (loc.env["POSTGRES_HOST"], loc.env["POSTGRES_PORT"], loc.env["POSTGRES_DBNAME"]) == (
        "db.example", "6543", "kaoping")
    assert "s%40cret" not in loc.display() and "***" in loc.display()


def test_an_unreachable_postgresql_server_is_one_chinese_line_without_the_password(tmp_path: Path) -> None:
    kp = Kaoping("postgresql://clerk:topsecret@127.0.0.1:1/kaoping", tmp_path)
    r = kp("log")
    assert r.exit_code == 2
    assert r.stderr.startswith("错误：无法打开账本") and "无法连接 PostgreSQL" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert "topsecret" not in r.stderr


def test_existing_originators_finds_exactly_the_streams_that_have_events(ledger) -> None:  # type: ignore[no-untyped-def]
    ledger.add_window("W01", "工商窗口")
    present = {ids.center_id(), ids.window_id("W01")}
    absent = {uuid4() for _ in range(3)}
    assert ledger.recorder.existing_originators([*present, *absent]) == present
    assert ledger.recorder.existing_originators([]) == set()


def test_positions_stay_one_to_n_when_the_store_skips_notification_ids(ledger, db_url: str) -> None:  # type: ignore[no-untyped-def]
    ledger.add_window("W01", "工商窗口")
    if db_url.startswith("postgresql"):
        # A rolled-back insert still consumes sequence values: leave a real gap in the ids.
        with pytest.raises(KaopingError):
            ledger.add_window("W01", "工商窗口")
        with pytest.raises(Conflict):
            ledger.init("又一次")
        import psycopg

        with psycopg.connect(db_url, autocommit=True) as conn:
            conn.execute("SELECT setval('kaoping_events_notification_id_seq', 100)")
    ledger.add_window("W02", "税务窗口")
    recorded = list(ledger.read())
    assert [r.position for r in recorded] == [1, 2, 3]
    if db_url.startswith("postgresql"):
        assert recorded[-1].notification_id > 100
    # Resuming after a position continues the ordinal count, whatever the ids are.
    resumed = list(ledger.read(after=(recorded[1].position, recorded[1].notification_id)))
    assert [r.position for r in resumed] == [3]
    assert [r.position for r in ledger.read(upto=2)] == [1, 2]


def test_an_insert_returns_the_ids_its_rows_got_even_when_the_sequence_skips_numbers_between_them(  # type: ignore[no-untyped-def]
        ledger, db_url: str) -> None:
    from eventsourcing.persistence import StoredEvent

    def stored(n: int) -> list[StoredEvent]:
        return [StoredEvent(uuid4(), 1, "ledger.events:WindowAdded", b"{}") for _ in range(n)]

    if db_url.startswith("postgresql"):
        import psycopg

        with psycopg.connect(db_url, autocommit=True) as conn:
            conn.execute("ALTER SEQUENCE kaoping_events_notification_id_seq INCREMENT BY 3")
    found = ledger.recorder.insert_events(stored(4))
    max_id = ledger.recorder.max_notification_id()
    assert found == [n for n, *_ in ledger.recorder.select_rows(max_id - 100, 100)][-4:]
    step = 3 if db_url.startswith("postgresql") else 1
    assert [b - a for a, b in zip(found, found[1:], strict=False)] == [step] * 3
