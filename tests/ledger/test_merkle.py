"""The Merkle tree against the published transparency-dev/merkle vectors, and adversarial proofs."""

from __future__ import annotations

import json
from hashlib import sha256
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.integrity.merkle import (
    EMPTY_ROOT,
    MerkleTree,
    ProofError,
    leaf_hash,
    node_hash,
    root_from_inclusion_proof,
    upper_levels,
    verify_consistency,
    verify_inclusion,
)

VECTORS = json.loads((Path(__file__).parent / "data" / "merkle_vectors.json").read_text())
LEAVES = [bytes.fromhex(x) for x in VECTORS["leaf_inputs"]]
ROOTS = [bytes.fromhex(x) for x in VECTORS["root_hashes"]]
SOME_HASH = bytes.fromhex("abacaba000000000000000000000000000000000000000000060061e00123456")


def h(x: str) -> bytes:
    return bytes.fromhex(x)


def tree(n: int) -> MerkleTree:
    t = MerkleTree()
    for data in LEAVES[:n]:
        t.append(leaf_hash(data))
    return t


def reference_root(leaves: list[bytes]) -> bytes:
    """RFC 9162's recursive MTH, written straight from the definition."""
    if not leaves:
        return EMPTY_ROOT
    if len(leaves) == 1:
        return leaves[0]
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return node_hash(reference_root(leaves[:k]), reference_root(leaves[k:]))


def rejected_inclusion(index: int, size: int, leaf: bytes, proof: list[bytes], root: bytes) -> bool:
    try:
        verify_inclusion(index, size, leaf, proof, root)
    except ProofError:
        return True
    return False


def rejected_consistency(s1: int, s2: int, proof: list[bytes], r1: bytes, r2: bytes) -> bool:
    try:
        verify_consistency(s1, s2, proof, r1, r2)
    except ProofError:
        return True
    return False


def test_leaf_and_node_hashes_match_the_published_node_hashes() -> None:
    levels = [[h(x) for x in level] for level in VECTORS["node_hashes"]]
    assert [leaf_hash(d) for d in LEAVES] == levels[0]
    for up, down in zip(levels[1:], levels[:-1], strict=True):
        assert up == [node_hash(down[2 * i], down[2 * i + 1]) for i in range(len(up))]


def test_the_tree_head_of_every_size_matches_the_published_roots() -> None:
    assert h(VECTORS["empty_root"]) == EMPTY_ROOT == MerkleTree().root()
    full = tree(8)
    for size, expected in enumerate(ROOTS):
        assert tree(size).root() == expected
        assert full.root(size) == expected


@pytest.mark.parametrize("case", VECTORS["inclusion_proofs"], ids=lambda c: f"{c['leaf']}-{c['size']}")
def test_published_inclusion_proofs_are_generated_and_verified(case: dict) -> None:
    index, size, proof = case["leaf"] - 1, case["size"], [h(p) for p in case["proof"]]
    assert tree(8).inclusion_proof(index, size) == proof
    verify_inclusion(index, size, leaf_hash(LEAVES[index]), proof, ROOTS[size])


@pytest.mark.parametrize("case", VECTORS["reference_inclusion_proofs"], ids=lambda c: f"{c['index']}-{c['size']}")
def test_reference_inclusion_proofs_are_generated_and_verified(case: dict) -> None:
    index, size, proof = case["index"], case["size"], [h(p) for p in case["proof"]]
    assert tree(size).inclusion_proof(index) == proof
    verify_inclusion(index, size, leaf_hash(LEAVES[index]), proof, ROOTS[size])


@pytest.mark.parametrize(
    "case", VECTORS["consistency_proofs"] + VECTORS["reference_consistency_proofs"],
    ids=lambda c: f"{c['size1']}-{c['size2']}",
)
def test_published_consistency_proofs_are_generated_and_verified(case: dict) -> None:
    s1, s2, proof = case["size1"], case["size2"], [h(p) for p in case["proof"]]
    assert tree(8).consistency_proof(s1, s2) == proof
    verify_consistency(s1, s2, proof, ROOTS[s1], ROOTS[s2])


@pytest.mark.parametrize("case", VECTORS["json_vectors"]["inclusion"], ids=lambda c: c["name"])
def test_the_published_json_inclusion_vectors_give_the_expected_verdict(case: dict) -> None:
    proof = [h(p) for p in case["proof"]]
    bad = rejected_inclusion(case["index"], case["size"], h(case["leaf_hash"]), proof, h(case["root"]))
    assert bad == case["want_error"]


@pytest.mark.parametrize("case", VECTORS["json_vectors"]["consistency"], ids=lambda c: c["name"])
def test_the_published_json_consistency_vectors_give_the_expected_verdict(case: dict) -> None:
    proof = [h(p) for p in case["proof"]]
    bad = rejected_consistency(case["size1"], case["size2"], proof, h(case["root1"]), h(case["root2"]))
    assert bad == case["want_error"]


