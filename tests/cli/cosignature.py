"""A witness's cosignature checked by an implementation written from c2sp.org/tlog-cosignature alone."""

from __future__ import annotations

import base64
import hashlib

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def independent_cosignature(vkey: str, note: str) -> int:
    """The timestamp of the witness's cosignature on the note, checked from c2sp.org/tlog-cosignature alone."""
    name, hexid, blob = vkey.strip().split("+", 2)
    raw = base64.b64decode(blob)
    assert raw[0] == 0x04 and len(raw) == 33
    key_id = hashlib.sha256(name.encode() + b"\n" + b"\x04" + raw[1:]).digest()[:4]
    assert key_id.hex() == hexid
    body, sigs = note[: note.rfind("\n\n") + 1], note[note.rfind("\n\n") + 2 :].splitlines()
    for line in sigs:
        who, b64 = line.removeprefix("\u2014 ").split(" ")
        sig = base64.b64decode(b64)
        if who == name and sig[:4] == key_id:
            assert len(sig) == 76
            stamp = int.from_bytes(sig[4:12], "big")
            message = b"cosignature/v1\n" + b"time " + str(stamp).encode() + b"\n" + body.encode()
            Ed25519PublicKey.from_public_bytes(raw[1:]).verify(sig[12:], message)  # raises when invalid
            return stamp
    raise AssertionError("no cosignature of this witness")
