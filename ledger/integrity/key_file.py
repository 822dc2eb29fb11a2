"""Where the signing key file lives and what its text holds, with the stdlib alone.

The questions' light read path (ledger/storage/reader.py) derives the projection's seal key from this file
(ledger/integrity/seal.py) and must not import `cryptography` (~80 ms) to do it; `note.SignerKey.parse` splits
the same text here, so there is one reading of the format.
"""

from __future__ import annotations

import base64
import binascii
import os
from hashlib import sha256
from pathlib import Path

from ledger.storage import files
from ledger.storage.location import Location

ED25519 = 0x01


def key_path(location: Location, given: str | os.PathLike[str] | None = None) -> Path:
    """Where the signing key lives: --key, else KAOPING_KEY, else beside the SQLite file (kaoping.key) — on Windows,
    where no mode bits protect a file, in the user's profile instead (ledger/storage/files.py)."""
    text = given or os.environ.get("KAOPING_KEY", "").strip()
    return Path(text) if text else default_key_path(location)


def default_key_path(location: Location) -> Path:
    """Where a ledger's key lives when no --key or KAOPING_KEY names it. On Windows the user's profile — unless a
    SQLite ledger arrived with its key beside it (copied from another machine, or written by the first release)
    and the profile holds none for it: then that one."""
    if not files.POSIX:
        profile = profile_key_path(location)
        beside = location.sqlite_path.with_suffix(".key") if location.sqlite_path is not None else None
        if beside is not None and beside.is_file() and not profile.is_file():
            return beside
        return profile
    if location.sqlite_path is not None:
        return location.sqlite_path.with_suffix(".key")
    return Path("kaoping.key")


def profile_key_path(location: Location) -> Path:
    """A ledger's default key on Windows: %LOCALAPPDATA%\\kaoping\\keys\\NAME-HASH.key, named after the ledger (its
    file's stem, or its PostgreSQL database) and the hash of where it is, so two ledgers never share a key."""
    if location.sqlite_path is not None:
        name, where = location.sqlite_path.stem, str(location.sqlite_path.absolute())
    else:
        name, where = location.env.get("POSTGRES_DBNAME", "kaoping"), location.display()
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in name)[:40] or "kaoping"
    return profile_keys() / f"{safe}-{sha256(where.encode()).hexdigest()[:12]}.key"


def profile_keys() -> Path:
    """The folder of the default keys on Windows (made on first use, inside the user's profile)."""
    return files.profile_folder() / "kaoping" / "keys"


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
