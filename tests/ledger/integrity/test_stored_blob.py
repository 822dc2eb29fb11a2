"""A chunked SQLite scan leaves large blob states in the database (row_leaves.StoredBlob) and hashes them the same."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from ledger.integrity import leaves, row_leaves
from ledger.integrity.row_leaves import StoredBlob, scan_rows

_OID = "0" * 31 + "1"


def _table(path: Path, states: list[object]) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (originator_id, originator_version, topic, state)")
    conn.executemany("INSERT INTO t VALUES (?, ?, ?, ?)",
                     [(_OID, i + 1, "ledger.events:X", s) for i, s in enumerate(states)])
    conn.commit()
    conn.close()


STATES: list[object] = [b"small", b"x" * 100, None, "t" * 100, b"", 7, b"y" * 5000]


def test_only_large_blob_states_are_left_in_the_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(row_leaves, "DEFER", 50)
    _table(tmp_path / "l.db", STATES)
    rows = [r for batch in leaves.sqlite_rows(tmp_path / "l.db", "t", batch=3, large=True, keep=True)
            for r in batch]
    kinds = [type(r[4]).__name__ for r in rows]
    assert kinds == ["bytes", "StoredBlob", "NoneType", "str", "bytes", "int", "StoredBlob"]
    blob = rows[6][4]
    assert isinstance(blob, StoredBlob) and len(blob) == 5000 and bytes(blob) == b"y" * 5000
    assert blob.read_at(4990, 100) == b"y" * 10 and b"".join(blob.pieces()) == b"y" * 5000


def test_a_scan_over_stored_blobs_gives_the_leaves_and_flaws_of_the_whole_states(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _table(tmp_path / "l.db", STATES)
    args = (frozenset({"ledger.events:X"}), b"\1" * 16, frozenset(), None)
    whole = scan_rows(leaves.sqlite_rows(tmp_path / "l.db", "t"), *args, key=b"k" * 16)
    monkeypatch.setattr(row_leaves, "DEFER", 0)
    monkeypatch.setattr(StoredBlob, "PIECE", 7)
    pieces = scan_rows(leaves.sqlite_rows(tmp_path / "l.db", "t", batch=2, large=True), *args, key=b"k" * 16)
    assert pieces.leaves == whole.leaves and pieces.flaws == whole.flaws and pieces.rows == whole.rows
