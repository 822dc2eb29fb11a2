"""The note a center key rotation is signed as (issue 14): the log, the tree it vouches for (size and root of every
event before it) and the new public key, signed by the old key and by the new one — so the old key, trusted, hands on
to the new one, and the new key, trusted, vouches for the history it took over."""

from __future__ import annotations

from dataclasses import dataclass

from ledger.integrity.note import NoteError, SignerKey, VerifierKey, open_note, sign_note

DOMAIN = "kaoping-key-rotation/1"


@dataclass(frozen=True)
class Rotation:
    """What a rotation note says: the log, the tree it vouches for, and the new public key (verifier key text)."""

    origin: str
    size: int
    root: str
    new_key: str

    def body(self) -> str:
        """The note text both keys sign."""
        return f"{DOMAIN}\n{self.origin}\n{self.size}\n{self.root}\n{self.new_key}\n"


def signed_by_both(rotation: Rotation, old: SignerKey, new: SignerKey) -> str:
    """The rotation note with the old key's signature line and the new key's."""
    note = sign_note(rotation.body(), old)
    return note + sign_note(rotation.body(), new).rsplit("\n\n", 1)[1]


def opened(note: str, old: VerifierKey, new: VerifierKey) -> Rotation:
    """The rotation a note states, once both keys' signatures verify and it names the new key; NoteError if not."""
    text = open_note(note, old)
    if open_note(note, new) != text:  # pragma: no cover - both read the same text
        raise NoteError("签名正文不一致")
    lines = text.split("\n")
    if len(lines) != 6 or lines[0] != DOMAIN or not lines[2].isascii() or not lines[2].isdigit():
        raise NoteError("密钥更换记录的正文格式不正确")
    rotation = Rotation(lines[1], int(lines[2]), lines[3], lines[4])
    if rotation.new_key != new.text() or rotation.origin != old.name:
        raise NoteError("密钥更换记录的正文与新公钥或账本名称不符")
    return rotation
