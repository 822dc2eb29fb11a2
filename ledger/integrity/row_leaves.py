"""Rows hashed into Merkle leaves and checked one batch at a time: the ledger-order pass of a verification.

Leaf data of one stored event, every field length-prefixed (4-byte big-endian) so none can bleed into
the next: originator id (its 16 UUID bytes), version (8-byte big-endian), topic (UTF-8), state (the
stored bytes). Leaf index = position − 1 in ledger order (notification ids can have gaps).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from hashlib import sha256
from operator import itemgetter
from struct import Struct, pack
from struct import error as StructError
from typing import Any, Generic, Protocol, TypeVar
from uuid import UUID

from ledger.integrity import streams
from ledger.integrity.chunk_tree import ChunkSink
from ledger.topics import SIGNATURE_TOPIC

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


SpecialRow = tuple[int, bytes, int, str, Any]  # (position, originator bytes, version, topic, state)
DEFER = 1 << 16
"""A chunked scan (`sink`) keeps a special row's state only up to this many bytes; a larger one (a checkpoint's
leaf digests, ~11 bytes a leaf of its range) is None, read again with its chunk when looked at
(chunk_tree.ChunkTree.state_at): what a verification holds no longer grows with the checkpoints' ranges."""
FIRST_ONLY = frozenset({SIGNATURE_TOPIC})
"""Special topics of which a segment keeps only its first row (unless the row is on the special stream): there is
a CommandSigned a command, read again by actor_check's own pass, which needs only where the first is — keeping
every one (~550 bytes each, and pickled back from the second process) was a verification's largest cost in memory
on a ledger with actors."""


class Closable(Protocol):
    """A database connection, as far as OpenRead needs one."""

    def close(self) -> None: ...


C = TypeVar("C", bound=Closable)


class OpenRead(Generic[C]):
    """A read-only connection in one read transaction (SQLite's; PostgreSQL's REPEATABLE READ snapshot,
    pg_rows.py), closed once nothing holds it (its rows' StoredStates)."""

    def __init__(self, conn: C) -> None:
        self.conn = conn

    def __del__(self) -> None:
        self.conn.close()


class StoredState:
    """A stored state over DEFER bytes left in the database by a chunked scan, read a piece at a time on the scan's
    own read (in its snapshot): hashing a checkpoint's digests' text (~11 bytes a leaf of its range) never holds it
    whole, nor the database driver's copy of it. SQLite's (StoredBlob) and PostgreSQL's (pg_rows.StoredBytea)."""

    PIECE = 1 << 20

    def __init__(self, size: int) -> None:
        self._size = size

    def __len__(self) -> int:
        return self._size

    def read_at(self, offset: int, n: int) -> bytes:
        """Bytes offset..offset+n-1 of the stored state (fewer at its end)."""
        raise NotImplementedError

    def pieces(self) -> Iterator[bytes]:
        """The stored bytes, a PIECE at a time."""
        for at in range(0, self._size, self.PIECE):
            yield self.read_at(at, self.PIECE)

    def __bytes__(self) -> bytes:
        return self.read_at(0, self._size)


class StoredBlob(StoredState):
    """A large blob state of a SQLite ledger (leaves.sqlite_rows), read through SQLite's blob I/O on the scan's
    connection."""

    def __init__(self, read: OpenRead[sqlite3.Connection], table: str, rowid: int, size: int) -> None:
        super().__init__(size)
        self._read, self._conn, self._table, self._rowid = read, read.conn, table, rowid

    def pieces(self) -> Iterator[bytes]:
        """The stored bytes, a PIECE at a time, through one blob handle."""
        with self._conn.blobopen(self._table, "state", self._rowid, readonly=True) as blob:
            while piece := blob.read(self.PIECE):
                yield piece

    def read_at(self, offset: int, n: int) -> bytes:
        """Bytes offset..offset+n-1 of the stored state (fewer at its end)."""
        with self._conn.blobopen(self._table, "state", self._rowid, readonly=True) as blob:
            blob.seek(min(offset, self._size))
            return blob.read(n)


