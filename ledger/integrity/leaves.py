"""The ledger's Merkle leaves, computed from the raw stored rows (never from decoded events).

Leaf data of one stored event, every field length-prefixed (4-byte big-endian) so none can bleed into
the next: originator id (its 16 UUID bytes), version (8-byte big-endian), topic (UTF-8), state (the
stored bytes). Leaf index = position − 1 in ledger order (notification ids can have gaps).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from hashlib import sha256
from operator import itemgetter
from pathlib import Path
from struct import Struct, pack
from struct import error as StructError
from typing import Any
from uuid import UUID

from ledger.integrity import streams
from ledger.integrity.merkle import KEPT_FROM, MerkleTree, upper_levels
from ledger.runtime import fork
from ledger.storage.location import sqlite_uri
from ledger.storage.rows import EVENTS_TABLE

# One raw row: (notification id, originator id as stored, version, topic, state).
Row = tuple[Any, Any, Any, Any, Any]


def leaf_data(originator: bytes, version: int, topic: str, state: bytes) -> bytes:
    """The bytes a stored event contributes to its leaf."""
    t = topic.encode("utf-8")
    return b"".join(
        (pack(">I", len(originator)), originator, pack(">IQ", 8, version),
         pack(">I", len(t)), t, pack(">I", len(state)), state)
    )


def originator_bytes(value: Any) -> bytes:
    """The 16 bytes of a stored originator id (a UUID, or SQLite's 32 hex digits); ValueError if neither."""
    if isinstance(value, UUID):
        return value.bytes
    if isinstance(value, str) and len(value) == 32:
        return bytes.fromhex(value)
    if isinstance(value, str):
        return UUID(value).bytes
    raise ValueError(f"originator id of type {type(value).__name__}")


@dataclass(frozen=True)
class Flaw:
    """Something wrong with one stored row, found while computing its leaf."""

    position: int
    kind: str
    message: str
    earliest: int | None = None  # when the change cannot be pinned down: the lowest position it may be at
    exact: bool = True  # False: only a range is known, and `position` is its start


SpecialRow = tuple[int, bytes, int, str, bytes]  # (position, originator bytes, version, topic, state)


@dataclass
class Segment:
    """One stretch of consecutive rows, hashed into leaves and checked on its own."""

    start: int  # position of its first row
    leaves: bytes | bytearray  # the scan's own buffer, never copied (32 bytes a row)
    flaws: list[Flaw]
    special: list[SpecialRow]  # rows on the integrity stream or with its topics
    tracked: list[SpecialRow]  # rows of the stream asked for (receipts)
    rows: tuple[int, int] = (0, 0)  # the fingerprint of its rows (streams.Fingerprint.state)
    last_nid: Any = None  # the notification id of its last row
    levels: list[bytes] = field(default_factory=list)  # its tree's kept levels (merkle.upper_levels), when split
    streams: tuple[tuple[int, int], list[streams.Bad]] | None = None  # its half of the stream-order pass, if asked


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


_HEAD = Struct(">BI16sIQ").pack  # 0x00 leaf prefix, len 16, originator id, len 8, version
_LEN = Struct(">I").pack
_NID, _OID, _VERSION, _TOPIC, _STATE = (itemgetter(i) for i in range(5))


def scan_rows(
    batches: Iterable[Sequence[Row]],
    known_topics: frozenset[str],
    special_stream: bytes,
    special_topics: frozenset[str],
    track: bytes | None = None,
    start: int = 1,
    key: bytes | None = None,
) -> Segment:
    """Hash every row into a leaf, check every topic is known and every row is stored as a genuine write stores it,
    and fingerprint the rows (streams.Fingerprint, under `key`) for the stream-order pass that checks versions.

    `batches`: the rows in ledger order, a list at a time (as `fetchmany` gives them). A batch whose every row is
    as a genuine write stores it, with known topics, is checked by a few calls over its columns and hashed by the
    shortest loop (`_plain_batch`); any other batch row by row (`_checked_batch`): the same leaves, flaws and
    fingerprint either way.
    """
    seg = Segment(start, bytearray(), [], [], [])
    fp = streams.Fingerprint(key or streams.new_key())
    topic_parts: dict[str, bytes] = {}
    position = start - 1
    for batch in batches:
        if not batch:
            continue
        if not _plain_batch(batch, position, seg, fp, topic_parts, known_topics, special_stream, special_topics,
                            track):
            _checked_batch(batch, position, seg, fp, topic_parts, known_topics, special_stream, special_topics,
                           track)
        position += len(batch)
        seg.last_nid = batch[-1][0]
    seg.rows = fp.state
    return seg


def _plain_batch(
    batch: Sequence[Row], position: int, seg: Segment, fp: streams.Fingerprint, topic_parts: dict[str, bytes],
    known_topics: frozenset[str], special_stream: bytes, special_topics: frozenset[str], track: bytes | None,
) -> bool:
    """Hash a batch whose every row is as a genuine write stores it (ids of 32 hex digits, integer versions and
    notification ids, known topics, bytes states); False, having done nothing, for any other batch.

    What it buys: the checks are a few calls over whole columns, and the loop per row is the hash alone (a third
    of the CPU of checking each row as it is hashed)."""
    oids, topics, versions, nids = (list(map(g, batch)) for g in (_OID, _TOPIC, _VERSION, _NID))
    names = set(topics)
    if (not names <= known_topics or set(map(type, oids)) != {str} or set(map(len, oids)) != {32}
            or set(map(type, map(_STATE, batch))) != {bytes} or not streams.integers(versions)
            or not streams.integers(nids)):
        return False
    try:
        ids = bytes.fromhex("".join(oids))
        if len(ids) != 16 * len(batch):  # fromhex skips spaces
            return False
        blocks = (ids, streams.version_blocks(versions), streams.nid_blocks(nids))
        for name in names - topic_parts.keys():
            t = name.encode("utf-8")
            topic_parts[name] = _LEN(len(t)) + t
    except (ValueError, StructError, UnicodeError):
        return False
    fp.add(*blocks)
    leaves, join, fromhex, head, length, parts = seg.leaves, b"".join, bytes.fromhex, _HEAD, _LEN, topic_parts
    assert isinstance(leaves, bytearray)
    for _nid, oid, version, topic, state in batch:
        leaves += sha256(join((head(0, 16, fromhex(oid), 8, version), parts[topic], length(len(state)),
                               state))).digest()
    wanted = set(_found(ids, special_stream))
    if not names.isdisjoint(special_topics):
        wanted.update(i for i, t in enumerate(topics) if t in special_topics)
    seg.special.extend(_special(position + 1 + i, ids, i, batch[i]) for i in sorted(wanted))
    if track is not None:
        seg.tracked.extend(_special(position + 1 + i, ids, i, batch[i]) for i in _found(ids, track))
    return True


def _found(ids: bytes, stream: bytes) -> list[int]:
    """The rows (indexes into a batch) whose 16-byte id in `ids` is `stream`."""
    out, at = [], ids.find(stream)
    while at != -1:
        if at % 16 == 0:
            out.append(at // 16)
        at = ids.find(stream, at + 1)
    return out


def _special(position: int, ids: bytes, i: int, row: Row) -> SpecialRow:
    """Row `i` of a plain batch, kept for a closer look (its id as the 16 bytes hashed)."""
    return position, ids[16 * i : 16 * i + 16], row[2], row[3], row[4]


def _checked_batch(
    batch: Sequence[Row], position: int, seg: Segment, fp: streams.Fingerprint, topic_parts: dict[str, bytes],
    known_topics: frozenset[str], special_stream: bytes, special_topics: frozenset[str], track: bytes | None,
) -> None:
    """Hash and check a batch row by row: any row, however it is stored, gets a leaf, and a flaw if no genuine
    write could have stored it."""
    leaves, flaws, special, tracked = seg.leaves, seg.flaws, seg.special, seg.tracked
    assert isinstance(leaves, bytearray)
    join, fromhex, head, length = b"".join, bytes.fromhex, _HEAD, _LEN
    ids = bytearray()
    flawed = len(flaws)
    for _nid, oid, version, topic, state in batch:
        position += 1
        try:
            tp = topic_parts.get(topic)
            if tp is None:
                t = topic.encode("utf-8")
                tp = topic_parts[topic] = length(len(t)) + t
                if topic not in known_topics:
                    flaws.append(Flaw(position, "topic", f"位置 {position} 的事件类型未知：{topic}"))
            if type(oid) is str and len(oid) == 32:
                o = fromhex(oid)
            elif isinstance(oid, UUID):
                o = oid.bytes
            else:
                o = originator_bytes(oid)
                flaws.append(_format_flaw(position, "originator id"))
            if len(o) == 16:
                leaves += sha256(join((head(0, 16, o, 8, version), tp, length(len(state)), state))).digest()
            else:
                flaws.append(_format_flaw(position, "originator id"))
                leaves += sha256(b"\x00" + leaf_data(o, version, topic, state)).digest()
        except (ValueError, TypeError, AttributeError, OverflowError, StructError) as exc:
            # A row no genuine write could produce (wrong types, malformed id): still give it a leaf.
            flaws.append(_format_flaw(position, type(exc).__name__))
            leaves += sha256(b"\x00" + repr((oid, version, topic, state)).encode()).digest()
            continue
        ids += o
        if o == special_stream or topic in special_topics:
            special.append((position, o, version, topic, state))
        if o == track:
            tracked.append((position, o, version, topic, state))
    nids, _, versions, _, _ = zip(*batch, strict=True)
    try:
        blocks = (ids, streams.version_blocks(versions), streams.nid_blocks(nids)) if len(flaws) == flawed else None
    except StructError:
        blocks = None
    if blocks is not None:  # every row canonical (a flawed one is not): the whole batch in a few calls
        fp.add(*blocks)
    else:
        fp.add_rows((r[1], r[2], r[0]) for r in batch)


def _format_flaw(position: int, what: str) -> Flaw:
    return Flaw(position, "format", f"位置 {position} 的存储格式被改动，不是本系统能写出的数据（{what}）")


def _version_flaw(o: bytes, version: int, position: int, expected: int) -> Flaw:
    what = "重复或倒退" if version < expected else "跳号"
    return Flaw(position, "version",
                f"位置 {position}：事件流 {UUID(bytes=o)} 的版本号{what}（应为 {expected}，实为 {version}）")


def _sqlite_rows(
    path: Path, table: str, where: str = "", args: tuple[Any, ...] = (), batch: int = 5000
) -> Iterator[list[Row]]:
    """Raw rows of a SQLite ledger in rowid order, a batch at a time, on a read-only connection."""
    conn = sqlite3.connect(sqlite_uri(path, mode="ro"), uri=True)
    try:
        cur = conn.execute(
            f"SELECT rowid, originator_id, originator_version, topic, state FROM {table} {where} ORDER BY rowid", args
        )
        while rows := cur.fetchmany(batch):
            yield rows
    finally:
        conn.close()


def _scan_tail(
    path: Path, table: str, from_rowid: int, upto: int, start: int, args: tuple[frozenset[str], bytes,
    frozenset[str], bytes | None], height: int, key: bytes,
) -> tuple[Segment, bytearray]:
    """The second half of a parallel scan, run in the second process: leaves and the tree's kept levels up to
    `height` (merkle.upper_levels: ~4 bytes a leaf sent beside the leaves' 32), and the upper half of the
    stream-order pass; the leaves apart, to cross the pipe as they are (fork.start_with_bytes)."""
    seg = scan_rows(_sqlite_rows(path, table, "WHERE rowid >= ? AND rowid <= ?", (from_rowid, upto)), *args,
                    start=start, key=key)
    seg.levels = upper_levels(seg.leaves, height)
    seg.streams = streams.check_streams(streams.sqlite_stream_rows(path, table, upto, 1), key)
    leaves, seg.leaves = seg.leaves, b""
    assert isinstance(leaves, bytearray)
    return seg, leaves


CHUNK_HEIGHT = 12  # segments split at a multiple of 2^12 leaves, so their lower levels join exactly
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
        yield from _sqlite_rows(location.sqlite_path, events_table(ledger), batch=batch)
        return
    raw = getattr(ledger.recorder, "raw_rows", None)
    if raw is not None:
        yield from raw(batch)
        return
    yield from ledger.pages(0, batch)


def _until(batches: Iterable[Sequence[Row]], upto: int) -> Iterator[Sequence[Row]]:
    """The rows in ledger order up to notification id `upto` (the ones after it came after the verification began)."""
    for batch in batches:
        if batch and batch[-1][0] > upto:
            if head := [r for r in batch if r[0] <= upto]:
                yield head
            return
        yield batch


def scan(
    ledger: Any,
    known_topics: frozenset[str],
    special_stream: bytes,
    special_topics: frozenset[str],
    track: bytes | None = None,
) -> Scan:
    """Hash and check every stored row, in ledger order and then in stream order (streams.py), the two passes
    tied by a fingerprint; a large SQLite ledger is split between two processes."""
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
                two = _scan_two(path, table, from_rowid, upto, split, args, key)
            except (OSError, fork.ChildLost):  # no second process here (or it died): one will do
                two = None
            if two is not None:
                return two
        seg = scan_rows(_sqlite_rows(path, table, "WHERE rowid <= ?", (upto,)), *args, key=key)
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
            seg = scan_rows(_until(raw_rows(ledger), upto), *args, key=key)
            by_streams = side.result()
        flaws = _stream_flaws(pg.positions, [seg.rows], [by_streams])
    flaws = seg.flaws + flaws
    return Scan(MerkleTree(seg.leaves), flaws, seg.special, seg.tracked)


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
    path: Path, table: str, from_rowid: int, upto: int, split: int,
    args: tuple[frozenset[str], bytes, frozenset[str], bytes | None], key: bytes,
) -> Scan | None:
    """Rows before `from_rowid` and the stream ids below streams.MID here, the rest in a second process; None if
    the rows moved meanwhile."""
    height = join_height()
    second = fork.start_with_bytes(lambda: _scan_tail(path, table, from_rowid, upto, split + 1, args, height, key))
    try:
        head = scan_rows(_sqlite_rows(path, table, "WHERE rowid < ?", (from_rowid,)), *args, key=key)
        if len(head.leaves) != split * 32:  # rows were deleted between counting and reading
            return None
        head_levels = upper_levels(head.leaves, height)
        head_streams = streams.check_streams(streams.sqlite_stream_rows(path, table, upto, 0), key)
        # One buffer of leaves: the second half's are appended to the first's as they come through the pipe (no
        # pickled copy, no second buffer).
        leaves = head.leaves
        assert isinstance(leaves, bytearray)
        tail = second.result(into=leaves)
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
