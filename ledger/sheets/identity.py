"""Which row of a sheet is which (D26): its normalised values and its place among identical rows of its sheet.

The key of a row is sha256 of its seven values joined by U+001F — the date as ISO text, codes as the registered
text, an empty staff or dq as "" — then U+001E and how many identical rows came before it in the sheet. The first
release keyed the cells as typed the same way, and it accepted only rows whose typed cells are exactly these
normalised values, so every key it stored is the key of the same row today: a sheet it imported adds nothing now,
and the same week saved as CSV, as GBK CSV or as a workbook is the same sheet.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

FIELD, OCCURRENCE = "\x1f", "\x1e"


def row_content(day: str, window: str, staff: str | None, item: str, source: str, dq: str | None,
                note: str) -> str:
    """A row's normalised values as the one text its key is made from (the day as ISO text, `date.isoformat`)."""
    return FIELD.join((day, window, staff or "", item, source, dq or "", note))


class RowKeys:
    """The keys of one sheet's rows given in order, a part of the sheet at a time (an import checks and stores a
    part while the database takes the part before): identical rows are told apart by their occurrence number."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def __call__(self, contents: Iterable[str]) -> list[str]:
        """The keys of the sheet's next rows."""
        seen = self.seen
        keys: list[str] = []
        for content in contents:
            n = seen.get(content, 0)
            seen[content] = n + 1
            keys.append(hashlib.sha256(f"{content}{OCCURRENCE}{n}".encode()).hexdigest())
        return keys


def row_keys(contents: Iterable[str]) -> list[str]:
    """The key of each row of one sheet, in order: identical rows are told apart by their occurrence number."""
    return RowKeys()(contents)
