"""The tamper suite's machinery: edit the stored rows directly with SQL, bypassing kaoping (test_tamper*.py).

Every case runs on SQLite (`SqliteRows`, keyed by rowid) and on PostgreSQL (`PostgresRows`, keyed by
notification_id, whose base ledger has gaps in its ids on purpose). PostgreSQL cases skip locally
without KAOPING_TEST_PG and fail under CI (tests/pg.py `database_for`).
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from ledger.app import Ledger, open_ledger
from ledger.integrity import anchor, checkpoint_state, keys, leaves, row_leaves, signing, verification
from ledger.integrity.chunk_tree import ChunkTree
from ledger.integrity.note import read_key_file
from ledger.integrity.verification import Report
from tests import pg

# Examples per test and backend: each PostgreSQL example copies a database, so keep this modest.
SETTINGS = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BLOBS = "kaoping_projection_blobs"  # the projection's blobs on SQLite (PostgreSQL: kaoping_projection)
TRACKED = "kaoping.quarters"  # the projection's row in the tracking table
ID_GAP = 7  # sequence values a PostgreSQL base ledger loses between its batches (as rolled-back inserts do)

Row = tuple[Any, int, str, bytes]  # (originator id, version, topic, state) as stored


@dataclass(frozen=True)
class Base:
    """A ledger with stored checkpoints, and an external checkpoint taken at the end."""

    backend: str
    table: str  # the recorder's events table (PostgreSQL: "kaoping_events")
    url: str  # the SQLite file's URL, or the PostgreSQL template database's
    folder: Path  # holds the key file (and the SQLite file)
    external: str  # the signed note kept outside the database (size = external_size)
    external_size: int
    checkpoints: tuple[tuple[int, int], ...]  # (position, size) of each stored checkpoint

    @property
    def covered(self) -> int:
        """Events covered by the last checkpoint stored before the external one."""
        return self.checkpoints[-2][1]


def _record_some(app: Ledger, n: int, tag: str) -> None:
    for i in range(n):
        if i % 4 == 3:
            app.record_finding("S4.1", staff=f"P{i % 3}", day="2024-03-05", source="patrol", note=f"{tag}{i}")
        else:
            fid = app.record_finding("W2.3", window=f"W{i % 3}", day="2024-03-04", source="weekly", note=f"{tag}{i}")
            if i % 5 == 0:
                app.retract(str(fid), "录入有误")


def _lose_ids(app: Ledger) -> None:
    """Consume notification ids without storing rows, so a PostgreSQL ledger has gaps in its ids."""
    if app.location.backend == "postgres":
        import psycopg

        with psycopg.connect(app.location.url, autocommit=True) as conn:
            conn.execute("SELECT nextval(pg_get_serial_sequence(%s, 'notification_id')) FROM generate_series(1, %s)",
                         (app.recorder.events_table_name, ID_GAP))  # type: ignore[attr-defined]


def _build_base(backend: str, folder: Path) -> Base:
    url = f"sqlite:///{folder / 'kaoping.db'}" if backend == "sqlite" else pg.database_for(folder.name)
    app = open_ledger(url, "督查科", create=True)
    staged = keys.stage_key(folder / "kaoping.key")
    app.init("长兴县行政服务中心", also=[keys.key_event(app.actor, staged.signer)])
    for w in range(3):
        app.add_window(f"W{w}", f"窗口{w}")
        app.add_staff(f"P{w}", f"人员{w}", f"W{w}", "2024-01-01")
    _lose_ids(app)
    _record_some(app, 8, "a")
    signing.make_checkpoint(app, folder / "kaoping.key")
    _lose_ids(app)
    _record_some(app, 9, "b")
    signing.make_checkpoint(app, folder / "kaoping.key")
    _lose_ids(app)
    _record_some(app, 6, "c")
    external = signing.make_checkpoint(app, folder / "kaoping.key")
    report = verification.check(app)
    table = app.recorder.events_table_name  # type: ignore[attr-defined]
    app.close()
    assert report.ok
    cps = tuple((c.position, c.size) for c in report.checkpoints)
    return Base(backend, table, url, folder, external, int(external.split("\n")[1]), cps)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def base(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Base]:
    b = _build_base(request.param, tmp_path_factory.mktemp(f"tamper-{request.param}"))
    yield b
    if b.backend == "postgres":
        from tests.pg import drop_database

        drop_database(b.url)


@pytest.fixture(scope="module")
def sqlite_base(tmp_path_factory: pytest.TempPathFactory) -> Base:
    """For the cases about SQLite itself (rowids, storage classes, the two-process scan)."""
    return _build_base("sqlite", tmp_path_factory.mktemp("tamper-sqlite-only"))


class Rows(Protocol):
    """Direct SQL on a private copy of a base ledger: what someone with access to the database could do."""

    def close(self) -> None: ...
    def row(self, position: int) -> Row: ...
    def set(self, position: int, column: str, value: object) -> None: ...
    def delete(self, *positions: int) -> None: ...
    def count(self) -> int: ...
    def swap(self, p: int, q: int) -> None: ...
    def insert_before(self, position: int, row: Row) -> None: ...
    def insert_first(self, row: Row) -> None: ...
    def verify(self, external: str | None = None, *, kept: bool = True) -> Report: ...
    def open(self) -> Ledger: ...
    # the stored projection (blobs by key, and its tracking row)
    def blob(self, key: str) -> bytes | None: ...
    def blob_keys(self) -> list[str]: ...
    def set_blob(self, key: str, value: bytes) -> None: ...
    def delete_blob(self, key: str) -> None: ...
    def tracked(self) -> int | None: ...
    def set_tracked(self, notification_id: int) -> None: ...
    @property
    def dir(self) -> Path: ...


def _verify(url: str, folder: Path, external: str | None, kept: bool = True) -> Report:
    """Verify as `kaoping verify` does beside the key file: against the key and the checkpoint it kept
    (`kept=False`: as a machine that has the key but not the kept checkpoint)."""
    app = open_ledger(url, "审计")
    try:
        trusted = read_key_file(folder / "kaoping.key").verifier
        note = anchor.read_kept(folder / "kaoping.key", trusted) if kept else None
        kept_note = note.note if note is not None else None
        whole = verification.check(app, trusted=trusted, key_source="key-file", external_note=external,
                                   kept_note=kept_note)
        # chunks of 4 leaves (a base ledger holds ~12 of them), every integrity row's state read again and hashed
        # without a copy, every checkpoint's digests read as their text (checkpoint_state.py)
        saved = leaves.CHUNK_HEIGHT, row_leaves.DEFER, checkpoint_state.SMALL
        leaves.CHUNK_HEIGHT, row_leaves.DEFER, checkpoint_state.SMALL = 2, 0, 0
        try:
            chunked = verification.check(app, trusted=trusted, key_source="key-file", external_note=external,
                                         kept_note=kept_note, whole_tree=False)
        finally:
            leaves.CHUNK_HEIGHT, row_leaves.DEFER, checkpoint_state.SMALL = saved
        # `kaoping verify`'s tree (chunk_tree.py) finds exactly what the whole tree finds
        assert (chunked.to_json(), chunked.flaws) == (whole.to_json(), whole.flaws)
        # every chunk read again answered as scanned; only locating a change verifies again over the whole tree
        assert isinstance(chunked.tree, ChunkTree) or not chunked.ok
        return chunked
    finally:
        app.close()


def _copy_keys(base: Base, folder: Path) -> None:
    """The key file and the checkpoint it kept, as they sit beside the base ledger."""
    for name in ("kaoping.key", "kaoping.key" + anchor.SUFFIX):
        shutil.copy2(base.folder / name, folder / name)


class SqliteRows:
    """Direct SQL on a copy of the base ledger's SQLite file, keyed by rowid."""

    def __init__(self, base: Base) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="kp-tamper-"))
        shutil.copy2(base.folder / "kaoping.db", self.dir / "kaoping.db")
        _copy_keys(base, self.dir)
        self.url = f"sqlite:///{self.dir / 'kaoping.db'}"
        self.conn = sqlite3.connect(self.dir / "kaoping.db", isolation_level=None)

    def close(self) -> None:
        self.conn.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def rowid(self, position: int) -> int:
        query = "SELECT rowid FROM stored_events ORDER BY rowid LIMIT 1 OFFSET ?"
        return self.conn.execute(query, (position - 1,)).fetchone()[0]

    def row(self, position: int) -> Row:
        return self.conn.execute(
            "SELECT originator_id, originator_version, topic, state FROM stored_events WHERE rowid=?",
            (self.rowid(position),)
        ).fetchone()

    def set(self, position: int, column: str, value: object) -> None:
        self.conn.execute(f"UPDATE stored_events SET {column}=? WHERE rowid=?", (value, self.rowid(position)))

    def delete(self, *positions: int) -> None:
        rowids = [self.rowid(p) for p in positions]
        self.conn.executemany("DELETE FROM stored_events WHERE rowid=?", [(r,) for r in rowids])

    def count(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM stored_events").fetchone()[0]

    def swap(self, p: int, q: int) -> None:
        a, b = self.rowid(p), self.rowid(q)
        ra, rb = self.row(p), self.row(q)
        self.conn.execute("BEGIN")
        self.conn.execute("UPDATE stored_events SET originator_id='tmp', originator_version=-1 WHERE rowid=?", (a,))
        update = "UPDATE stored_events SET originator_id=?, originator_version=?, topic=?, state=? WHERE rowid=?"
        self.conn.execute(update, (*ra, b))
        self.conn.execute(update, (*rb, a))
        self.conn.execute("COMMIT")

    def insert_before(self, position: int, row: Row) -> None:
        """Insert a row so that it takes `position` and every later row moves one place on."""
        r = self.rowid(position)
        self.conn.execute("BEGIN")
        self.conn.execute("UPDATE stored_events SET rowid = rowid + 1000000 WHERE rowid >= ?", (r,))
        self.conn.execute("UPDATE stored_events SET rowid = rowid - 999999 WHERE rowid >= 1000000")
        self.conn.execute("INSERT INTO stored_events (rowid, originator_id, originator_version, topic, state) "
                          "VALUES (?,?,?,?,?)", (r, *row))
        self.conn.execute("COMMIT")

    def insert_first(self, row: Row) -> None:
        """Insert a row under a negative rowid, which no genuine write uses: it comes first."""
        self.conn.execute("INSERT INTO stored_events (rowid, originator_id, originator_version, topic, state) "
                          "VALUES (-5,?,?,?,?)", row)

    def verify(self, external: str | None = None, *, kept: bool = True) -> Report:
        return _verify(self.url, self.dir, external, kept)

    def open(self) -> Ledger:
        return open_ledger(self.url, "督查科")

    def blob(self, key: str) -> bytes | None:
        row = self.conn.execute(f"SELECT value FROM {BLOBS} WHERE key=?", (key,)).fetchone()
        return None if row is None else bytes(row[0])

    def blob_keys(self) -> list[str]:
        return [r[0] for r in self.conn.execute(f"SELECT key FROM {BLOBS} ORDER BY key")]

    def set_blob(self, key: str, value: bytes) -> None:
        self.conn.execute(f"INSERT OR REPLACE INTO {BLOBS} (key, value) VALUES (?, ?)", (key, value))

    def delete_blob(self, key: str) -> None:
        self.conn.execute(f"DELETE FROM {BLOBS} WHERE key=?", (key,))

    def tracked(self) -> int | None:
        row = self.conn.execute("SELECT notification_id FROM tracking WHERE application_name=?", (TRACKED,)).fetchone()
        return None if row is None else row[0]

    def set_tracked(self, notification_id: int) -> None:
        self.conn.execute("UPDATE tracking SET notification_id=? WHERE application_name=?", (notification_id, TRACKED))


class PostgresRows:
    """Direct SQL on a copy of the base ledger's PostgreSQL database, keyed by notification_id (with gaps)."""

    def __init__(self, base: Base) -> None:
        import psycopg

        from tests.pg import copy_database

        self.dir = Path(tempfile.mkdtemp(prefix="kp-tamper-"))
        _copy_keys(base, self.dir)
        self.url = copy_database(base.url)
        self.conn = psycopg.connect(self.url, autocommit=True)
        self.table = base.table

    def sql(self, query: str, params: tuple[Any, ...] = ()) -> Any:
        """Run one statement on the events table (written `{t}` in the query)."""
        from psycopg.sql import SQL, Identifier

        return self.conn.execute(SQL(query).format(t=Identifier(self.table)), params)

    def close(self) -> None:
        from tests.pg import drop_database

        self.conn.close()
        drop_database(self.url)
        shutil.rmtree(self.dir, ignore_errors=True)

    def nid(self, position: int) -> int:
        found = self.sql(
            "SELECT notification_id FROM {t} ORDER BY notification_id LIMIT 1 OFFSET %s", (position - 1,)
        ).fetchone()
        assert found is not None, f"no row at position {position}"
        return found[0]

    def row(self, position: int) -> Row:
        return self.sql(
            "SELECT originator_id, originator_version, topic, state FROM {t} WHERE notification_id=%s",
            (self.nid(position),),
        ).fetchone()

    def set(self, position: int, column: str, value: object) -> None:
        assert column in {"originator_id", "originator_version", "topic", "state"}
        self.sql(f"UPDATE {{t}} SET {column}=%s WHERE notification_id=%s", (value, self.nid(position)))

    def delete(self, *positions: int) -> None:
        nids = [self.nid(p) for p in positions]
        self.sql("DELETE FROM {t} WHERE notification_id = ANY(%s)", (nids,))

    def count(self) -> int:
        return self.sql("SELECT COUNT(*) FROM {t}").fetchone()[0]

    def swap(self, p: int, q: int) -> None:
        a, b = self.nid(p), self.nid(q)
        ra, rb = self.row(p), self.row(q)
        update = ("UPDATE {t} SET originator_id=%s, originator_version=%s, topic=%s, state=%s "
                  "WHERE notification_id=%s")
        with self.conn.transaction():
            self.sql("UPDATE {t} SET originator_id=%s, originator_version=-1 WHERE notification_id=%s",
                     (uuid.uuid4(), a))
            self.sql(update, (*ra, b))
            self.sql(update, (*rb, a))

    def insert_before(self, position: int, row: Row) -> None:
        """Insert a row so that it takes `position` and every later row moves one place on."""
        n = self.nid(position)
        with self.conn.transaction():
            self.sql("UPDATE {t} SET notification_id = notification_id + 1000000 WHERE notification_id >= %s", (n,))
            self.sql("UPDATE {t} SET notification_id = notification_id - 999999 WHERE notification_id >= 1000000")
            self.sql("INSERT INTO {t} (notification_id, originator_id, originator_version, topic, state) "
                     "VALUES (%s,%s,%s,%s,%s)", (n, *row))

    def insert_first(self, row: Row) -> None:
        """Insert a row under a negative notification id, which the sequence never gives: it comes first."""
        self.sql("INSERT INTO {t} (notification_id, originator_id, originator_version, topic, state) "
                 "VALUES (-5,%s,%s,%s,%s)", row)

    def verify(self, external: str | None = None, *, kept: bool = True) -> Report:
        return _verify(self.url, self.dir, external, kept)

    def open(self) -> Ledger:
        return open_ledger(self.url, "督查科")

    def blob(self, key: str) -> bytes | None:
        row = self.conn.execute("SELECT value FROM kaoping_projection WHERE key=%s", (key,)).fetchone()
        return None if row is None else bytes(row[0])

    def blob_keys(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT key FROM kaoping_projection ORDER BY key")]

    def set_blob(self, key: str, value: bytes) -> None:
        self.conn.execute("INSERT INTO kaoping_projection (key, value) VALUES (%s, %s) "
                          "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))

    def delete_blob(self, key: str) -> None:
        self.conn.execute("DELETE FROM kaoping_projection WHERE key=%s", (key,))

    def tracked(self) -> int | None:
        row = self.conn.execute("SELECT notification_id FROM kaoping_tracking WHERE application_name=%s",
                                (TRACKED,)).fetchone()
        return None if row is None else row[0]

    def set_tracked(self, notification_id: int) -> None:
        self.conn.execute("UPDATE kaoping_tracking SET notification_id=%s WHERE application_name=%s",
                          (notification_id, TRACKED))


def tampered(base: Base) -> Rows:
    """A private copy of the base ledger to edit, on the base's backend."""
    return SqliteRows(base) if base.backend == "sqlite" else PostgresRows(base)


@pytest.fixture
def rows(base: Base) -> Iterator[Rows]:
    r = tampered(base)
    yield r
    r.close()


@pytest.fixture
def sqlite_rows(sqlite_base: Base) -> Iterator[SqliteRows]:
    r = SqliteRows(sqlite_base)
    yield r
    r.close()


def broken_at(report: Report) -> int:
    assert not report.ok, "tampering went unnoticed"
    assert report.broken is not None
    return report.broken.position


def covered_positions(base: Base) -> st.SearchStrategy[int]:
    """Positions inside what the stored checkpoints signed."""
    return st.integers(1, base.covered)
