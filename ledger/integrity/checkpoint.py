"""C2SP tlog-checkpoint note text: origin line, tree size, base64 root hash (c2sp.org/tlog-checkpoint)."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from ledger.integrity.note import NoteError, VerifierKey, open_note


@dataclass(frozen=True)
class Checkpoint:
    """A tree head: which log (origin), how many leaves, and the root hash."""

    origin: str
    size: int
    root: bytes

    @property
    def root_b64(self) -> str:
        """The root hash as the checkpoint writes it."""
        return base64.b64encode(self.root).decode()

    def body(self) -> str:
        """The note text: three lines, each ending in a newline; no extension lines."""
        return f"{self.origin}\n{self.size}\n{self.root_b64}\n"


def parse_body(text: str) -> Checkpoint:
    """Read a checkpoint note text strictly (decimal size without leading zeros, 32-byte root)."""
    lines = text.split("\n")
    if len(lines) < 4 or lines[-1] != "" or any(not line for line in lines[:-1]):
        raise NoteError("检查点正文应为：来源、大小、根哈希三行（各以换行结尾）")
    origin, size_text, root_text = lines[0], lines[1], lines[2]
    if not size_text.isascii() or not size_text.isdigit() or (size_text != "0" and size_text.startswith("0")):
        raise NoteError(f"检查点大小不是规范的十进制数：{size_text!r}")
    try:
        root = base64.b64decode(root_text, validate=True)
    except (binascii.Error, ValueError):
        raise NoteError("检查点根哈希不是有效的 base64") from None
    if len(root) != 32:
        raise NoteError("检查点根哈希不是 32 字节")
    return Checkpoint(origin, int(size_text), root)


def open_checkpoint(note: str, trusted: VerifierKey) -> Checkpoint:
    """A signed checkpoint's tree head once its signature verifies with the trusted key."""
    cp = parse_body(open_note(note, trusted))
    if cp.origin != trusted.name:
        raise NoteError(f"检查点来源 {cp.origin} 与签名密钥名称 {trusted.name} 不一致")
    return cp
