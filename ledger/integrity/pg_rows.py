"""A PostgreSQL ledger's raw rows for a chunked scan, a large state left on the server and read in pieces.

libpq brings a row in whole, and psycopg copies it into a Python bytes: a checkpoint's state (~11 bytes a leaf of
its range, its leaf digests' text) costs twice its size at once, and again each time its chunk is read. Here a state
over row_leaves.DEFER bytes is selected as NULL and handed on as a `StoredBytea`, read with `substring` on the
scan's own connection, in its REPEATABLE READ snapshot: what a verification holds no longer grows with the
checkpoints' ranges, as on SQLite (leaves.sqlite_rows, row_leaves.StoredBlob).
"""

from __future__ import annotations

from collections.abc import Iterator
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from ledger.integrity import row_leaves
from ledger.integrity.row_leaves import OpenRead, Row, StoredState
from ledger.storage.location import Location

if TYPE_CHECKING:
    import psycopg

    from ledger.integrity.streams import PostgresTable

_STATE = itemgetter(4)


class StoredBytea(StoredState):
    """A large bytea state of a PostgreSQL ledger, read through `substring` in the snapshot it was found in."""

    def __init__(self, read: OpenRead[psycopg.Connection[tuple[Any, ...]]], table: str, nid: int, size: int) -> None:
        super().__init__(size)
        self._read, self._table, self._nid = read, table, nid

    def read_at(self, offset: int, n: int) -> bytes:
        """Bytes offset..offset+n-1 of the stored state (fewer at its end)."""
        offset, n = min(offset, len(self)), max(0, min(n, len(self) - offset))
        if not n:
            return b""
        with self._read.conn.cursor(binary=True) as cur:
            cur.execute(f"SELECT substring(state FROM %s FOR %s) FROM {self._table} WHERE notification_id = %s",
                        (offset + 1, n, self._nid))
            found = cur.fetchone()
        if found is None or not isinstance(found[0], bytes):
            raise ValueError(f"row {self._nid} is gone from its own snapshot")
        return found[0]


def snapshot_rows(location: Location, table: str, where: str, params: tuple[Any, ...], batch: int, name: str,
                  keep: bool = False) -> Iterator[list[Row]]:
    """Raw rows (notification id, stream id as 32 hex digits, version, topic, state) of `table` (quoted), `where`
    (after WHERE, up to its ORDER BY and LIMIT), `batch` at a time, through a server-side binary cursor named `name`
    in one read-only snapshot, a state over row_leaves.DEFER bytes as a StoredBytea. `keep`: the connection and
    its snapshot stay as long as such a state is kept (it is not closed at the end of the rows)."""
    from ledger.storage.postgres_reader import connect

    conn = connect(location)
    read = OpenRead(conn)
    defer = int(row_leaves.DEFER)
    try:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        with conn.cursor(name=name, binary=True) as cur:
            cur.itersize = batch
            cur.execute("SELECT notification_id, encode(uuid_send(originator_id), 'hex'), originator_version, topic, "
                        f"CASE WHEN octet_length(state) > {defer} THEN NULL ELSE state END FROM {table} "
                        f"WHERE {where}", params)
            while rows := cur.fetchmany(batch):
                if None in map(_STATE, rows):
                    rows = [_bytea_row(read, table, row) if row[4] is None else row for row in rows]
                yield rows
    finally:
        if not keep:  # else closed once its StoredByteas are gone
            conn.close()


def _bytea_row(read: OpenRead[psycopg.Connection[tuple[Any, ...]]], table: str, row: Row) -> Row:
    """A row whose state came as NULL: its large state as a StoredBytea, or the row as it is (a NULL state)."""
    with read.conn.cursor(binary=True) as cur:
        cur.execute(f"SELECT octet_length(state) FROM {table} WHERE notification_id = %s", (row[0],))
        found = cur.fetchone()
    if found is None or found[0] is None or found[0] <= row_leaves.DEFER:
        return row
    return (*row[:4], StoredBytea(read, table, row[0], int(found[0])))


def ledger_rows(table: PostgresTable, upto: int) -> Iterator[list[Row]]:
    """Every raw row with notification id ≤ `upto`, in ledger order (a chunked scan's: streams.PostgresTable's
    `ledger_rows`, a large state left on the server)."""
    return snapshot_rows(table.location, table.name, "notification_id <= %s ORDER BY notification_id", (upto,), 5000,
                         "kaoping_ledger_order")


def rows_from(table: PostgresTable, first: Any, count: int) -> Iterator[list[Row]]:
    """`count` raw rows from notification id `first` on, in ledger order (a chunk read again: chunk_tree.py), on a
    snapshot kept as long as a large state of them is."""
    return snapshot_rows(table.location, table.name, f"notification_id >= %s ORDER BY notification_id "
                         f"LIMIT {int(count)}", (first,), count, "kaoping_chunk", keep=True)
