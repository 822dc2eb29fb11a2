"""A document as an Excel workbook: a sheet per table, headers in the first row, numbers as numbers.

XlsxWriter writes it: pure Python (a plain wheel on the center's Windows PCs) and reproducible — it stamps every
part of the zip with one fixed date and takes the document's creation date from us, so the same results give the
same bytes (what `publish --check` relies on).
"""

from __future__ import annotations

import io
import re
from datetime import datetime
from typing import Any

from cli.files.document import Document, Table

EPOCH = datetime(2008, 5, 1)
"""The creation date stamped on a workbook whose date is not given: the day the rules took effect."""

_BAD = re.compile(r"[\[\]:*?/\\]")


def sheet_name(title: str, taken: set[str]) -> str:
    """A title as a legal, unique sheet name (at most 31 characters, none of []:*?/\\)."""
    base = _BAD.sub("_", title)[:31] or "表"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f"({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def add_table(book: Any, t: Table, taken: set[str], heading: Any, wrap: Any) -> None:
    """One table as a sheet with frozen headers, a filter and columns wide enough to read."""
    from cli.render import width

    ws = book.add_worksheet(sheet_name(t.title, taken))
    ws.write_row(0, 0, t.headers, heading)
    for r, row in enumerate(t.rows, start=1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, str):
                ws.write_string(r, c, value)
            else:
                ws.write_number(r, c, value)
    for c, header in enumerate(t.headers):
        widest = max([width(header), *(width(str(row[c])) for row in t.rows if row[c] is not None)])
        ws.set_column(c, c, min(max(widest + 2, 6), 60), wrap if widest > 60 else None)
    ws.freeze_panes(1, 0)
    if t.rows:
        ws.autofilter(0, 0, len(t.rows), len(t.headers) - 1)


def render(doc: Document, created: datetime | None = None) -> bytes:
    """The workbook bytes: a first sheet 说明 with the title and its lines, then a sheet per table."""
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
                                     "strings_to_urls": False})
    book.set_properties({"title": doc.title, "created": created or EPOCH})
    heading = book.add_format({"bold": True, "bg_color": "#EEEEEE", "border": 1})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    taken: set[str] = set()
    about = book.add_worksheet(sheet_name("说明", taken))
    about.write_string(0, 0, doc.title, book.add_format({"bold": True, "font_size": 14}))
    for n, line in enumerate(doc.lines, start=1):
        about.write_string(n, 0, line)
    about.set_column(0, 0, 100)
    for t in doc.tables:
        add_table(book, t, taken, heading, wrap)
    book.close()
    return buf.getvalue()
