"""Terminal rendering: CJK-aligned tables and orjson documents, neither ever handing the terminal a control
character from the ledger (ledger/text.py)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

import click
import orjson

from ledger.text import json_safe, shown


def width(text: str) -> int:
    """Display width of text in a terminal: CJK (wide/fullwidth) characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def pad(text: str, cols: int, align: str = "<") -> str:
    """Pad text to `cols` display columns, left or right aligned."""
    fill = " " * max(0, cols - width(text))
    return text + fill if align == "<" else fill + text


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], align: str = "") -> str:
    """A plain-text table whose columns line up even with Chinese text; `align` is per column '<'/'>'; every cell
    on one line as `shown` prints it."""
    cells = [[str(h) for h in headers]] + [["" if c is None else shown(str(c)) for c in r] for r in rows]
    cols = [max(width(row[i]) for row in cells) for i in range(len(headers))]
    aligns = [align[i] if i < len(align) else "<" for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(pad(c, cols[i], aligns[i]) for i, c in enumerate(row)).rstrip())
        if n == 0:
            lines.append("  ".join("─" * c for c in cols))
    return "\n".join(lines)


def dumps(doc: Any) -> str:
    """A JSON document as orjson writes it (UTF-8, no ASCII escaping), indented for reading; the few characters
    JSON leaves raw but a terminal would act on (C1 controls, bidi and line-separator characters) as \\u escapes."""
    return json_safe(orjson.dumps(doc, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode("utf-8"))


def emit_json(doc: Any) -> None:
    """Print one JSON document on stdout."""
    click.echo(dumps(doc))


def emit_id(value: Any, as_json: bool) -> None:
    """Print the id of something just created (CLI.md: plain, or {"id": …} with --json)."""
    if as_json:
        emit_json({"id": str(value)})
    else:
        click.echo(str(value))
