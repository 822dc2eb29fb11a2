"""An independent reader of C2SP signed notes, checkpoints, tlog-proofs and RFC 9162 proofs, from the specs alone.

It imports nothing of kaoping: key texts, signature lines, Ed25519 (through `cryptography`), leaf and node
hashes and the proof walks are written here again from c2sp.org/signed-note, c2sp.org/tlog-checkpoint,
c2sp.org/tlog-proof and RFC 6962/9162 §2.1 — and the walks follow the RFCs' recursive definitions, not the
iterative verifier kaoping uses, so a mistake the writer and kaoping's reader share is caught here.
"""

from __future__ import annotations

import base64
import hashlib
import struct
from dataclasses import dataclass
from uuid import UUID

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


class Rejected(Exception):
    """The independent reader does not accept the input."""


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def leaf(data: bytes) -> bytes:
    """RFC 6962 §2.1: MTH({d}) = SHA-256(0x00 || d)."""
    return sha256(b"\x00" + data)


def node(left: bytes, right: bytes) -> bytes:
    """RFC 6962 §2.1: SHA-256(0x01 || MTH(left) || MTH(right))."""
    return sha256(b"\x01" + left + right)


def split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(leaf_hashes: list[bytes]) -> bytes:
    """RFC 6962 §2.1 Merkle Tree Hash over leaf hashes, by its recursive definition."""
    if not leaf_hashes:
        return sha256(b"")
    if len(leaf_hashes) == 1:
        return leaf_hashes[0]
    k = split(len(leaf_hashes))
    return node(mth(leaf_hashes[:k]), mth(leaf_hashes[k:]))


def root_from_path(index: int, size: int, leaf_hash: bytes, path: list[bytes]) -> bytes:
    """Invert RFC 6962 §2.1.1: PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n]) if m < k,
    else PATH(m-k, D[k:n]) : MTH(D[0:k])."""
    if not 0 <= index < size:
        raise Rejected("index out of range")
    if size == 1:
        if path:
            raise Rejected("inclusion proof too long")
        return leaf_hash
    if not path:
        raise Rejected("inclusion proof too short")
    *inner, sibling = path
    k = split(size)
    if index < k:
        return node(root_from_path(index, k, leaf_hash, inner), sibling)
    return node(sibling, root_from_path(index - k, size - k, leaf_hash, inner))


def roots_from_consistency(m: int, n: int, proof: list[bytes], old_root: bytes) -> tuple[bytes, bytes]:
    """Invert RFC 6962 §2.1.2 PROOF(m, D[n]) = SUBPROOF(m, D[n], true): the old and new roots it shows."""
    if not 0 < m <= n:
        raise Rejected("sizes out of range")
    if m == n:
        if proof:
            raise Rejected("proof between equal sizes must be empty")
        return old_root, old_root

    def sub(m: int, n: int, proof: list[bytes], complete: bool) -> tuple[bytes, bytes]:
        if m == n:
            if complete:
                if proof:
                    raise Rejected("consistency proof too long")
                return old_root, old_root
            if len(proof) != 1:
                raise Rejected("consistency proof of the wrong length")
            return proof[0], proof[0]
        if not proof:
            raise Rejected("consistency proof too short")
        *inner, sibling = proof
        k = split(n)
        if m <= k:
            old, new = sub(m, k, inner, complete)
            return old, node(new, sibling)
        old, new = sub(m - k, n - k, inner, False)
        return node(sibling, old), node(sibling, new)

    return sub(m, n, proof, True)


def b64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


@dataclass(frozen=True)
class Key:
    """A note verifier key: name, 4-byte key id, Ed25519 public key."""

    name: str
    key_id: bytes
    public: bytes


def parse_key(text: str) -> Key:
    """`name+hexkeyid+base64(0x01 || key)`; the key id must be SHA-256(name || 0x0A || 0x01 || key)[:4]."""
    name, hexid, blob = text.strip().split("+", 2)
    raw = b64(blob)
    if raw[:1] != b"\x01" or len(raw) != 33:
        raise Rejected("not an Ed25519 verifier key")
    key_id = sha256(name.encode() + b"\n" + raw)[:4]
    if key_id.hex() != hexid:
        raise Rejected("key id does not match the key")
    return Key(name, key_id, raw[1:])


