"""A sheet of rows, the one way every sheet (findings, ratings) is read: CSV bytes (UTF-8 with or without BOM, or
GBK/GB18030 as Excel saves it) or a workbook's records, under a header of the sheet's columns, into rows of text
with their line numbers — every bad row remembered so one refusal can name them all."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from ledger.errors import InvalidInput
from ledger.sheets.cells import cell_text, date_text

R = TypeVar("R")
MAX_REASONS = 30  # reasons named one by one in a refusal; rows past them are still listed, by number
MAX_CELL = 2_000
"""Characters a cell may hold: more is no inspection note, code or 办件编号 a clerk typed (a file made to flood the
ledger, or a column pasted into one cell); refused by row, never echoed."""

Records = Iterable[tuple[int, Sequence[object]]]
"""A sheet's (line, cells) after its header."""


@dataclass(frozen=True)
class Layout(Generic[R]):
    """A kind of sheet: its columns in English and in Chinese (the first one a date), and the row it is read into,
    made as `row(line, date, *the other cells)`."""

    english: tuple[str, ...]
    chinese: tuple[str, ...]
    row: Callable[..., R]


@dataclass(frozen=True)
class Sheet(Generic[R]):
    """A sheet's rows, how refusals name it (the file, and a workbook's sheet), the encoding it was read in, and
    the rows already found bad while reading (line, reason)."""

    name: str
    encoding: str
    rows: tuple[R, ...]
    problems: tuple[tuple[int, str], ...] = ()

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[R]:
        return iter(self.rows)


def bad_rows(name: str, problems: Iterable[tuple[int, str]]) -> InvalidInput:
    """One refusal naming every bad row of a sheet: rows with the same reason together, the first reason first."""
    by_reason: dict[str, list[int]] = {}
    for line, reason in sorted(problems):
        by_reason.setdefault(reason, []).append(line)
    groups = list(by_reason.items())
    first_reason, first_lines = groups[0]
    text = f"{name} 第{_lines(first_lines)}行：{first_reason}"
    rest = groups[1:]
    if rest:
        others = sum(len(lines) for _, lines in rest)
        named = "；".join(f"第{_lines(lines)}行：{reason}" for reason, lines in rest[:MAX_REASONS])
        unnamed = sorted(line for _, lines in rest[MAX_REASONS:] for line in lines)
        tail = f"；其余第{_lines(unnamed)}行" if unnamed else ""
        text += f"；另有 {others} 行有误：{named}{tail}"
    return InvalidInput(text)


def _lines(lines: Sequence[int]) -> str:
    """Row numbers with runs shortened: 2–4、7."""
    parts: list[str] = []
    start = prev = lines[0]
    for n in [*lines[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(str(start) if start == prev else f"{start}–{prev}")
        if n is not None:
            start = prev = n
    return "、".join(parts)


def check_header(name: str, cells: Sequence[object], layout: Layout[Any]) -> None:
    """The sheet's columns, each named in English or in Chinese; empty columns after them are allowed."""
    header = [cell_text(c) for c in cells]
    while header and not header[-1]:
        header.pop()
    if header and header[0].startswith("\ufeff"):
        header[0] = header[0][1:]
    english, chinese = layout.english, layout.chinese
    if len(header) == len(english) and all(h in (en, zh) for h, en, zh in zip(header, english, chinese,
                                                                               strict=True)):
        return
    shown = ",".join(h if len(h) <= 40 else h[:40] + "…" for h in header[:len(english) + 3])  # never a flood
    raise InvalidInput(f"{name} 第1行：表头应为 {','.join(english)} 或 {','.join(chinese)}，实际为 {shown}")


def sheet_rows(records: Records, layout: Layout[R], *, text: bool = False) -> tuple[list[R], list[tuple[int, str]]]:
    """Rows from (line, cells) records after the header: blank rows skipped, a row of the wrong width or with a
    cell past MAX_CELL remembered.

    `text`: every cell is already text (CSV), only stripped. A sheet repeats its dates row after row, so each
    distinct date cell is read once.
    """
    rows: list[R] = []
    problems: list[tuple[int, str]] = []
    width = len(layout.english)
    make = layout.row
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
        if sum(map(len, values)) > MAX_CELL:  # one sum in C for every row; the long cell is looked for only then
            long = next((n for n, v in enumerate(values) if len(v) > MAX_CELL), None)
            if long is not None:
                problems.append((line, f"“{layout.chinese[long]}”一格有 {len(values[long])} 个字符，"
                                       f"超过 {MAX_CELL} 个"))
                continue
        raw = cells[0]
        day = dates.get(raw)
        if day is None:
            day = dates[raw] = date_text(raw)
        rows.append(make(line, day, *values[1:]))
    return rows, problems


def decode_csv(data: bytes, name: str) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was in: UTF-8 (with or without BOM), else GBK/GB18030 (what
    Excel's plain "CSV" writes on a Chinese Windows); anything else refused, naming the line."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as exc:
        as_utf8 = exc.start
    try:
        return data.decode("gb18030"), "GBK/GB18030"
    except UnicodeDecodeError as exc:
        # the line where the likelier encoding breaks: a UTF-8 file with one bad line names that line
        line = data[: max(as_utf8, exc.start)].count(b"\n") + 1
        raise InvalidInput(f"{name} 第{line}行：既不是 UTF-8 也不是 GBK/GB18030 编码"
                           "（请在 Excel 中另存为“CSV UTF-8”或 Excel 工作簿）") from None


def csv_records(data: bytes, name: str, layout: Layout[Any]) -> tuple[str, list[tuple[int, list[str]]]]:
    """The encoding of a CSV sheet (UTF-8 or GBK, comma or tab separated) and its (line, cells) records after a
    header of the layout's columns."""
    if not data.strip():
        raise InvalidInput(f"{name} 是空文件")
    text, encoding = decode_csv(data, name)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","  # Excel's "文本文件(制表符分隔)"
    reader = csv.reader(io.StringIO(text, newline=""), strict=True, delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise InvalidInput(f"{name} 第1行：缺少表头") from None
    check_header(name, header, layout)
    records: list[tuple[int, list[str]]] = []
    try:
        for record in reader:
            records.append((reader.line_num, record))
    except csv.Error as exc:
        raise InvalidInput(f"{name} 第{reader.line_num}行：CSV 格式错误（{exc}）") from None
    return encoding, records


def sheet_of(name: str, encoding: str, records: Records, layout: Layout[R], *, text: bool) -> Sheet[R]:
    """The sheet of these records; a sheet of nothing but its header refused."""
    rows, problems = sheet_rows(records, layout, text=text)
    if not rows and not problems:
        raise InvalidInput(f"{name} 只有表头，没有记录")
    return Sheet(name, encoding, tuple(rows), tuple(problems))


def parse_csv(data: bytes, name: str, layout: Layout[R]) -> Sheet[R]:
    """Parse the bytes of a CSV sheet; refuse a wrong header, encoding or shape, naming the rows."""
    encoding, records = csv_records(data, name, layout)
    return sheet_of(name, encoding, records, layout, text=True)
