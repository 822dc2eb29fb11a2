"""Stream ids: registry and quarter streams are named (uuid5), so a duplicate cannot be created twice."""

from __future__ import annotations

from collections.abc import Sequence
from hashlib import sha1
from uuid import UUID, SafeUUID, uuid4, uuid5

NAMESPACE = UUID("6b1f0d3e-5c2a-4e57-9a0e-7a3f4c2d8e11")


INTEGRITY_STREAM = uuid5(NAMESPACE, "integrity")
"""The stream of the signing key and the checkpoints."""

ACTORS_STREAM = uuid5(NAMESPACE, "actors")
"""The stream of the actors: who may act, with which key and role (D32)."""


def center_id() -> UUID:
    """The one center stream of a ledger."""
    return uuid5(NAMESPACE, "center")


def window_id(code: str) -> UUID:
    """The stream of the window with this code."""
    return uuid5(NAMESPACE, f"window:{code}")


def staff_id(person: str) -> UUID:
    """The stream of the staff member with this id."""
    return uuid5(NAMESPACE, f"staff:{person}")


def quarter_id(quarter: str) -> UUID:
    """The stream of one quarter's shortlist, decision and publication."""
    return uuid5(NAMESPACE, f"quarter:{quarter}")


_ROW_PREFIX = NAMESPACE.bytes + b"finding-row:"
_CLEAR = ~((0xC000 << 48) | (0xF000 << 64))  # variant and version bits, as UUID(version=5) clears them
_UUID5 = (0x8000 << 48) | (5 << 76)  # RFC 4122 variant, version 5


def sheet_row_id(row_key: str) -> UUID:
    """The finding stream of an imported sheet row, stable across re-imports.

    Exactly uuid5(NAMESPACE, "finding-row:" + row_key), inlined: a sheet of 100,000 rows calls it
    100,000 times.
    """
    return UUID(bytes=sha1(_ROW_PREFIX + row_key.encode()).digest()[:16], version=5)


def new_id() -> UUID:
    """A fresh stream id for a single fact."""
    return uuid4()


def parse_fact_id(text: str) -> UUID:
    """A fact id as typed by a user (with or without dashes); ValueError when malformed — in ASCII hex digits only
    (D27: `UUID` alone would read `٤` or `４` as a digit)."""
    value = text.strip()
    if not value.isascii():
        raise ValueError(f"not an ASCII id: {value!r}")
    return UUID(value)


def sheet_row_streams(row_keys: Sequence[str]) -> tuple[list[UUID], list[str]]:
    """sheet_row_id of many keys, with their 32-digit hex forms (what SQLite stores)."""
    return _named_streams(_ROW_PREFIX, row_keys)


def rating_streams(refs: Sequence[str]) -> tuple[list[UUID], list[str]]:
    """rating_id of many 办件编号, with their 32-digit hex forms (what SQLite stores): a month holds 100,000."""
    return _named_streams(_RATING_PREFIX, refs)


def _named_streams(prefix: bytes, names: Sequence[str]) -> tuple[list[UUID], list[str]]:
    """uuid5(NAMESPACE, name) of many names under one prefix (NAMESPACE's bytes and the name's kind), and hex.

    Same values as `uuid5`; builds each UUID the way UUID.__init__ ends (setting `int` and `is_safe`) after doing
    the uuid5 bit-twiddling once, because a 100,000-row sheet needs them all.
    """
    new, put, unknown = object.__new__, object.__setattr__, SafeUUID.unknown
    uuids: list[UUID] = []
    hexes: list[str] = []
    for name in names:
        n = int.from_bytes(sha1(prefix + name.encode()).digest()[:16]) & _CLEAR | _UUID5
        u = new(UUID)
        put(u, "int", n)
        put(u, "is_safe", unknown)
        uuids.append(u)
        hexes.append(f"{n:032x}")
    return uuids, hexes


def appeal_id(fact: UUID) -> UUID:
    """The appeal stream of a fact: one per fact (D29), so a second appeal meets the first one's stream."""
    return uuid5(NAMESPACE, f"appeal:{fact.hex}")


def calendar_id() -> UUID:
    """The stream of the years a center added to the working-day calendar (D28)."""
    return uuid5(NAMESPACE, "calendar")


_RATING_PREFIX = NAMESPACE.bytes + b"rating:"


def rating_id(ref: str) -> UUID:
    """The stream of the 好差评 rating with this 办件编号 (normalised, ledger/commands/ratings.py): imported once."""
    return uuid5(NAMESPACE, f"rating:{ref}")


def rating_complaint_id(ref: str) -> UUID:
    """The complaint stream a 差评 waits in (channel `rating`, D31), named by its rating's 办件编号."""
    return uuid5(NAMESPACE, f"rating-complaint:{ref}")

