"""A month's 好差评 ratings exported from the rating system: its columns and its rows of text, read through the one
sheet reader (ledger/sheets/table.py; files by ledger/sheets/reading.py), CSV (UTF-8 or GBK) or a workbook."""

from __future__ import annotations

from dataclasses import dataclass

from ledger.sheets import table
from ledger.sheets.reading import read_sheet

HEADER = ("date", "window", "staff", "level", "channel", "ref")
CHINESE_HEADER = ("日期", "窗口", "人员", "评价", "渠道", "办件编号")


@dataclass(frozen=True, slots=True)
class RatingRow:
    """One rating as read (cells as text, the date made ISO where the sheet was clear), with its line."""

    line: int
    date: str
    window: str
    staff: str
    level: str
    channel: str
    ref: str


RATINGS = table.Layout(HEADER, CHINESE_HEADER, RatingRow)
RatingSheet = table.Sheet[RatingRow]
"""A ratings sheet as read."""


def parse_ratings_csv(data: bytes, name: str = "CSV") -> RatingSheet:
    """Parse the bytes of a ratings sheet; refuse a wrong header, encoding or shape, naming the rows."""
    return table.parse_csv(data, name, RATINGS)


def read_ratings(path: str, sheet: str | None = None) -> RatingSheet:
    """Read a ratings sheet from a file path (CSV or workbook)."""
    return read_sheet(path, RATINGS, sheet)
