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
from ledger.integrity.key_file import key_path
from ledger.integrity.note import NoteError, SignerKey, VerifierKey, read_key_file, write_key_file
from ledger.storage.location import Location


@dataclass(frozen=True)
class StagedKey:
    """A signing key chosen before `init` saves anything; a new one is written only on `commit`."""

    path: Path
    signer: SignerKey
    new: bool

    def commit(self) -> None:
        """Write a new key file (0600); an existing one is left as it is."""
        if self.new:
            write_key_file(self.path, self.signer)


def stage_key(path: Path) -> StagedKey:
    """Reuse the key file at `path` if there is one, else prepare a fresh key with a fresh origin."""
    if path.exists():
        return StagedKey(path, read_key_file(path), False)
    if path.parent != Path("") and not path.parent.is_dir():
        raise InvalidInput(f"签名密钥文件所在目录不存在：{path.parent}")
    return StagedKey(path, SignerKey.generate(f"kaoping.local/{uuid4().hex[:16]}"), True)


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
    """The public key recorded in the ledger, if any."""
    events = ledger.stream(INTEGRITY_STREAM)
    if events and isinstance(events[0], ev.SigningKeyRecorded):
        return VerifierKey.parse(events[0].verifier_key)
    return None


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
    ledger.append(key_event(ledger.actor, staged.signer))
    staged.commit()
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
        except OSError as exc:
            raise InvalidInput(f"无法读取公钥文件 {public_key}：{exc}") from None
    path = key_path(location, key_file)
    if path.exists():
        return read_key_file(path, private=False).verifier, "key-file"
    if key_file:
        raise InvalidInput(f"签名密钥文件不存在：{path}")
    return None, "ledger"
