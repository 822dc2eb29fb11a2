"""The stream-order pass of a verification: every stream's versions run 1, 2, 3… in ledger order, in bounded memory.

The ledger-order pass (row_leaves.scan_rows) cannot check this without remembering every stream's last version — one
dict entry per stream, and most streams hold a single fact, so ~200 bytes an event. Instead a second pass reads
(stream id, version, notification id) in stream order, from the unique (originator_id, originator_version) index,
where the check needs only the stream at hand: its first version is 1, each next one is one more, and its
notification ids grow with its versions. Memory: one stream's rows, whatever the history.

Both passes are tied by a fingerprint of the rows they saw (`Fingerprint`), so the database cannot answer them
differently (a table and an index that disagree, a server that lies to one query): each row (stream id, version,
notification id) is mapped through a keyed pseudo-random function — its three AES blocks chained as in CBC-MAC, under
a key drawn for this verification alone and never stored or sent — and the values are XOR-ed and counted. Two passes
that saw different rows agree with probability ~2^-128 (a row given twice cannot cancel out: the counts would differ;
a clean stream-order pass holds no row twice, each stream once and each version once). AES runs over a whole batch of
rows in one call, so the fingerprint costs a few list operations a row, not a SHA-256 each (which would cost as much
as the leaves themselves).

A row is in the check only in its canonical stored form (a 16-byte stream id, a version in 0..2^64-1, an integer
notification id): the ledger-order pass reports every other row as a format flaw, so none escapes the check.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from struct import Struct
from struct import error as StructError
from typing import Any
from uuid import UUID

from ledger.storage.location import Location, sqlite_uri

KEY_SIZE = 16


def new_key() -> bytes:
    """A fingerprint key for one verification (both processes of a split scan share it; nothing else sees it)."""
    return os.urandom(KEY_SIZE)


def canonical_id(value: Any) -> bytes | None:
    """The 16 bytes of a stream id in the form a genuine write stores (SQLite: 32 hex digits; PostgreSQL: a uuid),
    or None."""
    if type(value) is str and len(value) == 32:
        try:
            o = bytes.fromhex(value)
        except ValueError:
            return None
        return o if len(o) == 16 else None  # fromhex skips spaces
    if isinstance(value, UUID):
        return value.bytes
    return None


@lru_cache(maxsize=8)
def _blocks(n: int, signed: bool) -> Struct:
    return Struct(">" + ("8xq" if signed else "8xQ") * n)


def version_blocks(versions: Sequence[Any]) -> bytes:
    """Each version as a fingerprint block (8 zero bytes, then the version); StructError if one is not an integer
    in 0..2^64-1."""
    return _blocks(len(versions), False).pack(*versions)


def nid_blocks(nids: Sequence[Any]) -> bytes:
    """Each notification id as a fingerprint block (8 zero bytes, then the id, signed: SQLite's rowids may be
    ≤ 0); StructError if one is not a 64-bit integer."""
    return _blocks(len(nids), True).pack(*nids)


def integers(values: Sequence[Any]) -> bool:
    """True when every value is exactly an int (not a bool, not a float): a batch's check without a loop."""
    return not values or set(map(type, values)) == {int}


def record(oid: Any, version: Any, nid: Any) -> tuple[bytes, bytes, bytes] | None:
    """A row's three fingerprint blocks (stream id, version, notification id), or None if not canonical."""
    o = canonical_id(oid)
    if o is None or type(version) is not int or type(nid) is not int:
        return None
    try:
        return o, version_blocks((version,)), nid_blocks((nid,))
    except StructError:
        return None


class Fingerprint:
    """An order-free fingerprint of a set of rows (stream id, version, notification id), added a batch at a time:
    the XOR of their keyed values and how many there are (so a row given twice cannot cancel out).

    A row's value is the CBC-MAC of its three blocks (stream id; 8 zero bytes and the version; 8 zero bytes and the
    notification id) — a pseudo-random function of rows of one fixed length — so each block of a whole batch is
    packed by one `struct` call and enciphered by one AES call, with no loop over the rows."""

    def __init__(self, key: bytes) -> None:
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

        # ECB here is a block-by-block PRF, never encryption of data: each row's blocks are chained by hand
        self._aes = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
        self.value = 0
        self.count = 0

    @property
    def state(self) -> tuple[int, int]:
        """(XOR of the rows' values, number of rows): equal for the same set of rows."""
        return self.value, self.count

    def add(self, ids: bytes | bytearray, versions: bytes | bytearray, nids: bytes | bytearray) -> None:
        """Add rows given as their stream ids (16 bytes each), `version_blocks` and `nid_blocks`, aligned."""
        if not ids:
            return
        size = len(ids)
        chained = self._aes.update(bytes(ids))
        for block in (versions, nids):
            chained = self._aes.update((int.from_bytes(chained) ^ int.from_bytes(block)).to_bytes(size))
        self.value ^= _xor_blocks(chained)
        self.count += size // 16

    def add_rows(self, triples: Iterable[tuple[Any, Any, Any]]) -> None:
        """Add rows given as (stream id as stored, version, notification id); rows not canonical are left out."""
        ids, vb, nb = bytearray(), bytearray(), bytearray()
        for oid, version, nid in triples:
            r = record(oid, version, nid)
            if r is not None:
                ids += r[0]
                vb += r[1]
                nb += r[2]
        self.add(ids, vb, nb)


