"""C2SP signed notes with Ed25519 keys (c2sp.org/signed-note), and the key files that hold them.

Key texts follow the golang.org/x/mod/sumdb/note encoding, so other tools can read them:
a verifier key is `name+hexkeyid+base64(0x01 ‖ public key)`, a signer key
`PRIVATE+KEY+name+hexkeyid+base64(0x01 ‖ seed)`. The key id is
SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4], big-endian.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from functools import cached_property
from hashlib import sha256
from pathlib import Path
from typing import Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ledger.errors import InvalidInput, KaopingError
from ledger.integrity.key_file import split_private
from ledger.storage import files

ED25519 = 0x01
MAX_SIGNATURES = 100
_RAW = serialization.Encoding.Raw


class NoteError(KaopingError):
    """A signed note is malformed or carries no valid signature from the trusted key."""


def key_id(name: str, public_key: bytes) -> int:
    """The signed-note key id of an Ed25519 key: first 4 bytes of SHA-256(name ‖ LF ‖ 0x01 ‖ key)."""
    return int.from_bytes(sha256(name.encode() + b"\n" + bytes([ED25519]) + public_key).digest()[:4], "big")


def _check_name(name: str) -> str:
    if not name or any(c.isspace() or c == "+" for c in name):
        raise InvalidInput(f"密钥名称不能为空，且不能含空白或加号：{name!r}")
    return name


def _b64decode(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise NoteError(f"不是有效的 base64：{text[:20]}…") from None


@dataclass(frozen=True)
class VerifierKey:
    """A public key that can check signatures on notes, with its name and key id."""

    name: str
    public_key: bytes

    @cached_property
    def key_id(self) -> int:
        """The 32-bit key id (computed once: `verify` asks it for every signed command)."""
        return key_id(self.name, self.public_key)

    @property
    def key_id_hex(self) -> str:
        """The key id as 8 hex digits, the form people compare."""
        return f"{self.key_id:08x}"

    def text(self) -> str:
        """`name+keyid+base64(0x01 ‖ key)`."""
        blob = base64.b64encode(bytes([ED25519]) + self.public_key).decode()
        return f"{self.name}+{self.key_id_hex}+{blob}"

    @classmethod
    def parse(cls, text: str) -> VerifierKey:
        """Read a verifier key text; refuse a malformed one or one whose key id does not match."""
        parts = text.strip().split("+", 2)  # the base64 part may itself contain '+'
        if len(parts) != 3:
            raise NoteError("公钥格式不正确（应为 名称+密钥编号+base64）")
        name, hexid, blob = parts
        raw = _b64decode(blob)
        if len(raw) != 33 or raw[0] != ED25519:
            raise NoteError("公钥不是 Ed25519 公钥")
        key = cls(_check_name(name), raw[1:])
        if hexid.lower() != key.key_id_hex or len(hexid) != 8:
            raise NoteError(f"公钥的密钥编号不符：{hexid}")
        return key

    @cached_property
    def _public(self) -> Ed25519PublicKey:
        """The key loaded once (ValueError when its bytes are no Ed25519 key): `verify` may check 500,000 commands."""
        return Ed25519PublicKey.from_public_bytes(self.public_key)

    def verify(self, message: bytes, signature: bytes) -> bool:
        """True when `signature` is this key's Ed25519 signature of `message`."""
        try:
            self._public.verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True


@dataclass(frozen=True)
class SignerKey:
    """A private Ed25519 key with its name; signs notes."""

    name: str
    seed: bytes

    @classmethod
    def generate(cls, name: str) -> SignerKey:
        """A fresh random key."""
        private = Ed25519PrivateKey.generate()
        seed = private.private_bytes(_RAW, serialization.PrivateFormat.Raw, serialization.NoEncryption())
        return cls(_check_name(name), seed)

    @property
    def verifier(self) -> VerifierKey:
        """The matching public key."""
        public_key = Ed25519PrivateKey.from_private_bytes(self.seed).public_key()
        public = public_key.public_bytes(_RAW, serialization.PublicFormat.Raw)
        return VerifierKey(self.name, public)

    def text(self) -> str:
        """`PRIVATE+KEY+name+keyid+base64(0x01 ‖ seed)`."""
        blob = base64.b64encode(bytes([ED25519]) + self.seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.verifier.key_id_hex}+{blob}"

    @classmethod
    def parse(cls, text: str) -> SignerKey:
        """Read a signer key text."""
        try:
            name, hexid, seed = split_private(text)
        except ValueError as exc:
            raise NoteError(str(exc)) from None
        key = cls(_check_name(name), seed)
        if hexid.lower() != key.verifier.key_id_hex:
            raise NoteError(f"私钥的密钥编号不符：{hexid}")
        return key

    def sign(self, message: bytes) -> bytes:
        """The Ed25519 signature of `message`."""
        return Ed25519PrivateKey.from_private_bytes(self.seed).sign(message)


