"""A week's inspection sheet as CSV: read strictly, every row keyed so a re-import adds nothing twice."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from ledger.errors import InvalidInput

HEADER = ("date", "window", "staff", "item", "source", "dq", "note")


@dataclass(frozen=True, slots=True)
class SheetRow:
    """One row of a findings sheet as typed, with its line number and its stable key."""

    line: int
    date: str
    window: str
    staff: str
    item: str
    source: str
    dq: str
    note: str
    key: str


def parse_findings_csv(data: bytes, name: str = "CSV") -> list[SheetRow]:
    """Parse the bytes of a findings sheet; refuse a wrong header, encoding or shape, naming the row."""
    if not data.strip():
        raise InvalidInput(f"{name} 是空文件")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InvalidInput(f"{name} 第{line}行：不是 UTF-8 编码（如为 Excel 导出，请另存为“CSV UTF-8”）") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise InvalidInput(f"{name} 第1行：缺少表头") from None
    header = [h.strip() for h in header]
    if tuple(header) != HEADER:
        raise InvalidInput(f"{name} 第1行：表头应为 {','.join(HEADER)}，实际为 {','.join(header)}")
    rows: list[SheetRow] = []
    seen: dict[str, int] = {}
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(HEADER):
                raise InvalidInput(f"{name} 第{line}行：应有 {len(HEADER)} 列，实际 {len(record)} 列")
            cells = [c.strip() for c in record]
            content = "\x1f".join(cells)
            n = seen.get(content, 0)
            seen[content] = n + 1
            key = hashlib.sha256(f"{content}\x1e{n}".encode()).hexdigest()
            day, window, staff, item, source, dq, note = cells
            rows.append(SheetRow(line, day, window, staff, item, source, dq, note, key))
    except csv.Error as exc:
        raise InvalidInput(f"{name} 第{reader.line_num}行：CSV 格式错误（{exc}）") from None
    if not rows:
        raise InvalidInput(f"{name} 只有表头，没有记录")
    return rows


def read_findings_csv(path: str) -> list[SheetRow]:
    """Read a findings sheet from a file path."""
    p = Path(path)
    if not p.is_file():
        raise InvalidInput(f"文件不存在：{path}")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"无法读取 {path}：{exc.strerror or exc}") from None
    return parse_findings_csv(data, p.name)