def inclusion_forgeries(index: int, size: int, proof: list[bytes], root: bytes, leaf: bytes):  # type: ignore[no-untyped-def]
    """The corruptions transparency-dev/merkle's verify_test.go probes, plus reordering."""
    yield "index-1", (index - 1, size, leaf, proof, root)
    yield "index+1", (index + 1, size, leaf, proof, root)
    yield "index^2", (index ^ 2, size, leaf, proof, root)
    yield "size*2", (index, size * 2, leaf, proof, root)
    yield "size/2", (index, size // 2, leaf, proof, root)
    yield "index=size", (size, size, leaf, proof, root)
    yield "wrong leaf", (index, size, b"WrongLeaf", proof, root)
    yield "empty root", (index, size, leaf, proof, EMPTY_ROOT)
    yield "random root", (index, size, leaf, proof, SOME_HASH)
    yield "trailing garbage", (index, size, leaf, proof + [b""], root)
    yield "trailing root", (index, size, leaf, proof + [root], root)
    yield "preceding garbage", (index, size, leaf, [b""] + proof, root)
    yield "preceding root", (index, size, leaf, [root] + proof, root)
    for i in range(len(proof)):
        bent = list(proof)
        bent[i] = bytes([bent[i][0] ^ 8]) + bent[i][1:]
        yield f"bit flipped in node {i}", (index, size, leaf, bent, root)
    if proof:
        yield "truncated", (index, size, leaf, proof[:-1], root)
    if len(proof) > 1:
        yield "inserted node", (index, size, leaf, [proof[0], SOME_HASH] + proof[1:], root)
        if proof[0] != proof[1]:
            yield "reordered", (index, size, leaf, [proof[1], proof[0]] + proof[2:], root)


def consistency_forgeries(s1: int, s2: int, r1: bytes, r2: bytes, proof: list[bytes]):  # type: ignore[no-untyped-def]
    yield "size1-1", (s1 - 1, s2, proof, r1, r2)
    yield "size1+1", (s1 + 1, s2, proof, r1, r2)
    yield "size1^2", (s1 ^ 2, s2, proof, r1, r2)
    yield "size2*2", (s1, s2 * 2, proof, r1, r2)
    yield "size2/2", (s1, s2 // 2, proof, r1, r2)
    yield "wrong root1", (s1, s2, proof, b"WrongRoot", r2)
    yield "wrong root2", (s1, s2, proof, r1, b"WrongRoot")
    yield "swapped roots", (s1, s2, proof, r2, r1)
    yield "empty proof", (s1, s2, [], r1, r2)
    yield "trailing garbage", (s1, s2, proof + [b""], r1, r2)
    yield "trailing root1", (s1, s2, proof + [r1], r1, r2)
    yield "trailing root2", (s1, s2, proof + [r2], r1, r2)
    yield "preceding garbage", (s1, s2, [b""] + proof, r1, r2)
    yield "preceding root1", (s1, s2, [r1] + proof, r1, r2)
    yield "preceding root2", (s1, s2, [r2] + proof, r1, r2)
    yield "preceding proof[0]", (s1, s2, [proof[0]] + proof, r1, r2)
    yield "truncated", (s1, s2, proof[:-1], r1, r2)
    for i in range(len(proof)):
        bent = list(proof)
        bent[i] = bytes([bent[i][0] ^ 16]) + bent[i][1:]
        yield f"bit flipped in node {i}", (s1, s2, bent, r1, r2)
    if len(proof) > 1 and proof[0] != proof[1]:
        yield "reordered", (s1, s2, [proof[1], proof[0]] + proof[2:], r1, r2)


@pytest.mark.parametrize("case", VECTORS["inclusion_proofs"], ids=lambda c: f"{c['leaf']}-{c['size']}")
def test_every_forgery_of_a_published_inclusion_proof_is_rejected(case: dict) -> None:
    index, size, proof = case["leaf"] - 1, case["size"], [h(p) for p in case["proof"]]
    accepted = [
        name for name, args in inclusion_forgeries(index, size, proof, ROOTS[size], leaf_hash(LEAVES[index]))
        if not rejected_inclusion(*args)
    ]
    assert accepted == []


@pytest.mark.parametrize("case", VECTORS["consistency_proofs"][1:], ids=lambda c: f"{c['size1']}-{c['size2']}")
def test_every_forgery_of_a_published_consistency_proof_is_rejected(case: dict) -> None:
    s1, s2, proof = case["size1"], case["size2"], [h(p) for p in case["proof"]]
    accepted = [name for name, args in consistency_forgeries(s1, s2, ROOTS[s1], ROOTS[s2], proof)
                if not rejected_consistency(*args)]
    assert accepted == []


@pytest.mark.parametrize(
    "s1, s2, r1, r2, proof, bad",
    [
        (0, 0, b"don't care 1", b"don't care 2", [], True),
        (1, 1, ROOTS[1], ROOTS[2], [], True),
        (0, 0, EMPTY_ROOT, EMPTY_ROOT, [], False),
        (0, 1, EMPTY_ROOT, ROOTS[1], [], False),
        (1, 1, ROOTS[1], ROOTS[1], [], False),
        (1, 0, ROOTS[1], EMPTY_ROOT, [], True),
        (2, 1, ROOTS[2], ROOTS[1], [], True),
        (1, 2, ROOTS[1], ROOTS[2], [], True),
        (0, 0, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT], True),
        (0, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT], True),
        (1, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT], True),
    ],
)
def test_edge_cases_of_consistency_follow_the_published_verifier(s1, s2, r1, r2, proof, bad) -> None:  # type: ignore[no-untyped-def]
    assert rejected_consistency(s1, s2, proof, r1, r2) == bad


