"""A month's 好差评 ratings exported from the rating system, as CSV (UTF-8 or GBK) or an Excel workbook: read into
rows of text through the findings sheets' own readers, every bad row remembered so one refusal names them all."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ledger.errors import InvalidInput
from ledger.sheets.cells import cell_text, date_text
from ledger.sheets.findings import csv_records
from ledger.sheets.reading import WORKBOOK_SUFFIXES

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


@dataclass(frozen=True)
class RatingSheet:
    """A ratings sheet's rows, how refusals name it, the encoding it was read in, and the rows already found bad."""

    name: str
    encoding: str
    rows: tuple[RatingRow, ...]
    problems: tuple[tuple[int, str], ...] = ()

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[RatingRow]:
        return iter(self.rows)


def rating_rows(records: Iterable[tuple[int, Sequence[object]]], *, text: bool = False
                ) -> tuple[list[RatingRow], list[tuple[int, str]]]:
    """Rows from (line, cells) records after the header: blank rows skipped, a row of the wrong width remembered;
    each distinct date cell is read once (a month of ratings repeats 30 dates)."""
    rows: list[RatingRow] = []
    problems: list[tuple[int, str]] = []
    width = len(HEADER)
    to_text = str.strip if text else cell_text
    dates: dict[object, str] = {}
    for line, cells in records:
        values = [to_text(c) for c in cells]  # type: ignore[arg-type]
        if not any(values):
            continue
        if len(values) > width and not any(values[width:]):
            values = values[:width]
        if len(values) != width:
            problems.append((line, f"应有 {width} 列，实际 {len(values)} 列"))
            continue
        raw = cells[0]
        day = dates.get(raw)
        if day is None:
            day = dates[raw] = date_text(raw)
        rows.append(RatingRow(line, day, values[1], values[2], values[3], values[4], values[5]))
    return rows, problems


def _sheet(name: str, encoding: str, records: Iterable[tuple[int, Sequence[object]]], text: bool) -> RatingSheet:
    rows, problems = rating_rows(records, text=text)
    if not rows and not problems:
        raise InvalidInput(f"{name} 只有表头，没有记录")
    return RatingSheet(name, encoding, tuple(rows), tuple(problems))


def parse_ratings_csv(data: bytes, name: str = "CSV") -> RatingSheet:
    """Parse the bytes of a ratings sheet; refuse a wrong header, encoding or shape, naming the rows."""
    encoding, records = csv_records(data, name, HEADER, CHINESE_HEADER)
    return _sheet(name, encoding, records, text=True)


def read_ratings(path: str, sheet: str | None = None) -> RatingSheet:
    """Read a ratings sheet from a file path: a workbook by its extension (its first sheet, or the named one),
    anything else as CSV."""
    p = Path(path)
    if not p.is_file():
        raise InvalidInput(f"文件不存在：{path}")
    if p.suffix.lower() in WORKBOOK_SUFFIXES:
        from ledger.sheets.workbook import workbook_records  # python-calamine: loaded only for a workbook

        name, records = workbook_records(p, sheet, HEADER, CHINESE_HEADER)
        return _sheet(name, "Excel", records, text=False)
    if sheet is not None:
        raise InvalidInput(f"{p.name} 是 CSV 文件，没有工作表（--sheet 只用于 Excel 工作簿）")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"文件无法读取：{path}（{exc.strerror}）") from None
    return parse_ratings_csv(data, p.name)
