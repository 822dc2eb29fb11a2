"""Verification: the whole ledger re-derived from its raw rows and held against every signed checkpoint."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from uuid import UUID

import orjson

from ledger.errors import InvalidInput, NotAllowed
from ledger.ids import INTEGRITY_STREAM
from ledger.integrity import actor_check, checkpoint_state, rotation_note
from ledger.integrity.checkpoint import open_checkpoint
from ledger.integrity.chunk_tree import ChunkChanged, ChunkTree
from ledger.integrity.evidence_check import evidence_flaws
from ledger.integrity.leaves import Flaw, scan
from ledger.integrity.merkle import EMPTY_ROOT, PREFIX, MerkleTree, ProofError, verify_consistency
from ledger.integrity.note import NoteError, VerifierKey
from ledger.integrity.report import Report as Report
from ledger.integrity.report import StoredCheckpoint as StoredCheckpoint
from ledger.topics import (
    ACTOR_TOPICS,
    CHECKPOINT_TOPIC,
    INTEGRITY_TOPICS,
    KEY_TOPIC,
    KNOWN_TOPICS,
    LOSS_TOPIC,
    ROTATION_TOPIC,
)

DIGEST = PREFIX  # bytes of each leaf hash kept in a stored checkpoint, to locate a change (one 8-byte word)


def b64(data: bytes) -> str:
    """Standard base64 text of bytes (how hashes and signatures are written in records and receipts)."""
    return base64.b64encode(data).decode()


def leaf_digests(tree: MerkleTree, lo: int, hi: int) -> bytes:
    """The first DIGEST bytes of leaves lo..hi-1, concatenated (what a stored checkpoint keeps)."""
    return tree.prefixes(lo, hi)


def _locate(
    tree: MerkleTree, digests: bytes | bytearray | None, good: int, upto: int, context: str,
    holes: Sequence[tuple[int, int]] = (),
) -> Flaw:
    """The first position in (good, upto] whose leaf differs from the digest kept at signing time (None: they were
    not kept, `_EveryDigest`)."""
    if digests is None:
        raise _EveryDigest
    known = min(upto, len(digests) // DIGEST, len(tree))
    now = leaf_digests(tree, good, known)
    for i in range(good, known):
        if any(lo <= i < hi for lo, hi in holes):
            continue
        if now[(i - good) * DIGEST : (i - good + 1) * DIGEST] != digests[i * DIGEST : (i + 1) * DIGEST]:
            unknown = [lo for lo, hi in holes if good <= lo < i]
            return Flaw(i + 1, "content", f"位置 {i + 1} 的事件与签名时不同（被改动、删除、插入或调换）：{context}",
                        earliest=min(unknown) + 1 if unknown else None)
    if known < upto and known < len(tree):
        return Flaw(known + 1, "content",
                    f"位置 {known + 1}–{upto} 之间有事件被改动、删除或插入（无法精确定位）：{context}",
                    earliest=known + 1, exact=False)
    start = min([lo for lo, _ in holes if good <= lo < upto] + [upto - 1]) if holes else good
    return Flaw(start + 1, "content", f"位置 {start + 1}–{upto} 之间有事件被改动（无法精确定位）：{context}",
                earliest=start + 1, exact=False)


def check(
    ledger: Any,
    *,
    trusted: VerifierKey | None = None,
    key_source: str = "ledger",
    external_note: str | None = None,
    kept_note: str | None = None,
    track: UUID | None = None,
    evidence_dir: Path | None = None,
    whole_tree: bool = True,
) -> Report:
    """Verify the whole ledger from its raw rows; with `external_note`, that it still extends it.

    With a trusted key the ledger must hold that key's record (a ledger stripped of it, or emptied, fails);
    `kept_note`, the last checkpoint the signer kept beside its key, must be extended and stored in the ledger.
    With `evidence_dir`, every evidence file an event names must be there with the sha256 it recorded.
    `whole_tree=False` (`kaoping verify`): the report's tree is a chunk_tree.ChunkTree, in bounded memory; the
    commands that go on to sign or prove from every leaf (checkpoint, receipts, migrate) keep the whole tree.
    """
    if not whole_tree:
        try:
            return _check(ledger, trusted, key_source, external_note, kept_note, track, evidence_dir, True)
        except (ChunkChanged, _EveryDigest):  # a chunk read again differed, or a change must be located: the whole
            pass  # tree, every leaf from one read, and every checkpoint's digests
    return _check(ledger, trusted, key_source, external_note, kept_note, track, evidence_dir, False)


class _EveryDigest(Exception):
    """A root differs: locating the change needs every checkpoint's digests, which a chunked verification does not
    keep (8 bytes a leaf): it is run again over the whole tree."""


def _check(
    ledger: Any, trusted: VerifierKey | None, key_source: str, external_note: str | None, kept_note: str | None,
    track: UUID | None, evidence_dir: Path | None, chunked: bool,
) -> Report:
    special = INTEGRITY_TOPICS | ACTOR_TOPICS  # the actors' rows too: who acted is checked from them (D32)
    s = scan(ledger, KNOWN_TOPICS, INTEGRITY_STREAM.bytes, special, track.bytes if track else None, chunked)
    report = Report(s, trusted, key_source, flaws=list(s.flaws), acted=actor_check.check(ledger, s))
    report.flaws.extend(report.acted.flaws)
    if evidence_dir is not None:
        report.flaws.extend(evidence_flaws(ledger, evidence_dir))
    report.integrity_version = max((r[2] for r in s.special if r[1] == INTEGRITY_STREAM.bytes), default=0)
    tree, flaws = s.tree, report.flaws
    digests: bytearray | None = None if chunked else bytearray()  # for locating a change (`_locate`)
    holes: list[tuple[int, int]] = []  # leaf ranges whose digests were lost with a deleted checkpoint
    good = 0  # leaves 1..good match a signed root
    prev_size, prev_root = 0, EMPTY_ROOT
    key: VerifierKey | None = None  # the key in force: the first recorded, then each verified rotation's
    chain: list[VerifierKey] = []  # every key in force, in order (a trusted key may be any of them)
    mismatch: Flaw | None = None  # the first key differs from the trusted one: a flaw unless a rotation leads to it
    # a ledger never rotated holds every checkpoint to the trusted key; a rotated one to the key in force there
    rotated_ever = any(r[3] == ROTATION_TOPIC for r in s.special)
    for pos, o, version, topic, state in s.special:
        if topic in ACTOR_TOPICS and o != INTEGRITY_STREAM.bytes:
            continue  # who acted: checked above
        if o != INTEGRITY_STREAM.bytes:
            flaws.append(Flaw(pos, "integrity", "签名公钥或检查点事件出现在完整性事件流之外"))
            continue
        if state is None:  # a large state the chunked scan did not keep (row_leaves.DEFER)
            assert isinstance(tree, ChunkTree)
            state = tree.state_at(pos)  # a checkpoint's read in pieces by checkpoint_state.loads, any other whole
            state = state if topic == CHECKPOINT_TOPIC else bytes(state)
        expected = KEY_TOPIC if version == 1 else CHECKPOINT_TOPIC
        if version > 1 and topic == LOSS_TOPIC:
            _note_loss(report, pos, state, key if rotated_ever else trusted or key)
            continue
        if version > 1 and topic == ROTATION_TOPIC:
            rotated = _rotation(report, pos, state, key)
            if rotated is not None:
                key = rotated
                chain.append(rotated)
                if trusted is None or mismatch is None or rotated == trusted:
                    report.key = rotated
            continue
        if topic != expected:
            flaws.append(Flaw(pos, "integrity", f"完整性事件流第 {version} 个事件的类型被改动：{topic}"))
            continue
        try:
            data = checkpoint_state.loads(state)  # orjson.loads(state), a checkpoint's digests left as their text
        except (orjson.JSONDecodeError, TypeError):
            flaws.append(Flaw(pos, "integrity", "签名公钥或检查点事件无法解析"))
            continue
        del state
        if version == 1:
            try:
                key = VerifierKey.parse(data["verifier_key"])
                if data["origin"] != key.name or data["key_id"] != key.key_id_hex:
                    raise NoteError("origin or key id differs")
            except (NoteError, KeyError, TypeError, AttributeError):
                flaws.append(Flaw(pos, "key", "账本记录的签名公钥被改动（无法解析）"))
                key = None
                continue
            chain.append(key)
            if trusted is not None and key != trusted:
                mismatch = Flaw(pos, "key", f"账本记录的签名公钥（编号 {key.key_id_hex}）"
                                            f"与受信任的公钥（编号 {trusted.key_id_hex}）不符")
            elif report.key is None:
                report.key = key
            continue
        signing = key if rotated_ever else trusted or key
        if signing is None:
            flaws.append(Flaw(pos, "checkpoint", "检查点之前没有可用的签名公钥"))
            continue
        try:
            note = data["note"]
            cp = open_checkpoint(note, signing)
            size, root_text = data["size"], data["root"]
            # decoded a piece at a time as they are compared (checkpoint_state.Digests), never whole
            kept = checkpoint_state.decoded(data.pop("leaf_digests"))
        except NoteError as exc:
            flaws.append(Flaw(pos, "signature", f"位置 {pos} 的检查点签名不能验证：{exc}"))
            continue
        except (KeyError, TypeError, ValueError):
            flaws.append(Flaw(pos, "checkpoint", f"位置 {pos} 的检查点记录格式被改动"))
            continue
        if cp.size != size or cp.root_b64 != root_text:
            flaws.append(Flaw(pos, "checkpoint", f"位置 {pos} 的检查点记录与其签名正文不一致"))
            continue
        if not prev_size < size < pos:
            # Events before it were deleted, or it was moved: flag it, and still compare the content.
            flaws.append(Flaw(pos, "checkpoint",
                              f"位置 {pos} 的检查点大小 {size} 不合理（上一个检查点大小 {prev_size}）"))
            if not prev_size < size <= tree.size:
                continue
        if len(kept) % DIGEST or len(kept) > DIGEST * size:
            flaws.append(Flaw(pos, "checkpoint", f"位置 {pos} 的检查点记录的叶子摘要数量不对"))
            continue
        covers = size - len(kept) // DIGEST  # the previous checkpoint's size when this one was signed
        if covers != prev_size:
            flaws.append(Flaw(pos, "checkpoint", f"位置 {pos} 的检查点之前缺少检查点（它接在大小 {covers} 之后，"
                                                 f"账本中上一个检查点大小为 {prev_size}）"))
            if covers > prev_size:  # digests of (prev_size, covers] were in the missing checkpoint
                holes.append((prev_size, covers))
                if digests is not None:
                    digests += bytes(DIGEST * (covers - prev_size))
            else:
                kept = kept[DIGEST * (prev_size - covers):]
                covers = prev_size
        if digests is not None:
            digests += bytes(kept)
        timestamp = str(data.get("timestamp", {}).get("_data_", "")) if isinstance(data.get("timestamp"), dict) else ""
        report.checkpoints.append(StoredCheckpoint(pos, size, cp.root, note, timestamp))
        if tree.root(size) != cp.root:
            flaws.append(_locate(tree, digests, good, size, f"与位置 {pos} 的检查点（大小 {size}）不符", holes))
        else:
            if prev_size and good == prev_size:
                try:
                    verify_consistency(prev_size, size, tree.consistency_proof(prev_size, size), prev_root, cp.root)
                except ProofError as exc:  # pragma: no cover - both roots were recomputed from the same leaves
                    flaws.append(Flaw(pos, "consistency", f"检查点之间不一致：{exc}"))
            if not tree.prefixes_equal(covers, size, kept):
                flaws.append(Flaw(pos, "checkpoint", f"位置 {pos} 的检查点记录中的叶子摘要被改动"))
            good = size  # a matching signed root proves every leaf up to its size
        prev_size, prev_root = size, cp.root
    if mismatch is not None and trusted not in chain:
        flaws.append(mismatch)
    if trusted is not None and key is None and not any(f.kind == "key" for f in flaws):
        flaws.append(Flaw(min(2, tree.size + 1), "key", "账本中没有签名公钥记录，但受信任的公钥存在："
                                                         "签名公钥记录被删除，或账本被清空、替换"))
    if report.key is None and trusted is not None and key is not None and key == trusted:
        report.key = trusted
    current = key if rotated_ever else trusted or key
    if external_note is not None:  # a checkpoint kept outside may be one an earlier key signed
        signer = next((k for k in reversed(chain) if _opens(external_note, k)), current)
        report.external = _check_external(report, external_note, signer, digests, good, holes, EXTERNAL)
    if kept_note is not None:
        # kept beside the trusted key file, by that key
        report.kept = _check_external(report, kept_note, trusted or current, digests, good, holes, KEPT)
        stored = any(c.size == report.kept["size"] and b64(c.root) == report.kept["root"] for c in report.checkpoints)
        report.kept["stored"] = stored
        if report.kept["extends"] and not stored:
            size = report.kept["size"]
            flaws.append(Flaw(size + 1, "checkpoint", f"签名密钥旁保存的最近检查点（大小 {size}）在账本中没有记录："
                                                      "账本内的检查点记录被删除", earliest=size + 1, exact=False))
    return report


def _opens(note: str, key: VerifierKey) -> bool:
    try:
        open_checkpoint(note, key)
    except NoteError:
        return False
    return True


def _rotation(report: Report, pos: int, state: bytes, key: VerifierKey | None) -> VerifierKey | None:
    """A recorded key rotation: signed by the key in force and by the new key, over the tree as it stood; the new
    key, or None (a flaw noted) when it does not hold."""
    try:
        data = orjson.loads(state)
        if key is None:
            raise NoteError("no key in force")
        new = VerifierKey.parse(data["verifier_key"])
        said = rotation_note.opened(data["note"], key, new)
        if (data["previous_key_id"] != key.key_id_hex or data["key_id"] != new.key_id_hex
                or data["size"] != said.size or data["root"] != said.root or new.name != key.name):
            raise NoteError("fields differ from the note")
    except (orjson.JSONDecodeError, TypeError, KeyError, ValueError, AttributeError, NoteError):
        report.flaws.append(Flaw(pos, "key", f"位置 {pos} 的签名密钥更换记录不能验证（不是当时在用的密钥与新密钥"
                                             "共同签署的，或记录被改动）"))
        return None
    tree = report.tree
    if not said.size < pos or b64(tree.root(said.size)) != said.root:
        report.flaws.append(Flaw(pos, "content", f"位置 {said.size} 之前的事件与位置 {pos} 更换签名密钥时新旧密钥"
                                                 "共同签署的不同（被改动、删除或插入）", exact=False,
                                 earliest=1))
    return new


def _note_loss(report: Report, pos: int, state: bytes, key: VerifierKey | None) -> None:
    """A recorded loss of a signed range: its lost checkpoint must be one the key signed."""
    try:
        data = orjson.loads(state)
        if key is None:
            raise NoteError("no key")
        lost = open_checkpoint(data["signed_note"], key)
        if lost.size != data["signed_size"] or lost.root_b64 != data["signed_root"]:
            raise NoteError("size or root differs from the note")
        entry = {"position": pos, "signed_size": lost.size, "kept_size": int(data["kept_size"]),
                 "restored_size": int(data["restored_size"]), "reason": str(data["reason"])}
    except (orjson.JSONDecodeError, TypeError, KeyError, ValueError, NoteError):
        report.flaws.append(Flaw(pos, "integrity",
                                 f"位置 {pos} 的“恢复备份后重新签发”记录被改动（其中的检查点不能验证）"))
        return
    report.lost.append(entry)


@dataclass(frozen=True)
class Anchor:
    """How the messages name a checkpoint kept outside the database, and the kind of flaw it reports."""

    name: str
    kind: str
    hint: str = ""


EXTERNAL = Anchor("外部检查点", "truncated")
KEPT = Anchor("签名密钥旁保存的最近检查点", "anchor",
              "；若账本是从较早的备份恢复的，确认后运行 kaoping checkpoint --after-restore --reason 说明原因")


def _check_external(
    report: Report, note: str, key: VerifierKey | None, digests: bytes | bytearray | None, good: int,
    holes: Sequence[tuple[int, int]], anchor: Anchor,
) -> dict[str, Any]:
    """Prove the ledger still extends a checkpoint kept outside the database."""
    if key is None:
        raise NotAllowed(f"账本中没有签名公钥，无法核对{anchor.name}（可用 --public-key 指定公钥）")
    try:
        ext = open_checkpoint(note, key)
    except NoteError as exc:
        raise InvalidInput(f"{anchor.name}不能用公钥（编号 {key.key_id_hex}）验证：{exc}") from None
    tree = report.tree
    out: dict[str, Any] = {"size": ext.size, "root": ext.root_b64, "extends": False}
    context = f"与{anchor.name}（大小 {ext.size}）不符{anchor.hint}"
    if ext.size > tree.size:
        start = good if good <= ext.size else 0
        also = f"（若中间也有删除，最早可能从位置 {start + 1} 起）" if start < tree.size else ""
        report.flaws.append(Flaw(tree.size + 1, anchor.kind,
                                 f"{anchor.name}记录了 {ext.size} 个事件，账本现在只有 {tree.size} 个："
                                 f"位置 {tree.size + 1} 起的事件被删除{also}{anchor.hint}",
                                 earliest=start + 1))
    elif tree.root(ext.size) != ext.root:
        start = good if good <= ext.size else 0
        flaw = _locate(tree, digests, start, ext.size, context, holes)
        report.flaws.append(replace(flaw, kind=anchor.kind) if anchor.kind != "truncated" else flaw)
    else:
        proof = tree.consistency_proof(ext.size, tree.size)
        verify_consistency(ext.size, tree.size, proof, ext.root, tree.root())
        out.update(extends=True, proof=[b64(p) for p in proof])
    return out
