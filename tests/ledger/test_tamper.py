"""The tamper suite: edit the stored rows directly with SQL, bypassing kaoping; `verify` must name the place.

Every case runs on SQLite (`SqliteRows`, keyed by rowid) and on PostgreSQL (`PostgresRows`, keyed by
notification_id, whose base ledger has gaps in its ids on purpose); the machinery is tests/ledger/tamper.py.
PostgreSQL cases skip locally without KAOPING_TEST_PG and fail under CI (tests/pg.py `database_for`).
"""

from __future__ import annotations

import uuid

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger import topics
from ledger.integrity.checkpoint import Checkpoint
from ledger.integrity.note import SignerKey, sign_note
from tests.ledger.tamper import SETTINGS, Base, Rows, SqliteRows, broken_at, covered_positions, tampered


def test_an_untouched_ledger_verifies_clean(rows: Rows, base: Base) -> None:
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
        other = data.draw(st.sampled_from(sorted(topics.KNOWN_TOPICS - {topic}) + ["ledger.events:Forged"]))
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
def test_deleting_the_newest_events_is_caught_only_against_an_external_checkpoint(
    base: Base, data: st.DataObject
) -> None:
    r = tampered(base)
    try:
        total = r.count()
        k = data.draw(st.integers(2, total - base.checkpoints[0][0]))
        r.delete(*range(total - k + 1, total + 1))
        assert r.verify(kept=False).ok  # without an outside anchor a shorter ledger looks like an older one
        assert broken_at(r.verify()) <= total - k + 1  # the checkpoint kept beside the key is one
        report = r.verify(base.external, kept=False)
        assert broken_at(report) == total - k + 1
        assert report.broken is not None and report.broken.kind in {"truncated", "content"}
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
        inside = r.verify(kept=False)
        assert inside.ok or all(f.kind == "version" for f in inside.flaws)
        assert not r.verify().ok  # the checkpoint kept beside the key is an outside anchor too
        report = r.verify(base.external, kept=False)
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
        root = __import__("base64").b64decode(state["root"])
        state["note"] = sign_note(Checkpoint(origin, size, root).body(), impostor)
        r.set(position, "state", orjson.dumps(state))
        report = r.verify()
        assert broken_at(report) == position
        assert report.broken is not None and report.broken.kind == "signature"
    finally:
        r.close()


def test_a_replaced_public_key_is_caught_against_the_key_file(rows: Rows) -> None:
    state = orjson.loads(rows.row(2)[3])
    impostor = SignerKey.generate(state["origin"]).verifier
    state.update(verifier_key=impostor.text(), key_id=impostor.key_id_hex)
    rows.set(2, "state", orjson.dumps(state))
    report = rows.verify()
    assert broken_at(report) == 2


def test_a_row_stored_before_every_genuine_id_is_still_read_and_caught(rows: Rows) -> None:
    template = rows.row(3)
    rows.insert_first((uuid.uuid4().hex, 1, template[2], template[3]))
    assert broken_at(rows.verify()) == 1


@pytest.mark.parametrize("column", ["state", "topic"])
def test_a_row_whose_state_or_topic_was_set_to_null_is_caught_at_its_position(rows: Rows, column: str) -> None:
    rows.set(5, column, None)
    report = rows.verify()
    assert broken_at(report) == 5
    assert report.broken is not None and report.broken.kind == "format"


def test_a_state_stored_as_text_instead_of_bytes_is_caught(sqlite_rows: SqliteRows) -> None:
    sqlite_rows.conn.execute("UPDATE stored_events SET state = CAST(state AS TEXT) WHERE rowid = ?",
                             (sqlite_rows.rowid(5),))
    report = sqlite_rows.verify()
    assert broken_at(report) == 5


@SETTINGS
@given(data=st.data())
def test_the_two_process_scan_of_a_large_ledger_finds_exactly_what_one_process_finds(
    sqlite_base: Base, data: st.DataObject
) -> None:
    from ledger.integrity import leaves

    base = sqlite_base
    r = SqliteRows(base)
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


def _finding_and_its_retraction(rows: Rows) -> tuple[int, int]:
    """Two more events of one stream after the last checkpoint (which no signature covers): their positions."""
    app = rows.open()
    try:
        fid = app.record_finding("W2.3", window="W0", day="2024-03-04", source="weekly", note="新的一条")
        app.retract(str(fid), "录入有误")
    finally:
        app.close()
    total = rows.count()
    return total - 1, total


def test_deleting_a_streams_first_event_is_caught_at_its_follow_up_even_where_no_checkpoint_covers_it(
    rows: Rows,
) -> None:
    first, second = _finding_and_its_retraction(rows)
    rows.delete(first)
    report = rows.verify()
    assert broken_at(report) == second - 1
    assert report.broken is not None and report.broken.kind == "version"
    assert "跳号（应为 1，实为 2）" in report.broken.message


def test_a_streams_event_moved_after_its_follow_up_is_caught_at_the_follow_up(sqlite_rows: SqliteRows) -> None:
    first, second = _finding_and_its_retraction(sqlite_rows)
    rowid = sqlite_rows.rowid(first)
    sqlite_rows.conn.execute("UPDATE stored_events SET rowid = rowid + 100 WHERE rowid = ?", (rowid,))
    report = sqlite_rows.verify()
    assert [(f.position, f.kind) for f in report.flaws] == [(first, "version"), (second, "version")]
    assert "跳号（应为 1，实为 2）" in report.flaws[0].message
    assert "重复或倒退（应为 3，实为 1）" in report.flaws[1].message


def test_a_version_stored_twice_where_the_primary_key_was_dropped_is_caught_at_the_second(
    sqlite_rows: SqliteRows,
) -> None:
    conn = sqlite_rows.conn
    conn.executescript(
        "BEGIN; ALTER TABLE stored_events RENAME TO old_events;"
        "CREATE TABLE stored_events (originator_id TEXT, originator_version INTEGER, topic TEXT, state BLOB);"
        "INSERT INTO stored_events (rowid, originator_id, originator_version, topic, state) "
        "SELECT rowid, originator_id, originator_version, topic, state FROM old_events;"
        "DROP TABLE old_events; COMMIT;")
    copy = sqlite_rows.row(7)
    conn.execute("INSERT INTO stored_events (originator_id, originator_version, topic, state) VALUES (?,?,?,?)", copy)
    report = sqlite_rows.verify(kept=False)
    total = sqlite_rows.count()
    assert [(f.position, f.kind) for f in report.flaws] == [(total, "version")]
    assert "重复或倒退" in report.flaws[0].message


@pytest.mark.parametrize("lie", ["drop", "version", "move"])
def test_a_database_that_answers_the_stream_order_pass_differently_is_caught(
    sqlite_rows: SqliteRows, monkeypatch: pytest.MonkeyPatch, lie: str
) -> None:
    from ledger.integrity import streams

    genuine = streams.sqlite_stream_rows

    def lying(*args: object, **kwargs: object) -> object:
        for batch in genuine(*args, **kwargs):  # type: ignore[arg-type]
            o, v, n = batch[3]
            if lie == "drop":
                yield batch[:3] + batch[4:]
            else:
                yield batch[:3] + [(o, v + 1, n) if lie == "version" else (o, v, n + 1)] + batch[4:]

    monkeypatch.setattr(streams, "sqlite_stream_rows", lying)
    report = sqlite_rows.verify()
    assert not report.ok
    assert any(f.kind == "stream" for f in report.flaws)
