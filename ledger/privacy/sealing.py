"""Sealing a complainant's name and contact: ChaCha20-Poly1305 under a fresh 256-bit key per complaint.

The sealed text is base64(12-byte nonce ‖ ciphertext ‖ tag); the associated data binds it to its complaint's
stream id, so a sealed text copied into another complaint does not open.
"""

from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass
from uuid import UUID

import orjson

from ledger.errors import NotAllowed

LABEL = b"kaoping-complainant/1\n"


@dataclass(frozen=True)
class Complainant:
    """Who complained and how to reach them (either may be empty)."""

    name: str
    contact: str


def _aad(complaint: UUID) -> bytes:
    return LABEL + complaint.bytes


def seal(complaint: UUID, person: Complainant) -> tuple[bytes, str]:
    """A fresh data key and the sealed text of `person` for this complaint."""
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305  # only when a complainant is given

    key = ChaCha20Poly1305.generate_key()
    nonce = os.urandom(12)
    plain = orjson.dumps({"name": person.name, "contact": person.contact})
    return key, base64.b64encode(nonce + ChaCha20Poly1305(key).encrypt(nonce, plain, _aad(complaint))).decode()


def unseal(complaint: UUID, key: bytes, sealed: str) -> Complainant:
    """The name and contact, or a refusal when the key or the sealed text is not this complaint's."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

    try:
        raw = base64.b64decode(sealed, validate=True)
        plain = ChaCha20Poly1305(key).decrypt(raw[:12], raw[12:], _aad(complaint))
        data = orjson.loads(plain)
        return Complainant(str(data["name"]), str(data["contact"]))
    except (binascii.Error, ValueError, InvalidTag, KeyError, TypeError, orjson.JSONDecodeError):
        raise NotAllowed("投诉人信息无法解密（密钥与记录不符，或记录被改动）") from None
