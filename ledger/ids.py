"""Stream ids: registry and quarter streams are named (uuid5), so a duplicate cannot be created twice."""

from __future__ import annotations

from hashlib import sha1
from uuid import UUID, uuid4, uuid5

NAMESPACE = UUID("6b1f0d3e-5c2a-4e57-9a0e-7a3f4c2d8e11")


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
    """A fact id as typed by a user (with or without dashes); ValueError when malformed."""
    return UUID(text.strip())