def _xor_blocks(data: bytes) -> int:
    """XOR of the 16-byte blocks of `data`, folded in halves on one integer (no loop over the blocks)."""
    v, n = int.from_bytes(data), len(data) // 16
    while n > 1:
        keep = n - n // 2
        shift = 128 * keep
        v = (v >> shift) ^ (v & ((1 << shift) - 1))
        n = keep
    return v


Bad = tuple[int, str, int, int]  # a row out of its stream's order: (notification id, stream id, version, expected)
DISORDER = -1  # a `Bad` notification id: the rows did not come in stream order (the database answered wrongly)


def check_streams(
    batches: Iterable[Sequence[tuple[Any, Any, Any]]], key: bytes
) -> tuple[tuple[int, int], list[Bad]]:
    """Check (stream id as 32 hex digits, version, notification id) rows given in stream order: their
    fingerprint, and the rows that break their stream, judged as a ledger-order reading judges them (each version
    one more than the last, the first 1).

    Only the current stream's rows are held; a stream found broken is re-judged in notification-id order."""
    fp = Fingerprint(key)
    bad: list[Bad] = []
    run: list[tuple[str, int, int]] = []
    broken = False
    prev_o, prev_v, prev_n = "", 0, 0
    for batch in batches:
        ids, vb, nb, rows = _canonical(batch)
        fp.add(ids, vb, nb)
        for row in rows:
            o, v, n = row
            if o == prev_o:
                if v != prev_v + 1 or n <= prev_n:
                    broken = True
                run.append(row)
            else:
                if broken:
                    bad.extend(_judged(run))
                if o < prev_o:  # each stream once, in order: else the pass could show a stream twice
                    bad.append((DISORDER, o, v, 0))
                run = [row]
                broken = v != 1
                prev_o = o
            prev_v, prev_n = v, n
    if broken:
        bad.extend(_judged(run))
    return fp.state, bad


def _canonical(
    batch: Sequence[tuple[Any, Any, Any]],
) -> tuple[bytes, bytes, bytes, Sequence[tuple[str, int, int]]]:
    """A batch's fingerprint blocks and its canonical rows (the others are left out: see the module's note)."""
    if not batch:
        return b"", b"", b"", batch
    oids, versions, nids = zip(*batch, strict=True)
    try:  # every id 32 hex digits, every version and id a 64-bit integer: a few calls a batch
        ids = bytes.fromhex("".join(oids))
        if len(ids) == 16 * len(oids) and set(map(len, oids)) == {32} and integers(versions) and integers(nids):
            return ids, version_blocks(versions), nid_blocks(nids), batch
    except (TypeError, ValueError, StructError):
        pass
    idb, vb, nb = bytearray(), bytearray(), bytearray()
    rows: list[tuple[str, int, int]] = []
    for oid, version, nid in batch:
        r = record(oid, version, nid)
        if r is not None and type(oid) is str:
            idb += r[0]
            vb += r[1]
            nb += r[2]
            rows.append((oid, version, nid))
    return bytes(idb), bytes(vb), bytes(nb), rows


def _judged(run: list[tuple[str, int, int]]) -> list[Bad]:
    """A broken stream's rows read in notification-id order, each version expected one more than the last."""
    out: list[Bad] = []
    prev = 0
    for o, v, n in sorted(run, key=lambda r: r[2]):
        if v != prev + 1:
            out.append((n, o, v, prev + 1))
        prev = v
    return out


MID = "8"  # the stream ids below it (in SQLite's order of text) and the rest: two halves for two processes


