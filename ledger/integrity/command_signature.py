"""What an actor signs for one command (D32): the Merkle leaf hashes of the events the command stores.

The bytes signed are recomputed by `verify` from the stored rows alone: each event's leaf hash (ledger/integrity/
leaves.py: SHA-256 of 0x00 ‖ originator ‖ version ‖ topic ‖ state, every field length-prefixed — exactly the leaves
of the ledger's Merkle tree), concatenated in ledger order, hashed once more with SHA-256 (the `digest`). The
message is `kaoping-command/1`, the actor's name, role and key id, the number of events and the digest, one per
line: an edited 操作人, a signature moved to another command or another actor's name all change what was signed.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from hashlib import sha256
from typing import Any

from ledger.integrity.leaves import leaf_data, originator_bytes
from ledger.integrity.note import SignerKey, VerifierKey

DOMAIN = "kaoping-command/1"


def leaf_hash(originator: Any, version: int, topic: str, state: bytes) -> bytes:
    """The Merkle leaf hash of one stored row (the same bytes `verify`'s scan hashes)."""
    return sha256(b"\x00" + leaf_data(originator_bytes(originator), version, topic, state)).digest()


def b64(data: bytes) -> str:
    """Standard base64 text of bytes (how a digest is stored)."""
    return base64.b64encode(data).decode()


def digest_of(leaf_hashes: bytes) -> bytes:
    """SHA-256 of a command's events' leaf hashes, concatenated in ledger order."""
    return sha256(leaf_hashes).digest()


def stored_digest(rows: Sequence[Any]) -> bytes:
    """The digest of stored events about to be inserted (eventsourcing StoredEvents, in order)."""
    return digest_of(b"".join(leaf_hash(r.originator_id, r.originator_version, r.topic, r.state) for r in rows))


def message(actor: str, role: str, key_id: str, count: int, digest: bytes) -> bytes:
    """The bytes an actor's key signs for one command."""
    return f"{DOMAIN}\n{actor}\n{role}\n{key_id}\n{count}\n{base64.b64encode(digest).decode()}\n".encode()


def sign(signer: SignerKey, actor: str, role: str, count: int, digest: bytes) -> str:
    """The base64 Ed25519 signature of one command."""
    return base64.b64encode(signer.sign(message(actor, role, signer.verifier.key_id_hex, count, digest))).decode()


def verifies(key: VerifierKey, actor: str, role: str, count: int, digest: bytes, signature: str) -> bool:
    """Whether `signature` (base64) is `key`'s signature of this command."""
    try:
        raw = base64.b64decode(signature, validate=True)
    except ValueError:
        return False
    return key.verify(message(actor, role, key.key_id_hex, count, digest), raw)
