"""What the ledger accepts as text (D27), and how stored text is shown: one module for every check and printer.

Quarters, dates and numbers take ASCII digits only (a `２００８Q3` must not become a second quarter); codes and ids
are printable, without spaces, separators, zero-width or bidi characters, their digits ASCII, and in one spelling
only (no fullwidth twin of a code); names, notes and reasons refuse control characters, line breaks and bidi
controls. Text already in a ledger (a first release accepted anything) is shown through `shown`, never as it is.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from ledger.errors import InvalidInput

ASCII_NUMBER = re.compile(r"[+-]?[0-9]+")
SEPARATORS = frozenset(",，、;；")
BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
LINE_BREAKS = frozenset(("Zl", "Zp"))
UNSHOWN = frozenset(("Cc", "Cf", "Cs", "Zl", "Zp"))
"""Categories a terminal must not be handed raw: controls (ESC, newline, DEL, C1), format characters (zero-width,
bidi), surrogates and line or paragraph separators."""
ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def is_utf8(value: str) -> bool:
    """False for text holding surrogates: what Python makes of bytes that were not UTF-8 (an argument, a file
    name); no event, file or terminal can take them."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _named(ch: str) -> str:
    """A character named so a reader can see it: U+200B（ZERO WIDTH SPACE）."""
    return f"U+{ord(ch):04X}（{unicodedata.name(ch, '控制字符')}）"


def number(text: str, what: str = "数字") -> int:
    """An integer written with ASCII digits only (D27), or a refusal naming the text."""
    stripped = (text or "").strip()
    if not ASCII_NUMBER.fullmatch(stripped):
        raise InvalidInput(f"{what}应为半角数字（0-9）：{text!r}")
    return int(stripped)


def code(text: str | None, what: str) -> str:
    """A new code or id (D27): printable, no space, separator, zero-width or bidi character, and NFKC-stable —
    so `ＤＳ` or `０１０１` cannot become a second window or person that looks like the first."""
    value = (text or "").strip()
    if not value or any(ch.isspace() or ch == "," for ch in value):
        raise InvalidInput(f"{what}不能为空，且不能含空格或逗号：{value!r}")
    for ch in value:
        if ch in SEPARATORS:
            raise InvalidInput(f"{what}不能含分隔符 {ch}：{value!r}")
        if not ch.isprintable():
            raise InvalidInput(f"{what}含有不可见或控制字符 {_named(ch)}：{value!r}")
        if ch.isdecimal() and not ch.isascii():
            raise InvalidInput(f"{what}中的数字应为半角数字（0-9），不能用 {_named(ch)}：{value!r}")
    normal = unicodedata.normalize("NFKC", value)
    if normal != value:
        raise InvalidInput(f"{what}含有全角或兼容字符（请写作 {normal!r}）：{value!r}")
    return value


def line(text: str | None, what: str) -> str:
    """A name, note or reason (D27), trimmed: printed on one line, so control characters (a newline, an ESC
    sequence), line separators and bidi controls are refused."""
    value = (text or "").strip()
    if value.isprintable():
        return value  # everything refused below is non-printable: one check in C for the common case
    for ch in value:
        category = unicodedata.category(ch)
        if category == "Cs":
            raise InvalidInput(f"{what}不是有效的 UTF-8 文本：{value!r}")
        if category == "Cc" or category in LINE_BREAKS:
            raise InvalidInput(f"{what}不能含换行或控制字符 {_named(ch)}：{value!r}")
        if ch in BIDI:
            raise InvalidInput(f"{what}不能含文字方向控制字符 {_named(ch)}：{value!r}")
    return value


def ref_key(ref: str | None) -> str | None:
    """What makes two `--ref`s the same article or honour (D27): NFKC, without spaces or invisible characters;
    None for no ref."""
    if not ref:
        return None
    folded = unicodedata.normalize("NFKC", ref)
    key = "".join(ch for ch in folded if not ch.isspace() and unicodedata.category(ch) != "Cf")
    return key or None


def _escape(ch: str) -> str:
    if ch in ESCAPES:
        return ESCAPES[ch]
    n = ord(ch)
    return f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}" if n < 0x10000 else f"\\U{n:08x}"


def shown(text: str) -> str:
    """Text as a terminal may print it on one line: every control, format, surrogate or line-separator character
    written as a visible escape (`\\x1b`, `\\n`, `\\u202e`)."""
    if text.isprintable():
        return text  # the common case, in C
    return "".join(_escape(ch) if unicodedata.category(ch) in UNSHOWN else ch for ch in text)


def shown_all(value: Any) -> Any:
    """A JSON-like document with every string (keys too) passed through `shown`: what a text renderer may use."""
    if isinstance(value, str):
        return shown(value)
    if isinstance(value, dict):
        return {shown(k) if isinstance(k, str) else k: shown_all(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [shown_all(v) for v in value]
    return value


JSON_CANDIDATES = (
    "[\u007f-\u009f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u2028-\u202e"
    "\u2060-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001-\U000e007f]")
"""Every character outside ASCII that may be a control, format or line-separator character (a superset, checked
against the running Python's Unicode data in tests/ledger/test_text.py): a regex finds the few in a long document
in C, where asking each character's category in Python would cost a loop over the whole text. Kept as its text and
compiled by `re` on first use (its cache): compiling it costs ~1 ms, paid at the start of every command when it was
compiled at import, though only --json output needs it (issue 15)."""


def _json_escape(m: re.Match[str]) -> str:
    ch = m.group()
    if unicodedata.category(ch) not in UNSHOWN:
        return ch
    n = ord(ch)
    if n < 0x10000:
        return f"\\u{n:04x}"
    n -= 0x10000
    return f"\\u{0xD800 + (n >> 10):04x}\\u{0xDC00 + (n & 0x3FF):04x}"


def json_safe(document: str) -> str:
    """A JSON text with the characters JSON leaves raw but a terminal acts on (DEL, C1 controls, format and
    line-separator characters) written as \\u escapes: the same document, safe to print."""
    return re.sub(JSON_CANDIDATES, _json_escape, document)
