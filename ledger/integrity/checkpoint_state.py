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
from typing import Any, Protocol, runtime_checkable

import orjson

_KEY = b'"leaf_digests":"'
_ALPHABET = re.compile(rb"[A-Za-z0-9+/]*")
_PROBE = "A"  # put back where the digests were cut: orjson must write it there
_QUADS = 1 << 15  # base64 quads decoded at once (96 KiB of digests)
_PIECE = 1 << 20  # bytes of the state looked at once
_HEAD = 1 << 16  # the key is looked for in the state's first bytes (a genuine state's are a few hundred before it)
SMALL = 1 << 16  # a state up to this many bytes is simply parsed whole


@runtime_checkable
class Stored(Protocol):
    """A state read a piece at a time (row_leaves.StoredState: a large state left in the database)."""

    def __len__(self) -> int: ...
    def __bytes__(self) -> bytes: ...
    def read_at(self, offset: int, n: int) -> bytes: ...


State = bytes | Stored


def _read_at(state: State) -> Callable[[int, int], bytes | memoryview]:
    """read(offset, n) of a state: a view of bytes (never a copy), a stored state's own read."""
    if isinstance(state, bytes):
        view = memoryview(state)
        return lambda at, n: view[at : at + n]
    return state.read_at


class Digests:
    """The decoded bytes of the base64 text at `start`..`end` of a state, from byte `skip` on, decoded when read."""

    def __init__(self, source: State, start: int, end: int, skip: int = 0) -> None:
        self._source, self._start, self._end = source, start, end
        pad = bytes(_read_at(source)(end - 2, 2)).count(b"=") if end - start else 0
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
        source = _read_at(self._source)
        at = self._start + self._skip // 3 * 4  # the quad holding the first byte wanted
        buffer = bytearray()
        drop = self._skip % 3

        def read(n: int) -> bytes:
            nonlocal at, drop
            while len(buffer) < n + drop and at < self._end:
                stop = min(self._end, at + 4 * _QUADS)
                buffer.extend(binascii.a2b_base64(source(at, stop - at), strict_mode=True))
                at = stop
            if drop:
                del buffer[:drop]
                drop = 0
            out = bytes(buffer[:n])
            del buffer[:n]
            return out

        return read


def _text_end(read: Callable[[int, int], bytes | memoryview], start: int, size: int) -> int:
    """Where plain base64 text from `start` ends at its closing quote (padding only just before it), or -1."""
    at = start
    while at < size:
        piece = read(at, _PIECE)
        run = _ALPHABET.match(piece)
        at += run.end() if run else 0
        if run is None or run.end() < len(piece):
            after = bytes(read(at, 3))
            pad = len(after) - len(after.lstrip(b"="))
            return at + pad if pad <= 2 and after[pad : pad + 1] == b'"' else -1
    return -1


def loads(state: State) -> Any:
    """`orjson.loads(state)`, a checkpoint's `leaf_digests` text given as `Digests` when the state allows it (see
    the module's note); orjson.JSONDecodeError or TypeError as `orjson.loads` raises them."""
    if not isinstance(state, bytes | Stored) or len(state) <= SMALL:
        return orjson.loads(bytes(state) if isinstance(state, Stored) else state)
    read, size = _read_at(state), len(state)
    at = bytes(read(0, _HEAD)).find(_KEY)
    start = at + len(_KEY)
    end = _text_end(read, start, size) if at != -1 else -1
    if end == -1 or (end - start) % 4:
        return orjson.loads(bytes(state))
    head, tail = bytes(read(0, start)), bytes(read(end, size - end))
    skeleton = head + tail
    try:
        data = orjson.loads(skeleton)
    except orjson.JSONDecodeError:
        return orjson.loads(bytes(state))
    if (type(data) is not dict or data.get("leaf_digests") != "" or orjson.dumps(data) != skeleton
            or orjson.dumps({**data, "leaf_digests": _PROBE}) != head + _PROBE.encode() + tail):
        return orjson.loads(bytes(state))
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
