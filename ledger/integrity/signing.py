"""Signing a checkpoint of the ledger as it stands, after verifying it."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

from ledger import events as ev
from ledger.errors import Conflict, NotAllowed
from ledger.ids import INTEGRITY_STREAM
from ledger.integrity.checkpoint import Checkpoint
from ledger.integrity.keys import ensure_signer, key_path
from ledger.integrity.note import sign_note
from ledger.integrity.verification import b64, check, leaf_digests

RETRIES = 5


def make_checkpoint(ledger: Any, key_file: str | os.PathLike[str] | None = None) -> str:
    """Verify the ledger, sign a checkpoint of it as it stands, record it, and return the signed note.

    Refuses to sign over a ledger that fails verification (a log must never sign a tree inconsistent
    with one it signed before).
    """
    path = key_path(ledger.location, key_file)
    signer = ensure_signer(ledger, path)
    for attempt in range(RETRIES):
        report = check(ledger, trusted=signer.verifier, key_source="key-file")
        b = report.broken
        if b is not None:
            raise NotAllowed(f"账本校验未通过，拒绝签发检查点：位置 {b.position}：{b.message}（请运行 kaoping verify）")
        tree = report.tree
        prev = report.checkpoints[-1].size if report.checkpoints else 0
        kept = leaf_digests(tree, prev, tree.size)
        note = sign_note(Checkpoint(signer.name, tree.size, tree.root()).body(), signer)
        event = ev.CheckpointRecorded(  # type: ignore[call-arg]
            originator_id=INTEGRITY_STREAM,
            originator_version=report.integrity_version + 1,
            timestamp=datetime.now(UTC),
            actor=ledger.actor,
            size=tree.size,
            root=b64(tree.root()),
            note=note,
            leaf_digests=b64(kept),
        )
        try:
            ledger.append(event)
        except Conflict:
            if attempt == RETRIES - 1:
                raise
            continue
        return note
    raise AssertionError("unreachable")  # pragma: no cover