def sqlite_stream_rows(path: Path, table: str, upto: int, half: int | None = None,
                       batch: int = 5000) -> Iterator[list[tuple[Any, Any, Any]]]:
    """(stream id, version, rowid) of every row with rowid ≤ `upto`, in stream order, from the primary key's
    covering index; `half` 0 or 1: only the stream ids below `MID`, or the others (rows whose id is not text are
    never canonical: the ledger-order pass reports them)."""
    where = {None: "", 0: f"AND originator_id < '{MID}'", 1: f"AND originator_id >= '{MID}'"}[half]
    conn = sqlite3.connect(sqlite_uri(path, mode="ro"), uri=True)
    try:
        cur = conn.execute(
            f"SELECT originator_id, originator_version, rowid FROM {table} WHERE rowid <= ? {where} "
            "ORDER BY originator_id, originator_version", (upto,))
        while rows := cur.fetchmany(batch):
            yield rows
    finally:
        conn.close()


def sqlite_positions(path: Path, table: str, rowids: Iterable[int]) -> dict[int, int]:
    """The ledger position (1-based, in rowid order) of each of these rowids: one pass over the rowids alone."""
    wanted = sorted(set(rowids))
    if not wanted:
        return {}
    conn = sqlite3.connect(sqlite_uri(path, mode="ro"), uri=True)
    try:
        cur = conn.execute(f"SELECT rowid FROM {table} WHERE rowid <= ? ORDER BY rowid", (wanted[-1],))
        return _ranks(iter(lambda: cur.fetchmany(5000), []), wanted)
    finally:
        conn.close()


def _ranks(batches: Iterable[Sequence[tuple[Any, ...]]], wanted: list[int]) -> dict[int, int]:
    """Where each wanted id (sorted) stands among ids given in order (1-based)."""
    found: dict[int, int] = {}
    position, i = 0, 0
    for rows in batches:
        for (nid,) in rows:
            position += 1
            while i < len(wanted) and wanted[i] < nid:
                i += 1
            if i < len(wanted) and wanted[i] == nid:
                found[nid] = position
                i += 1
        if i == len(wanted):
            break
    return found


@dataclass(frozen=True)
class PostgresTable:
    """A PostgreSQL ledger's events table, read on a connection of its own (never the ledger's pool)."""

    location: Location
    name: str  # schema-qualified and quoted

    @classmethod
    def of(cls, ledger: Any) -> PostgresTable:
        """The events table of a full ledger on PostgreSQL."""
        from ledger.storage.postgres_reader import SCHEMA, quoted

        recorder = ledger.recorder
        schema = getattr(getattr(recorder, "datastore", None), "schema", None) or SCHEMA
        return cls(ledger.location, quoted(schema, str(recorder.events_table_name)))

    def _read(self, statement: str, upto: int, batch: int = 5000) -> Iterator[list[tuple[Any, ...]]]:
        from ledger.storage.postgres_reader import snapshot_batches

        return snapshot_batches(self.location, statement.format(table=self.name), (upto,), batch,
                                "kaoping_stream_order")

    def last_id(self) -> int:
        """The last notification id stored now (0 for an empty ledger)."""
        from ledger.storage.postgres_reader import connect

        with connect(self.location) as conn:
            row = conn.execute(f"SELECT COALESCE(MAX(notification_id), 0) FROM {self.name}").fetchone()
        return int(row[0]) if row else 0

    def stream_rows(self, upto: int) -> Iterator[list[tuple[Any, ...]]]:
        """(stream id as 32 hex digits, version, notification id) of every row with notification id ≤ `upto`, in
        stream order (the primary key's index)."""
        return self._read("SELECT encode(uuid_send(originator_id), 'hex'), originator_version, notification_id "
                          "FROM {table} WHERE notification_id <= %s ORDER BY originator_id, originator_version", upto)

    # A row's stream id as the 32 hex digits SQLite stores: row_leaves.scan_rows then hashes a batch by its
    # shortest loop, not row by row as a UUID object each (the same 16 bytes hashed either way).
    _RAW = ("SELECT notification_id, encode(uuid_send(originator_id), 'hex'), originator_version, topic, state "
            "FROM {table} ")

    def ledger_rows(self, upto: int) -> Iterator[list[tuple[Any, ...]]]:
        """Every raw row with notification id ≤ `upto`, in ledger order, through one binary snapshot cursor."""
        return self._read(self._RAW + "WHERE notification_id <= %s ORDER BY notification_id", upto)

    def positions(self, nids: list[int]) -> dict[int, int]:
        """The ledger position (1-based, in notification-id order) of each of these notification ids."""
        wanted = sorted(set(nids))
        if not wanted:
            return {}
        return _ranks(self._read("SELECT notification_id FROM {table} WHERE notification_id <= %s "
                                 "ORDER BY notification_id", wanted[-1]), wanted)
