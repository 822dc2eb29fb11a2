"""A stored checkpoint's state parsed without its leaf digests held whole: what verification reads of it.

A checkpoint's `leaf_digests` is base64 text of 8 bytes a leaf of its range (~11 bytes a leaf: 33 MB for a checkpoint
over 3M events). Parsing the whole state with orjson makes a second copy of that text as a str, and decoding it a
third (the 8-byte digests); `loads` instead parses the state with the digests' text cut out (its "skeleton", a few
hundred bytes) and hands the text back as `Digests`, decoded a piece at a time by whoever reads it.

The result is exactly `orjson.loads(state)`'s, with the digests' text as a `Digests`: the skeleton must be what
orjson writes for the object it parses (so nothing is in it orjson would read differently), and orjson must write
the digests' text back where it was cut; the text must be plain base64 (no escape, padding only at its end) that
`base64.b64decode(validate=True)` decodes a piece at a time as it decodes the whole. A state that is not so (not one
this system wrote, a first-release one written otherwise, a tampered one) is parsed whole, as before.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from typing import Any

import orjson

_KEY = b'"leaf_digests":"'
_PLAIN = re.compile(rb"[A-Za-z0-9+/]*={0,2}")
_PROBE = "A"  # put back where the digests were cut: orjson must write it there
_QUADS = 1 << 15  # base64 quads decoded at once (96 KiB of digests)
SMALL = 1 << 16  # a state up to this many bytes is simply parsed whole


class Digests:
    """The decoded bytes of base64 text lying in `source[start:end]`, from byte `skip` on, decoded when read."""

    def __init__(self, source: bytes, start: int, end: int, skip: int = 0) -> None:
        self._source, self._start, self._end = source, start, end
        pad = end - start and (source[end - 1] == ord("=")) + (source[end - 2] == ord("="))
        self._total = (end - start) // 4 * 3 - pad
        self._skip = min(skip, self._total)

    def __len__(self) -> int:
        return self._total - self._skip

    def __getitem__(self, part: slice) -> Digests:
        """The digests from a byte on (`kept[n:]`, the only slice verification takes)."""
        if part.stop is not None or part.step is not None or (part.start or 0) < 0:
            raise TypeError("only a tail of the digests can be taken")
        return Digests(self._source, self._start, self._end, self._skip + (part.start or 0))

    def __bytes__(self) -> bytes:
        return self.reader()(len(self))

    def reader(self) -> Callable[[int], bytes]:
        """read(n) → the next n bytes of the digests (fewer at their end), a few quads decoded at a time."""
        view = memoryview(self._source)
        at = self._start + self._skip // 3 * 4  # the quad holding the first byte wanted
        buffer = bytearray()
        drop = self._skip % 3

        def read(n: int) -> bytes:
            nonlocal at, drop
            while len(buffer) < n + drop and at < self._end:
                stop = min(self._end, at + 4 * _QUADS)
                buffer.extend(binascii.a2b_base64(view[at:stop], strict_mode=True))
                at = stop
            if drop:
                del buffer[:drop]
                drop = 0
            out = bytes(buffer[:n])
            del buffer[:n]
            return out

        return read


def loads(state: bytes) -> Any:
    """`orjson.loads(state)`, a checkpoint's `leaf_digests` text given as `Digests` when the state allows it (see
    the module's note); orjson.JSONDecodeError or TypeError as `orjson.loads` raises them."""
    if type(state) is not bytes or len(state) <= SMALL:
        return orjson.loads(state)
    at = state.find(_KEY)
    start = at + len(_KEY)
    end = state.find(b'"', start) if at != -1 else -1
    if end == -1 or (end - start) % 4 or not _PLAIN.fullmatch(state, start, end):
        return orjson.loads(state)
    skeleton = state[:start] + state[end:]
    try:
        data = orjson.loads(skeleton)
    except orjson.JSONDecodeError:
        return orjson.loads(state)
    if (type(data) is not dict or data.get("leaf_digests") != "" or orjson.dumps(data) != skeleton
            or orjson.dumps({**data, "leaf_digests": _PROBE}) != state[:start] + _PROBE.encode() + state[end:]):
        return orjson.loads(state)
    data["leaf_digests"] = Digests(state, start, end)
    return data


def decoded(text: Any) -> bytes | Digests:
    """A checkpoint's `leaf_digests` decoded: `Digests` as they are, anything else as `base64.b64decode` decodes it
    (with its errors)."""
    return text if isinstance(text, Digests) else base64.b64decode(text, validate=True)


Prefixes = bytes | bytearray | Digests  # a checkpoint's leaf digests, decoded or read when asked


def reader(kept: Prefixes) -> Callable[[int], bytes | bytearray]:
    """read(n) → the next n bytes of `kept`."""
    if isinstance(kept, Digests):
        return kept.reader()
    at = 0

    def read(n: int) -> bytes | bytearray:
        nonlocal at
        at += n
        return kept[at - n : at]

    return read
