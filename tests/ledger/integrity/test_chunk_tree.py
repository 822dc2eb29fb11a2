"""chunk_tree.ChunkTree (verify's tree as its chunks' roots) answers exactly as merkle.MerkleTree does."""

from __future__ import annotations

from hashlib import sha256
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.integrity.chunk_tree import ChunkChanged, ChunkSink, ChunkTree
from ledger.integrity.merkle import MerkleTree


def _leaves(n: int, salt: int = 0) -> bytes:
    return b"".join(sha256(f"{salt}-{i}".encode()).digest() for i in range(n))


def _chunked(leaves: bytes, height: int, cuts: list[int], lie: int | None = None) -> tuple[ChunkTree, list[int]]:
    """A ChunkTree fed `leaves` in batches cut at `cuts`; its rereads counted (chunk `lie` reread wrongly)."""
    n = len(leaves) // 32
    sink = ChunkSink(height)
    bounds = sorted({0, n, *(c for c in cuts if 0 < c < n)})
    for lo, hi in zip(bounds, bounds[1:], strict=False):
        sink.mark([(1000 + i,) for i in range(lo, hi)])  # each row's notification id is 1000 + its index
        sink.add(leaves[lo * 32 : hi * 32])
    reads: list[int] = []

    def read(first: int, count: int) -> list[list[tuple[int, bytes]]]:
        start = first - 1000
        reads.append(start)
        got = leaves[start * 32 : (start + count) * 32]
        if lie is not None and start == lie << height:
            got = _leaves(count, 99)
        return [[(first + i, got[i * 32 : (i + 1) * 32]) for i in range(count)]]

    def hashed(batches: Any, count: int) -> bytes:  # the rows' "leaf hashes": here the rows carry them
        return b"".join(row[1] for batch in batches for row in batch)

    return ChunkTree(sink, read, hashed), reads


@settings(max_examples=60, deadline=None)
@given(n=st.integers(0, 70), height=st.integers(0, 4), cuts=st.lists(st.integers(0, 70), max_size=5))
def test_the_chunked_trees_heads_and_proofs_equal_the_whole_trees_for_every_size(
    n: int, height: int, cuts: list[int]
) -> None:
    leaves = _leaves(n)
    whole = MerkleTree(leaves)
    tree, _ = _chunked(leaves, height, cuts)
    assert len(tree) == n
    for size in range(n + 1):
        assert tree.root(size) == whole.root(size)
        for first in range(size + 1):
            assert tree.consistency_proof(first, size) == whole.consistency_proof(first, size)
        for index in range(size):
            assert tree.inclusion_proof(index, size) == whole.inclusion_proof(index, size)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 70), height=st.integers(0, 4), data=st.data())
def test_the_chunked_trees_leaves_and_digests_equal_the_whole_trees(n: int, height: int, data: st.DataObject) -> None:
    leaves = _leaves(n)
    whole = MerkleTree(leaves)
    tree, _ = _chunked(leaves, height, data.draw(st.lists(st.integers(0, n), max_size=4)))
    lo = data.draw(st.integers(0, n))
    hi = data.draw(st.integers(lo, n))
    assert tree.leaves_between(lo, hi) == whole.leaves_between(lo, hi)
    assert tree.prefixes(lo, hi) == whole.prefixes(lo, hi)
    assert tree.leaf(lo if lo < n else n - 1) == whole.leaf(lo if lo < n else n - 1)
    assert tree.prefixes_equal(lo, hi, whole.prefixes(lo, hi))
    if hi > lo:
        wrong = bytearray(whole.prefixes(lo, hi))
        at = data.draw(st.integers(0, len(wrong) - 1))
        wrong[at] ^= data.draw(st.integers(1, 255))
        assert not tree.prefixes_equal(lo, hi, bytes(wrong))
        assert not whole.prefixes_equal(lo, hi, bytes(wrong))
    assert not tree.prefixes_equal(lo, hi, whole.prefixes(lo, hi) + b"\0" * 8)


def test_a_head_at_a_chunks_end_needs_no_chunk_read_again() -> None:
    tree, reads = _chunked(_leaves(40), 3, [5, 17])
    assert [tree.root(s) for s in (8, 16, 32, 40)] == [MerkleTree(_leaves(40)).root(s) for s in (8, 16, 32, 40)]
    assert reads == []  # whole chunks are their roots, and 32..40 is the tail kept as it was scanned
    tree.root(13)
    assert reads == [8]


def test_a_chunk_read_again_differently_is_refused() -> None:
    tree, _ = _chunked(_leaves(40), 3, [], lie=1)
    tree.root(20)  # chunk 2 answers truly
    with pytest.raises(ChunkChanged):
        tree.root(13)  # chunk 1 lies
