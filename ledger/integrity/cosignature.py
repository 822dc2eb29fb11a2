"""C2SP tlog-cosignature/v1 with Ed25519 (c2sp.org/tlog-cosignature): witness keys and cosignature lines.

A witness key is an Ed25519 key whose signature type is 0x04: its key id is
SHA-256(name ‖ 0x0A ‖ 0x04 ‖ public key)[:4], its verifier key text `name+hexkeyid+base64(0x04 ‖ key)`, its
private key text `PRIVATE+KEY+name+hexkeyid+base64(0x04 ‖ seed)` (the signed-note encoding with type 0x04).
A cosignature is a note signature line `— name base64(key id ‖ u64 timestamp ‖ Ed25519 signature)` whose
signature covers `cosignature/v1\\ntime <timestamp>\\n` followed by the whole checkpoint body.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from hashlib import sha256

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ledger.errors import InvalidInput
from ledger.integrity.note import NoteError
from ledger.text import code

COSIGNATURE_V1 = 0x04
HEADER = "cosignature/v1"
MAX_TIMESTAMP = 2**63 - 1
_RAW = serialization.Encoding.Raw


def witness_key_id(name: str, public_key: bytes) -> int:
    """The key id of an Ed25519 cosigner: first 4 bytes of SHA-256(name ‖ LF ‖ 0x04 ‖ key), big-endian."""
    return int.from_bytes(sha256(name.encode() + b"\n" + bytes([COSIGNATURE_V1]) + public_key).digest()[:4], "big")


def signed_message(body: str, timestamp: int) -> bytes:
    """What a cosignature/v1 signs: the header line, the time line, then the checkpoint body as it is."""
    return f"{HEADER}\ntime {timestamp}\n{body}".encode()


def _name(name: str) -> str:
    """A witness's key name: a code (D27: printable, no space, zero-width or bidi character, one spelling), since it
    is printed in bulletins and signature lines, and without '+' (the signed-note key name rule)."""
    if code(name, "见证方名称") != name or "+" in name:
        raise InvalidInput(f"见证方名称不能含首尾空白或加号：{name!r}")
    return name


def _blob(text: str, what: str) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise NoteError(f"{what}不是有效的 base64") from None
    if len(raw) != 33 or raw[0] != COSIGNATURE_V1:
        raise NoteError(f"{what}不是 Ed25519 副署（cosignature/v1，类型 0x04）密钥")
    return raw[1:]


@dataclass(frozen=True)
class WitnessVerifier:
    """A witness's public key: checks its cosignatures."""

    name: str
    public_key: bytes

    @property
    def key_id(self) -> int:
        """The 32-bit key id (type 0x04)."""
        return witness_key_id(self.name, self.public_key)

    @property
    def key_id_hex(self) -> str:
        """The key id as 8 hex digits."""
        return f"{self.key_id:08x}"

    def text(self) -> str:
        """`name+keyid+base64(0x04 ‖ key)`: the vkey of c2sp.org/signed-note."""
        return f"{self.name}+{self.key_id_hex}+{base64.b64encode(bytes([COSIGNATURE_V1]) + self.public_key).decode()}"

    @classmethod
    def parse(cls, text: str) -> WitnessVerifier:
        """Read a witness verifier key text; refuse a malformed one or one whose key id does not match."""
        parts = text.strip().split("+", 2)
        if len(parts) != 3:
            raise NoteError("见证方公钥格式不正确（应为 名称+密钥编号+base64）")
        key = cls(_name(parts[0]), _blob(parts[2], "见证方公钥"))
        if parts[1].lower() != key.key_id_hex or len(parts[1]) != 8:
            raise NoteError(f"见证方公钥的密钥编号不符：{parts[1]}")
        return key

    def check(self, body: str, line: str) -> int | None:
        """The timestamp of this witness's valid cosignature line on the checkpoint `body`; None when the line is
        another key's; NoteError when it is this key's and does not verify."""
        name, sig = parse_line(line)
        if name != self.name or len(sig) < 4 or int.from_bytes(sig[:4], "big") != self.key_id:
            return None
        if len(sig) != 4 + 8 + 64:
            raise NoteError(f"见证方 {self.name} 的副署长度不对（应为 76 字节）")
        timestamp = int.from_bytes(sig[4:12], "big")
        if timestamp > MAX_TIMESTAMP:
            raise NoteError(f"见证方 {self.name} 的副署时间戳超出范围")
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(sig[12:], signed_message(body, timestamp))
        except (InvalidSignature, ValueError):
            raise NoteError(f"见证方 {self.name}（编号 {self.key_id_hex}）的副署无效") from None
        return timestamp


