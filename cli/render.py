"""Terminal rendering: CJK-aligned tables and orjson documents, neither ever handing the terminal a control
character from the ledger (ledger/text.py)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import click
import orjson

from ledger.text import json_safe, shown


@lru_cache(maxsize=8192)
def char_width(ch: str) -> int:
    """Display columns of one character: CJK (wide/fullwidth) take two. Cached: a log of thousands of rows asks
    for the same few hundred characters again and again (the Unicode lookup was most of `log`'s time)."""
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def width(text: str) -> int:
    """Display width of text in a terminal: CJK (wide/fullwidth) characters take two columns; ASCII text (codes,
    dates, ids — most cells) is counted by its length without looking at each character."""
    return len(text) if text.isascii() else sum(map(char_width, text))


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


def clip(text: str, cols: int) -> str:
    """Text cut to at most `cols` display columns, ending in … when cut."""
    if width(text) <= cols:
        return text
    out, used = [], 0
    for ch in text:
        w = char_width(ch)
        if used + w > cols - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def wrap(text: str, cols: int) -> list[str]:
    """Text broken into lines of at most `cols` display columns (CJK counted double), at a space or a comma when
    one is near the end of a line (so a code such as S3.3 is not split), and no line starts with a comma."""
    if width(text) <= cols:  # most cells fit: no walk over their characters
        return [text]
    lines: list[str] = []
    line: list[str] = []
    used = 0
    for ch in text:
        w = char_width(ch)
        if line and used + w > cols:
            cut = max((i for i, c in enumerate(line) if c in " ,，、；：" and i >= len(line) - 12), default=-1)
            if cut < 0 and ch in "，。、；：）":
                cut = len(line) - 2
            rest = line[cut + 1:] if cut >= 0 else []
            lines.append("".join(line[: cut + 1] if cut >= 0 else line).rstrip())
            line, used = rest, sum(map(char_width, rest))
        line.append(ch)
        used += w
    lines.append("".join(line))
    return lines


def fitted_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], total: int = 100, align: str = "") -> str:
    """`table` no wider than `total` columns: the last column wraps onto lines of its own column, the other
    columns of those lines left blank (so a continued line never reads as a row of its own)."""
    if not rows:
        return table(headers, rows, align)
    head = [[str(h) for h in headers[:-1]]] + [["" if c is None else shown(str(c)) for c in r[:-1]] for r in rows]
    cols = [max(width(row[i]) for row in head) for i in range(len(headers) - 1)]
    room = max(20, total - sum(cols) - 2 * len(cols))
    out: list[list[Any]] = []
    for r in rows:
        first, *more = wrap("" if r[-1] is None else shown(str(r[-1])), room)  # measured and cut as printed
        out.append([*r[:-1], first])
        out.extend([*([""] * (len(headers) - 1)), line] for line in more)
    return table(headers, out, align)
