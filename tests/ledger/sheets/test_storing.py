"""A sheet's stored rows are made when the insert first reads them, each once, the same however they are read."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import date
from uuid import UUID

import orjson
import pytest
from eventsourcing.persistence import StoredEvent
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.sheets.storing import NEEDLES, StoredFindings, recorded_on
from ledger.storage.rows import Row
from ledger.topics import FINDING_TOPIC


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


def test_a_failure_while_rows_are_made_is_raised_again_on_a_second_reading_never_taken_for_their_end() -> None:
    def failing() -> Iterator[StoredEvent]:
        yield StoredEvent(UUID(int=1), 1, "t", b"a")
        raise OSError("connection lost")

    stored = StoredFindings(failing())
    for _ in range(2):  # an insert retried after a lost connection reads the rows again
        with pytest.raises(OSError, match="connection lost"):
            list(stored)
    with pytest.raises(OSError):
        len(stored)


def findings_on(day: date, n: int) -> list[Row]:
    """A page of n FindingRecorded rows of one day, as stored (the day tagged)."""
    state = orjson.dumps({"item": "S1.4", "window": "GS", "staff": None, "date": {"_type_": "date_iso", "_data_":
                          day.isoformat()}, "source": "weekly", "dq": None, "note": "迟到"})
    return [(day.toordinal() * 10 + i, UUID(int=day.toordinal() * 10 + i), 1, FINDING_TOPIC, state) for i in range(n)]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.dates(date(2008, 5, 1), date(2014, 12, 31)), min_size=1, max_size=400),
       st.lists(st.dates(date(2008, 5, 1), date(2014, 12, 31)), max_size=30))
def test_the_findings_of_a_sheets_days_are_read_with_a_few_texts_searched_however_many_days_it_names(
        days: list[date], recorded: list[date]) -> None:
    # each text searched for is another pass over every finding's stored state in the database: a quarter's sheet
    # (~92 days) searched for each day was 3x slower than reading every finding (27.8 s against 9.2 s at 1M events)
    stored = [row for d in sorted(set(recorded)) for row in findings_on(d, 2)]
    asked: list[Collection[bytes] | None] = []

    def pages(*, topics: Collection[str], containing: Collection[bytes] | None = None) -> Iterator[list[Row]]:
        asked.append(containing)
        rows = [r for r in stored if r[3] in topics and (containing is None or any(b in r[4] for b in containing))]
        return iter([rows] if rows else [])

    got = recorded_on(pages, days)
    assert {f.day for f in got.values()} >= {d.isoformat() for d in set(days) & set(recorded)}  # none missed
    assert asked[0] is None or len(asked[0]) <= NEEDLES
