"""Rotating the center's signing key (issue 14): a signed event on the integrity stream, never a silent swap.

The rotation note's text names the log, the tree it vouches for (size and root of every event before it) and the
new public key; the old key and the new one both sign it. So the old key, trusted, hands on to the new one; the new
key, trusted, vouches for the history it took over; and `verify` follows the chain from the ledger's first key,
each checkpoint held to the key in force where it is stored. Checkpoints, receipts and bundles signed before the
rotation still verify under the old public key, as they always did.
"""

from __future__ import annotations

import os
import unicodedata
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ledger import acting
from ledger import events as ev
from ledger.errors import InvalidInput, NotAllowed
from ledger.ids import INTEGRITY_STREAM
from ledger.integrity.keys import ensure_signer, key_path
from ledger.integrity.note import SignerKey, write_key_file
from ledger.integrity.rotation_note import Rotation, signed_by_both
from ledger.integrity.verification import b64, check
from ledger.privacy import keystore


def rotate(ledger: Any, key_file: str | os.PathLike[str] | None, key_out: str, reason: str) -> ev.SigningKeyRotated:
    """`key rotate`: verify the ledger under the current key, write a new key to `key_out` (a new owner-only file),
    record the rotation signed by both keys, and move the complainants' contact keys beside the new key file."""
    why = reason.strip()
    if not why or any(unicodedata.category(c) in {"Cc", "Cf", "Zl", "Zp"} for c in why):
        raise InvalidInput("更换签名密钥需要说明原因（--reason，一行文字）")
    acting.authorise_ahead(ledger, [ev.SigningKeyRotated.TOPIC])  # before ensure_signer may record a missing key
    path = key_path(ledger.location, key_file)
    old = ensure_signer(ledger, path)
    out = Path(key_out)
    if not key_out.strip() or out.is_dir():
        raise InvalidInput(f"新密钥文件名无效：{key_out!r}")
    if out.exists():
        raise InvalidInput(f"新密钥文件已存在：{out}（不会覆盖，请换一个文件名）")
    if out.parent != Path("") and not out.parent.is_dir():
        raise InvalidInput(f"新密钥文件所在目录不存在：{out.parent}")
    report = check(ledger, trusted=old.verifier, key_source="key-file")
    if report.broken is not None:
        b = report.broken
        raise NotAllowed(f"账本校验未通过，拒绝更换签名密钥：位置 {b.position}：{b.message}（请运行 kaoping verify）")
    new = SignerKey.generate(old.name)
    rotation = Rotation(old.name, report.size, b64(report.tree.root()), new.verifier.text())
    event = ev.SigningKeyRotated(  # type: ignore[call-arg]
        originator_id=INTEGRITY_STREAM, originator_version=report.integrity_version + 1,
        timestamp=datetime.now(UTC), actor=ledger.actor, origin=old.name, key_id=new.verifier.key_id_hex,
        verifier_key=new.verifier.text(), previous_key_id=old.verifier.key_id_hex, size=rotation.size,
        root=rotation.root, note=signed_by_both(rotation, old, new), reason=why)
    try:
        write_key_file(out, new)
    except OSError as exc:
        raise InvalidInput(f"无法写入新密钥文件 {out}：{exc.strerror or exc}（什么也没有写入）") from None
    try:
        ledger.append(event)
    except BaseException:
        out.unlink(missing_ok=True)
        raise
    contacts = keystore.store_path(path)
    if contacts.exists():  # the complainants' data keys live beside the signing key file (D34): moved, not copied
        os.replace(contacts, keystore.store_path(out))
    return event
