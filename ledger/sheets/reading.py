"""A sheet from a file path, the one way every sheet (findings, ratings) is: a workbook by its extension, anything
else as CSV."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from ledger.errors import InvalidInput
from ledger.sheets import table
from ledger.sheets.findings import FINDINGS, Sheet

R = TypeVar("R")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


def read_sheet(path: str, layout: table.Layout[R], sheet: str | None = None) -> table.Sheet[R]:
    """Read a sheet of this layout from a file path: a workbook by its extension (its first sheet, or the named
    one), anything else as CSV (UTF-8 with or without BOM, or GBK)."""
    p = Path(path)
    if not p.is_file():
        raise InvalidInput(f"文件不存在：{path}")
    if p.suffix.lower() in WORKBOOK_SUFFIXES:
        from ledger.sheets.workbook import workbook_records  # python-calamine: loaded only for a workbook

        name, records = workbook_records(p, sheet, layout)
        return table.sheet_of(name, "Excel", records, layout, text=False)
    if sheet is not None:
        raise InvalidInput(f"{p.name} 是 CSV 文件，没有工作表（--sheet 只用于 Excel 工作簿）")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"文件无法读取：{path}（{exc.strerror}）") from None
    return table.parse_csv(data, p.name, layout)


def read_findings(path: str, sheet: str | None = None) -> Sheet:
    """Read a findings sheet from a file path (CSV or workbook)."""
    return read_sheet(path, FINDINGS, sheet)
