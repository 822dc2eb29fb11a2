"""A sheet's stored rows are encoded when the insert first reads them, each once, the same however they are read."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from ledger.commands.sheet_rows import CheckedRow
from ledger.sheets.storing import StoredFindings


def rows(n: int) -> list[tuple[CheckedRow, UUID, str]]:
    return [(CheckedRow(i, date(2008, 7, 1), "W01", None, "W1.1", "暗访", None, "", f"k{i}"), UUID(int=i), f"{i:032x}")
            for i in range(n)]


def test_stored_findings_encode_each_row_once_in_order_and_read_the_same_by_iterating_indexing_and_slicing() -> None:
    made: list[int] = []

    def make(new: tuple[CheckedRow, UUID, str]) -> StoredEvent:
        made.append(new[0].line)
        return StoredEvent(new[1], 1, "t", new[0].key.encode())

    stored = StoredFindings(rows(5), make)
    assert len(stored) == 5 and made == []
    first = iter(stored)
    assert next(first).state == b"k0" and made == [0]
    both = list(zip(stored, stored, strict=True))  # two readers at once share the rows made
    assert [a.state for a, b in both if a is b] == [b"k0", b"k1", b"k2", b"k3", b"k4"]
    assert [s.state for s in first] == [b"k1", b"k2", b"k3", b"k4"]
    assert stored[3].state == b"k3" and [s.state for s in stored[1:3]] == [b"k1", b"k2"]
    assert made == [0, 1, 2, 3, 4]


def test_stored_findings_read_by_index_first_make_every_row_in_order() -> None:
    made: list[int] = []

    def make(new: tuple[CheckedRow, UUID, str]) -> StoredEvent:
        made.append(new[0].line)
        return StoredEvent(new[1], 1, "t", b"")

    stored = StoredFindings(rows(3), make)
    assert stored[-1].originator_id == UUID(int=2) and made == [0, 1, 2]
    assert list(stored) == [stored[0], stored[1], stored[2]] and made == [0, 1, 2]
