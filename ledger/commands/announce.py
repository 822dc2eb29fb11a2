"""Decisions of the 公示 (D28) and of the working-day calendar: a decided quarter shown to the public for N working
days, publication held until it has ended with no appeal pending, a year's 节假日安排 added. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ledger import events as ev
from ledger import ids
from ledger.calendar import parse_date, quarter_bounds, quarter_label
from ledger.commands.quarter import QuarterStream, require
from ledger.commands.stamp import Stamp
from ledger.errors import InvalidInput, NotAllowed
from ledger.workdays import WorkCalendar, YearArrangement, check_arrangement

VOIDS_ANNOUNCEMENT = frozenset({"DecisionRecorded", "DecisionAmended"})
"""The quarter events after which a 公示 under way no longer stands (an amended decision, D25): announce again."""
MAX_DAYS = 60


def current_announcement(events: Sequence[ev.Fact]) -> ev.QuarterAnnounced | None:
    """The quarter's 公示 in force: the latest announcement made after the latest decision (D25, D28)."""
    current = None
    for e in events:
        if isinstance(e, ev.QuarterAnnounced):
            current = e
        elif type(e).__name__ in VOIDS_ANNOUNCEMENT:
            current = None
    return current


@dataclass(frozen=True)
class Span:
    """A 公示's first and last working day, and whether it reaches into a year not in the calendar (暂定)."""

    first: date
    last: date
    provisional: bool


def span_of(calendar: WorkCalendar, day: date, days: int) -> Span:
    """Where a 公示 of `days` working days announced on `day` runs."""
    first, last = calendar.span(day, days)
    return Span(first, last, calendar.provisional(first, last))


def announce(qs: QuarterStream, events: Sequence[ev.Fact], calendar: WorkCalendar, stamp: Stamp, day: str | None,
             days: int) -> ev.QuarterAnnounced:
    """A decided quarter put on 公示 from `day` (default today), not before the quarter ended, not in the future,
    once per decision."""
    require(qs, "decided", "公示")
    if current_announcement(events) is not None:
        raise NotAllowed(f"{quarter_label(qs.quarter)}已在公示（党组修正决定后才需重新公示）")
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(f"公示天数应为 1 到 {MAX_DAYS} 个工作日：{days}")
    d = parse_date(day, "公示日期") if day else stamp.today
    if d <= quarter_bounds(qs.quarter)[1]:
        raise InvalidInput(f"公示日期 {d} 应在{quarter_label(qs.quarter)}结束之后")
    if d > stamp.today:
        raise InvalidInput(f"公示日期不能晚于今天：{d}")
    calendar.check(d, "公示日期")
    return stamp.event(ev.QuarterAnnounced, ids.quarter_id(qs.quarter), qs.version + 1, quarter=qs.quarter, date=d,
                       days=days)


def check_publishable(qs: QuarterStream, events: Sequence[ev.Fact], calendar: WorkCalendar, today: date,
                      pending: Sequence[str]) -> None:
    """Refuse publication during the 公示, after a 公示 voided by an amended decision, or with an appeal of the
    quarter pending (D28); a quarter never announced publishes as before."""
    label = quarter_label(qs.quarter)
    if pending:
        raise NotAllowed(f"{label}还有 {len(pending)} 件申诉未复核（{','.join(pending)}），复核后才能公布")
    shown = current_announcement(events)
    if shown is None:
        if any(isinstance(e, ev.QuarterAnnounced) for e in events):
            raise NotAllowed(f"{label}的公示因党组修正决定而作废，请重新公示（kaoping announce {qs.quarter}）")
        return
    s = span_of(calendar, shown.date, shown.days)
    if today <= s.last:
        mark = "，暂定" if s.provisional else ""
        raise NotAllowed(f"{label}正在公示（{s.first} 至 {s.last}{mark}），公示期满后才能公布")


def calendar_year(calendar: WorkCalendar, version: int, stamp: Stamp, year: int, holidays: Sequence[str],
                  workdays: Sequence[str], source: str) -> ev.CalendarYearAdded:
    """A year's 节假日安排 not yet in the calendar, consistent, with the document it comes from."""
    if calendar.known(year):
        raise NotAllowed(f"{year} 年的节假日安排已在工作日历中，不能再次添加")
    if year != calendar.last_year + 1:
        raise InvalidInput(f"只能添加紧接已有年份的下一年（{calendar.last_year + 1} 年）：{year}")
    source = (source or "").strip()
    if not source:
        raise InvalidInput("请注明安排的出处（--source，如 国办发明电〔2026〕1号）")
    off = expand(holidays, "假日")
    on = expand(workdays, "调休上班日")
    check_arrangement(YearArrangement(year, frozenset(off), frozenset(on), source))
    return stamp.event(ev.CalendarYearAdded, ids.calendar_id(), version + 1, year=year,
                       holidays=sorted(off), workdays=sorted(on), source=source)


def expand(values: Sequence[str], what: str) -> set[date]:
    """Days as typed: comma-separated dates and ranges `2027-10-01..2027-10-07`."""
    out: set[date] = set()
    for v in values:
        for part in v.replace("，", ",").split(","):
            part = part.strip()
            if not part:
                continue
            a, sep, b = part.partition("..")
            first = parse_date(a, what)
            last = parse_date(b, what) if sep else first
            if last < first:
                raise InvalidInput(f"{what}范围的结束早于开始：{part}")
            while first <= last:
                out.add(first)
                first = date.fromordinal(first.toordinal() + 1)
    return out
