"""The center's signing key: where its file lives, how `init` stages it, how a ledger's recorded key is checked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

from ledger import events as ev
from ledger.errors import InvalidInput, NotAllowed
from ledger.ids import INTEGRITY_STREAM
from ledger.integrity.key_file import key_path as key_path  # where callers have always found it
from ledger.integrity.key_file import profile_keys
from ledger.integrity.note import NoteError, SignerKey, VerifierKey, read_key_file, write_key_file
from ledger.storage import files
from ledger.storage.location import Location


@dataclass(frozen=True)
class StagedKey:
    """The signing key a new ledger records, in its file before anything is saved; `new` when this command wrote it."""

    path: Path
    signer: SignerKey
    new: bool

    def abandon(self, recorded: VerifierKey | None) -> None:
        """After a failed save: remove a key file this command wrote, unless a ledger records it (a racing `init`
        may have found the file and recorded its key)."""
        if self.new and recorded != self.signer.verifier:
            self.path.unlink(missing_ok=True)


def stage_key(path: Path) -> StagedKey:
    """The key file at `path` if there is one; else a fresh key with a fresh origin, written there first — whole,
    owner-only, never over another (ledger/storage/files.py) — so no ledger records a public key whose private
    key was never written, and a racing `init` finds the same file and uses it."""
    if not path.exists():
        if not path.parent.is_dir():
            if files.POSIX or path.parent != profile_keys():
                raise InvalidInput(f"签名密钥文件所在目录不存在：{path.parent}")
            files.make_dirs(path.parent, files.PRIVATE_DIR)
        signer = SignerKey.generate(f"kaoping.local/{uuid4().hex[:16]}")
        try:
            write_key_file(path, signer)
            return StagedKey(path, signer, True)
        except FileExistsError:
            pass  # another command wrote it just now: that one is the key
        except OSError as exc:
            raise InvalidInput(f"无法写入签名密钥文件 {path}：{exc.strerror or exc}（什么也没有写入）") from None
    return StagedKey(path, read_key_file(path), False)


def abandon_unless_recorded(ledger: Any, staged: StagedKey) -> None:
    """After a failed save: remove the key file this command wrote unless the ledger records it now; when the
    ledger cannot be read, the key is kept (a stray private key is harmless, a lost one is not)."""
    if not staged.new:
        return
    try:
        recorded = recorded_key(ledger)
    except Exception:  # noqa: BLE001 — any failure to read means: keep the key
        return
    staged.abandon(recorded)


def key_event(actor: str, signer: SignerKey) -> ev.SigningKeyRecorded:
    """The event that records the public key (version 1 of the integrity stream)."""
    v = signer.verifier
    return ev.SigningKeyRecorded(  # type: ignore[call-arg]
        originator_id=INTEGRITY_STREAM,
        originator_version=1,
        timestamp=datetime.now(UTC),
        actor=actor,
        origin=v.name,
        key_id=v.key_id_hex,
        verifier_key=v.text(),
    )


def recorded_key(ledger: Any) -> VerifierKey | None:
    """The public key the ledger records as in force, if any: the first one, or the last rotation's (`verify`
    checks the rotations' signatures; this only says which key the ledger names now)."""
    events = ledger.stream(INTEGRITY_STREAM)
    if not events or not isinstance(events[0], ev.SigningKeyRecorded):
        return None
    rotated = [e for e in events if isinstance(e, ev.SigningKeyRotated)]
    return VerifierKey.parse(rotated[-1].verifier_key if rotated else events[0].verifier_key)


def ensure_signer(ledger: Any, path: Path) -> SignerKey:
    """The signing key, checked against the ledger's recorded public key; created for older ledgers."""
    key = recorded_key(ledger)
    if key is not None:
        signer = read_key_file(path)
        if signer.verifier != key:
            raise NotAllowed(
                f"密钥文件 {path}（编号 {signer.verifier.key_id_hex}）与账本记录的签名公钥（编号 {key.key_id_hex}）不符"
            )
        return signer
    if ledger.stream(INTEGRITY_STREAM):
        raise NotAllowed("账本的完整性事件流异常（缺少签名公钥记录），请运行 kaoping verify")
    ledger.center()
    staged = stage_key(path)
    try:
        ledger.append(key_event(ledger.actor, staged.signer))
    except BaseException:
        abandon_unless_recorded(ledger, staged)
        raise
    return staged.signer


def trusted_key(location: Location, key_file: str | None = None,
                public_key: str | None = None) -> tuple[VerifierKey | None, str]:
    """The public key to trust, and where it came from: --public-key, else the key file, else none."""
    if public_key:
        if "+" not in public_key and not Path(public_key).exists():
            raise InvalidInput(f"公钥文件不存在：{public_key}")
        try:
            text = Path(public_key).read_text(encoding="utf-8") if Path(public_key).exists() else public_key
            return VerifierKey.parse(text), "public-key"
        except NoteError as exc:
            raise InvalidInput(f"公钥无效：{exc}") from None
        except UnicodeDecodeError:
            raise InvalidInput(f"公钥文件 {public_key} 不是文本文件（应为 kaoping public-key 导出的公钥）") from None
        except OSError as exc:
            raise InvalidInput(f"无法读取公钥文件 {public_key}：{exc.strerror or exc}") from None
    path = key_path(location, key_file)
    if path.exists():
        return read_key_file(path, private=False).verifier, "key-file"
    if key_file:
        raise InvalidInput(f"签名密钥文件不存在：{path}")
    return None, "ledger"
