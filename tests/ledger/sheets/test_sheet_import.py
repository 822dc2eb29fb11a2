"""A sheet imported a part at a time stores, skips, matches and refuses exactly what checking the whole sheet first
did (D26): the same rows in the same order, for any part size."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger import ids
from ledger.commands.sheet_duplicates import RecordedFinding, sort_new_rows
from ledger.commands.sheet_rows import CheckedRow
from ledger.errors import KaopingError
from ledger.sheets.identity import row_content, row_keys
from ledger.sheets.storing import SheetImport, StoredFindings

DAYS = (date(2008, 7, 1), date(2008, 7, 2))


class Sheet:
    name = "周检查表.csv"

    def __init__(self, rows: Sequence[CheckedRow | None]) -> None:
        self.rows = list(rows)


class PartChecked:
    """`SheetRowsChecked` over rows already checked (None: a refused row), keyed the same way."""

    def __init__(self, rows: Sequence[CheckedRow | None]) -> None:
        self.sheet = Sheet(rows)
        good = [r for r in rows if r is not None]
        self.keys = dict(zip(map(id, good), row_keys(content(r) for r in good), strict=True))
        self.refused: list[int] = []

    def part(self, rows: Sequence[CheckedRow | None]) -> list[CheckedRow]:
        self.refused += [i for i, r in enumerate(rows) if r is None]
        if self.refused:
            return []
        return [r._replace(key=self.keys[id(r)]) for r in rows if r is not None]

    def finish(self) -> None:
        if self.refused:
            raise KaopingError("refused")


class Recorder:
    def __init__(self, existing: set[str]) -> None:
        self.existing, self.lookups = existing, 0

    def existing_originator_hexes(self, hexes: Sequence[str]) -> set[str]:
        self.lookups += 1
        return {h for h in hexes if h in self.existing}


def content(r: CheckedRow) -> str:
    return row_content(r.day.isoformat(), r.window, r.staff, r.item, r.source, r.dq, r.note)


def encode(new: tuple[CheckedRow, UUID, str]) -> StoredEvent:
    return StoredEvent(new[1], 1, "t", new[0].key.encode())


def whole_sheet_first(rows: Sequence[CheckedRow | None], existing: set[str],
                      recorded: dict[str, RecordedFinding] | None) -> tuple[list[UUID], int, list[tuple[int, str]]]:
    """What the import did before it went a part at a time (main's `import_findings`), as a reference."""
    if any(r is None for r in rows):
        raise KaopingError("refused")
    good = [r for r in rows if r is not None]
    checked = [CheckedRow(r.line, r.day, r.window, r.staff, r.item, r.source, r.dq, r.note, key)
               for r, key in zip(good, row_keys(content(r) for r in good), strict=True)]
    streams, hexes = ids.sheet_row_streams([r.key for r in checked])
    fresh = [(r, s) for r, s, h in zip(checked, streams, hexes, strict=True) if h not in existing]
    matched: list[tuple[CheckedRow, str]] = []
    if fresh and recorded is not None:
        others = [f for h, f in recorded.items() if h not in set(hexes)]
        if others:
            keep, matched = sort_new_rows(Sheet.name, [r for r, _ in fresh], others)
            lines = {r.line for r in keep}
            fresh = [(r, s) for r, s in fresh if r.line in lines]
    return [s for _, s in fresh], len(checked) - len(fresh) - len(matched), [(r.line, f) for r, f in matched]


VALUES = st.tuples(st.sampled_from(DAYS), st.sampled_from(["W01", "W02"]), st.sampled_from([None, "P001"]),
                   st.sampled_from(["W1.1"]), st.sampled_from(["暗访"]), st.just(None), st.sampled_from(["", "迟到"]))


@st.composite
def cases(draw: st.DrawFn) -> tuple[list[CheckedRow | None], set[str], dict[str, RecordedFinding] | None, int]:
    values = draw(st.lists(st.one_of(VALUES, st.just(None)) if draw(st.booleans()) else VALUES, max_size=12))
    rows: list[CheckedRow | None] = [None if v is None else CheckedRow(line, *v) for line, v in
                                     enumerate(values, start=2)]
    good = [r for r in rows if r is not None]
    _, hexes = ids.sheet_row_streams(row_keys(content(r) for r in good))
    before = {h for h in hexes if draw(st.booleans())}  # rows imported before (their findings recorded, some retracted)
    recorded: dict[str, RecordedFinding] = {}
    for r, h in zip(good, hexes, strict=True):
        if h in before and draw(st.booleans()):
            recorded[h] = RecordedFinding(str(UUID(h)), r.day.isoformat(), r.window, r.staff, r.item, r.source,
                                          r.dq, r.note)
    for n, v in enumerate(draw(st.lists(VALUES, max_size=4))):  # recorded elsewhere: by hand or another sheet
        recorded[f"{n:032x}"] = RecordedFinding(str(UUID(int=n)), v[0].isoformat(), *v[1:])
    return rows, before, None if draw(st.booleans()) else recorded, draw(st.integers(1, 5))


@settings(max_examples=400, deadline=None)
@given(cases())
def test_a_sheet_imported_a_part_at_a_time_stores_skips_matches_and_refuses_as_the_whole_sheet_first(
        case: tuple[list[CheckedRow | None], set[str], dict[str, RecordedFinding] | None, int]) -> None:
    rows, existing, recorded, part = case
    try:
        expected: tuple[list[UUID], int, list[tuple[int, str]]] | str = whole_sheet_first(rows, existing, recorded)
    except KaopingError as exc:
        expected = str(exc)
    plan = SheetImport(PartChecked(rows), Recorder(existing), encode,  # type: ignore[arg-type]
                       None if recorded is None else lambda: recorded, part=part)
    try:
        stored = list(StoredFindings(plan.rows()))
        got: tuple[list[UUID], int, list[tuple[int, str]]] | str = (
            [s.originator_id for s in stored], plan.skipped, [(r.line, f) for r, f in plan.matched])  # type: ignore[misc]
        assert [s.originator_id for s in stored] == plan.added
    except KaopingError as exc:
        got = str(exc)
    assert got == expected
