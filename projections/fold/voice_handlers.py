"""The fold's handlers of 好差评 ratings, 整改 and 回访 (D30, D31), beside the facts' handlers.

A rating is filed in the quarter of its day and is never followed up, so it takes no place in the fact-quarter
index (a month adds 100,000 of them); a rectification or callback finds its complaint's quarter through that
index, as any follow-up.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from ledger.calendar import iso_day
from ledger.runtime.zone import center_zone
from ledger.topics import topic
from projections.fold.entries import QUARTER_OF_MONTH, quarter_of_iso
from projections.fold.state import Data, State

Handler = Callable[[State, int, Data, str], None]


def verified_day(e: Data) -> str:
    """The day a complaint was verified: as its event gives it, or (an event from before the day was asked) the
    day it was recorded, in the center's time zone (D27)."""
    day = e.get("date")
    if day is not None:
        return iso_day(day)
    return center_day(e["timestamp"]).isoformat()


def center_day(moment: datetime | dict[str, str]) -> date:
    """The day of an event's timestamp (as decoded, or still tagged as stored) in the center's time zone (D27)."""
    if type(moment) is dict:
        moment = datetime.fromisoformat(moment["_data_"])
    return moment.astimezone(center_zone()).date()  # type: ignore[union-attr]


def _on_rating(s: State, p: int, e: Data, fid: str) -> None:
    day = iso_day(e["date"])
    quarter = QUARTER_OF_MONTH.get(day[:7]) or quarter_of_iso(day)
    if s.only is not None and quarter != s.only:
        return
    q = s.quarters.get(quarter) or s.quarter(quarter)
    q.ratings[fid] = {"p": p, "d": day, "w": e["window"], "s": e["staff"], "lv": e["level"]}


def _on_rectified(s: State, p: int, e: Data, fid: str) -> None:
    q = s.fact_of(fid)
    if q is not None:
        q.rectifications[str(p)] = {"p": p, "a": e["actor"], "f": fid, "d": iso_day(e["date"]), "text": e["text"]}


def _on_callback(s: State, p: int, e: Data, fid: str) -> None:
    q = s.fact_of(fid)
    if q is not None:
        q.callbacks[str(p)] = {"p": p, "a": e["actor"], "f": fid, "d": iso_day(e["date"]), "result": e["result"],
                               "note": e["note"]}


VOICE_HANDLERS: dict[str, Handler] = {
    topic("RatingRecorded"): _on_rating,
    topic("RectificationRecorded"): _on_rectified,
    topic("CallbackRecorded"): _on_callback,
}
"""Appended to the fold's TOPIC_HANDLERS."""
