"""C2SP tlog-proof@v1 (c2sp.org/tlog-proof): one entry's inclusion proof with the signed checkpoint, as text.

The file, every line ending in a newline (U+000A):

    c2sp.org/tlog-proof@v1
    extra <base64 of the entry's leaf data>      (optional)
    index <zero-based leaf index, decimal>
    <base64 hash>                                 (zero or more: the RFC 6962 inclusion proof, leaf side first)
                                                  (an empty line)
    <the signed checkpoint, verbatim>

Readers of other tools (Go sumdb/note + tlog, transparency-dev) read it as it is; this module is kaoping's.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from ledger.errors import InvalidInput
from ledger.integrity.checkpoint import Checkpoint, open_checkpoint
from ledger.integrity.merkle import HASH_SIZE, ProofError, leaf_hash, verify_inclusion
from ledger.integrity.note import VerifierKey

HEADER = "c2sp.org/tlog-proof@v1"
MAX_PROOF = 63  # an inclusion proof in a tree of fewer than 2^63 leaves has at most 63 hashes


class ProofFormatError(InvalidInput):
    """A proof file is not in the format it claims (bad usage, not a failed proof)."""


def canonical_b64(text: str, what: str) -> bytes:
    """Standard base64 (RFC 4648 §4) in its one canonical spelling; ProofFormatError otherwise."""
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ProofFormatError(f"{what}不是有效的 base64") from None
    if base64.b64encode(data).decode() != text:
        raise ProofFormatError(f"{what}不是规范的 base64")
    return data


def decimal(text: str, what: str) -> int:
    """An ASCII decimal with no leading zeroes (unless it is 0), as the C2SP formats write numbers."""
    if not text.isascii() or not text.isdigit() or (text != "0" and text.startswith("0")) or len(text) > 20:
        raise ProofFormatError(f"{what}不是规范的十进制数：{text[:24]!r}")
    return int(text)


def hash_line(text: str, what: str) -> bytes:
    """One proof line: a 32-byte hash in canonical base64."""
    h = canonical_b64(text, what)
    if len(h) != HASH_SIZE:
        raise ProofFormatError(f"{what}不是 32 字节的哈希")
    return h


@dataclass(frozen=True)
class TlogProof:
    """An entry's index, its inclusion proof, the signed checkpoint it leads to, and optional extra data."""

    index: int
    proof: tuple[bytes, ...]
    checkpoint: str
    extra: bytes | None = None

    def text(self) -> str:
        """The proof file's text, byte for byte as the spec lays it out."""
        lines = [HEADER]
        if self.extra is not None:
            lines.append(f"extra {base64.b64encode(self.extra).decode()}")
        lines.append(f"index {self.index}")
        lines += [base64.b64encode(h).decode() for h in self.proof]
        return "\n".join(lines) + "\n\n" + self.checkpoint


def is_tlog_proof(text: str) -> bool:
    """True when the text starts as a tlog-proof file does."""
    return text.startswith(HEADER + "\n")


def parse_proof(text: str) -> TlogProof:
    """Read a tlog-proof file strictly: header, optional extra, index, hashes, an empty line, the checkpoint."""
    if not is_tlog_proof(text):
        raise ProofFormatError(f"不是 tlog-proof 文件（第一行应为 {HEADER}）")
    head, blank, checkpoint = text[len(HEADER) + 1 :].partition("\n\n")
    if not blank or not checkpoint:
        raise ProofFormatError("tlog-proof 文件缺少证明与检查点之间的空行，或缺少检查点")
    lines = head.split("\n")
    extra = None
    if lines[0].startswith("extra "):
        extra = canonical_b64(lines.pop(0)[len("extra ") :], "extra 行")
        if not lines:
            raise ProofFormatError("tlog-proof 文件缺少 index 行")
    if not lines[0].startswith("index "):
        raise ProofFormatError("tlog-proof 文件缺少 index 行")
    index = decimal(lines[0][len("index ") :], "index")
    hashes = lines[1:]
    if len(hashes) > MAX_PROOF:
        raise ProofFormatError(f"包含证明的哈希多于 {MAX_PROOF} 个")
    proof = tuple(hash_line(h, f"包含证明第 {n} 行") for n, h in enumerate(hashes, start=1))
    return TlogProof(index, proof, checkpoint, extra)


def verify_tlog_proof(proof: TlogProof, trusted: VerifierKey) -> Checkpoint:
    """The checkpoint the proof leads to, once its signature and the entry's inclusion both verify.

    The leaf hash is recomputed from `extra` (the entry's leaf data): a proof without it cannot be
    checked here. NoteError for the signature, ProofError for the inclusion.
    """
    cp = open_checkpoint(proof.checkpoint, trusted)
    if proof.extra is None:
        raise ProofError("证明没有 extra 行（叶子数据），无法重算叶子哈希")
    verify_inclusion(proof.index, cp.size, leaf_hash(proof.extra), proof.proof, cp.root)
    return cp
