"""The classes of hostile text (D27), how each spoils a good value, and the check that a refusal of one is safe."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from ledger.text import UNSHOWN

FULLWIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})
ARABIC_INDIC = str.maketrans({str(d): chr(0x0660 + d) for d in range(10)})


def mid(value: str, inserted: str) -> str:
    """`inserted` inside `value`, never at an end (where trimming would rightly remove a space)."""
    k = max(1, len(value) // 2)
    return value[:k] + inserted + (value[k:] or value)


# class of hostile text → how it spoils a good value
SPOILERS: dict[str, Callable[[str], str]] = {
    "fullwidth digits": lambda v: v.translate({ord(str(d)): chr(0xFF10 + d) for d in range(10)}),
    "arabic-indic digits": lambda v: v.translate(ARABIC_INDIC),
    "a fullwidth twin": lambda v: v.translate(FULLWIDTH),
    "a zero-width space": lambda v: mid(v, "\u200b"),
    "a zero-width joiner": lambda v: mid(v, "\u200d"),
    "a bidi override": lambda v: "\u202e" + v,
    "a bidi isolate": lambda v: mid(v, "\u2067"),
    "a separator": lambda v: mid(v, "、"),
    "a comma": lambda v: mid(v, "，"),
    "an inner space": lambda v: mid(v, " "),
    "an ideographic space": lambda v: mid(v, "\u3000"),
    "an ESC sequence": lambda v: v + "\x1b[2J\x1b[H",
    "a newline forging a row": lambda v: v + "\n99  2008-06-30 12:00  督查科  检查记录  伪造",
    "a carriage return": lambda v: mid(v, "\r"),
    "a tab": lambda v: mid(v, "\t"),
    "a line separator": lambda v: v + "\u2028伪造",
    "a paragraph separator": lambda v: mid(v, "\u2029"),
    "a C1 control": lambda v: v + "\x9b2J",
    "DEL": lambda v: v + "\x7f",
    "a NUL": lambda v: v + "\x00",
    "bytes that are not UTF-8": lambda v: v + "\udcff",
}
ONE_LINE = {"an ESC sequence", "a newline forging a row", "a carriage return", "a tab", "a line separator",
            "a paragraph separator", "a C1 control", "DEL", "a NUL", "bytes that are not UTF-8", "a bidi override",
            "a bidi isolate"}
"""What a name, note or reason refuses (D27): anything that would break its one line on a terminal."""


def classes(kind: str) -> list[str]:
    """The hostile classes a slot of this kind must refuse."""
    return sorted(ONE_LINE) if kind == "line" else sorted(SPOILERS)


def unsafe(text: str) -> list[str]:
    """Characters a terminal would act on, other than the newlines that end lines."""
    return [f"U+{ord(ch):04X}" for ch in text.replace("\n", "")
            if unicodedata.category(ch) in UNSHOWN and ch != "\n"]


def assert_refused_safely(result: object, label: str) -> None:
    exit_code, stdout, stderr = result.exit_code, result.stdout, result.stderr  # type: ignore[attr-defined]
    assert exit_code == 2, (label, exit_code, stdout, stderr)
    assert stdout == "", (label, stdout)
    lines = stderr.rstrip("\n").split("\n")
    assert len(lines) == 1 and lines[0].startswith("错误："), (label, stderr)
    assert "Traceback" not in stderr
    assert unsafe(stderr) == [], (label, stderr)
