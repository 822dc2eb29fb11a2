"""The signer's own record of the last checkpoint it signed, kept beside the key file, as a log's witness keeps one.

The file holds the signed note exactly as issued (the form `checkpoint --out` writes), so it needs no secrecy —
its signature is its protection — and `checkpoint` refuses to sign a tree that does not extend it: whoever can
rewrite the database cannot get the real key to sign a rewritten history. It is replaced atomically (a new file
beside it, flushed, then `os.replace`, which replaces an existing file on Windows too), never edited in place.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ledger.errors import InvalidInput
from ledger.integrity.checkpoint import Checkpoint, open_checkpoint
from ledger.integrity.note import NoteError, VerifierKey

SUFFIX = ".checkpoint"
"""`kaoping.key` keeps its last signed checkpoint in `kaoping.key.checkpoint`."""


@dataclass(frozen=True)
class Kept:
    """The last checkpoint the signer signed, as kept beside its key, once its signature verified."""

    path: Path
    note: str
    checkpoint: Checkpoint


def kept_path(key_file: Path) -> Path:
    """Where the key at `key_file` keeps its last signed checkpoint."""
    return key_file.with_name(key_file.name + SUFFIX)


def read_kept(key_file: Path, trusted: VerifierKey) -> Kept | None:
    """The kept checkpoint, verified with the trusted key; None when the key has not kept one yet."""
    path = kept_path(key_file)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InvalidInput(f"无法读取签名密钥旁保存的检查点 {path}：{exc.strerror or exc}") from None
    try:
        note = data.decode("utf-8")
        return Kept(path, note, open_checkpoint(note, trusted))
    except (UnicodeDecodeError, NoteError) as exc:
        raise InvalidInput(f"签名密钥旁保存的检查点 {path} 无效（{exc}）：它应是该密钥最近签发的检查点原文，"
                           "在数据库之外被改动过") from None


def _staging(path: Path) -> Path:
    return path.with_name(f"{path.name}.{os.getpid()}.new")


def claim(key_file: Path) -> Path:
    """Make sure the kept checkpoint can be replaced, before anything is signed or recorded."""
    path = kept_path(key_file)
    staging = _staging(path)
    try:
        staging.open("xb").close()
    except FileExistsError:
        pass
    except OSError as exc:
        raise InvalidInput(f"无法在签名密钥旁写入检查点记录 {path}：{exc.strerror or exc}") from None
    return staging


def keep(key_file: Path, note: str) -> None:
    """Replace the kept checkpoint with `note` (written beside it, flushed, then moved over it)."""
    path = kept_path(key_file)
    staging = _staging(path)
    try:
        with staging.open("wb") as f:
            f.write(note.encode("utf-8"))
            f.flush()
            os.fsync(f.fileno())
        os.replace(staging, path)
    except OSError as exc:
        staging.unlink(missing_ok=True)
        raise InvalidInput(f"检查点已签发并记录在账本中，但无法更新签名密钥旁的检查点记录 {path}："
                           f"{exc.strerror or exc}（下次签发前请修复）") from None


def release(key_file: Path) -> None:
    """Remove the staging file `claim` made, when nothing was signed after all."""
    _staging(kept_path(key_file)).unlink(missing_ok=True)
