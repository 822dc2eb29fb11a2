"""Terminal rendering: CJK-aligned tables and orjson documents, neither ever handing the terminal a control
character from the ledger (ledger/text.py)."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import accumulate, repeat
from typing import Any

import click
import orjson

from ledger.text import json_safe, shown


@lru_cache(maxsize=8192)
def char_width(ch: str) -> int:
    """Display columns of one character: CJK (wide/fullwidth) take two. Cached: a log of thousands of rows asks
    for the same few hundred characters again and again (the Unicode lookup was most of `log`'s time)."""
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


COMMON_BYTES = bytes(range(0xC0)) + bytes(range(0xE2, 0xEA)) + b"\xef"
"""The UTF-8 bytes of ASCII, continuation bytes and the lead bytes of U+2000–U+9FFF and U+F000–U+FFFF: a text
whose bytes are all among them is ASCII and characters of those ranges, where Chinese text mostly lies."""
NOT_COMMON = re.compile(rb"\xe2[\x81-\xbf]|\xe3(?:\x80\xbf|\x89)|\xe4\xb7"
                        rb"|\xef(?:[\x80-\xa3\xac-\xbb\xbe]|\xbd[\xa1-\xbf]|\xbf[^\xa0-\xa6])")
"""The blocks of those ranges that are not all wide (U+2040–U+2FFF, U+303F, U+3240–U+327F, U+4DC0–U+4DFF,
U+F000–U+F8FF, U+FB00–U+FEFF, U+FF61–U+FFDF, U+FFE7–U+FFFF), but for U+2000–U+203F (… “ ” —, none of them wide):
every other character there is three bytes and two columns. A bytes pattern: a str pattern of the wide ranges
themselves costs ~9 ms to compile (tests/cli/test_render.py checks every code point against the running Python's
Unicode data)."""
NARROW = b"\xe2\x80"
"""The first two UTF-8 bytes of U+2000–U+203F, each one three bytes and one column."""
ONE_OR_TWO = bytes(2 if b == ord("?") else 1 for b in range(256))
"""Each byte of a text encoded to ASCII with `?` for every other character, as that character's columns."""


def _all_common(encoded: bytes) -> bool:
    """Whether every character of a text (encoded in UTF-8) is ASCII, U+2000–U+203F or a wide one of the common
    Chinese ranges."""
    return not encoded.translate(None, COMMON_BYTES) and NOT_COMMON.search(encoded) is None


def width(text: str) -> int:
    """Display width of text in a terminal: CJK (wide/fullwidth) characters take two columns. ASCII text (codes,
    dates, ids — most cells) is counted by its length, and text of ASCII and common Chinese characters (most of
    the rest) from its UTF-8 length, in C: a Python call per character was most of a long log's rendering."""
    if text.isascii():
        return len(text)
    encoded = text.encode("utf-8", "surrogatepass")
    if _all_common(encoded):
        # a ASCII, n wide and m narrow characters: a + 3n + 3m bytes, a + n + m characters, a + 2n + m columns
        return ((len(encoded) + len(text)) >> 1) - encoded.count(NARROW)
    return sum(map(char_width, text))


def widths(text: str) -> Iterable[int]:
    """The display width of each character of text, in order; for text of ASCII and common wide characters without
    a `?`, made in C (the text encoded to ASCII with `?` for each wide character, each byte as its columns)."""
    encoded = text.encode("utf-8", "surrogatepass")
    if "?" not in text and _all_common(encoded) and NARROW not in encoded:
        return text.encode("ascii", "replace").translate(ONE_OR_TWO)
    return map(char_width, text)


def pad(text: str, cols: int, align: str = "<") -> str:
    """Pad text to `cols` display columns, left or right aligned."""
    fill = " " * max(0, cols - width(text))
    return text + fill if align == "<" else fill + text


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], align: str = "") -> str:
    """A plain-text table whose columns line up even with Chinese text; `align` is per column '<'/'>'; every cell
    on one line as `shown` prints it."""
    # Column by column, each cell measured once: a column of ASCII, printable cells (codes, numbers, dates — most
    # of them) is checked, measured and padded by str methods mapped in C, not a Python call per cell (a log's
    # table has tens of thousands of cells, a report's thousands). tests/cli/test_render.py proves the lines equal
    # to padding each cell by `pad`.
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(headers)
    padded = []
    rule = []
    for n, (head, column) in enumerate(zip(headers, columns, strict=True)):
        cells = list(map(str, column))
        if None in column:
            cells = ["" if c is None else t for c, t in zip(column, cells, strict=True)]
        if not all(map(str.isprintable, cells)):
            cells = list(map(shown, cells))
        cells.insert(0, str(head))
        fast = all(map(str.isascii, cells))
        if fast:
            sizes = list(map(len, cells))
        else:  # a column repeats its values (a log's types and actors): each one measured once
            size_of = {c: width(c) for c in set(cells)}
            sizes = list(map(size_of.__getitem__, cells))
        cols = max(sizes)
        right = n < len(align) and align[n] == ">"
        if fast:
            padded.append(list(map(str.rjust if right else str.ljust, cells, repeat(cols))))
        elif right:
            padded.append([" " * (cols - w) + c for c, w in zip(cells, sizes, strict=True)])
        else:
            padded.append([c + " " * (cols - w) for c, w in zip(cells, sizes, strict=True)])
        rule.append("─" * cols)
    lines = ["  ".join(line).rstrip() for line in zip(*padded, strict=True)]
    lines.insert(1, "  ".join(rule))
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