def sign_note(text: str, signer: SignerKey) -> str:
    """A signed note: the text (ending in a newline), a blank line, and this key's signature line."""
    _check_text(text)
    if not text.endswith("\n"):
        raise NoteError("签名的正文必须以换行结尾")
    sig = signer.verifier.key_id.to_bytes(4, "big") + signer.sign(text.encode())
    return f"{text}\n\u2014 {signer.name} {base64.b64encode(sig).decode()}\n"


def _check_text(note: str) -> None:
    if any(ord(c) < 0x20 and c != "\n" for c in note):
        raise NoteError("签名文本含有控制字符")


def open_note(note: str, trusted: VerifierKey) -> str:
    """The note's text once a signature from the trusted key verifies; NoteError otherwise."""
    _check_text(note)
    if not note.endswith("\n"):
        raise NoteError("签名文本不完整（缺少结尾换行）")
    split = note.rfind("\n\n")
    if split < 0:
        raise NoteError("签名文本缺少正文与签名之间的空行")
    text, sig_lines = note[: split + 1], note[split + 2 :].split("\n")[:-1]
    if not sig_lines:
        raise NoteError("签名文本没有签名")
    if len(sig_lines) > MAX_SIGNATURES:
        raise NoteError("签名文本的签名过多")
    verified = False
    for line in sig_lines:
        if not line.startswith("\u2014 "):
            raise NoteError("签名行格式不正确")
        parts = line[2:].split(" ")
        if len(parts) != 2:
            raise NoteError("签名行格式不正确")
        name, blob = parts
        sig = _b64decode(blob)
        if len(sig) < 5:
            raise NoteError("签名过短")
        if name != trusted.name or int.from_bytes(sig[:4], "big") != trusted.key_id:
            continue  # an unknown key's signature is ignored, as the spec requires
        if not trusted.verify(text.encode(), sig[4:]):
            raise NoteError(f"签名无效（密钥 {trusted.name} {trusted.key_id_hex}）")
        verified = True
    if not verified:
        raise NoteError(f"没有来自受信任密钥 {trusted.name}（编号 {trusted.key_id_hex}）的签名")
    return text


class KeyText(Protocol):
    """A private key that writes itself as one line of text (a SignerKey, a witness key)."""

    def text(self) -> str:
        """The key's text."""
        ...


def write_key_file(path: Path, signer: KeyText) -> None:
    """Create the key file, readable by its owner only (0600 where POSIX; on Windows its folder's ACL, see
    ledger/storage/files.py), written whole before it appears; never overwrite one (FileExistsError)."""
    files.write_whole(path, (signer.text() + "\n").encode(), files.PRIVATE_FILE)


def read_key_file(path: Path, *, private: bool = True) -> SignerKey:
    """Read a signer key file, refusing one that others can read (like ssh does, where POSIX permissions exist)."""
    text = read_private_text(path, private=private)
    try:
        return SignerKey.parse(text)
    except NoteError as exc:
        raise InvalidInput(f"签名密钥文件 {path} 无效：{exc}") from None


def read_private_text(path: Path, *, private: bool = True, what: str = "签名密钥文件",
                      hint: str = "（可用 --key 或 KAOPING_KEY 指定）") -> str:
    """A private key file's text, refusing a missing file or one that others can read (like ssh does)."""
    try:
        text = path.read_text(encoding="utf-8")
        shared = private and not files.owner_only(path)
    except FileNotFoundError:
        raise InvalidInput(f"{what}不存在：{path}{hint}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"无法读取{what} {path}：{exc}") from None
    if shared:
        raise InvalidInput(f"{what} {path} 的权限过宽（应为 600，请运行 chmod 600 {path}）")
    return text
