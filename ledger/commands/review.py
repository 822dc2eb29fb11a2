"""The 公示, 申诉 and 复核 steps through a ledger (D28, D29): read the streams a decision needs, decide, append.

The decisions themselves are pure (ledger/commands/announce.py, ledger/commands/appeals.py). The calendar's added
years and the appeals' open/closed state are read from their own rows (a handful), through `pages`, so questions
opened on the light reader (`todo`, `report`) read them the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING
from uuid import UUID

from ledger import events as ev
from ledger import ids
from ledger.commands import announce as decide
from ledger.commands import appeals
from ledger.commands.facts import FactStream, known
from ledger.commands.quarter import check_quarter, fold_quarter
from ledger.runtime.zone import center_zone
from ledger.storage import evidence
from ledger.storage.review_rows import pending_appeals, work_calendar
from ledger.workdays import WorkCalendar

if TYPE_CHECKING:
    from ledger.app import Ledger

QUARTER_STEPS = frozenset({"shortlist", "decide", "announce", "publish"})
"""The `todo` kinds that are a quarter's own steps (projections/todo.quarter_steps), not a fact's work."""


def local_day(moment: datetime) -> date:
    """The day a recorded moment falls on in the center's time zone (D27)."""
    return moment.astimezone(center_zone()).date()


# --- 公示 ----------------------------------------------------------------------------------------------


def announce_quarter(ledger: Ledger, quarter: str, day: str | None, days: int | None) -> tuple[UUID, decide.Span]:
    """Put a decided quarter on 公示 (D28): the stream's id and where the 公示 runs."""
    ledger.center()
    quarter = check_quarter(ledger, quarter)
    events = ledger.stream(ids.quarter_id(quarter))
    calendar = work_calendar(ledger)
    n = days if days is not None else ledger.catalogue_for(quarter).procedure.announce_working_days
    e = decide.announce(fold_quarter(quarter, events), events, calendar, ledger.stamp(), day, n)
    ledger.append(e)
    return e.originator_id, decide.span_of(calendar, e.date, e.days)


def check_publishable(ledger: Ledger, quarter: str) -> None:
    """Refuse publishing a quarter whose 公示 is under way (or voided) or that has an appeal pending (D28)."""
    events = ledger.stream(ids.quarter_id(quarter))
    decide.check_publishable(fold_quarter(quarter, events), events, work_calendar(ledger), ledger.stamp().today,
                             pending_appeals(ledger, quarter))


def add_calendar_year(ledger: Ledger, year: int, holidays: Iterable[str], workdays: Iterable[str],
                      source: str) -> UUID:
    """Add a year's 节假日安排 to the working-day calendar."""
    ledger.center()
    added = ledger.stream(ids.calendar_id())
    e = decide.calendar_year(work_calendar(ledger), len(added), ledger.stamp(), year, list(holidays), list(workdays),
                             source)
    ledger.append(e)
    return e.originator_id


# --- 申诉 and 复核 ------------------------------------------------------------------------------------------


def _since(fact: FactStream) -> date:
    """The day a fact became appealable: its recording, its complaint's verification, its claim's rejection."""
    moment = fact.first.timestamp
    for e in fact.events:
        if isinstance(e, ev.ComplaintVerified | ev.BonusRejected):
            moment = e.timestamp
    return local_day(moment)


def period_of(ledger: Ledger, quarter: str, calendar: WorkCalendar) -> appeals.Period:
    """When the quarter's facts may be appealed: its 公示 in force, its publication, the late window."""
    events = ledger.stream(ids.quarter_id(quarter))
    shown = decide.current_announcement(events)
    published = fold_quarter(quarter, events).published
    return appeals.Period(
        announced_to=decide.span_of(calendar, shown.date, shown.days).last if shown is not None else None,
        published_on=local_day(published.timestamp) if published is not None else None,
        late_days=ledger.catalogue_for(quarter).procedure.appeal_late_working_days, calendar=calendar)


def file_appeal(ledger: Ledger, against: str, day: str, text: str, by: str | None,
                evidence_file: str | None) -> UUID:
    """An appeal against a fact by its subject, within its period (D29): the appeal's id."""
    ledger.center()
    fact = ledger.fact(against)
    known(fact)
    target = appeals.appealable(fact, _since(fact) if fact.events else date.min)
    appeal = ledger.fact(ids.appeal_id(ids.parse_fact_id(target.fact)))
    period = period_of(ledger, target.quarter, work_calendar(ledger))
    with evidence.staging(ledger.location.evidence_dir, evidence_file) as stage:
        e = appeals.file_appeal(target, appeal, period, ledger.stamp(), day=day, text=text, by=by, evidence=stage)
        ledger.append(e)
    return e.originator_id


def decide_appeal(ledger: Ledger, appeal_id: str, outcome: str, reason: str) -> UUID:
    """Uphold or overturn an open appeal, with a reason (D29)."""
    ledger.center()
    e = appeals.decide_appeal(ledger.fact(appeal_id), outcome, reason, ledger.stamp())
    ledger.append(e)
    return e.originator_id
