"""The working-day calendar's own facts: a year's 节假日安排 added by the center (D28)."""

from __future__ import annotations

from datetime import date

from ledger.events.base import Fact


class CalendarYearAdded(Fact):
    """A year's 法定节假日 (days off) and 调休 working days, as the State Council arranged them (`source`)."""

    year: int
    holidays: list[date]
    workdays: list[date]
    source: str
