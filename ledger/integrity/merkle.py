"""RFC 9162 §2.1 Merkle tree: tree heads of any size, inclusion and consistency proofs, strict verifiers.

Leaves are hashed SHA-256(0x00 ‖ data), interior nodes SHA-256(0x01 ‖ left ‖ right); the empty tree's
hash is SHA-256(""). A `MerkleTree` keeps its leaves and each level from `KEPT_FROM` up as one flat byte string
(32 bytes per node), built level by level — pairing neighbours and carrying an odd last node up unchanged gives
exactly RFC 9162's left-balanced tree — with no recursion. The levels between are not kept: a node there is
recomputed from its few leaves when a head or a proof asks for it, so a million leaves cost ~36 MB, not ~64 MB.

The verifiers follow RFC 9162 §2.1.3.2 and §2.1.4.2 step by step: every proof node is consumed, and a
proof with a node too many, a node too few, a node of the wrong length or a size/index out of range
is rejected (a verifier that only checks a proof's ends accepts forgeries).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from hashlib import sha256

from ledger.errors import KaopingError
from ledger.integrity.checkpoint_state import Prefixes

HASH_SIZE = 32
EMPTY_ROOT = sha256(b"").digest()
KEPT_FROM = 4
PREFIX = 8  # bytes of a leaf hash a stored checkpoint keeps for each leaf of its range (one 8-byte word)
"""The lowest level kept above the leaves. Levels 1–3 would hold 28 bytes per leaf; a node of theirs is one of at
most 8 leaves, recomputed in at most 7 hashes (a head or a proof asks for at most one per level), while level 4
and above hold 4 bytes per leaf."""


class ProofError(KaopingError):
    """A Merkle proof failed verification (or was malformed)."""


def leaf_hash(data: bytes) -> bytes:
    """The RFC 9162 hash of a leaf: SHA-256(0x00 ‖ data)."""
    return sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The RFC 9162 hash of an interior node: SHA-256(0x01 ‖ left ‖ right)."""
    return sha256(b"\x01" + left + right).digest()


