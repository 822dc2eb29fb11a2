"""A sheet typed in Excel, read with python-calamine: date cells are dates, numbers are numbers."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook

from ledger.errors import InvalidInput
from ledger.sheets.table import Layout, check_header


def workbook_records(path: Path, sheet: str | None, layout: Layout[Any]
                     ) -> tuple[str, Iterator[tuple[int, Sequence[object]]]]:
    """How refusals name a worksheet (文件 工作表“名称”) and its (line, cells) records after a header of the
    layout's columns: the one workbook reading every sheet (findings, ratings) goes through."""
    try:
        book = CalamineWorkbook.from_path(str(path))
    except (CalamineError, OSError, ValueError) as exc:
        raise InvalidInput(f"{path.name} 不是可读取的 Excel 工作簿（{_first_line(exc)}）") from None
    with book:
        names = list(book.sheet_names)
        if sheet is None:
            if not names:
                raise InvalidInput(f"{path.name} 里没有工作表")
            sheet = names[0]
        elif sheet not in names:
            raise InvalidInput(f"{path.name} 里没有工作表“{sheet}”（有：{'、'.join(names)}）")
        try:
            cells = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        except (CalamineError, ValueError) as exc:
            raise InvalidInput(f"{path.name} 的工作表“{sheet}”无法读取（{_first_line(exc)}）") from None
    name = f"{path.name} 工作表“{sheet}”"
    if not cells or not any(str(c).strip() for c in cells[0]):
        raise InvalidInput(f"{name} 第1行：缺少表头")
    check_header(name, cells[0], layout)
    return name, ((n, row) for n, row in enumerate(cells[1:], start=2))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