@dataclass(frozen=True)
class WitnessSigner:
    """A witness's private key: makes cosignatures."""

    name: str
    seed: bytes

    @classmethod
    def generate(cls, name: str) -> WitnessSigner:
        """A fresh random key."""
        private = Ed25519PrivateKey.generate()
        return cls(_name(name), private.private_bytes(_RAW, serialization.PrivateFormat.Raw,
                                                      serialization.NoEncryption()))

    @property
    def verifier(self) -> WitnessVerifier:
        """The matching public key."""
        public = Ed25519PrivateKey.from_private_bytes(self.seed).public_key()
        return WitnessVerifier(self.name, public.public_bytes(_RAW, serialization.PublicFormat.Raw))

    def text(self) -> str:
        """`PRIVATE+KEY+name+keyid+base64(0x04 ‖ seed)`."""
        blob = base64.b64encode(bytes([COSIGNATURE_V1]) + self.seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.verifier.key_id_hex}+{blob}"

    @classmethod
    def parse(cls, text: str) -> WitnessSigner:
        """Read a witness private key text."""
        parts = text.strip().split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
            raise NoteError("见证方私钥格式不正确")
        key = cls(_name(parts[2]), _blob(parts[4], "见证方私钥"))
        if parts[3].lower() != key.verifier.key_id_hex:
            raise NoteError(f"见证方私钥的密钥编号不符：{parts[3]}")
        return key

    def cosign(self, body: str, timestamp: int) -> str:
        """The cosignature line on the checkpoint `body` at `timestamp` (POSIX seconds)."""
        if not 0 <= timestamp <= MAX_TIMESTAMP:
            raise InvalidInput(f"副署时间戳超出范围：{timestamp}")
        signature = Ed25519PrivateKey.from_private_bytes(self.seed).sign(signed_message(body, timestamp))
        blob = self.verifier.key_id.to_bytes(4, "big") + timestamp.to_bytes(8, "big") + signature
        return f"\u2014 {self.name} {base64.b64encode(blob).decode()}"


def parse_line(line: str) -> tuple[str, bytes]:
    """A note signature line's key name and decoded signature bytes (key id first)."""
    if not line.startswith("\u2014 "):
        raise NoteError("副署行格式不正确（应以“— ”开头）")
    parts = line[2:].split(" ")
    if len(parts) != 2 or not parts[0]:
        raise NoteError("副署行格式不正确")
    try:
        return parts[0], base64.b64decode(parts[1], validate=True)
    except (binascii.Error, ValueError):
        raise NoteError("副署行的签名不是有效的 base64") from None


def split_note(note: str) -> tuple[str, list[str]]:
    """A signed note's body (ending in its newline) and its signature lines."""
    split = note.rfind("\n\n")
    if split < 0 or not note.endswith("\n"):
        raise NoteError("不是签名文本（缺少正文与签名之间的空行或结尾换行）")
    return note[: split + 1], note[split + 2 :].split("\n")[:-1]


def add_lines(note: str, lines: list[str]) -> str:
    """The signed note with these signature lines added after its own (each once)."""
    body, present = split_note(note)
    new = [line for line in lines if line not in present]
    return body + "\n" + "".join(line + "\n" for line in [*present, *new])
