"""A chunked PostgreSQL scan leaves large states on the server (pg_rows.StoredBytea), read in its own snapshot, and
hashes them the same as whole states."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest

from ledger.integrity import pg_rows, row_leaves
from ledger.integrity.pg_rows import StoredBytea, snapshot_rows
from ledger.integrity.row_leaves import scan_rows
from ledger.storage.location import Location, parse_url
from tests import pg

_OID = uuid.UUID(int=1)
STATES: list[bytes | None] = [b"small", b"x" * 100, None, b"", b"y" * 5000]
ARGS = (frozenset({"ledger.events:X"}), b"\1" * 16, frozenset[str](), None)


@pytest.fixture
def table() -> Iterator[tuple[str, Location]]:
    """A database with table t of STATES (notification ids 10, 20, …), and its location."""
    url = pg.database_for("stored_bytea")
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE TABLE t (notification_id bigint PRIMARY KEY, originator_id uuid, "
                         "originator_version bigint, topic text, state bytea)")
            with conn.cursor() as cur:
                cur.executemany("INSERT INTO t VALUES (%s, %s, %s, %s, %s)",
                                [(10 * (i + 1), _OID, i + 1, "ledger.events:X", s) for i, s in enumerate(STATES)])
        yield url, parse_url(url)
    finally:
        pg.drop_database(url)


def _rows(location: Location, batch: int = 2, keep: bool = False) -> Iterator[list[row_leaves.Row]]:
    return snapshot_rows(location, '"t"', "notification_id > %s ORDER BY notification_id", (0,), batch, "c", keep)


def test_only_large_states_are_left_on_the_server(table: tuple[str, Location],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(row_leaves, "DEFER", 50)
    rows = [r for batch in _rows(table[1], keep=True) for r in batch]
    assert [type(r[4]).__name__ for r in rows] == ["bytes", "StoredBytea", "NoneType", "bytes", "StoredBytea"]
    assert rows[0][1] == _OID.hex and [r[0] for r in rows] == [10, 20, 30, 40, 50]
    state = rows[4][4]
    assert isinstance(state, StoredBytea) and len(state) == 5000 and bytes(state) == b"y" * 5000
    assert state.read_at(4990, 100) == b"y" * 10 and state.read_at(6000, 5) == b""
    monkeypatch.setattr(StoredBytea, "PIECE", 7)
    assert [len(p) for p in state.pieces()][:2] == [7, 7] and b"".join(state.pieces()) == b"y" * 5000


def test_a_kept_state_is_read_in_the_snapshot_it_was_found_in(table: tuple[str, Location],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(row_leaves, "DEFER", 50)
    state = [r for batch in _rows(table[1], keep=True) for r in batch][4][4]
    with psycopg.connect(table[0], autocommit=True) as conn:
        conn.execute("UPDATE t SET state = %s WHERE notification_id = 50", (b"z" * 5000,))
    assert bytes(state) == b"y" * 5000


def test_a_scan_over_stored_states_gives_the_leaves_and_flaws_of_the_whole_states(
    table: tuple[str, Location], monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = scan_rows(_rows(table[1]), *ARGS, key=b"k" * 16)
    monkeypatch.setattr(pg_rows.row_leaves, "DEFER", 0)
    monkeypatch.setattr(StoredBytea, "PIECE", 7)
    pieces = scan_rows(_rows(table[1]), *ARGS, key=b"k" * 16)
    assert len(whole.leaves) == 32 * len(STATES) and whole.flaws
    assert pieces.leaves == whole.leaves and pieces.flaws == whole.flaws and pieces.rows == whole.rows