def test_an_inclusion_proof_is_refused_for_an_index_at_or_beyond_the_size_or_a_short_hash() -> None:
    one = leaf_hash(b"data")
    assert not rejected_inclusion(0, 1, one, [], one)
    assert rejected_inclusion(0, 1, b"", [], one)
    assert rejected_inclusion(0, 1, one, [], b"")
    assert rejected_inclusion(0, 1, b"", [], b"")
    for index, size in [(0, 0), (1, 0), (2, 1), (1, 1)]:
        assert rejected_inclusion(index, size, SOME_HASH, [], EMPTY_ROOT)
    with pytest.raises(ProofError):
        root_from_inclusion_proof(-1, 4, SOME_HASH, [])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.binary(max_size=8), min_size=1, max_size=70, unique=True), st.data())
def test_heads_and_proofs_agree_with_the_recursive_definition_for_any_size(leaves: list[bytes], data) -> None:  # type: ignore[no-untyped-def]
    hashes = [leaf_hash(x) for x in leaves]
    t = MerkleTree(b"".join(hashes))
    n = len(hashes)
    for size in range(n + 1):
        assert t.root(size) == reference_root(hashes[:size])
    size = data.draw(st.integers(1, n))
    index = data.draw(st.integers(0, size - 1))
    proof = t.inclusion_proof(index, size)
    verify_inclusion(index, size, hashes[index], proof, t.root(size))
    for name, args in inclusion_forgeries(index, size, proof, t.root(size), hashes[index]):
        if args[:2] == (index, size) and args[2:] == (hashes[index], proof, t.root(size)):
            continue  # a "forgery" that happens to equal the original (e.g. size//2 of size 1)
        assert rejected_inclusion(*args), name
    first = data.draw(st.integers(1, n))
    cproof = t.consistency_proof(first, n)
    verify_consistency(first, n, cproof, t.root(first), t.root(n))
    if cproof:
        for name, args in consistency_forgeries(first, n, t.root(first), t.root(n), cproof):
            if args == (first, n, cproof, t.root(first), t.root(n)):
                continue
            if args[0] == args[1] == 0 or (args[0] == 0 and not args[2]):
                continue  # from the empty tree every proof-less claim is consistent
            assert rejected_consistency(*args), name


def test_a_large_tree_head_is_the_fold_of_its_halves() -> None:
    hashes = [sha256(i.to_bytes(4, "big")).digest() for i in range(5000)]
    t = MerkleTree(b"".join(hashes))
    assert t.root() == node_hash(MerkleTree(b"".join(hashes[:4096])).root(), MerkleTree(b"".join(hashes[4096:])).root())
    proof = t.consistency_proof(3000)
    verify_consistency(3000, 5000, proof, t.root(3000), t.root())


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 3), st.integers(0, 70), st.data())
def test_a_tree_from_the_kept_levels_of_aligned_segments_equals_the_tree_of_all_their_leaves(
        blocks: int, tail: int, data: st.DataObject) -> None:
    top = 5  # segments split at a multiple of 2^5 leaves, as a two-process scan splits at 2^CHUNK_HEIGHT
    hashes = [sha256(i.to_bytes(4, "big")).digest() for i in range(blocks * 32 + tail)]
    head, rest = b"".join(hashes[: blocks * 32]), b"".join(hashes[blocks * 32 :])
    levels = [a + b for a, b in zip(upper_levels(head, top), upper_levels(rest, top), strict=False)]
    joined = MerkleTree.from_levels(bytearray(head + rest), levels) if rest else MerkleTree(head)
    whole = MerkleTree(b"".join(hashes))
    size = data.draw(st.integers(1, len(hashes)))
    assert joined.root(size) == whole.root(size) == reference_root(hashes[:size])
    index = data.draw(st.integers(0, size - 1))
    assert joined.inclusion_proof(index, size) == whole.inclusion_proof(index, size)
    assert joined.consistency_proof(index + 1, size) == whole.consistency_proof(index + 1, size)
