"""Dates and quarters as the rules use them: strict ISO dates, calendar quarters written 2008Q2."""

from __future__ import annotations

import re
from datetime import date

from ledger.errors import InvalidInput

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")


def parse_date(text: str, what: str = "日期") -> date:
    """A YYYY-MM-DD date that exists on the calendar, or a refusal naming the text."""
    text = (text or "").strip()
    if not _DATE.match(text):
        raise InvalidInput(f"{what}格式应为 YYYY-MM-DD：{text!r}")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{what}不存在：{text}") from None


def quarter_of(day: date) -> str:
    """The calendar quarter a date belongs to (D1), e.g. 2008Q2."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def parse_quarter(text: str) -> str:
    """A quarter written YYYYQn, or a refusal."""
    text = (text or "").strip().upper()
    if not _QUARTER.match(text):
        raise InvalidInput(f"季度格式应为 YYYYQn（如 2008Q2）：{text!r}")
    return text


def quarter_bounds(quarter: str) -> tuple[date, date]:
    """First and last day of a quarter."""
    m = _QUARTER.match(quarter)
    if not m:
        raise InvalidInput(f"季度格式应为 YYYYQn（如 2008Q2）：{quarter!r}")
    year, q = int(m.group(1)), int(m.group(2))
    first = date(year, 3 * q - 2, 1)
    last = date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)
    return first, date.fromordinal(last.toordinal() - 1)


def quarter_label(quarter: str) -> str:
    """Chinese label of a quarter, e.g. 2008年第2季度."""
    return f"{quarter[:4]}年第{quarter[-1]}季度"


def iso_day(value: object) -> str:
    """ISO text of a day however a stored or decoded event holds it: a `date`, ISO text, or the transcoder's
    tagged form `{"_type_": "date_iso", "_data_": "2008-05-10"}` (what a raw-decoded row still holds)."""
    t = type(value)
    if t is str:
        return value  # type: ignore[return-value]
    if t is dict:
        return value["_data_"]  # type: ignore[index]
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not a day: {value!r}")
