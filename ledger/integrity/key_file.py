"""Where the signing key file lives and what its text holds, with the stdlib alone.

The questions' light read path (ledger/storage/reader.py) derives the projection's seal key from this file
(ledger/integrity/seal.py) and must not import `cryptography` (~80 ms) to do it; `note.SignerKey.parse` splits
the same text here, so there is one reading of the format.
"""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path

from ledger.storage.location import Location

ED25519 = 0x01


def key_path(location: Location, given: str | os.PathLike[str] | None = None) -> Path:
    """Where the signing key lives: --key, else KAOPING_KEY, else beside the SQLite file (kaoping.key)."""
    text = given or os.environ.get("KAOPING_KEY", "").strip()
    if text:
        return Path(text)
    if location.sqlite_path is not None:
        return location.sqlite_path.with_suffix(".key")
    return Path("kaoping.key")


def split_private(text: str) -> tuple[str, str, bytes]:
    """`PRIVATE+KEY+name+hexkeyid+base64(0x01 ‖ seed)` as (name, hex key id, seed); ValueError when malformed."""
    parts = text.strip().split("+", 4)
    if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
        raise ValueError("私钥格式不正确")
    name, hexid, blob = parts[2:]
    try:
        raw = base64.b64decode(blob, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("私钥的 base64 编码不正确") from None
    if len(raw) != 33 or raw[0] != ED25519:
        raise ValueError("私钥不是 Ed25519 私钥")
    return name, hexid, raw[1:]
