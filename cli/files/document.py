"""One model of a file for people: a titled document of tables, which every format writer renders the same way."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ledger.text import shown

Cell = str | int | float | None
"""What one cell of a file holds: text, a number, or nothing."""

LIST_SEPARATOR = "、"


def cell(value: Any) -> Cell:
    """The cell that shows a JSON value: yes/no in Chinese, a list joined with 、, nothing for null or [], text as
    `shown` prints it."""
    if value is None:
        return None
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, str):
        return shown(value)  # a control character from the ledger is shown, never put in a file as it is
    if isinstance(value, int | float):
        return value
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(str(cell(v)) for v in value if v is not None) or None
    raise TypeError(f"not a cell value: {value!r}")


def text(value: Cell) -> str:
    """A cell as the text a reader sees (empty for nothing)."""
    return "" if value is None else str(value)


@dataclass(frozen=True)
class Column:
    """One column: the JSON key its values come from, and its Chinese header."""

    key: str
    header: str


@dataclass(frozen=True)
class Table:
    """A titled table: its columns and the cells of each row."""

    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]

    @property
    def headers(self) -> list[str]:
        """The column headers in order."""
        return [c.header for c in self.columns]


@dataclass(frozen=True)
class Document:
    """A file for people: a title, lines said under it, and its tables."""

    title: str
    lines: tuple[str, ...]
    tables: tuple[Table, ...]


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, bool | int | float | str) or (
        isinstance(value, list) and all(v is None or isinstance(v, bool | int | float | str) for v in value))


def table(title: str, columns: Sequence[tuple[str, str]], records: Iterable[Mapping[str, Any]]) -> Table:
    """A table of JSON records: the named columns first, then any other plain key the records carry (a key a later
    release adds still reaches the file, under its own name, until it is given a Chinese header)."""
    records = list(records)
    cols = [Column(k, h) for k, h in columns]
    named = {k for k, _ in columns}
    extra = list(dict.fromkeys(k for r in records for k in r if k not in named))
    cols += [Column(k, k) for k in extra if all(_scalar(r.get(k)) for r in records)]
    rows = tuple(tuple(cell(r.get(c.key)) for c in cols) for r in records)
    return Table(title, tuple(cols), rows)


def pairs(title: str, items: Sequence[tuple[str, Any]]) -> Table:
    """A two-column table of named values (a summary)."""
    return Table(title, (Column("item", "项目"), Column("value", "内容")),
                 tuple((name, cell(value)) for name, value in items))