BREAKS = " ,，、；："
"""Where a line may end (after the character), looked for among a line's last 12 characters."""
NO_LINE_START = "，。、；：）"
"""What must not begin a line: the character before it moves down with it."""


def wrap(text: str, cols: int) -> list[str]:
    """Text broken into lines of at most `cols` display columns (CJK counted double), at a space or a comma when
    one is near the end of a line (so a code such as S3.3 is not split), and no line starts with a comma.

    Each line's end is found by bisecting the text's running width (a log wraps thousands of summaries; walking
    them a character at a time in Python was most of its rendering); tests/cli/test_render.py proves it equal to
    that walk."""
    if width(text) <= cols:  # most cells fit: no walk over their characters
        return [text]
    # run[k] is the width of text[:k]; the line being filled is text[start:...]; a character at index >= `free`
    # may end the line, the one before it went in unconditionally (a line is never empty)
    run = list(accumulate(widths(text), initial=0))
    lines: list[str] = []
    start, free, n = 0, 1, len(text)
    while True:
        at = bisect_right(run, run[start] + cols, lo=free + 1) - 1  # the first character that would overflow
        if at >= n:
            lines.append(text[start:])
            return lines
        lo = max(start, at - 12)  # the last break among the line's last 12 characters, each break looked for in C
        last = max(map(text[lo:at].rfind, BREAKS))
        cut = lo + last if last >= 0 else -1
        if cut < 0 and text[at] in NO_LINE_START and at - start >= 2:
            cut = at - 2
        end = cut + 1 if cut >= 0 else at
        lines.append(text[start:end].rstrip())
        start, free = end, at + 1


def fitted_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], total: int = 100, align: str = "") -> str:
    """`table` no wider than `total` columns: the last column wraps onto lines of its own column, the other
    columns of those lines left blank (so a continued line never reads as a row of its own)."""
    if not rows:
        return table(headers, rows, align)
    head = [[str(h) for h in headers[:-1]]] + [["" if c is None else shown(str(c)) for c in r[:-1]] for r in rows]
    cols = [max(map(width, {row[i] for row in head})) for i in range(len(headers) - 1)]  # each value once
    room = max(20, total - sum(cols) - 2 * len(cols))
    out: list[list[Any]] = []
    for r in rows:
        first, *more = wrap("" if r[-1] is None else shown(str(r[-1])), room)  # measured and cut as printed
        out.append([*r[:-1], first])
        out.extend([*([""] * (len(headers) - 1)), line] for line in more)
    return table(headers, out, align)
