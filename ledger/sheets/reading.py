"""A findings sheet from a file path: a workbook by its extension, anything else as CSV."""

from __future__ import annotations

from pathlib import Path

from ledger.errors import InvalidInput
from ledger.sheets.findings import Sheet, parse_findings_csv

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


def read_findings(path: str, sheet: str | None = None) -> Sheet:
    """Read a findings sheet from a file path: a workbook by its extension (its first sheet, or the named one),
    anything else as CSV."""
    p = Path(path)
    if not p.is_file():
        raise InvalidInput(f"文件不存在：{path}")
    if p.suffix.lower() in WORKBOOK_SUFFIXES:
        from ledger.sheets.workbook import read_workbook  # python-calamine: loaded only for a workbook

        return read_workbook(p, sheet)
    if sheet is not None:
        raise InvalidInput(f"{p.name} 是 CSV 文件，没有工作表（--sheet 只用于 Excel 工作簿）")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"文件无法读取：{path}（{exc.strerror}）") from None
    return parse_findings_csv(data, p.name)

