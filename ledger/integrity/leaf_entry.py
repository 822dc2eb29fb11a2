"""The stored event a leaf covers, read back from its leaf data (the `extra` line of a kaoping tlog-proof).

Leaf data is written by `ledger.integrity.leaves.leaf_data`; this is its one reader, strict enough that
only bytes `leaf_data` could have written are accepted.
"""

from __future__ import annotations

from dataclasses import dataclass
from struct import unpack_from
from typing import Any
from uuid import UUID

import orjson

from ledger.errors import KaopingError
from ledger.integrity.leaves import leaf_data


class LeafError(KaopingError):
    """Bytes that are not kaoping leaf data."""


@dataclass(frozen=True)
class LeafEntry:
    """One stored event as its leaf covers it: stream, version, topic and the stored state bytes."""

    originator: UUID
    version: int
    topic: str
    state: bytes

    def data(self) -> bytes:
        """The leaf data (what the leaf hash covers)."""
        return leaf_data(self.originator.bytes, self.version, self.topic, self.state)

    def content(self) -> Any:
        """The stored state as JSON, for people to read; LeafError when it is not JSON."""
        try:
            return orjson.loads(self.state)
        except orjson.JSONDecodeError:
            raise LeafError("叶子数据中的事件内容不是 JSON") from None


def _field(data: bytes, at: int) -> tuple[bytes, int]:
    """One length-prefixed field (4-byte big-endian length) and where the next one starts."""
    if at + 4 > len(data):
        raise LeafError("叶子数据不完整")
    (n,) = unpack_from(">I", data, at)
    end = at + 4 + n
    if end > len(data):
        raise LeafError("叶子数据不完整")
    return data[at + 4 : end], end


def parse_leaf(data: bytes) -> LeafEntry:
    """Read leaf data: originator id (16 bytes), version (8-byte big-endian), topic (UTF-8), state; nothing after."""
    originator, at = _field(data, 0)
    version, at = _field(data, at)
    topic, at = _field(data, at)
    state, at = _field(data, at)
    if at != len(data):
        raise LeafError("叶子数据末尾有多余的字节")
    if len(originator) != 16 or len(version) != 8:
        raise LeafError("叶子数据的事件流编号或版本号长度不对")
    try:
        text = topic.decode("utf-8")
    except UnicodeDecodeError:
        raise LeafError("叶子数据中的事件类型不是 UTF-8") from None
    return LeafEntry(UUID(bytes=originator), int.from_bytes(version, "big"), text, state)
