"""A root hash over a ledger's stored rows, in ledger order: two ledgers with the same root hold the same rows.

Leaves are the rows exactly as stored (stream id, version, topic, state bytes) — never re-encoded —
and the tree is RFC 9162's Merkle Tree Hash (leaf = SHA-256(0x00‖leaf), node = SHA-256(0x01‖l‖r)).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID


class StoredRow(Protocol):
    """What a stored event or notification row exposes."""

    originator_id: UUID | str
    originator_version: int
    topic: str
    state: bytes


def leaf_bytes(row: StoredRow) -> bytes:
    """The bytes of one stored row, length-prefixed so no two rows share an encoding."""
    oid = row.originator_id if isinstance(row.originator_id, UUID) else UUID(str(row.originator_id))
    topic = row.topic.encode("utf-8")
    return b"".join(
        (
            oid.bytes,
            row.originator_version.to_bytes(8, "big", signed=True),
            len(topic).to_bytes(4, "big"),
            topic,
            len(row.state).to_bytes(8, "big"),
            bytes(row.state),
        )
    )


def leaf_hash(row: StoredRow) -> bytes:
    """RFC 9162 leaf hash of one stored row."""
    return hashlib.sha256(b"\x00" + leaf_bytes(row)).digest()


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


@dataclass(frozen=True)
class Root:
    """The size of a ledger and the Merkle root of its stored rows."""

    size: int
    root: str  # hex


def merkle_root(rows: Iterable[StoredRow]) -> Root:
    """RFC 9162 Merkle Tree Hash over the rows in order, streamed (memory grows with log2 of the size)."""
    # Each stack entry is (height, hash) of a perfect subtree; merging equal heights as we go, then
    # folding the remaining subtrees right to left gives exactly RFC 9162's MTH.
    stack: list[tuple[int, bytes]] = []
    size = 0
    for row in rows:
        size += 1
        entry = (0, leaf_hash(row))
        while stack and stack[-1][0] == entry[0]:
            height, left = stack.pop()
            entry = (height + 1, _node(left, entry[1]))
        stack.append(entry)
    if not stack:
        return Root(0, hashlib.sha256(b"").hexdigest())
    acc = stack[-1][1]
    for _, left in reversed(stack[:-1]):
        acc = _node(left, acc)
    return Root(size, acc.hex())
