"""Verification's Merkle tree in bounded memory: one root per chunk of 4,096 leaves, not every leaf.

What it buys: a verification holds ~72 bytes per 4,096 events (each chunk's root, the hash of its leaves' 8-byte
digests, where its rows start) instead of 32 bytes an event — a 3M-event ledger's tree is ~60 KB, not ~100 MB.
A head or a proof needs at most a few nodes below a chunk's root (those near the sizes it is asked about): that
chunk's rows are read again, hashed by the same code, and must give the root the scan found, else
`ChunkChanged`. Every node above the chunks is `MerkleTree`'s own, over the chunks' roots, so heads, proofs and
digests are the ones `MerkleTree` gives for the same leaves (tests/ledger/integrity/test_chunk_tree.py).
This is the shape of a compact range (C2SP tlog, transparency-dev): the roots of aligned perfect subtrees,
folded; a chunk's root is such a subtree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from hashlib import sha256
from typing import Any, SupportsBytes

from ledger.errors import KaopingError
from ledger.integrity.checkpoint_state import Prefixes, reader
from ledger.integrity.merkle import HASH_SIZE, PREFIX, MerkleTree, upper_levels

_CACHED = 4  # chunks read again kept at once (a checkpoint's head and its proof touch one or two)


class ChunkChanged(KaopingError):
    """A chunk read again did not give the root the scan found: the database answered two reads differently."""


def prefixes_of(leaves: bytes | bytearray | memoryview) -> bytes:
    """The first PREFIX bytes of each 32-byte leaf hash, concatenated."""
    return memoryview(leaves).cast("B").cast("Q")[:: HASH_SIZE // PREFIX].tobytes()


@dataclass
class ChunkSink:
    """Leaf hashes in scan order, reduced as they come to one root and one digest hash per full chunk.

    `height`: a chunk holds 2^height leaves (leaves.CHUNK_HEIGHT). The last, partial chunk's leaves stay as they are."""

    height: int
    roots: bytearray = field(default_factory=bytearray)
    digests: bytearray = field(default_factory=bytearray)  # sha256 of each full chunk's leaf prefixes
    firsts: list[Any] = field(default_factory=list)  # the notification id of each chunk's first row
    tail: bytearray = field(default_factory=bytearray)  # the leaves after the last full chunk
    seen: int = 0  # rows marked

    def mark(self, batch: Any) -> None:
        """Note where each chunk starting in this batch of rows starts (its first row's notification id)."""
        size = 1 << self.height
        at = -self.seen % size
        self.firsts.extend(batch[i][0] for i in range(at, len(batch), size))
        self.seen += len(batch)

    def add(self, leaves: bytes | bytearray) -> None:
        """Take a batch's leaf hashes; reduce every chunk they complete."""
        self.tail += leaves
        span = HASH_SIZE << self.height
        full = len(self.tail) // span
        if not full:
            return
        done = bytes(self.tail[: full * span])
        del self.tail[: full * span]
        for i in range(0, len(done), span):
            chunk = done[i : i + span]
            self.roots += _root(chunk, self.height)
            self.digests += sha256(prefixes_of(chunk)).digest()


def _root(chunk: bytes | bytearray | memoryview, height: int) -> bytes:
    if height == 0:
        return bytes(chunk)
    return MerkleTree(bytes(chunk)).root() if height < 4 else upper_levels(chunk)[-1]


