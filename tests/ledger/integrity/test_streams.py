"""The stream-order pass (ledger/integrity/streams.py): it finds exactly what a ledger-order reading with every
stream's last version in memory finds, and its fingerprint tells the rows a pass saw apart from any others."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from ledger.integrity import streams

IDS = [f"{i:032x}" for i in (1, 2, 3, 0xABC, 2**127)]


def _ledger_order_reference(rows: list[tuple[str, int, int]]) -> list[tuple[int, str, int, int]]:
    """The check as it was: rows in ledger order, each stream's last version in a dict."""
    last: dict[str, int] = {}
    found = []
    for o, v, n in rows:
        prev = last.get(o, 0)
        last[o] = v
        if v != prev + 1:
            found.append((n, o, v, prev + 1))
    return found


ledgers = st.lists(st.tuples(st.sampled_from(IDS), st.integers(1, 6)), max_size=40)


def _stored(pairs: list[tuple[str, int]]) -> list[tuple[str, int, int]]:
    """Rows in ledger order with growing notification ids (with gaps, as PostgreSQL's)."""
    return [(o, v, 3 * i + 1) for i, (o, v) in enumerate(pairs)]


def _stream_order(rows: list[tuple[str, int, int]], seed: int) -> list[list[tuple[str, int, int]]]:
    """The rows as an index gives them (ties of a repeated version in any order), in batches of three."""
    rng = random.Random(seed)
    ordered = sorted(rows, key=lambda r: (r[0], r[1], rng.random()))
    return [ordered[i : i + 3] for i in range(0, len(ordered), 3)]


@given(pairs=ledgers, seed=st.integers(0, 2**32))
def test_the_stream_order_pass_finds_exactly_what_the_ledger_order_check_found(
    pairs: list[tuple[str, int]], seed: int
) -> None:
    rows = _stored(pairs)
    key = streams.new_key()
    _, bad = streams.check_streams(_stream_order(rows, seed), key)
    assert sorted(bad) == sorted(_ledger_order_reference(rows))


@given(pairs=ledgers, seed=st.integers(0, 2**32))
def test_the_fingerprint_of_the_same_rows_is_the_same_in_either_order(pairs: list[tuple[str, int]], seed: int) -> None:
    rows = _stored(pairs)
    key = streams.new_key()
    state, _ = streams.check_streams(_stream_order(rows, seed), key)
    fp = streams.Fingerprint(key)
    fp.add_rows(rows)
    assert fp.state == state


def test_the_fingerprint_tells_a_changed_a_missing_or_a_repeated_row_apart() -> None:
    rows = _stored([(IDS[0], 1), (IDS[1], 1), (IDS[0], 2)])
    key = streams.new_key()

    def of(some: list[tuple[str, int, int]]) -> tuple[int, int]:
        fp = streams.Fingerprint(key)
        fp.add_rows(some)
        return fp.state

    changed = [rows[0], (IDS[1], 2, rows[1][2]), rows[2]]
    moved = [rows[0], (IDS[1], 1, rows[1][2] + 1), rows[2]]
    assert len({of(rows), of(changed), of(moved), of(rows[:2]), of(rows + rows[:1]), of(rows + rows[:2])}) == 6


def test_a_row_not_stored_as_a_genuine_write_stores_it_is_left_out_of_the_fingerprint() -> None:
    key = streams.new_key()
    good = [(IDS[0], 1, 1)]
    odd = [("not-a-uuid", 1, 2), (IDS[1], "1", 3), (IDS[2], -1, 4), (IDS[3], None, 5), (None, 1, 6),
           ("ab" * 15 + " 1", 1, 7)]
    state, bad = streams.check_streams([good + odd], key)
    fp = streams.Fingerprint(key)
    fp.add_rows(good)
    assert state == fp.state and bad == []


def test_a_stream_given_twice_is_out_of_order() -> None:
    rows = [(IDS[0], 1, 1), (IDS[1], 1, 2), (IDS[0], 1, 1)]
    _, bad = streams.check_streams([rows], streams.new_key())
    assert [b[0] for b in bad] == [streams.DISORDER]
