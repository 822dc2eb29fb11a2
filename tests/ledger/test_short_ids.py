"""Short ids (CLI.md, second release): a unique prefix of at least 8 hex digits names a fact; an ambiguous one is
refused naming the candidates; the log prints the shortest prefix that tells the ledger's ids apart."""

from __future__ import annotations

from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger import short_ids
from ledger.app import Ledger
from ledger.errors import InvalidInput, NotFound

A = UUID("12345678-9abc-4def-8000-000000000001")
B = UUID("12345678-9abc-4def-8000-000000000002")
C = UUID("1234567f-0000-4000-8000-000000000003")


def between_of(*stored: UUID) -> short_ids.Between:
    """A ledger's `streams_between` over these stream ids."""
    return lambda low, high, limit: sorted(u for u in stored if low <= u <= high)[:limit]


def test_a_full_id_is_taken_as_it_is_with_or_without_dashes() -> None:
    between = between_of()
    assert short_ids.resolve(str(A), between) == A
    assert short_ids.resolve(A.hex.upper(), between) == A


def test_a_unique_prefix_of_eight_digits_or_more_names_its_stream_dashes_or_not() -> None:
    between = between_of(A, C)
    assert short_ids.resolve("1234567f", between) == C
    assert short_ids.resolve("12345678-9a", between) == A
    assert short_ids.resolve(" 123456789ABC ", between) == A


def test_a_prefix_shorter_than_eight_digits_is_refused() -> None:
    with pytest.raises(InvalidInput, match=r"^编号至少要写出前 8 位：1234567$"):
        short_ids.resolve("1234567", between_of(A))


def test_an_ambiguous_prefix_is_refused_naming_the_candidates() -> None:
    with pytest.raises(InvalidInput, match=rf"^编号 12345678 不唯一，可能是：{A}、{B}（请多写几位）$"):
        short_ids.resolve("12345678", between_of(A, B, C))


def test_an_unknown_prefix_is_not_found_and_text_that_is_no_id_is_left_to_the_caller() -> None:
    with pytest.raises(NotFound, match=r"^账本中没有编号为 abcdef01 的记录$"):
        short_ids.resolve("abcdef01", between_of(A))
    assert short_ids.resolve("W01", between_of(A)) is None
    assert short_ids.resolve("", between_of(A)) is None


def test_short_forms_are_the_shortest_prefixes_of_eight_digits_or_more_that_tell_ids_apart() -> None:
    forms = short_ids.short_forms([str(A), str(B), str(C)])
    assert forms == {str(A): str(A), str(B): str(B), str(C): "1234567f"}
    lone = short_ids.short_forms([str(A), str(C)])
    assert lone == {str(A): "12345678", str(C): "1234567f"}
    near = UUID("12345678-9abd-4000-8000-000000000000")
    assert short_ids.short_forms([str(A), str(near)])[str(A)] == "12345678-9abc"  # dashes kept where they were


def test_the_ledger_resolves_a_prefix_of_a_stored_fact_on_every_backend(ledger: Ledger) -> None:
    ledger.add_window("W01", "工商窗口")
    fid = ledger.record_finding("W2.2", window="W01", day="2008-06-02", source="weekly")
    assert ledger.resolve_id(str(fid)[:8]) == fid
    assert ledger.resolve_id(fid.hex[:12].upper()) == fid
    assert ledger.fact(str(fid)[:10]).stream == fid
    other = "0" * 8 if not fid.hex.startswith("0") else "f" * 8
    with pytest.raises(NotFound):
        ledger.resolve_id(other)
    ledger.retract(str(fid)[:8], "录错")
    assert ledger.fact(str(fid)).status == "retracted"


def test_the_recorders_list_the_streams_between_two_ids_in_order(ledger: Ledger) -> None:
    ledger.add_window("W01", "工商窗口")
    found = sorted(ledger.record_finding("W2.2", window="W01", day="2008-06-02", source="weekly") for _ in range(3))
    between = ledger.recorder.streams_between  # type: ignore[attr-defined]
    assert between(found[0], found[2], 10)[0] == found[0] and found[2] in between(found[0], found[2], 10)
    assert set(found) <= set(between(found[0], found[2], 10))
    assert between(found[0], found[2], 1) == [found[0]]


def test_typeable_forms_grow_until_the_whole_ledger_takes_them_back_to_their_own_stream() -> None:
    between = between_of(A, B, C)  # B is stored but not among the ids shown
    forms = short_ids.typeable([str(A), str(C)], between)
    assert forms == {str(A): str(A), str(C): "1234567f"}
    assert all(short_ids.resolve(shown, between) == UUID(full) for full, shown in forms.items())
    assert short_ids.typeable([str(A)], between_of(A, C)) == {str(A): "12345678"}


def test_the_light_reader_lists_the_streams_between_two_ids_as_the_recorder_does(ledger: Ledger) -> None:
    import sqlite3

    from ledger.storage.reader import LedgerReader

    if ledger.location.sqlite_path is None:
        pytest.skip("the light reader reads SQLite ledgers only")
    ledger.add_window("W01", "工商窗口")
    found = sorted(ledger.record_finding("W2.2", window="W01", day="2008-06-02", source="weekly") for _ in range(3))
    reader = LedgerReader(ledger.location, sqlite3.connect(ledger.location.sqlite_path))
    try:
        assert reader.streams_between(found[0], found[2], 10) == ledger.streams_between(found[0], found[2], 10)
        assert reader.streams_between(found[0], found[2], 1) == [found[0]]
    finally:
        reader.close()


def compared_both_ways(ids: list[str]) -> dict[str, str]:
    """short_forms before it compared each neighbouring pair once and cut by arithmetic (the reference)."""
    def digits(text: str) -> str:
        return text.strip().replace("-", "").lower()

    def cut(canonical: str, n: int) -> str:
        seen = 0
        for k, ch in enumerate(canonical):
            if ch != "-":
                seen += 1
                if seen == n:
                    return canonical[: k + 1]
        return canonical

    ordered = sorted(set(ids), key=digits)
    hexes = [digits(i) for i in ordered]
    out: dict[str, str] = {}
    for n, (full, mine) in enumerate(zip(ordered, hexes, strict=True)):
        need = short_ids.MIN_DIGITS
        for other in (hexes[n - 1] if n else None, hexes[n + 1] if n + 1 < len(hexes) else None):
            if other is not None:
                common = next((k for k, (a, b) in enumerate(zip(mine, other, strict=True)) if a != b), 32)
                need = max(need, common + 1)
        out[full] = cut(full, min(need, 32))
    return out


# ids that share long prefixes, as a ledger's neighbouring streams may: a few random ones, each with near twins
NEAR_IDS = st.lists(st.tuples(st.uuids(), st.integers(min_value=0, max_value=31), st.integers(0, 15)),
                    max_size=12).map(lambda picks: [
                        str(u) for base, at, d in picks
                        for u in (base, UUID(hex=base.hex[:at] + format(d, "x") + base.hex[at + 1:]))])


@given(NEAR_IDS)
def test_short_forms_compare_each_neighbouring_pair_once_as_both_ways_did(ids: list[str]) -> None:
    assert short_ids.short_forms(ids) == compared_both_ways(ids)