class ChunkTree(MerkleTree):
    """A `MerkleTree` held as its chunks' roots (ChunkSink); a node below a chunk's root is recomputed from that
    chunk's rows, read again by `read(first notification id, count)` (batches of raw rows) and hashed by
    `hashed(batches, count)` (the scan's own hashing) → their leaf hashes."""

    def __init__(self, sink: ChunkSink, read: Callable[[Any, int], Iterable[Sequence[Any]]],
                 hashed: Callable[[Iterable[Sequence[Any]], int], bytes | bytearray]) -> None:
        super().__init__(b"")
        self._height = sink.height
        self._full = len(sink.roots) // HASH_SIZE
        self._chunks = MerkleTree(bytes(sink.roots))  # the tree above the chunks: its leaves are their roots
        self._digests = bytes(sink.digests)
        self._firsts = list(sink.firsts)
        self._tail = bytes(sink.tail)
        self._read, self._hashed = read, hashed
        self._cache: dict[int, bytes] = {}

    def __len__(self) -> int:
        return (self._full << self._height) + len(self._tail) // HASH_SIZE

    def append(self, leaf: bytes) -> None:
        """A verification's tree is never appended to."""
        raise TypeError("a ChunkTree is read only")

    def _chunk(self, c: int) -> bytes:
        """Chunk c's leaf hashes: the tail as scanned, a full chunk read again and held to its scanned root."""
        if c == self._full:
            return self._tail
        leaves = self._cache.get(c)
        if leaves is None:
            leaves = self._held(c, self._hashed(self._read(self._firsts[c], 1 << self._height), 1 << self._height))
            if len(self._cache) >= _CACHED:
                self._cache.pop(next(iter(self._cache)))
            self._cache[c] = leaves
        return leaves

    def _held(self, c: int, leaves: bytes | bytearray) -> bytes:
        """Chunk c's leaves read again, if they are the ones scanned (its root, or the tail's leaves themselves)."""
        if c == self._full:
            same = leaves == self._tail
        else:
            same = len(leaves) == HASH_SIZE << self._height and _root(leaves, self._height) == self._chunks.leaf(c)
        if not same:
            raise ChunkChanged(f"chunk {c} read again differs from the scan")
        return bytes(leaves)

    def state_at(self, position: int) -> Any:
        """The stored state of the row at 1-based `position` (one a chunked scan did not keep: row_leaves.DEFER),
        read again with its chunk, whose leaves must be the ones scanned: bytes, or a large blob left in the
        database (row_leaves.StoredState) on a read that holds its snapshot as long as the state is kept."""
        c, at = divmod(position - 1, 1 << self._height)
        count = (1 << self._height) if c < self._full else len(self._tail) // HASH_SIZE
        rows = [row for batch in self._read(self._firsts[c], count) for row in batch]
        self._held(c, self._hashed([rows], count))
        state = rows[at][4] if at < len(rows) else None
        if not isinstance(state, SupportsBytes):
            raise ChunkChanged(f"row {position} read again has no stored state")
        return state

    def _perfect(self, height: int, index: int) -> bytes:
        if height >= self._height:
            return self._chunks.subtree(index << (height - self._height), (index + 1) << (height - self._height))
        c = (index << height) >> self._height
        lo = (index << height) - (c << self._height)
        return MerkleTree(self._chunk(c)).subtree(lo, lo + (1 << height))

    def leaf(self, index: int) -> bytes:
        if not 0 <= index < len(self):
            raise IndexError(index)
        c, at = index >> self._height, index & ((1 << self._height) - 1)
        return self._chunk(c)[at * HASH_SIZE : (at + 1) * HASH_SIZE]

    def leaves_view(self) -> bytes | bytearray:
        """Every leaf hash, every chunk read again (what a caller that needs them all pays)."""
        return self.leaves_between(0, len(self))

    def leaves_between(self, lo: int, hi: int) -> bytes:
        """Leaf hashes lo..hi-1, from the chunks they lie in."""
        out = bytearray()
        for c, a, b in self._spans(lo, hi):
            out += self._chunk(c)[a * HASH_SIZE : b * HASH_SIZE]
        return bytes(out)

    def prefixes(self, lo: int, hi: int) -> bytes:
        """The first PREFIX bytes of leaves lo..hi-1, a chunk at a time."""
        return b"".join(prefixes_of(self._chunk(c)[a * HASH_SIZE : b * HASH_SIZE]) for c, a, b in self._spans(lo, hi))

    def prefixes_equal(self, lo: int, hi: int, expected: Prefixes) -> bool:
        """Whether leaves lo..hi-1 begin with `expected`'s PREFIX-byte digests: a whole chunk by its digests' hash,
        a partial one (at most the two ends) read again; `expected` read a chunk's part at a time."""
        if len(expected) != (hi - lo) * PREFIX or lo > hi:
            return False
        read = reader(expected)
        for c, a, b in self._spans(lo, hi):
            part = read((b - a) * PREFIX)
            if c < self._full and a == 0 and b == 1 << self._height:
                if sha256(part).digest() != self._digests[c * HASH_SIZE : (c + 1) * HASH_SIZE]:
                    return False
            elif prefixes_of(self._chunk(c)[a * HASH_SIZE : b * HASH_SIZE]) != part:
                return False
        return True

    def _spans(self, lo: int, hi: int) -> list[tuple[int, int, int]]:
        """(chunk, first, end) of each chunk's part of leaves lo..hi-1 (first/end within the chunk)."""
        if not 0 <= lo <= hi <= len(self):
            raise ValueError(f"no leaves {lo}..{hi} in a tree of size {len(self)}")
        size = 1 << self._height
        return [(c, max(lo, c * size) - c * size, min(hi, (c + 1) * size) - c * size)
                for c in range(lo // size, -(-hi // size))]