@dataclass
class Segment:
    """One stretch of consecutive rows, hashed into leaves and checked on its own."""

    start: int  # position of its first row
    leaves: bytes | bytearray  # the scan's own buffer, never copied (32 bytes a row; room for more, when asked)
    flaws: list[Flaw]
    special: list[SpecialRow]  # rows on the integrity stream or with its topics
    tracked: list[SpecialRow]  # rows of the stream asked for (receipts)
    rows: tuple[int, int] = (0, 0)  # the fingerprint of its rows (streams.Fingerprint.state)
    last_nid: Any = None  # the notification id of its last row
    levels: list[bytes] = field(default_factory=list)  # its tree's kept levels (merkle.upper_levels), when split
    streams: tuple[tuple[int, int], list[streams.Bad]] | None = None  # its half of the stream-order pass, if asked
    written: int = 0  # bytes of `leaves` written (the rest is room left for rows that did not come)
    sink: ChunkSink | None = None  # where the leaves go instead, reduced to chunks' roots (chunk_tree.py)
    kept_first: set[str] = field(default_factory=set)  # the FIRST_ONLY topics whose first row `special` holds


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
    room: int = 0,
    trim: bool = True,
    sink: ChunkSink | None = None,
) -> Segment:
    """Hash every row into a leaf, check every topic is known and every row is stored as a genuine write stores it,
    and fingerprint the rows (streams.Fingerprint, under `key`) for the stream-order pass that checks versions.

    `batches`: the rows in ledger order, a list at a time (as `fetchmany` gives them). A batch whose every row is
    as a genuine write stores it, with known topics, is checked by a few calls over its columns and hashed by the
    shortest loop (`_plain_batch`); any other batch row by row (`_checked_batch`): the same leaves, flaws and
    fingerprint either way.

    `room`: the rows expected, whose leaves' buffer is made at once (its pages are the system's until written) and
    filled a batch at a time — growing it a leaf at a time reallocates it over and over, and the old copies stay in
    the process's heap; `trim=False` keeps the room no row filled (for the second half of a split scan).
    With a `sink`, the leaves go there (no room is made) and are kept only as its chunks' roots.
    """
    seg = Segment(start, bytearray(0 if sink else 32 * room), [], [], [], sink=sink)
    fp = streams.Fingerprint(key or streams.new_key())
    topic_parts: dict[str, bytes] = {}
    position = start - 1
    for batch in batches:
        if not batch:
            continue
        if sink is not None:
            sink.mark(batch)
        if not _plain_batch(batch, position, seg, fp, topic_parts, known_topics, special_stream, special_topics,
                            track):
            _checked_batch(batch, position, seg, fp, topic_parts, known_topics, special_stream, special_topics,
                           track)
        position += len(batch)
        seg.last_nid = batch[-1][0]
    seg.rows = fp.state
    if trim:
        leaves = seg.leaves
        assert isinstance(leaves, bytearray)
        del leaves[seg.written:]
    return seg


def _put(seg: Segment, chunk: bytearray) -> None:
    """Write a batch's leaves where the segment's leaves end (into its room, or past it)."""
    at = seg.written
    if seg.sink is not None:
        seg.sink.add(chunk)
        seg.written = at + len(chunk)
        return
    leaves = seg.leaves
    assert isinstance(leaves, bytearray)
    leaves[at : at + len(chunk)] = chunk
    seg.written = at + len(chunk)


def _plain_batch(
    batch: Sequence[Row], position: int, seg: Segment, fp: streams.Fingerprint, topic_parts: dict[str, bytes],
    known_topics: frozenset[str], special_stream: bytes, special_topics: frozenset[str], track: bytes | None,
) -> bool:
    """Hash a batch whose every row is as a genuine write stores it (ids of 32 hex digits, integer versions and
    notification ids, known topics, bytes states); False, having done nothing, for any other batch.

    What it buys: the checks are a few calls over whole columns, and the loop per row is the hash alone (a third
    of the CPU of checking each row as it is hashed)."""
    oids, topics, versions, nids, states = (list(map(g, batch)) for g in (_OID, _TOPIC, _VERSION, _NID, _STATE))
    names = set(topics)
    if (not names <= known_topics or set(map(type, oids)) != {str} or set(map(len, oids)) != {32}
            or set(map(type, states)) != {bytes} or max(map(len, states)) > DEFER or not streams.integers(versions)
            or not streams.integers(nids)):
        return False  # a state over DEFER bytes (a checkpoint's digests) is hashed without a copy: row by row
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
    leaves, join, fromhex, head, length, parts = bytearray(), b"".join, bytes.fromhex, _HEAD, _LEN, topic_parts
    for _nid, oid, version, topic, state in batch:
        leaves += sha256(join((head(0, 16, fromhex(oid), 8, version), parts[topic], length(len(state)),
                               state))).digest()
    _put(seg, leaves)
    wanted = set(_found(ids, special_stream))
    if not names.isdisjoint(special_topics):
        wanted.update(i for i, t in enumerate(topics) if t in special_topics and _kept(seg, t))
    defer = seg.sink is not None
    seg.special.extend(_special(position + 1 + i, ids, i, batch[i], defer) for i in sorted(wanted))
    if track is not None:
        seg.tracked.extend(_special(position + 1 + i, ids, i, batch[i]) for i in _found(ids, track))
    return True


