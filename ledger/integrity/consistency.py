"""Consistency proofs between two signed checkpoints of one ledger (RFC 9162 §2.1.4), as a plain text file.

The file, every line ending in a newline (U+000A), nothing else in it:

    kaoping-consistency/1
    origin <the log's origin, as in both checkpoints>
    old <size of the older checkpoint>
    new <size of the newer checkpoint>
    <base64 hash>            (zero or more: PROOF(old, D[new]) of RFC 9162, in its order)

It is checked with both checkpoints and the trusted public key only (no database): the checkpoints'
signatures, their origin, their sizes against the file's, and the proof against their root hashes.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from ledger.errors import KaopingError, NotAllowed
from ledger.integrity.checkpoint import Checkpoint, open_checkpoint
from ledger.integrity.keys import key_path, recorded_key
from ledger.integrity.merkle import ProofError, verify_consistency
from ledger.integrity.note import NoteError, VerifierKey, read_key_file
from ledger.integrity.signing import make_checkpoint
from ledger.integrity.tlog_proof import ProofFormatError, decimal, hash_line
from ledger.integrity.verification import check

HEADER = "kaoping-consistency/1"
MAX_PROOF = 128  # RFC 9162 consistency proofs of trees below 2^64 leaves are far shorter


class ConsistencyError(KaopingError):
    """The two checkpoints are not proven to be of one ledger, the newer extending the older."""


@dataclass(frozen=True)
class ConsistencyProof:
    """Which log, from which size to which, and the RFC 9162 proof hashes."""

    origin: str
    old: int
    new: int
    hashes: tuple[bytes, ...]

    def text(self) -> str:
        """The proof file's text."""
        lines = [HEADER, f"origin {self.origin}", f"old {self.old}", f"new {self.new}"]
        lines += [base64.b64encode(h).decode() for h in self.hashes]
        return "\n".join(lines) + "\n"


def parse_consistency(text: str) -> ConsistencyProof:
    """Read a consistency proof file strictly; ProofFormatError when it is not one."""
    if not text.startswith(HEADER + "\n"):
        raise ProofFormatError(f"不是 kaoping 一致性证明文件（第一行应为 {HEADER}）")
    if not text.endswith("\n"):
        raise ProofFormatError("一致性证明文件不完整（缺少结尾换行）")
    lines = text[:-1].split("\n")[1:]
    if len(lines) < 3:
        raise ProofFormatError("一致性证明文件缺少 origin、old、new 行")
    fields = []
    for key, line in zip(("origin", "old", "new"), lines[:3], strict=True):
        if not line.startswith(key + " ") or len(line) == len(key) + 1:
            raise ProofFormatError(f"一致性证明文件缺少 {key} 行")
        fields.append(line[len(key) + 1 :])
    hashes = lines[3:]
    if len(hashes) > MAX_PROOF:
        raise ProofFormatError(f"一致性证明的哈希多于 {MAX_PROOF} 个")
    proof = tuple(hash_line(h, f"一致性证明第 {n} 个哈希") for n, h in enumerate(hashes, start=1))
    return ConsistencyProof(fields[0], decimal(fields[1], "old"), decimal(fields[2], "new"), proof)


@dataclass(frozen=True)
class Proven:
    """A consistency proof made from the ledger, with the newer checkpoint it leads to."""

    proof: ConsistencyProof
    new_note: str
    signed_now: bool


