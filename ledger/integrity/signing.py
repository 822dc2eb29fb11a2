"""Signing a checkpoint of the ledger as it stands, after verifying it and that it extends what the key last signed."""

from __future__ import annotations

import os
import unicodedata
from datetime import UTC, datetime
from typing import Any

from ledger import acting
from ledger import events as ev
from ledger.errors import Conflict, InvalidInput, NotAllowed
from ledger.ids import INTEGRITY_STREAM
from ledger.integrity import anchor
from ledger.integrity.checkpoint import Checkpoint
from ledger.integrity.keys import ensure_signer, key_path
from ledger.integrity.note import SignerKey, sign_note
from ledger.integrity.verification import Report, b64, check, leaf_digests

RETRIES = 5


def make_checkpoint(
    ledger: Any, key_file: str | os.PathLike[str] | None = None, *, after_restore: str | None = None
) -> str:
    """Verify the ledger, sign a checkpoint of it as it stands, record it, keep it beside the key, return it.

    Refuses to sign over a ledger that fails verification, or one that does not extend the checkpoint the key
    kept when it last signed (a log must never sign a tree inconsistent with one it signed before). After an
    older backup was restored, `after_restore` (the operator's reason) records the lost signed range first.
    """
    reason = _reason(after_restore) if after_restore is not None else None
    # before ensure_signer, which may record the key of a ledger that has none: a refused checkpoint stores nothing
    acting.authorise_ahead(ledger, [ev.CheckpointRecorded.TOPIC, *([ev.SignedRangeLost.TOPIC] if reason else [])])
    path = key_path(ledger.location, key_file)
    signer = ensure_signer(ledger, path)
    kept = anchor.read_kept(path, signer.verifier)
    if reason is not None and kept is None:
        raise NotAllowed(f"签名密钥旁没有保存的检查点（{anchor.kept_path(path)}），没有已签名的范围可能丢失，"
                         "不需要 --after-restore")
    anchor.claim(path)
    try:
        if reason is not None:
            assert kept is not None
            _record_loss(ledger, signer, kept, reason)
            kept = None  # the loss is recorded: the restored tree is signed from here on
        note = _sign(ledger, signer, kept)
    except BaseException:
        anchor.release(path)
        raise
    anchor.keep(path, note)
    return note


def _reason(text: str) -> str:
    """The operator's reason for signing a restored tree: one printable line."""
    reason = text.strip()
    if not reason:
        raise InvalidInput("--after-restore 需要说明原因（--reason）")
    if any(unicodedata.category(c) in {"Cc", "Cf", "Zl", "Zp"} for c in reason):
        raise InvalidInput("原因（--reason）不能含控制字符或换行")
    return reason


def _checked(ledger: Any, signer: SignerKey, kept: anchor.Kept | None) -> Report:
    """The ledger verified against the key and the checkpoint it kept; a refusal to sign when it fails."""
    report = check(ledger, trusted=signer.verifier, key_source="key-file",
                   kept_note=kept.note if kept is not None else None)
    b = report.broken
    if b is None:
        return report
    if kept is not None and all(f.kind == "anchor" for f in report.flaws):
        raise NotAllowed(f"账本不是该签名密钥上次签发的检查点（大小 {kept.checkpoint.size}，见 {kept.path}）的延续，"
                         f"拒绝签发：{b.message}")
    raise NotAllowed(f"账本校验未通过，拒绝签发检查点：位置 {b.position}：{b.message}（请运行 kaoping verify）")


def _record_loss(ledger: Any, signer: SignerKey, kept: anchor.Kept, reason: str) -> None:
    """Record which signed range the restored ledger no longer holds (refused when nothing was lost)."""
    for attempt in range(RETRIES):
        report = check(ledger, trusted=signer.verifier, key_source="key-file", kept_note=kept.note)
        others = [f for f in report.flaws if f.kind != "anchor"]
        if others:
            _checked(ledger, signer, None)  # refuses, naming the first flaw of the restored ledger itself
        if not report.flaws:
            raise NotAllowed(f"账本仍是签名密钥上次签发的检查点（大小 {kept.checkpoint.size}）的延续，"
                             "没有丢失已签名的事件，不需要 --after-restore")
        kept_size = report.checkpoints[-1].size if report.checkpoints else 0
        event = ev.SignedRangeLost(  # type: ignore[call-arg]
            originator_id=INTEGRITY_STREAM,
            originator_version=report.integrity_version + 1,
            timestamp=datetime.now(UTC),
            actor=ledger.actor,
            signed_size=kept.checkpoint.size,
            signed_root=kept.checkpoint.root_b64,
            signed_note=kept.note,
            kept_size=kept_size,
            restored_size=report.size,
            reason=reason,
        )
        try:
            ledger.append(event)
        except Conflict:
            if attempt == RETRIES - 1:
                raise
            continue
        return


def _sign(ledger: Any, signer: SignerKey, kept: anchor.Kept | None) -> str:
    """Sign and record a checkpoint of the ledger as it stands; the signed note."""
    for attempt in range(RETRIES):
        report = _checked(ledger, signer, kept)
        tree = report.tree
        prev = report.checkpoints[-1].size if report.checkpoints else 0
        kept_digests = leaf_digests(tree, prev, tree.size)
        note = sign_note(Checkpoint(signer.name, tree.size, tree.root()).body(), signer)
        event = ev.CheckpointRecorded(  # type: ignore[call-arg]
            originator_id=INTEGRITY_STREAM,
            originator_version=report.integrity_version + 1,
            timestamp=datetime.now(UTC),
            actor=ledger.actor,
            size=tree.size,
            root=b64(tree.root()),
            note=note,
            leaf_digests=b64(kept_digests),
        )
        try:
            ledger.append(event)
        except Conflict:
            if attempt == RETRIES - 1:
                raise
            continue
        return note
    raise AssertionError("unreachable")  # pragma: no cover
