"""China's working-day calendar (D28): 法定节假日 and 调休 make-up working days as data, so no deadline is counted
in plain weekdays where the State Council arranged otherwise.

The shipped revision (ledger/calendars/cn@1.json, 2004–2026, written once by scripts/seed-workdays) never changes;
a center adds each new year's arrangement as a recorded event (`kaoping calendar add`, CalendarYearAdded). A year in
neither counts weekdays only, and every deadline reaching into it is provisional (暂定) until the year is added.
"""

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import orjson

from ledger.calendar import iso_day
from ledger.errors import CatalogueError, InvalidInput, NotAllowed

SHIPPED = Path(__file__).with_name("calendars") / "cn@1.json"
SHIPPED_SHA256 = "0b1aff4481df73b0df33bbf55b8154bfd505cd273d54c74697513dc37f56e536"
"""The shipped file's hash: a shipped calendar never changes (a new year is a new revision or an event)."""
LOOK_AHEAD = 1
"""Dates up to this many years past the last arranged year are counted (weekdays only, 暂定); later ones refused."""


class YearArrangement(NamedTuple):
    """One year's 部分节假日安排: its days off (法定节假日 with the weekends they swallow) and its 调休 working days."""

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]
    source: str


def check_arrangement(a: YearArrangement) -> YearArrangement:
    """The arrangement when it is consistent (every day in its year, no day both off and at work, make-up
    working days on weekends only), else a refusal naming the day."""
    for d in sorted(a.holidays | a.workdays):
        if d.year != a.year:
            raise InvalidInput(f"{d} 不在 {a.year} 年内")
    both = sorted(a.holidays & a.workdays)
    if both:
        raise InvalidInput(f"{both[0]} 不能既是假日又是调休上班日")
    weekday = sorted(d for d in a.workdays if d.weekday() < 5)
    if weekday:
        raise InvalidInput(f"调休上班日应为周六或周日：{weekday[0]}")
    if not a.holidays:
        raise InvalidInput(f"{a.year} 年的安排没有假日")
    return a


@dataclass(frozen=True)
class WorkCalendar:
    """Working days: weekdays that are not holidays, and the 调休 weekends; years without data count weekdays."""

    years: Mapping[int, YearArrangement] = field(default_factory=dict)

    @property
    def first_year(self) -> int:
        """The earliest year the calendar has data for."""
        return min(self.years)

    @property
    def last_year(self) -> int:
        """The latest year the calendar has data for."""
        return max(self.years)

    def known(self, year: int) -> bool:
        """Whether the year's arrangement is in the data (else its deadlines are 暂定)."""
        return year in self.years

    def with_year(self, a: YearArrangement) -> "WorkCalendar":
        """This calendar and one more year's arrangement."""
        return WorkCalendar({**self.years, a.year: a})

    def check(self, day: date, what: str = "日期") -> date:
        """A day the calendar can count from: refused before its first year or past the look-ahead."""
        if day.year < self.first_year:
            raise InvalidInput(f"{what} {day} 早于工作日历的起始年份 {self.first_year} 年")
        if day.year > self.last_year + LOOK_AHEAD:
            raise NotAllowed(f"{what} {day} 超出工作日历（已有至 {self.last_year} 年）：请先用 kaoping calendar add "
                             f"{self.last_year + 1} 添加国务院办公厅公布的节假日安排")
        return day

    def is_working_day(self, day: date) -> bool:
        """Whether the center works on this day (D28)."""
        a = self.years.get(day.year)
        if a is not None:
            if day in a.workdays:
                return True
            if day in a.holidays:
                return False
        return day.weekday() < 5

    def on_or_after(self, day: date) -> date:
        """The day itself when it is a working day, else the next working day."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def span(self, start: date, days: int) -> tuple[date, date]:
        """A period of `days` working days starting on `start` (or the next working day): its first and last day."""
        first = self.on_or_after(start)
        last, counted = first, 1
        while counted < days:
            last += timedelta(days=1)
            if self.is_working_day(last):
                counted += 1
        return first, last

    def after(self, day: date, days: int) -> date:
        """The `days`-th working day after `day` (the day itself not counted): a deadline `days` working days on."""
        return self.span(day + timedelta(days=1), days)[1]

    def provisional(self, first: date, last: date) -> bool:
        """Whether a period reaches into a year not in the data (its days counted as weekdays only: 暂定)."""
        return any(not self.known(y) for y in range(first.year, last.year + 1))


def _days(values: Iterable[Any]) -> frozenset[date]:
    return frozenset(date.fromisoformat(str(v)) for v in values)


@cache
def shipped() -> WorkCalendar:
    """The shipped calendar, checked against its pinned hash and validated; CatalogueError when it is not."""
    try:
        data = SHIPPED.read_bytes()
    except OSError as exc:
        raise CatalogueError(f"缺少工作日历文件 {SHIPPED.name}：{exc}") from exc
    if hashlib.sha256(data).hexdigest() != SHIPPED_SHA256:
        raise CatalogueError(f"工作日历文件 {SHIPPED.name} 已被改动（与发布时的摘要不符）")
    try:
        raw = orjson.loads(data)
        years = {}
        for text, entry in raw["years"].items():
            a = YearArrangement(int(text), _days(entry["holidays"]), _days(entry["workdays"]),
                                f"{raw['title']}（{raw['seeded_from']}）")
            years[a.year] = check_arrangement(a)
    except (KeyError, TypeError, ValueError, InvalidInput) as exc:
        raise CatalogueError(f"工作日历文件 {SHIPPED.name} 格式错误：{exc}") from exc
    if not years:
        raise CatalogueError(f"工作日历文件 {SHIPPED.name} 没有任何年份")
    return WorkCalendar(years)


def calendar_from(added: Iterable[Mapping[str, Any]]) -> WorkCalendar:
    """The shipped calendar with the years a center added (CalendarYearAdded fields, oldest first)."""
    cal = shipped()
    for e in added:
        a = YearArrangement(int(e["year"]), _days(iso_day(d) for d in e["holidays"]),
                            _days(iso_day(d) for d in e["workdays"]), str(e["source"]))
        if not cal.known(a.year):
            cal = cal.with_year(a)
    return cal