def open_note(note: bytes, key: Key) -> bytes:
    """The note text once a signature line of `key` verifies (the last blank line splits text and signatures)."""
    text_str = note.decode("utf-8")
    if any(ord(c) < 0x20 and c != "\n" for c in text_str):
        raise Rejected("control character in note")
    cut = note.rfind(b"\n\n")
    if cut < 0 or not note.endswith(b"\n"):
        raise Rejected("no signature block")
    text, block = note[: cut + 1], note[cut + 2 :]
    good = False
    for line in block.split(b"\n")[:-1]:
        if not line.startswith("— ".encode()):
            raise Rejected("bad signature line")
        name, sig_b64 = line[len("— ".encode()) :].decode().split(" ")
        sig = b64(sig_b64)
        if name != key.name or sig[:4] != key.key_id:
            continue
        try:
            Ed25519PublicKey.from_public_bytes(key.public).verify(sig[4:], text)
        except InvalidSignature:
            raise Rejected("bad signature") from None
        good = True
    if not good:
        raise Rejected("no signature by the trusted key")
    return text


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes


def open_checkpoint(note: bytes, key: Key) -> Checkpoint:
    """tlog-checkpoint: origin, decimal size, base64 root; the origin must be the key's name here."""
    lines = open_note(note, key).decode().split("\n")
    origin, size, root = lines[0], lines[1], b64(lines[2])
    if origin != key.name or not size.isdigit() or (size != "0" and size.startswith("0")) or len(root) != 32:
        raise Rejected("bad checkpoint")
    return Checkpoint(origin, int(size), root)


@dataclass(frozen=True)
class Proven:
    """What a tlog-proof proved: the checkpoint, the entry's index, and the entry (its leaf data)."""

    checkpoint: Checkpoint
    index: int
    extra: bytes


def verify_tlog_proof(data: bytes, key_text: str) -> Proven:
    """Read a c2sp.org/tlog-proof@v1 file and check it: the leaf hash recomputed from `extra`, the path, the note."""
    key = parse_key(key_text)
    text = data.decode("utf-8")
    lines = text.split("\n")
    if lines[0] != "c2sp.org/tlog-proof@v1":
        raise Rejected("not a tlog-proof")
    i = 1
    extra = None
    if lines[i].startswith("extra "):
        extra = b64(lines[i][6:])
        i += 1
    if not lines[i].startswith("index "):
        raise Rejected("no index line")
    index_text = lines[i][6:]
    if not index_text.isdigit() or (index_text != "0" and index_text.startswith("0")):
        raise Rejected("bad index")
    i += 1
    path = []
    while lines[i] != "":
        path.append(b64(lines[i]))
        i += 1
    checkpoint = "\n".join(lines[i + 1 :]).encode()
    cp = open_checkpoint(checkpoint, key)
    if extra is None:
        raise Rejected("no extra: cannot recompute the leaf")
    if root_from_path(int(index_text), cp.size, leaf(extra), path) != cp.root:
        raise Rejected("inclusion proof does not lead to the checkpoint's root")
    return Proven(cp, int(index_text), extra)


@dataclass(frozen=True)
class Entry:
    originator: UUID
    version: int
    topic: str
    state: bytes


def parse_kaoping_leaf(data: bytes) -> Entry:
    """kaoping's leaf data (README): four fields, each a 4-byte big-endian length then its bytes."""
    fields = []
    at = 0
    while at < len(data):
        (n,) = struct.unpack(">I", data[at : at + 4])
        fields.append(data[at + 4 : at + 4 + n])
        at += 4 + n
    originator, version, topic, state = fields
    return Entry(UUID(bytes=originator), int.from_bytes(version, "big"), topic.decode(), state)