def _kept(seg: Segment, topic: str) -> bool:
    """Whether a row of a special topic is kept: always, but for a FIRST_ONLY topic's rows after its first."""
    if topic not in FIRST_ONLY:
        return True
    if topic in seg.kept_first:
        return False
    seg.kept_first.add(topic)
    return True


def _found(ids: bytes, stream: bytes) -> list[int]:
    """The rows (indexes into a batch) whose 16-byte id in `ids` is `stream`."""
    out, at = [], ids.find(stream)
    while at != -1:
        if at % 16 == 0:
            out.append(at // 16)
        at = ids.find(stream, at + 1)
    return out


def _special(position: int, ids: bytes, i: int, row: Row, defer: bool = False) -> SpecialRow:
    """Row `i` of a plain batch, kept for a closer look (its id as the 16 bytes hashed; a state over DEFER bytes as
    None, when `defer`)."""
    return position, ids[16 * i : 16 * i + 16], row[2], row[3], None if defer and len(row[4]) > DEFER else row[4]


def _checked_batch(
    batch: Sequence[Row], position: int, seg: Segment, fp: streams.Fingerprint, topic_parts: dict[str, bytes],
    known_topics: frozenset[str], special_stream: bytes, special_topics: frozenset[str], track: bytes | None,
) -> None:
    """Hash and check a batch row by row: any row, however it is stored, gets a leaf, and a flaw if no genuine
    write could have stored it."""
    leaves, flaws, special, tracked = bytearray(), seg.flaws, seg.special, seg.tracked
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
            if len(o) == 16 and len(state) > DEFER:  # hashed as it is stored, not copied after its length
                h = sha256(join((head(0, 16, o, 8, version), tp, length(len(state)))))
                for piece in state.pieces() if isinstance(state, StoredState) else (state,):
                    h.update(piece)
                leaves += h.digest()
            elif len(o) == 16:
                leaves += sha256(join((head(0, 16, o, 8, version), tp, length(len(state)), state))).digest()
            else:
                flaws.append(_format_flaw(position, "originator id"))
                leaves += sha256(b"\x00" + leaf_data(o, version, topic, bytes(state) if isinstance(state, StoredState)
                                                               else state)).digest()
        except (ValueError, TypeError, AttributeError, OverflowError, StructError) as exc:
            # A row no genuine write could produce (wrong types, malformed id): still give it a leaf.
            flaws.append(_format_flaw(position, type(exc).__name__))
            state = bytes(state) if isinstance(state, StoredState) else state  # its leaf as if read whole
            leaves += sha256(b"\x00" + repr((oid, version, topic, state)).encode()).digest()
            continue
        ids += o
        if (topic in special_topics and _kept(seg, topic)) or o == special_stream:
            deferred = seg.sink is not None and isinstance(state, bytes | StoredState) and len(state) > DEFER
            special.append((position, o, version, topic, None if deferred else state))
        if o == track:
            tracked.append((position, o, version, topic, bytes(state) if isinstance(state, StoredState) else state))
    _put(seg, leaves)
    nids, _, versions, _, _ = zip(*batch, strict=True)
    try:
        blocks = (ids, streams.version_blocks(versions), streams.nid_blocks(nids)) if (
            len(flaws) == flawed and streams.integers(versions) and streams.integers(nids)) else None
    except StructError:
        blocks = None
    if blocks is not None:  # every row canonical (a flawed one is not): the whole batch in a few calls
        fp.add(*blocks)
    else:
        fp.add_rows((r[1], r[2], r[0]) for r in batch)


def _format_flaw(position: int, what: str) -> Flaw:
    return Flaw(position, "format", f"位置 {position} 的存储格式被改动，不是本系统能写出的数据（{what}）")
