"""A week's inspection sheet: its columns and its rows of text, read through the one sheet reader
(ledger/sheets/table.py; files by ledger/sheets/reading.py)."""

from __future__ import annotations

from dataclasses import dataclass

from ledger.sheets import table

HEADER = ("date", "window", "staff", "item", "source", "dq", "note")
CHINESE_HEADER = ("日期", "窗口", "人员", "条目", "来源", "取消资格", "说明")


@dataclass(frozen=True, slots=True)
class SheetRow:
    """One row of a findings sheet as read (cells as text, dates made ISO where the sheet was clear), its line."""

    line: int
    date: str
    window: str
    staff: str
    item: str
    source: str
    dq: str
    note: str


FINDINGS = table.Layout(HEADER, CHINESE_HEADER, SheetRow)
Sheet = table.Sheet[SheetRow]
"""A findings sheet as read."""


def parse_findings_csv(data: bytes, name: str = "CSV") -> Sheet:
    """Parse the bytes of a findings sheet; refuse a wrong header, encoding or shape, naming the rows."""
    return table.parse_csv(data, name, FINDINGS)
