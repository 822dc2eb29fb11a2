"""The ledger's Merkle leaves, computed from the raw stored rows (never from decoded events): the whole scan of a
verification — its ledger-order pass (row_leaves.py: the leaves' data, the checks of each row) and its stream-order
pass (streams.py), over one or two processes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from functools import partial
from operator import itemgetter
from pathlib import Path
from typing import Any
from uuid import UUID

from ledger.integrity import pg_rows, row_leaves, streams
from ledger.integrity.chunk_tree import ChunkSink, ChunkTree
from ledger.integrity.merkle import KEPT_FROM, MerkleTree, upper_levels
from ledger.integrity.row_leaves import Flaw, Row, Segment, SpecialRow, scan_rows
from ledger.integrity.row_leaves import leaf_data as leaf_data  # the leaves' data: where its readers import it from
from ledger.integrity.row_leaves import originator_bytes as originator_bytes
from ledger.runtime import fork
from ledger.runtime.gcpause import collector_paused
from ledger.storage.location import sqlite_uri
from ledger.storage.rows import EVENTS_TABLE


@dataclass
class Scan:
    """One pass over the ledger: the tree, flaws found in the rows, and the rows to look at closer."""

    tree: MerkleTree
    flaws: list[Flaw] = field(default_factory=list)
    special: list[SpecialRow] = field(default_factory=list)
    tracked: list[SpecialRow] = field(default_factory=list)

    @property
    def size(self) -> int:
        """Number of stored events."""
        return len(self.tree)


def _version_flaw(o: bytes, version: int, position: int, expected: int) -> Flaw:
    what = "重复或倒退" if version < expected else "跳号"
    return Flaw(position, "version",
                f"位置 {position}：事件流 {UUID(bytes=o)} 的版本号{what}（应为 {expected}，实为 {version}）")


def sqlite_rows(
    path: Path, table: str, where: str = "", args: tuple[Any, ...] = (), batch: int = 5000, limit: str = "",
    large: bool = False, keep: bool = False,
) -> Iterator[list[Row]]:
    """Raw rows of a SQLite ledger in rowid order, a batch at a time, on a read-only connection. `large` (a chunked
    scan's): a blob state over row_leaves.DEFER bytes is left in the database as a row_leaves.StoredBlob, read in
    pieces in the same read transaction — SQLite would make a copy of it whole, and Python another; `keep`: the
    connection and its snapshot stay as long as such a state is kept (the read is not closed at its end)."""
    conn = sqlite3.connect(sqlite_uri(path, mode="ro"), uri=True)
    read = row_leaves.OpenRead(conn)
    state = (f"CASE WHEN typeof(state) = 'blob' AND length(state) > {int(row_leaves.DEFER)} THEN NULL ELSE state END"
             if large else "state")
    try:
        if large:
            conn.execute("BEGIN")  # one snapshot for the rows and their blobs, however long they are read
        cur = conn.execute(
            f"SELECT rowid, originator_id, originator_version, topic, {state} FROM {table} {where} ORDER BY rowid "
            f"{limit}", args
        )
        while rows := cur.fetchmany(batch):
            if large and None in map(_STATE, rows):
                rows = [_blob_row(read, table, row) if row[4] is None else row for row in rows]
            yield rows
    finally:
        if not keep:  # else closed once its StoredBlobs are gone
            conn.close()


def _blob_row(read: row_leaves.OpenRead[sqlite3.Connection], table: str, row: Row) -> Row:
    """A row whose state came as NULL: its large blob state as a StoredBlob, or the row as it is (a NULL state)."""
    found = read.conn.execute(f"SELECT typeof(state), length(state) FROM {table} WHERE rowid = ?",
                              (row[0],)).fetchone()
    if found is None or found[0] != "blob" or found[1] <= row_leaves.DEFER:
        return row
    return (*row[:4], row_leaves.StoredBlob(read, table, row[0], found[1]))


def _scan_tail(
    path: Path, table: str, from_rowid: int, upto: int, start: int, args: tuple[frozenset[str], bytes,
    frozenset[str], bytes | None], height: int, key: bytes, room: int,
) -> tuple[Segment, bytearray]:
    """The second half of a parallel scan, run in the second process: leaves and the tree's kept levels up to
    `height` (merkle.upper_levels: ~4 bytes a leaf sent beside the leaves' 32), and the upper half of the
    stream-order pass; the leaves apart, to cross the pipe as they are (fork.start_with_bytes)."""
    seg = scan_rows(sqlite_rows(path, table, "WHERE rowid >= ? AND rowid <= ?", (from_rowid, upto)), *args,
                    start=start, key=key, room=room)
    seg.levels = upper_levels(seg.leaves, height)
    seg.streams = streams.check_streams(streams.sqlite_stream_rows(path, table, upto, 1), key)
    leaves, seg.leaves = seg.leaves, b""
    assert isinstance(leaves, bytearray)
    return seg, leaves


def _scan_tail_chunks(
    path: Path, table: str, from_rowid: int, upto: int, start: int, args: tuple[frozenset[str], bytes,
    frozenset[str], bytes | None], key: bytes,
) -> Segment:
    """The second half of a parallel scan into chunks' roots (chunk_tree.py): a few kilobytes to send back."""
    seg = scan_rows(sqlite_rows(path, table, "WHERE rowid >= ? AND rowid <= ?", (from_rowid, upto), large=True),
                    *args, start=start, key=key, sink=ChunkSink(CHUNK_HEIGHT))
    seg.streams = streams.check_streams(streams.sqlite_stream_rows(path, table, upto, 1), key)
    return seg


def _sqlite_reread(path: Path, table: str) -> Callable[[Any, int], Iterator[list[Row]]]:
    """`count` rows read again from rowid `first` on (a chunk: chunk_tree.ChunkTree)."""
    def reread(first: Any, count: int) -> Iterator[list[Row]]:
        return sqlite_rows(path, table, "WHERE rowid >= ?", (first,), limit=f"LIMIT {int(count)}", large=True,
                            keep=True)
    return reread


def _hasher(args: tuple[frozenset[str], bytes, frozenset[str], bytes | None]
            ) -> Callable[[Iterable[Sequence[Row]], int], bytes | bytearray]:
    """Rows read again hashed as the scan hashed them (chunk_tree.ChunkTree)."""
    def hashed(batches: Iterable[Sequence[Row]], count: int) -> bytes | bytearray:
        return scan_rows(batches, *args, room=count).leaves
    return hashed


_STATE = itemgetter(4)
CHUNK_HEIGHT = 12  # segments split at a multiple of 2^12 leaves, so their lower levels join exactly; verify's
# tree (chunk_tree.ChunkTree) keeps one root per 2^12 leaves
PARALLEL_MIN = 100_000  # below this many events one process is fast enough


def events_table(ledger: Any) -> str:
    """The events table of a full Ledger (its recorder's) or of the questions' light reader (kaoping's own)."""
    recorder = getattr(ledger, "recorder", None)
    return str(recorder.events_table_name) if recorder is not None else EVENTS_TABLE


def raw_rows(ledger: Any, batch: int = 5000) -> Iterator[list[Row]]:
    """Every stored row in ledger order, as stored, a batch at a time.

    SQLite is read directly (every rowid, even ≤ 0); PostgreSQL through its recorder's `raw_rows`
    (every notification id, gaps and all, nothing converted); other backends through the ledger's pages.
    """
    location = ledger.location
    if location.backend == "sqlite" and location.sqlite_path is not None:
        yield from sqlite_rows(location.sqlite_path, events_table(ledger), batch=batch)
        return
    raw = getattr(ledger.recorder, "raw_rows", None)
    if raw is not None:
        yield from raw(batch)
        return
    yield from ledger.pages(0, batch)


def scan(
    ledger: Any,
    known_topics: frozenset[str],
    special_stream: bytes,
    special_topics: frozenset[str],
    track: bytes | None = None,
    chunked: bool = False,
) -> Scan:
    """Hash and check every stored row, in ledger order and then in stream order (streams.py), the two passes
    tied by a fingerprint; a large SQLite ledger is split between two processes. `chunked`: the tree kept as its
    chunks' roots (chunk_tree.ChunkTree, bounded memory), not every leaf.

    The cyclic collector is paused meanwhile (in the second process too, forked from here): the passes make a
    million rows' tuples and no cycle, and its passes over them cost ~15 % of the ledger-order pass."""
    with collector_paused():
        return _scan(ledger, known_topics, special_stream, special_topics, track, chunked)


def _scan(
    ledger: Any, known_topics: frozenset[str], special_stream: bytes, special_topics: frozenset[str],
    track: bytes | None, chunked: bool,
) -> Scan:
    args = (known_topics, special_stream, special_topics, track)
    key = streams.new_key()
    location = ledger.location
    table = events_table(ledger)
    if location.backend == "sqlite" and location.sqlite_path is not None:
        path = location.sqlite_path
        split = 0
        with closing(sqlite3.connect(sqlite_uri(path, mode="ro"), uri=True)) as conn:
            total, upto = conn.execute(f"SELECT COUNT(*), COALESCE(MAX(rowid), 0) FROM {table}").fetchone()
            if total >= PARALLEL_MIN:
                chunk = 1 << join_height()
                split = max(chunk, (total // 2 + chunk // 2) // chunk * chunk)
                if split < total:  # else too few rows for two aligned halves: one process
                    from_rowid = conn.execute(
                        f"SELECT rowid FROM {table} ORDER BY rowid LIMIT 1 OFFSET ?", (split,)
                    ).fetchone()[0]
                else:
                    split = 0
        if split:
            try:
                two = (_scan_two_chunks if chunked else _scan_two)(path, table, from_rowid, upto, split, total, args,
                                                                  key)
            except (OSError, fork.ChildLost):  # no second process here (or it died): one will do
                two = None
            if two is not None:
                return two
        seg = scan_rows(sqlite_rows(path, table, "WHERE rowid <= ?", (upto,), large=chunked), *args, key=key,
                        room=total, sink=ChunkSink(CHUNK_HEIGHT) if chunked else None)
        reread: Callable[[Any, int], Iterable[Sequence[Row]]] = _sqlite_reread(path, table)
        by_streams = streams.check_streams(streams.sqlite_stream_rows(path, table, upto), key)
        flaws = _stream_flaws(lambda nids: streams.sqlite_positions(path, table, nids), [seg.rows], [by_streams])
    else:
        # Both passes at once: the stream-order one on a thread with its own connection, where PostgreSQL does most
        # of its work (the index scan) and the thread waits on the server, not on this process's CPU. Both read
        # the rows up to the last notification id stored as the verification starts, whatever comes since.
        from concurrent.futures import ThreadPoolExecutor

        pg = streams.PostgresTable.of(ledger)
        upto = pg.last_id()
        with ThreadPoolExecutor(1, thread_name_prefix="kaoping-streams") as pool:
            side = pool.submit(lambda: streams.check_streams(pg.stream_rows(upto), key))
            seg = scan_rows(pg_rows.ledger_rows(pg, upto) if chunked else pg.ledger_rows(upto), *args, key=key,
                            sink=ChunkSink(CHUNK_HEIGHT) if chunked else None)
            by_streams = side.result()
        flaws = _stream_flaws(pg.positions, [seg.rows], [by_streams])
        reread = partial(pg_rows.rows_from, pg)
    flaws = seg.flaws + flaws
    tree = MerkleTree(seg.leaves) if seg.sink is None else ChunkTree(seg.sink, reread, _hasher(args))
    return Scan(tree, flaws, seg.special, seg.tracked)


def _stream_flaws(
    positions: Callable[[list[int]], dict[int, int]], rows: list[tuple[int, int]],
    by_streams: list[tuple[tuple[int, int], list[streams.Bad]]],
) -> list[Flaw]:
    """The stream-order pass's findings as flaws at their positions; a flaw too if it did not see exactly the rows
    the ledger-order pass saw."""
    seen = (_xor(v for v, _ in rows), sum(n for _, n in rows))
    told = (_xor(s[0] for s, _ in by_streams), sum(s[1] for s, _ in by_streams))
    bad = [b for _, found in by_streams for b in found]
    flaws: list[Flaw] = []
    if seen != told or any(b[0] == streams.DISORDER for b in bad):
        flaws.append(Flaw(1, "stream", "按事件流读出的事件与按顺序读出的不同：索引被改动，或数据库对两次读取的回答不同",
                          earliest=1, exact=False))
    bad = [b for b in bad if b[0] != streams.DISORDER]
    if bad:
        at = positions([b[0] for b in bad])
        for nid, o, version, expected in bad:
            if nid in at:
                flaws.append(_version_flaw(bytes.fromhex(o), version, at[nid], expected))
    return flaws


def _xor(values: Iterable[int]) -> int:
    out = 0
    for v in values:
        out ^= v
    return out


def join_height() -> int:
    """The height the two halves of a scan are aligned to: CHUNK_HEIGHT, but never below the tree's lowest kept
    level (merkle.KEPT_FROM), where the halves' levels are joined — a split inside a kept node would break it."""
    return max(CHUNK_HEIGHT, KEPT_FROM)


def _scan_two(
    path: Path, table: str, from_rowid: int, upto: int, split: int, total: int,
    args: tuple[frozenset[str], bytes, frozenset[str], bytes | None], key: bytes,
) -> Scan | None:
    """Rows before `from_rowid` and the stream ids below streams.MID here, the rest in a second process; None if
    the rows moved meanwhile.

    One buffer holds every leaf: made for all `total` rows at once, the first half's written here, the second
    half's read into the rest straight from the pipe (fork.start_with_bytes) — never pickled, never copied."""
    height = join_height()
    second = fork.start_with_bytes(
        lambda: _scan_tail(path, table, from_rowid, upto, split + 1, args, height, key, total - split))
    try:
        head = scan_rows(sqlite_rows(path, table, "WHERE rowid < ?", (from_rowid,)), *args, key=key, room=total,
                         trim=False)
        leaves = head.leaves
        assert isinstance(leaves, bytearray)
        if head.written != split * 32 or len(leaves) != total * 32:  # rows were deleted between counting and reading
            return None
        view = memoryview(leaves)
        head_levels = upper_levels(view[: split * 32], height)
        head_streams = streams.check_streams(streams.sqlite_stream_rows(path, table, upto, 0), key)
        try:
            tail = second.result(into=view[split * 32 :])
        except fork.WrongSize:  # rows were deleted between counting and reading
            return None
        finally:
            view.release()
    finally:
        second.stop()
    assert tail.streams is not None
    flaws = head.flaws + tail.flaws + _stream_flaws(lambda nids: streams.sqlite_positions(path, table, nids),
                                                    [head.rows, tail.rows], [head_streams, tail.streams])
    # A short tail has fewer levels: join those both have, the tree computes the rest.
    levels = [a + b for a, b in zip(head_levels, tail.levels, strict=False)]
    del head_levels
    tree = MerkleTree.from_levels(leaves, levels) if len(leaves) > split * 32 else MerkleTree(leaves)
    return Scan(tree, flaws, head.special + tail.special, head.tracked + tail.tracked)


def _scan_two_chunks(
    path: Path, table: str, from_rowid: int, upto: int, split: int, total: int,
    args: tuple[frozenset[str], bytes, frozenset[str], bytes | None], key: bytes,
) -> Scan | None:
    """`_scan_two` into chunks' roots: the second process sends its half's chunks (a few kilobytes, pickled), joined
    after the first half's, whose end `split` is a chunk's end; None if the rows moved meanwhile."""
    second = fork.start(lambda: _scan_tail_chunks(path, table, from_rowid, upto, split + 1, args, key))
    try:
        head = scan_rows(sqlite_rows(path, table, "WHERE rowid < ?", (from_rowid,), large=True), *args, key=key,
                         sink=ChunkSink(CHUNK_HEIGHT))
        head_streams = streams.check_streams(streams.sqlite_stream_rows(path, table, upto, 0), key)
        tail = second.result()
    finally:
        second.stop()
    assert head.sink is not None and tail.sink is not None and tail.streams is not None
    if head.written != split * 32 or tail.written != (total - split) * 32 or head.sink.tail:
        return None  # rows were deleted between counting and reading
    flaws = head.flaws + tail.flaws + _stream_flaws(lambda nids: streams.sqlite_positions(path, table, nids),
                                                    [head.rows, tail.rows], [head_streams, tail.streams])
    sink = ChunkSink(head.sink.height, roots=head.sink.roots + tail.sink.roots,
                     digests=head.sink.digests + tail.sink.digests,
                     firsts=head.sink.firsts + tail.sink.firsts, tail=tail.sink.tail)
    return Scan(ChunkTree(sink, _sqlite_reread(path, table), _hasher(args)), flaws, head.special + tail.special,
                head.tracked + tail.tracked)
