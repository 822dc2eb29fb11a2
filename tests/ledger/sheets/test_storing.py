"""A sheet's stored rows are made when the insert first reads them, each once, the same however they are read."""

from __future__ import annotations

from collections.abc import Iterator
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from ledger.sheets.storing import StoredFindings


def making(n: int, made: list[int]) -> Iterator[StoredEvent]:
    for i in range(n):
        made.append(i)
        yield StoredEvent(UUID(int=i), 1, "t", f"k{i}".encode())


def test_stored_findings_make_each_row_once_in_order_and_read_the_same_by_iterating_indexing_and_slicing() -> None:
    made: list[int] = []
    stored = StoredFindings(making(5, made))
    assert made == []
    first = iter(stored)
    assert next(first).state == b"k0" and made == [0]
    both = list(zip(stored, stored, strict=True))  # two readers at once share the rows made
    assert [a.state for a, b in both if a is b] == [b"k0", b"k1", b"k2", b"k3", b"k4"]
    assert [s.state for s in first] == [b"k1", b"k2", b"k3", b"k4"]
    assert stored[3].state == b"k3" and [s.state for s in stored[1:3]] == [b"k1", b"k2"]
    assert len(stored) == 5 and made == [0, 1, 2, 3, 4]


def test_stored_findings_read_by_index_or_length_first_make_every_row_in_order() -> None:
    made: list[int] = []
    stored = StoredFindings(making(3, made))
    assert stored[-1].originator_id == UUID(int=2) and made == [0, 1, 2]
    assert list(stored) == [stored[0], stored[1], stored[2]] and made == [0, 1, 2]
    counted: list[int] = []
    assert len(StoredFindings(making(4, counted))) == 4 and counted == [0, 1, 2, 3]


def test_stored_findings_are_true_after_making_only_their_first_row_and_false_when_there_is_none() -> None:
    made: list[int] = []
    stored = StoredFindings(making(3, made))
    assert stored and made == [0]
    assert stored and made == [0]
    assert [s.state for s in stored] == [b"k0", b"k1", b"k2"]
    assert not StoredFindings(making(0, []))


def test_a_refusal_raised_while_rows_are_made_reaches_the_reader_after_the_rows_before_it() -> None:
    def refusing() -> Iterator[StoredEvent]:
        yield StoredEvent(UUID(int=1), 1, "t", b"a")
        raise ValueError("bad rows")

    stored = StoredFindings(refusing())
    read: list[bytes] = []
    try:
        for s in stored:
            read.append(s.state)
    except ValueError as exc:
        assert str(exc) == "bad rows"
    else:
        raise AssertionError("the refusal was not raised")
    assert read == [b"a"]
