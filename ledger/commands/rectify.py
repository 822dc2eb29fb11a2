"""整改 and 回访 of a verified complaint (D30), pure: where its rectification stands, and the decisions to record
what was done and what the complainant answered when called back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from ledger import events as ev
from ledger.calendar import parse_date
from ledger.commands.facts import FactStream, known
from ledger.commands.stamp import Stamp
from ledger.errors import InvalidInput, NotAllowed
from ledger.runtime.zone import center_zone
from ledger.workdays import WorkCalendar

RESULTS = {"satisfied": "满意", "unsatisfied": "不满意"}
PHASES = {"open": "待整改", "rectified": "已整改，待回访", "closed": "整改完毕（回访满意）"}


@dataclass(frozen=True)
class Rectification:
    """Where a verified complaint's rectification stands: `open` since `since` (the verification, or an unsatisfied
    callback), `rectified` on `since` and waiting for the callback, or `closed` by a satisfied callback."""

    phase: str
    since: date

    def due(self, calendar: WorkCalendar, working_days: int) -> date | None:
        """The last day of an open rectification: `working_days` working days after it opened (D30)."""
        return calendar.after(self.since, working_days) if self.phase == "open" else None


def verified_on(e: ev.ComplaintVerified) -> date:
    """The day a complaint was verified: as given, or (verified before the day was asked) the day it was recorded,
    in the center's time zone (D27)."""
    if e.date is not None:
        return e.date
    return e.timestamp.astimezone(center_zone()).date()


def rectification(complaint: FactStream) -> Rectification | None:
    """A complaint's rectification from its stream; None before it is verified (or when it was dismissed)."""
    state: Rectification | None = None
    for e in complaint.events:
        if isinstance(e, ev.ComplaintVerified):
            state = Rectification("open", verified_on(e))
        elif isinstance(e, ev.RectificationRecorded):
            state = Rectification("rectified", e.date)
        elif isinstance(e, ev.CallbackRecorded):
            state = Rectification("closed" if e.result == "satisfied" else "open", e.date)
    return state


def _verified(complaint: FactStream, what: str) -> Rectification:
    first = known(complaint)
    if not isinstance(first, ev.ComplaintReceived):
        raise NotAllowed(f"{complaint.typed} 不是投诉记录")
    state = rectification(complaint)
    if state is None:
        raise NotAllowed(f"投诉 {complaint.typed} 尚未核实（经查实），不能{what}")
    return state


def _day(text: str, since: date, today: date, what: str) -> date:
    day = parse_date(text)
    if day > today:
        raise InvalidInput(f"日期 {day} 在今天之后")
    if day < since:
        raise InvalidInput(f"{what}日期 {day} 早于 {since}")
    return day


def rectify(complaint: FactStream, stamp: Stamp, *, day: str, text: str,
            evidence: Callable[[], dict[str, Any]] | None) -> ev.RectificationRecorded:
    """What was done about a verified complaint whose rectification is open (`evidence` stages its file, called
    only once every rule passed)."""
    text = (text or "").strip()
    if not text:
        raise InvalidInput("整改情况不能为空（--text）")
    state = _verified(complaint, "整改")
    if state.phase != "open":
        raise NotAllowed(f"投诉 {complaint.typed} {PHASES[state.phase]}，不能再登记整改")
    d = _day(day, state.since, stamp.today, "整改")
    return stamp.event(ev.RectificationRecorded, complaint.first.originator_id, complaint.version + 1, date=d,
                       text=text, evidence=evidence() if evidence is not None else None)


def callback(complaint: FactStream, stamp: Stamp, *, day: str, result: str, note: str) -> ev.CallbackRecorded:
    """The complainant's answer to a rectified complaint: satisfied closes it, unsatisfied opens it again."""
    if result not in RESULTS:
        raise InvalidInput(f"回访结果应为 satisfied 或 unsatisfied，而不是 {result}")
    state = _verified(complaint, "回访")
    if state.phase != "rectified":
        raise NotAllowed(f"投诉 {complaint.typed} {PHASES[state.phase]}，不能回访")
    d = _day(day, state.since, stamp.today, "回访")
    return stamp.event(ev.CallbackRecorded, complaint.first.originator_id, complaint.version + 1, date=d,
                       result=result, note=(note or "").strip())
