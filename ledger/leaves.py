"""The ledger's Merkle leaves, computed from the raw stored rows (never from decoded events).

Leaf data of one stored event, every field length-prefixed (4-byte big-endian) so none can bleed into
the next: originator id (its 16 UUID bytes), version (8-byte big-endian), topic (UTF-8), state (the
stored bytes). Leaf index = position − 1 in ledger order (notification ids can have gaps).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from hashlib import sha256
from struct import error as StructError
from struct import pack
from typing import Any
from uuid import UUID

from ledger.merkle import MerkleTree

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


def raw_rows(ledger: Any, batch: int = 5000) -> Iterator[Row]:
    """Every stored row in ledger order, as stored. SQLite is read directly (all rowids, even ≤ 0)."""
    location = ledger.location
    if location.backend == "sqlite" and location.sqlite_path is not None:
        table = ledger.recorder.events_table_name
        conn = sqlite3.connect(f"file:{location.sqlite_path}?mode=ro", uri=True)
        try:
            cur = conn.execute(
                f"SELECT rowid, originator_id, originator_version, topic, state FROM {table} ORDER BY rowid"
            )
            while rows := cur.fetchmany(batch):
                yield from rows
        finally:
            conn.close()
        return
    start: int | None = None
    while True:
        page = ledger.recorder.select_notifications(start=start, limit=batch, inclusive_of_start=start is None)
        for n in page:
            yield (n.id, n.originator_id, n.originator_version, n.topic, n.state)
        if len(page) < batch:
            return
        start = page[-1].id


@dataclass(frozen=True)
class Flaw:
    """Something wrong with one stored row, found while computing its leaf."""

    position: int
    kind: str
    message: str
    earliest: int | None = None  # when the change cannot be pinned down: the lowest position it may be at


@dataclass
class Scan:
    """One pass over the ledger: the tree, the first structural flaw, and the integrity stream's rows."""

    tree: MerkleTree
    flaws: list[Flaw] = field(default_factory=list)
    # (position, originator bytes, version, topic, state) of rows on the integrity stream or with its topics
    special: list[tuple[int, bytes, int, str, bytes]] = field(default_factory=list)
    # (position, originator bytes, version, topic, state) of the tracked stream's rows
    tracked: list[tuple[int, bytes, int, str, bytes]] = field(default_factory=list)
    versions: dict[bytes, int] = field(default_factory=dict)

    @property
    def size(self) -> int:
        """Number of stored events."""
        return len(self.tree)


def scan(
    rows: Iterator[Row],
    known_topics: frozenset[str],
    special_stream: bytes,
    special_topics: frozenset[str],
    track: bytes | None = None,
) -> Scan:
    """Hash every row into a leaf; check each stream's versions run 1, 2, 3… and every topic is known.

    `track`: an originator whose rows to keep (for receipts).
    """
    leaves = bytearray()
    versions: dict[bytes, int] = {}
    flaws: list[Flaw] = []
    special: list[tuple[int, bytes, int, str, bytes]] = []
    tracked: list[tuple[int, bytes, int, str, bytes]] = []
    topic_parts: dict[str, bytes] = {}
    position = 0
    for _nid, oid, version, topic, state in rows:
        position += 1
        try:
            tp = topic_parts.get(topic)
            if tp is None:
                t = topic.encode("utf-8")
                tp = topic_parts[topic] = pack(">I", len(t)) + t
                if topic not in known_topics:
                    flaws.append(Flaw(position, "topic", f"事件类型未知：{topic}"))
            o = bytes.fromhex(oid) if type(oid) is str and len(oid) == 32 else originator_bytes(oid)
            leaves += sha256(
                b"\x00\x00\x00\x00\x10" + o + pack(">IQ", 8, version) + tp + pack(">I", len(state)) + state
            ).digest() if len(o) == 16 else sha256(b"\x00" + leaf_data(o, version, topic, state)).digest()
        except (ValueError, TypeError, AttributeError, OverflowError, StructError) as exc:
            # A row no genuine write could produce (wrong types, malformed id): still give it a leaf.
            flaws.append(Flaw(position, "format", f"位置 {position} 的存储格式被改动，不是本系统能写出的数据（{type(exc).__name__}）"))
            leaves += sha256(b"\x00" + repr((oid, version, topic, state)).encode()).digest()
            continue
        last = versions.get(o, 0)
        if version != last + 1:
            what = "重复" if version <= last else "跳号"
            flaws.append(Flaw(position, "version", f"事件流 {UUID(bytes=o)} 的版本号{what}：应为 {last + 1}，实为 {version}"))
        versions[o] = version if version > last else last
        if o == special_stream or topic in special_topics:
            special.append((position, o, version, topic, state))
        if o == track:
            tracked.append((position, o, version, topic, state))
    return Scan(MerkleTree(leaves), flaws, special, tracked, versions)