def _next_level(level: bytes | bytearray | memoryview) -> bytearray:
    """Pair neighbouring nodes of one level; an odd last node is carried up unchanged.

    Written into one buffer a stretch of `_STRETCH` pairs at a time: a list of every pair's digest would hold
    ~70 bytes a pair (a bytes object each) beside the level itself — the largest part of a verification's peak."""
    end = (len(level) // 64) * 64
    out = bytearray(end // 2 + (len(level) - end))
    for lo in range(0, end, 64 * _STRETCH):
        hi = min(end, lo + 64 * _STRETCH)
        out[lo // 2 : hi // 2] = b"".join([sha256(b"\x01" + level[i : i + 64]).digest() for i in range(lo, hi, 64)])
    if end < len(level):
        out[end // 2 :] = level[end:]
    return out


_STRETCH = 8192


def upper_levels(leaves: bytes | bytearray | memoryview, top: int | None = None) -> list[bytes]:
    """Levels KEPT_FROM..top of the tree over `leaves` (every level up to the root when `top` is None; fewer when
    the tree is shorter), the levels below them computed and dropped on the way."""
    level: bytes | bytearray | memoryview = leaves
    for _ in range(KEPT_FROM):
        level = _next_level(level)
    levels = [bytes(level)]
    while (top is None or len(levels) <= top - KEPT_FROM) and len(levels[-1]) > HASH_SIZE:
        levels.append(bytes(_next_level(levels[-1])))
    return levels


def root_of(leaf_hashes: Iterable[bytes]) -> bytes:
    """The tree head over a sequence of leaf hashes (RFC 9162 MTH)."""
    return MerkleTree(b"".join(leaf_hashes)).root()


class MerkleTree:
    """An append-only Merkle tree over leaf hashes; heads and proofs for any size up to its own."""

    def __init__(self, leaves: bytes | bytearray = b"") -> None:
        if len(leaves) % HASH_SIZE:
            raise ValueError("leaf hashes must be 32 bytes each")
        self._leaves: bytes | bytearray = leaves  # kept as given: a scan's bytearray is not copied
        self._upper: list[bytes] | None = None  # levels KEPT_FROM and up, built on first use

    @classmethod
    def from_levels(cls, leaves: bytes | bytearray, upper: Sequence[bytes]) -> MerkleTree:
        """A tree from its leaves and its lowest kept levels already computed (`upper_levels` of aligned segments,
        joined level by level)."""
        tree = cls(leaves)
        built = list(upper)
        while built and len(built[-1]) > HASH_SIZE:
            built.append(bytes(_next_level(built[-1])))
        tree._upper = built if built else None
        return tree

    def __len__(self) -> int:
        return len(self._leaves) // HASH_SIZE

    @property
    def size(self) -> int:
        """Number of leaves."""
        return len(self)

    def append(self, leaf: bytes) -> None:
        """Add one leaf hash at the end."""
        if len(leaf) != HASH_SIZE:
            raise ValueError("a leaf hash is 32 bytes")
        if not isinstance(self._leaves, bytearray):
            self._leaves = bytearray(self._leaves)
        self._leaves += leaf
        self._upper = None

    def leaf(self, index: int) -> bytes:
        """The hash of leaf `index` (0-based)."""
        if not 0 <= index < len(self):
            raise IndexError(index)
        return bytes(self._leaves[index * HASH_SIZE : (index + 1) * HASH_SIZE])

    def leaves_view(self) -> bytes | bytearray:
        """All leaf hashes, 32 bytes each, as one byte string (the tree's own: read it, do not keep a view of it)."""
        return self._leaves

    def leaves_between(self, lo: int, hi: int) -> bytes:
        """Leaf hashes lo..hi-1, 32 bytes each, concatenated."""
        return bytes(self._leaves[lo * HASH_SIZE : hi * HASH_SIZE])

    def prefixes(self, lo: int, hi: int) -> bytes:
        """The first PREFIX bytes of leaves lo..hi-1, concatenated (what a stored checkpoint keeps)."""
        words = memoryview(self._leaves).cast("Q")  # 8-byte words, four to a leaf hash
        return words[lo * 4 : hi * 4 : 4].tobytes()

    def prefixes_equal(self, lo: int, hi: int, expected: Prefixes) -> bool:
        """Whether leaves lo..hi-1 begin with `expected`'s PREFIX-byte digests."""
        return self.prefixes(lo, hi) == bytes(expected)

    def _perfect(self, height: int, index: int) -> bytes:
        """The node over leaves [index·2^height, (index+1)·2^height), which must lie inside the tree."""
        if height < KEPT_FROM:
            span = HASH_SIZE << height
            level: bytes | bytearray = self._leaves[index * span : (index + 1) * span]
            for _ in range(height):
                level = _next_level(level)
            return bytes(level)
        if self._upper is None:
            self._upper = upper_levels(self._leaves)
        level = self._upper[height - KEPT_FROM]
        return level[index * HASH_SIZE : (index + 1) * HASH_SIZE]

    def subtree(self, lo: int, hi: int) -> bytes:
        """MTH of leaves [lo, hi) — RFC 9162's definition, with perfect aligned subtrees looked up."""
        n = hi - lo
        if n <= 0:
            return EMPTY_ROOT
        if n & (n - 1) == 0 and lo % n == 0:
            return self._perfect(n.bit_length() - 1, lo // n)
        k = 1 << ((n - 1).bit_length() - 1)
        return node_hash(self.subtree(lo, lo + k), self.subtree(lo + k, hi))

    def root(self, size: int | None = None) -> bytes:
        """The tree head at `size` leaves (default: all)."""
        size = len(self) if size is None else size
        if not 0 <= size <= len(self):
            raise ValueError(f"no tree of size {size} (the tree has {len(self)} leaves)")
        if size == 0:
            return EMPTY_ROOT
        # Fold the perfect subtrees of size's binary decomposition from the right.
        nodes: list[bytes] = []
        start = 0
        for height in range(size.bit_length() - 1, -1, -1):
            if size >> height & 1:
                nodes.append(self._perfect(height, start >> height))
                start += 1 << height
        r = nodes[-1]
        for left in reversed(nodes[:-1]):
            r = node_hash(left, r)
        return r

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """PATH(index, D[size]) of RFC 9162 §2.1.3.1."""
        size = len(self) if size is None else size
        if not 0 <= index < size <= len(self):
            raise ValueError(f"no leaf {index} in a tree of size {size}")
        return self._path(index, 0, size)

    def _path(self, m: int, lo: int, hi: int) -> list[bytes]:
        n = hi - lo
        if n == 1:
            return []
        k = 1 << ((n - 1).bit_length() - 1)
        if m < k:
            return self._path(m, lo, lo + k) + [self.subtree(lo + k, hi)]
        return self._path(m - k, lo + k, hi) + [self.subtree(lo, lo + k)]

    def consistency_proof(self, first: int, second: int | None = None) -> list[bytes]:
        """PROOF(first, D[second]) of RFC 9162 §2.1.4.1 (empty when first is 0 or equals second)."""
        second = len(self) if second is None else second
        if not 0 <= first <= second <= len(self):
            raise ValueError(f"no consistency proof from size {first} to {second}")
        if first == 0 or first == second:
            return []
        return self._subproof(first, 0, second, True)

    def _subproof(self, m: int, lo: int, hi: int, complete: bool) -> list[bytes]:
        n = hi - lo
        if m == n:
            return [] if complete else [self.subtree(lo, hi)]
        k = 1 << ((n - 1).bit_length() - 1)
        if m <= k:
            return self._subproof(m, lo, lo + k, complete) + [self.subtree(lo + k, hi)]
        return self._subproof(m - k, lo + k, hi, False) + [self.subtree(lo, lo + k)]


def _check_hash(value: bytes, what: str) -> None:
    if not isinstance(value, (bytes, bytearray)) or len(value) != HASH_SIZE:
        raise ProofError(f"{what}长度不是 32 字节")


def root_from_inclusion_proof(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """The root an inclusion proof leads to (RFC 9162 §2.1.3.2 steps 1–4), consuming every node."""
    if index < 0 or size < 0:
        raise ProofError("序号或树大小为负数")
    if index >= size:
        raise ProofError(f"叶子序号 {index} 不小于树大小 {size}")
    _check_hash(leaf, "叶子哈希")
    fn, sn = index, size - 1
    r = bytes(leaf)
    for p in proof:
        _check_hash(p, "证明节点")
        if sn == 0:
            raise ProofError("包含证明的节点多于应有数量")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("包含证明的节点少于应有数量")
    return r


def verify_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes) -> None:
    """Check that `leaf` is leaf `index` of the tree of `size` with head `root`; ProofError if not."""
    _check_hash(root, "根哈希")
    if root_from_inclusion_proof(index, size, leaf, proof) != root:
        raise ProofError("包含证明推算出的根哈希与检查点不符")


def verify_consistency(
    first: int, second: int, proof: Sequence[bytes], first_root: bytes, second_root: bytes
) -> None:
    """Check that the tree (second, second_root) extends (first, first_root) — RFC 9162 §2.1.4.2."""
    _check_hash(first_root, "旧根哈希")
    _check_hash(second_root, "新根哈希")
    if first < 0 or second < 0:
        raise ProofError("树大小为负数")
    if first > second:
        raise ProofError(f"旧树大小 {first} 大于新树大小 {second}")
    if first == second:
        if proof:
            raise ProofError("相同大小的树之间的一致性证明应为空")
        if first_root != second_root:
            raise ProofError("相同大小的两棵树根哈希不同")
        return
    if first == 0:
        if proof:
            raise ProofError("从空树出发的一致性证明应为空")
        return
    # Step 1: a non-trivial proof cannot be empty.
    if not proof:
        raise ProofError("一致性证明为空")
    for c in proof:
        _check_hash(c, "证明节点")
    path = list(proof)
    # Step 2: when first is a power of two its root is the first node of the path.
    if first & (first - 1) == 0:
        path.insert(0, bytes(first_root))
    # Step 3–4.
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    # Step 5–6.
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("一致性证明的节点多于应有数量")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    # Step 7.
    if sn != 0:
        raise ProofError("一致性证明的节点少于应有数量")
    if fr != first_root:
        raise ProofError("一致性证明推算出的旧根哈希不符")
    if sr != second_root:
        raise ProofError("一致性证明推算出的新根哈希不符")
