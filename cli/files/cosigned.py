"""The witnesses' cosignatures of a publication bundle (D33): those the ledger knew when the bundle was made, and
cosigned checkpoints added to the folder later, each checked against its witness key and the bundle's checkpoint.

A cosignature file is the bundle's 签名检查点.txt with witness signature lines added — exactly what
`kaoping witness cosign --out FILE` writes. The bundle names the ones it carries `见证副署-<key id>.txt` and lists them
in 清单.json; a file added afterwards may have any name and is checked by `publish --check` instead of being refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cli.files.notice import china_day, day_text
from ledger.errors import InvalidInput
from ledger.integrity import witness
from ledger.integrity.checkpoint import open_checkpoint
from ledger.integrity.cosignature import WitnessVerifier, add_lines, split_note
from ledger.integrity.note import NoteError, VerifierKey
from ledger.text import shown

PREFIX = "见证副署-"


@dataclass(frozen=True)
class Cosigner:
    """A witness's valid cosignature of the bundle's checkpoint, as the files for people print it."""

    name: str
    """The witness's key name, as `shown` prints it."""
    key_id: str
    public_key: str
    time: int
    line: str
    file: str
    """The bundle's file that carries it."""

    @property
    def day(self) -> str:
        """The day of the cosignature (the witness's clock) in the center's time zone: 2008年10月9日."""
        return day_text(china_day(datetime.fromtimestamp(self.time, UTC)))

    def to_json(self) -> dict[str, Any]:
        """The manifest's entry (and `publish --check --json`'s)."""
        return {"witness": self.name, "key_id": self.key_id, "public_key": self.public_key, "time": self.time,
                "file": self.file}


def file_name(key_id: str) -> str:
    """The name of the bundle's file carrying one witness's cosignature."""
    return f"{PREFIX}{key_id}.txt"


def known(ledger: Any, checkpoint_note: str, key: VerifierKey | None,
          only: Sequence[str] | None = None) -> list[Cosigner]:
    """The cosignatures of the publication's checkpoint the ledger holds (checked again now), or of those only the
    witness keys `only` names (a bundle made again as its manifest says)."""
    if not checkpoint_note or key is None:
        return []
    try:
        cp = open_checkpoint(checkpoint_note, key)
    except NoteError:
        return []
    found = witness.cosignatures_of(ledger, cp)
    if only is not None:
        found = [c for c in found if c.witness.text() in only]
    return [Cosigner(shown(c.witness.name), c.witness.key_id_hex, c.witness.text(), c.timestamp, c.line,
                     file_name(c.witness.key_id_hex)) for c in found]


def files(checkpoint_note: str, cosigners: Sequence[Cosigner]) -> dict[str, bytes]:
    """One file per cosignature: the publication's checkpoint with that witness's line added."""
    return {c.file: add_lines(checkpoint_note, [c.line]).encode("utf-8") for c in cosigners}


def with_all(checkpoint_note: str, cosigners: Sequence[Cosigner]) -> str:
    """The publication's checkpoint with every known witness's line added (what the bulletin prints)."""
    return add_lines(checkpoint_note, [c.line for c in cosigners]) if cosigners else checkpoint_note


def listed(manifest: dict[str, Any]) -> list[str]:
    """The witness keys whose cosignatures a manifest says the bundle carries (none for a bundle made before)."""
    entries = manifest.get("cosignatures", [])
    if not isinstance(entries, list) or not all(
            isinstance(e, dict) and isinstance(e.get("public_key"), str) for e in entries):
        raise InvalidInput("清单.json 的 cosignatures 不是见证方副署的列表")
    return [e["public_key"] for e in entries]


def later(name: str, data: bytes, checkpoint_note: str, keys: Sequence[WitnessVerifier]) -> list[Cosigner] | str:
    """The valid cosignatures a file added to the bundle carries, or why it is not acceptable."""
    if not checkpoint_note:
        return "不属于公布材料的多余文件"  # a publication recorded without a checkpoint has nothing to cosign
    try:
        body, lines = split_note(data.decode("utf-8"))
    except (UnicodeDecodeError, NoteError):
        return "不属于公布材料的多余文件"
    own_body, own_lines = split_note(checkpoint_note)
    if body != own_body:
        return "是签名文本，但不是本公布材料签名检查点的副署"
    found: dict[str, Cosigner] = {}
    for line in lines:
        if line in own_lines:
            continue  # the log's own signature
        for key in keys:
            try:
                stamp = key.check(body, line)
            except NoteError as exc:
                return str(exc)
            if stamp is not None:
                found.setdefault(key.text(), Cosigner(shown(key.name), key.key_id_hex, key.text(), stamp, line, name))
    if not found:
        return "没有已知见证方的有效副署（请用 --witness 指定见证方的公钥，或先用 kaoping witness record 登记）"
    return list(found.values())
