"""The projection's seal key: a MAC key derived from the signing key file, so it lives where that key lives.

Whoever may sign checkpoints may vouch for the stored projection; whoever only holds the database can do
neither. Deriving the key (HMAC-SHA256 of the Ed25519 seed under a fixed label) rather than keeping a second
secret file means no second file to create, protect (on Windows too) or lose, and a ledger transplanted under
another key never matches. Read with the stdlib alone (ledger/integrity/key_file.py): the questions' light
read path stays light.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from ledger.errors import InvalidInput
from ledger.integrity.key_file import key_path, split_private
from ledger.storage.location import Location

LABEL = b"kaoping projection seal v1"


def seal_key(location: Location, given: str | os.PathLike[str] | None = None) -> bytes | None:
    """The seal key from the signing key file (--key, KAOPING_KEY or beside the ledger); None where there is none."""
    path = key_path(location, given)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"无法读取签名密钥文件 {path}：{exc}") from None
    try:
        _, _, seed = split_private(text)
    except ValueError as exc:
        raise InvalidInput(f"签名密钥文件 {path} 无效：{exc}") from None
    return hmac.new(seed, LABEL, hashlib.sha256).digest()
