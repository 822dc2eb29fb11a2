"""The empty inspection sheet a clerk types a week into in Excel: the header, drop-down lists of the center's
windows, staff, items, sources and disqualification kinds, and id columns formatted as text (so 0101 stays 0101).

Each list entry is "代码 名称"; `import findings` takes the code and checks the name against it
(ledger/commands/sheet_rows.py), so a bare code typed by hand is as good as an entry picked from a list.
"""

from __future__ import annotations

import io
from datetime import datetime

from cli.files.xlsx_file import EPOCH
from ledger.catalogue import Catalogue
from ledger.registry import Registry
from ledger.sheets.findings import CHINESE_HEADER

ROWS = 1000  # rows prepared with lists and formats
SHEET, LISTS = "检查记录", "代码表"
WIDTHS = (12, 22, 18, 40, 22, 24, 40)


def lists(registry: Registry, cat: Catalogue) -> list[tuple[str, list[str]]]:
    """The drop-down lists of the columns 窗口 … 取消资格, in order: (title, entries "代码 名称")."""
    items = [f"{i.code} {i.text}" for c in cat.window_categories + cat.staff_categories for i in c.items]
    return [
        ("窗口", [f"{code} {w['name']}" for code, w in sorted(registry.windows.items())]),
        ("人员", [f"{pid} {p['name']}" for pid, p in sorted(registry.people.items())]),
        ("条目", items),
        ("来源", [f"{code} {name}" for code, name in cat.sources.items()]),
        ("取消资格", [f"{d.kind} {d.name}" for d in cat.disqualifications]),
    ]


def render(registry: Registry, cat: Catalogue, created: datetime | None = None) -> bytes:
    """The template workbook's bytes (reproducible: one fixed creation date unless given)."""
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    book.set_properties({"title": "检查记录表（导入用）", "created": created or EPOCH})
    heading = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    text = book.add_format({"num_format": "@"})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    ws = book.add_worksheet(SHEET)
    codes = book.add_worksheet(LISTS)
    ws.write_row(0, 0, CHINESE_HEADER, heading)
    for col, w in enumerate(WIDTHS):
        ws.set_column(col, col, w, day if col == 0 else text)
    ws.freeze_panes(1, 0)
    ws.data_validation(1, 0, ROWS, 0, {
        "validate": "date", "criteria": ">=", "value": datetime.combine(cat.effective, datetime.min.time()),
        "input_title": "日期", "input_message": "如 2008-05-27 或 2008/5/27",
        "error_title": "日期", "error_message": f"请填写 {cat.effective} 以后的日期",
    })
    for n, (title, entries) in enumerate(lists(registry, cat)):
        codes.write_string(0, n, title, heading)
        for r, entry in enumerate(entries, start=1):
            codes.write_string(r, n, entry)
        codes.set_column(n, n, 30)
        if not entries:
            continue
        letter = "ABCDE"[n]
        ws.data_validation(1, n + 1, ROWS, n + 1, {
            "validate": "list", "source": f"='{LISTS}'!${letter}$2:${letter}${len(entries) + 1}",
            "error_type": "warning", "error_title": title,
            "error_message": f"不在{title}列表中：请从下拉列表中选择，或只填写{title}代码",
            "ignore_blank": True,
        })
    ws.write_comment(0, 2, "窗口的记录留空；人员的记录，窗口填此人当天所在的窗口")
    ws.write_comment(0, 5, "可空；各类型适用的条目见 kaoping rules show")
    codes.hide()
    ws.activate()
    book.close()
    return buf.getvalue()
