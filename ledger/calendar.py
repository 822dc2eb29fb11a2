"""Dates and quarters as the rules use them: strict ISO dates, calendar quarters written 2008Q2."""

from __future__ import annotations

import re
from datetime import date

from ledger.errors import InvalidInput

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # ASCII digits only (D27): \d would take ２００８ too
_QUARTER = re.compile(r"([0-9]{4})Q([1-4])")


def parse_date(text: str, what: str = "日期") -> date:
    """A YYYY-MM-DD date in ASCII digits (D27) that exists on the calendar, or a refusal naming the text (as repr:
    a control character in it is shown escaped)."""
    text = (text or "").strip()
    if not _DATE.fullmatch(text):
        raise InvalidInput(f"{what}格式应为 YYYY-MM-DD：{text!r}")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{what}不存在：{text}") from None


def quarter_of(day: date) -> str:
    """The calendar quarter a date belongs to (D1), e.g. 2008Q2."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def parse_quarter(text: str) -> str:
    """A quarter written YYYYQn in ASCII digits (D27) of a year the calendar has, or a refusal."""
    text = (text or "").strip().upper()
    m = _QUARTER.fullmatch(text)
    if not m:
        raise InvalidInput(f"季度格式应为 YYYYQn（如 2008Q2）：{text!r}")
    if int(m.group(1)) < 1:
        raise InvalidInput(f"季度不存在：{text}（没有公元 0 年）")
    return text


def quarter_bounds(quarter: str) -> tuple[date, date]:
    """First and last day of a quarter."""
    year, q = int(parse_quarter(quarter)[:4]), int(quarter[-1])
    first = date(year, 3 * q - 2, 1)
    last = date(year, 12, 31) if q == 4 else date.fromordinal(date(year, 3 * q + 1, 1).toordinal() - 1)
    return first, last


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
