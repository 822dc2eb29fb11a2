"""D26: a sheet's new rows against the findings already recorded from elsewhere — the same finding is named and
not recorded again, one that differs only in its note is refused as a probable edited duplicate."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ledger.commands.sheet_rows import CheckedRow
from ledger.sheets.table import bad_rows

Finding = tuple[str, str, str | None, str, str, str | None]
"""What makes two findings the same finding, their notes aside: (date, window, staff, item, source, dq)."""


@dataclass(frozen=True, slots=True)
class RecordedFinding:
    """A finding in the ledger, not retracted, recorded by hand or from another sheet."""

    id: str
    day: str
    window: str
    staff: str | None
    item: str
    source: str
    dq: str | None
    note: str

    @property
    def finding(self) -> Finding:
        """Its values, the note aside."""
        return (self.day, self.window, self.staff, self.item, self.source, self.dq)


def finding_of(row: CheckedRow) -> Finding:
    """A sheet row's values, the note aside."""
    return (row.day.isoformat(), row.window, row.staff, row.item, row.source, row.dq)


def sort_new_rows(sheet: str, rows: Sequence[CheckedRow], recorded: Iterable[RecordedFinding]
                  ) -> tuple[list[CheckedRow], list[tuple[CheckedRow, str]]]:
    """The rows to record, and the rows that are a finding already recorded elsewhere, each with that finding's
    id (one recorded finding answers for one row); a row that differs from a recorded finding only in its note
    is refused, every such row named, since it is most likely an edited copy of a row imported before."""
    by_finding: dict[Finding, list[RecordedFinding]] = {}
    for f in recorded:
        by_finding.setdefault(f.finding, []).append(f)
    used: set[str] = set()
    record: list[CheckedRow] = []
    matched: list[tuple[CheckedRow, str]] = []
    edited: list[tuple[int, str]] = []
    for row in rows:
        candidates = by_finding.get(finding_of(row), [])
        same = next((f for f in candidates if f.note == row.note and f.id not in used), None)
        if same is not None:
            used.add(same.id)
            matched.append((row, same.id))
            continue
        other = next((f for f in candidates if f.note != row.note), None)
        if other is not None:
            edited.append((row.line, f"与已录入的记录 {other.id} 只有说明不同（原为“{other.note}”，现为“{row.note}”），"
                                     "可能是改过的重复行：请先撤回原记录，确为另一条记录时加 --as-new"))
            continue
        record.append(row)
    if edited:
        raise bad_rows(sheet, edited)
    return record, matched
