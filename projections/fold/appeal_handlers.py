"""The fold's handlers of 申诉, 复核 and 公示 (D28, D29), beside the facts' handlers (projections/fold/handlers.py).

An appeal is filed in the quarter of the fact it is against (its event names that quarter), so a quarter's state
holds its facts' appeals; an outcome finds its appeal's quarter through the fact-quarter index, as any follow-up.
"""

from __future__ import annotations

from collections.abc import Callable

from ledger.calendar import iso_day
from ledger.topics import topic
from projections.fold.entries import fact_key
from projections.fold.state import Data, State

Handler = Callable[[State, int, Data, str], None]


def _on_appeal(s: State, p: int, e: Data, aid: str) -> None:
    quarter = e["quarter"]
    if not s.wants(quarter):
        return
    s.fact_quarter[aid] = quarter
    s.quarter(quarter).appeals[aid] = {"p": p, "d": iso_day(e["date"]), "f": fact_key(e["against"]), "o": e["origin"],
                                       "w": e["window"], "s": e["staff"], "by": e["by"], "text": e["text"],
                                       "a": e["actor"]}


def _outcome(status: str) -> Handler:
    def handler(s: State, p: int, e: Data, aid: str) -> None:
        q = s.fact_of(aid)
        if q is not None:
            q.appeal_outcomes.setdefault(aid, {"p": p, "a": e["actor"], "st": status, "reason": e["reason"]})
    return handler


def _on_announced(s: State, p: int, e: Data, fid: str) -> None:
    quarter = e["quarter"]
    if s.wants(quarter):
        s.quarter(quarter).announcements[str(p)] = {"p": p, "a": e["actor"], "date": iso_day(e["date"]),
                                                    "days": e["days"]}


APPEAL_HANDLERS: dict[str, Handler] = {
    topic("AppealFiled"): _on_appeal,
    topic("AppealUpheld"): _outcome("upheld"),
    topic("AppealOverturned"): _outcome("overturned"),
    topic("QuarterAnnounced"): _on_announced,
}
"""Appended to the fold's TOPIC_HANDLERS."""