def prove(ledger: Any, old_note: str, new_note: str | None = None, key_file: str | None = None) -> Proven:
    """Prove from the verified ledger that `new_note` extends `old_note`.

    Without `new_note`: the newest checkpoint stored in the ledger when only its own record came after it,
    else a checkpoint of the ledger as it stands, signed now (which needs the key file; refused without it).
    """
    path = key_path(ledger.location, key_file)
    key, source = (read_key_file(path, private=False).verifier, "key-file") if path.exists() else (None, "ledger")
    key = key or recorded_key(ledger)
    if key is None:
        raise NotAllowed("账本还没有签名公钥，也就没有检查点可以证明")
    report = check(ledger, trusted=key, key_source=source)
    b = report.broken
    if b is not None:
        raise NotAllowed(f"账本校验未通过，不能出具一致性证明：位置 {b.position}：{b.message}（请运行 kaoping verify）")
    old = _opened(old_note, key, "旧检查点")
    signed_now = False
    if new_note is None:
        if report.checkpoints and report.newer_than_checkpoint <= 1:
            new_note = report.checkpoints[-1].note
        else:
            if not path.exists():
                raise NotAllowed(f"最近的检查点之后账本又有新事件，需要签发新检查点，但签名密钥文件 {path} 不存在；"
                                 "请给出新检查点文件（NEW_CHECKPOINT），或用 --key 指定密钥文件")
            new_note = make_checkpoint(ledger, key_file)
            signed_now = True
    new = _opened(new_note, key, "新检查点")
    if signed_now and new.size > report.tree.size:  # events were added while it was signed
        report = check(ledger, trusted=key, key_source=source)
    if new.size < old.size:
        raise NotAllowed(f"新检查点（大小 {new.size}）比旧检查点（大小 {old.size}）还旧：请交换两个文件的顺序")
    tree = report.tree
    if new.size > tree.size:
        raise NotAllowed(f"新检查点记录了 {new.size} 个事件，账本现在只有 {tree.size} 个：最新的事件被删除了"
                         "（请运行 kaoping verify --checkpoint 新检查点）")
    for cp, what in ((old, "旧检查点"), (new, "新检查点")):
        if tree.root(cp.size) != cp.root:
            raise NotAllowed(f"账本前 {cp.size} 个事件的根哈希与{what}不同：账本不再延续它，无法证明一致"
                             f"（请运行 kaoping verify --checkpoint {what}文件）")
    hashes = tuple(tree.consistency_proof(old.size, new.size))
    verify_consistency(old.size, new.size, hashes, old.root, new.root)  # both roots came from this tree
    return Proven(ConsistencyProof(key.name, old.size, new.size, hashes), new_note, signed_now)


def _opened(note: str, key: VerifierKey, what: str) -> Checkpoint:
    """A checkpoint of this ledger, or a refusal naming the file's role."""
    try:
        return open_checkpoint(note, key)
    except NoteError as exc:
        raise NotAllowed(f"{what}不是本账本签发的有效检查点（公钥编号 {key.key_id_hex}）：{exc}") from None


def verify_proof(
    old_note: str, new_note: str, proof: ConsistencyProof, trusted: VerifierKey
) -> tuple[Checkpoint, Checkpoint]:
    """Check offline that the checkpoint `new_note` extends `old_note`; ConsistencyError naming why if not."""
    checkpoints = []
    for note, what in ((old_note, "旧检查点"), (new_note, "新检查点")):
        try:
            checkpoints.append(open_checkpoint(note, trusted))
        except NoteError as exc:
            raise ConsistencyError(f"{what}不能用指定的公钥（编号 {trusted.key_id_hex}）验证：{exc}") from None
    old, new = checkpoints
    if proof.origin != trusted.name:
        raise ConsistencyError(f"一致性证明属于另一个账本（{proof.origin}），不是 {trusted.name}")
    if (proof.old, proof.new) != (old.size, new.size):
        raise ConsistencyError(f"一致性证明是从大小 {proof.old} 到 {proof.new} 的，"
                               f"给出的两个检查点大小却是 {old.size} 和 {new.size}")
    if new.size < old.size:
        raise ConsistencyError(f"新检查点（大小 {new.size}）比旧检查点（大小 {old.size}）还旧")
    try:
        verify_consistency(old.size, new.size, proof.hashes, old.root, new.root)
    except ProofError as exc:
        raise ConsistencyError(f"一致性证明不成立：{exc}") from None
    return old, new
