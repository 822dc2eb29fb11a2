"""The tamper suite: edit the stored rows directly with SQL, bypassing kaoping; `verify` must name the place.

SQLite only: the edits go through `SqliteRows`. A PostgreSQL variant needs the same five methods
on `stored_events` keyed by `notification_id` instead of `rowid`.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger import integrity
from ledger.app import Ledger, open_ledger
from ledger.checkpoint import Checkpoint
from ledger.integrity import Report
from ledger.note import SignerKey, read_key_file, sign_note

SETTINGS = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@dataclass(frozen=True)
class Base:
    """A ledger with stored checkpoints, and an external checkpoint taken at the end."""

    folder: Path
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


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Base:
    folder = tmp_path_factory.mktemp("tamper")
    app = open_ledger(f"sqlite:///{folder / 'kaoping.db'}", "督查科", create=True)
    staged = integrity.stage_key(folder / "kaoping.key")
    app.init("长兴县行政服务中心", also=[integrity.key_event(app.actor, staged.signer)])
    staged.commit()
    for w in range(3):
        app.add_window(f"W{w}", f"窗口{w}")
        app.add_staff(f"P{w}", f"人员{w}", f"W{w}", "2024-01-01")
    _record_some(app, 8, "a")
    integrity.make_checkpoint(app, folder / "kaoping.key")
    _record_some(app, 9, "b")
    integrity.make_checkpoint(app, folder / "kaoping.key")
    _record_some(app, 6, "c")
    external = integrity.make_checkpoint(app, folder / "kaoping.key")
    report = integrity.check(app)
    app.close()
    assert report.ok
    cps = tuple((c.position, c.size) for c in report.checkpoints)
    return Base(folder, external, int(external.split("\n")[1]), cps)


class SqliteRows:
    """Direct SQL on a copy of the base ledger: what someone with the database file could do."""

    def __init__(self, base: Base) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="kp-tamper-"))
        shutil.copy2(base.folder / "kaoping.db", self.dir / "kaoping.db")
        shutil.copy2(base.folder / "kaoping.key", self.dir / "kaoping.key")
        self.conn = sqlite3.connect(self.dir / "kaoping.db", isolation_level=None)

    def close(self) -> None:
        self.conn.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def rowid(self, position: int) -> int:
        return self.conn.execute("SELECT rowid FROM stored_events ORDER BY rowid LIMIT 1 OFFSET ?", (position - 1,)).fetchone()[0]

    def row(self, position: int) -> tuple[str, int, str, bytes]:
        return self.conn.execute(
            "SELECT originator_id, originator_version, topic, state FROM stored_events WHERE rowid=?", (self.rowid(position),)
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
        self.conn.execute("UPDATE stored_events SET originator_id=?, originator_version=?, topic=?, state=? WHERE rowid=?", (*ra, b))
        self.conn.execute("UPDATE stored_events SET originator_id=?, originator_version=?, topic=?, state=? WHERE rowid=?", (*rb, a))
        self.conn.execute("COMMIT")

    def insert_before(self, position: int, row: tuple[str, int, str, bytes]) -> None:
        """Insert a row so that it takes `position` and every later row moves one place on."""
        r = self.rowid(position)
        self.conn.execute("BEGIN")
        self.conn.execute("UPDATE stored_events SET rowid = rowid + 1000000 WHERE rowid >= ?", (r,))
        self.conn.execute("UPDATE stored_events SET rowid = rowid - 999999 WHERE rowid >= 1000000")
        self.conn.execute("INSERT INTO stored_events (rowid, originator_id, originator_version, topic, state) VALUES (?,?,?,?,?)", (r, *row))
        self.conn.execute("COMMIT")

    def verify(self, external: str | None = None) -> Report:
        app = open_ledger(f"sqlite:///{self.dir / 'kaoping.db'}", "审计")
        try:
            trusted = read_key_file(self.dir / "kaoping.key").verifier
            return integrity.check(app, trusted=trusted, key_source="key-file", external_note=external)
        finally:
            app.close()


@pytest.fixture
def rows(base: Base) -> Iterator[SqliteRows]:
    r = SqliteRows(base)
    yield r
    r.close()


def tampered(base: Base) -> SqliteRows:
    return SqliteRows(base)


def broken_at(report: Report) -> int:
    assert not report.ok, "tampering went unnoticed"
    assert report.broken is not None
    return report.broken.position


def covered_positions(base: Base) -> st.SearchStrategy[int]:
    """Positions inside what the stored checkpoints signed."""
    return st.integers(1, base.covered)


def test_an_untouched_ledger_verifies_clean(rows: SqliteRows, base: Base) -> None:
    report = rows.verify(base.external)
    assert report.ok and report.broken is None
    assert report.external and report.external["extends"]
    assert report.newer_than_checkpoint == 1  # the last checkpoint's own event


@SETTINGS
@given(data=st.data())
def test_flipping_a_byte_of_a_stored_state_is_caught_at_its_position(base: Base, data: st.DataObject) -> None:
    r = tampered(base)
    try:
        position = data.draw(covered_positions(base))
        state = bytearray(r.row(position)[3])
        offset = data.draw(st.integers(0, len(state) - 1))
        state[offset] ^= data.draw(st.integers(1, 255))
        r.set(position, "state", bytes(state))
        assert broken_at(r.verify()) == position
    finally:
        r.close()


@SETTINGS
@given(data=st.data())
def test_changing_a_topic_is_caught_at_its_position(base: Base, data: st.DataObject) -> None:
    r = tampered(base)
    try:
        position = data.draw(covered_positions(base))
        topic = r.row(position)[2]
        other = data.draw(st.sampled_from(sorted(integrity.KNOWN_TOPICS - {topic}) + ["ledger.events:Forged"]))
        r.set(position, "topic", other)
        assert broken_at(r.verify()) == position
    finally:
        r.close()


@SETTINGS
@given(data=st.data())
def test_changing_an_originator_version_is_caught_at_its_position(base: Base, data: st.DataObject) -> None:
    r = tampered(base)
    try:
        position = data.draw(covered_positions(base))
        version = r.row(position)[1]
        r.set(position, "originator_version", version + data.draw(st.integers(100, 10_000)))
        report = r.verify()
        assert broken_at(report) == position
        assert any(f.kind == "version" and f.position == position for f in report.flaws)
    finally:
        r.close()


@SETTINGS
@given(data=st.data())
def test_deleting_a_middle_event_is_caught_at_its_position(base: Base, data: st.DataObject) -> None:
    r = tampered(base)
    try:
        position = data.draw(covered_positions(base))
        r.delete(position)
        assert broken_at(r.verify()) == position
    finally:
        r.close()


@SETTINGS
@given(data=st.data())
def test_swapping_two_events_contents_is_caught_at_the_first_of_them(base: Base, data: st.DataObject) -> None:
    r = tampered(base)
    try:
        p = data.draw(covered_positions(base))
        q = data.draw(st.integers(1, r.count()).filter(lambda x: x != p))
        r.swap(p, q)
        assert broken_at(r.verify()) == min(p, q)
    finally:
        r.close()


@SETTINGS
@given(data=st.data())
def test_inserting_a_forged_event_is_caught_at_its_position(base: Base, data: st.DataObject) -> None:
    r = tampered(base)
    try:
        position = data.draw(covered_positions(base))
        template = next(r.row(p) for p in range(1, r.count() + 1) if r.row(p)[2].endswith("FindingRecorded"))
        state = orjson.loads(template[3])
        state["note"] = "伪造的检查记录"
        r.insert_before(position, (uuid.uuid4().hex, 1, template[2], orjson.dumps(state)))
        assert broken_at(r.verify()) == position
    finally:
        r.close()


@SETTINGS
@given(data=st.data())
def test_deleting_the_newest_events_is_caught_only_against_an_external_checkpoint(base: Base, data: st.DataObject) -> None:
    r = tampered(base)
    try:
        total = r.count()
        k = data.draw(st.integers(2, total - base.checkpoints[0][0]))
        r.delete(*range(total - k + 1, total + 1))
        assert r.verify().ok  # without an outside anchor a shorter ledger looks like an older one
        report = r.verify(base.external)
        assert broken_at(report) == total - k + 1
        assert report.broken.kind in {"truncated", "content"}
    finally:
        r.close()


@SETTINGS
@given(data=st.data())
def test_deleting_events_with_the_checkpoints_stored_after_them_is_caught_against_an_external_checkpoint(
    base: Base, data: st.DataObject
) -> None:
    r = tampered(base)
    try:
        first_cp = base.checkpoints[0][0]
        position = data.draw(st.integers(first_cp + 1, base.external_size))
        later_cps = [p for p, _ in base.checkpoints if p > position]
        r.delete(position, *later_cps)
        # Every remaining checkpoint still matches; only a broken stream (a follow-up left behind) shows.
        inside = r.verify()
        assert inside.ok or all(f.kind == "version" for f in inside.flaws)
        report = r.verify(base.external)
        b = report.broken
        assert not report.ok and b is not None
        earliest = b.position if b.earliest is None else b.earliest
        assert earliest <= position <= b.position
        remaining = [size for p, size in base.checkpoints if p < position]
        assert earliest > remaining[-1]
    finally:
        r.close()


@SETTINGS
@given(data=st.data())
def test_editing_a_stored_checkpoint_is_caught_at_its_position(base: Base, data: st.DataObject) -> None:
    r = tampered(base)
    try:
        position, size = data.draw(st.sampled_from(base.checkpoints))
        state = orjson.loads(r.row(position)[3])
        field = data.draw(st.sampled_from(["size", "root", "note", "leaf_digests"]))
        if field == "size":
            state["size"] = size - data.draw(st.integers(1, 3))
        elif field == "root":
            state["root"] = Checkpoint("x", 0, bytes(32)).root_b64
        elif field == "note":
            state["note"] = state["note"].replace(f"\n{size}\n", f"\n{size - 1}\n")
        else:
            digests = bytearray(state["leaf_digests"].encode())
            digests[0] = ord("A") if digests[0] != ord("A") else ord("B")
            state["leaf_digests"] = digests.decode()
        r.set(position, "state", orjson.dumps(state))
        assert broken_at(r.verify()) == position
    finally:
        r.close()


@SETTINGS
@given(data=st.data())
def test_a_checkpoint_signed_with_another_key_is_refused_at_its_position(base: Base, data: st.DataObject) -> None:
    r = tampered(base)
    try:
        position, size = data.draw(st.sampled_from(base.checkpoints))
        state = orjson.loads(r.row(position)[3])
        origin = state["note"].split("\n")[0]
        impostor = SignerKey.generate(origin)  # same name, different key
        state["note"] = sign_note(Checkpoint(origin, size, __import__("base64").b64decode(state["root"])).body(), impostor)
        r.set(position, "state", orjson.dumps(state))
        report = r.verify()
        assert broken_at(report) == position
        assert report.broken.kind == "signature"
    finally:
        r.close()


def test_a_replaced_public_key_is_caught_against_the_key_file(rows: SqliteRows) -> None:
    state = orjson.loads(rows.row(2)[3])
    impostor = SignerKey.generate(state["origin"]).verifier
    state.update(verifier_key=impostor.text(), key_id=impostor.key_id_hex)
    rows.set(2, "state", orjson.dumps(state))
    report = rows.verify()
    assert broken_at(report) == 2


def test_a_row_with_a_negative_rowid_is_still_read_and_caught(rows: SqliteRows) -> None:
    template = rows.row(3)
    rows.conn.execute("INSERT INTO stored_events (rowid, originator_id, originator_version, topic, state) VALUES (-5,?,?,?,?)",
                      (uuid.uuid4().hex, 1, template[2], template[3]))
    assert broken_at(rows.verify()) == 1


def test_a_state_stored_as_text_instead_of_bytes_is_caught(rows: SqliteRows) -> None:
    rows.conn.execute("UPDATE stored_events SET state = CAST(state AS TEXT) WHERE rowid = ?", (rows.rowid(5),))
    report = rows.verify()
    assert broken_at(report) == 5


@SETTINGS
@given(data=st.data())
def test_the_two_process_scan_of_a_large_ledger_finds_exactly_what_one_process_finds(base: Base, data: st.DataObject) -> None:
    from ledger import leaves

    r = tampered(base)
    try:
        how = data.draw(st.sampled_from(["none", "delete", "version", "flip"]))
        position = data.draw(st.integers(1, r.count()))
        if how == "delete":
            r.delete(position)
        elif how == "version":
            r.set(position, "originator_version", r.row(position)[1] + 50)
        elif how == "flip":
            r.set(position, "state", r.row(position)[3] + b" ")
        single = r.verify(base.external)
        saved = leaves.PARALLEL_MIN, leaves.CHUNK_HEIGHT
        leaves.PARALLEL_MIN, leaves.CHUNK_HEIGHT = 8, data.draw(st.integers(1, 3))
        try:
            double = r.verify(base.external)
        finally:
            leaves.PARALLEL_MIN, leaves.CHUNK_HEIGHT = saved
        assert double.tree.root() == single.tree.root()
        assert sorted(double.flaws, key=repr) == sorted(single.flaws, key=repr)
    finally:
        r.close()
