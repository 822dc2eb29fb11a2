"""The root over stored rows is RFC 9162's Merkle Tree Hash, and changes when any byte does."""

from __future__ import annotations

import hashlib
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from hypothesis import given
from hypothesis import strategies as st

from ledger.rowhash import leaf_bytes, merkle_root


def reference_mth(leaves: list[bytes]) -> bytes:
    """RFC 9162 section 2.1.1, written as recursively as the RFC states it."""
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < n:
        k *= 2
    return hashlib.sha256(b"\x01" + reference_mth(leaves[:k]) + reference_mth(leaves[k:])).digest()


def row(i: int, state: bytes = b"{}") -> StoredEvent:
    return StoredEvent(UUID(int=i), i % 3 + 1, "ledger.events:FindingRecorded", state)


@given(st.integers(min_value=0, max_value=70))
def test_the_streamed_root_equals_the_rfc_9162_merkle_tree_hash_for_every_size(n: int) -> None:
    rows = [row(i) for i in range(n)]
    got = merkle_root(rows)
    assert got.size == n
    assert got.root == reference_mth([leaf_bytes(r) for r in rows]).hex()


def test_changing_one_state_byte_or_the_order_changes_the_root() -> None:
    rows = [row(i, f'{{"n":{i}}}'.encode()) for i in range(9)]
    base = merkle_root(rows).root
    tampered = rows[:4] + [row(4, b'{"n":5}')] + rows[5:]
    assert merkle_root(tampered).root != base
    assert merkle_root(rows[:3] + [rows[4], rows[3]] + rows[5:]).root != base


def test_a_uuid_stored_as_text_gives_the_same_leaf_as_a_uuid_value() -> None:
    a = StoredEvent(UUID(int=7), 1, "t", b"x")
    b = StoredEvent(UUID(int=7).hex, 1, "t", b"x")  # type: ignore[arg-type]
    assert leaf_bytes(a) == leaf_bytes(b)
