"""满意率 from the 好差评 ratings (D31) and the rectifications of verified complaints (D30), as of a position. Pure.

Neither deducts anything: a verified 差评 counts through its complaint (S3.5 / W5.5, projections/scoring/tables.py);
these are figures shown beside the scores.
"""

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from projections.fold.state import QuarterState
from projections.scoring.review import overturned

if TYPE_CHECKING:
    from ledger.workdays import WorkCalendar  # the calendar is passed in: a report from cached figures needs none


class Tally(NamedTuple):
    """A subject's ratings: how many, and how many of them satisfied (非常满意, 满意, 基本满意)."""

    satisfied: int
    total: int

    @property
    def rate(self) -> float | None:
        """满意率 rounded to 4 decimals (D31), None without ratings."""
        return round(self.satisfied / self.total, 4) if self.total else None


def tallies(q: QuarterState | None, satisfied: Iterable[int], as_of: int | None = None
            ) -> tuple[dict[str, Tally], dict[str, Tally]]:
    """Each window's and person's ratings as of a position; a window's include its staff's (D2)."""
    if q is None or not q.ratings:
        return {}, {}
    good = frozenset(satisfied)
    w_all: dict[str, int] = {}
    w_good: dict[str, int] = {}
    s_all: dict[str, int] = {}
    s_good: dict[str, int] = {}
    for r in q.ratings.values():
        if as_of is not None and r["p"] > as_of:
            continue
        w, s, ok = r["w"], r["s"], r["lv"] in good
        w_all[w] = w_all.get(w, 0) + 1
        if ok:
            w_good[w] = w_good.get(w, 0) + 1
        if s is not None:
            s_all[s] = s_all.get(s, 0) + 1
            if ok:
                s_good[s] = s_good.get(s, 0) + 1
    return ({w: Tally(w_good.get(w, 0), n) for w, n in w_all.items()},
            {s: Tally(s_good.get(s, 0), n) for s, n in s_all.items()})


class OpenRectification(NamedTuple):
    """A verified complaint's rectification as of a position: its window and person, where it stands (`open`,
    `rectified` waiting for the callback, `closed`), since when, and (while open) its due date."""

    complaint: str
    window: str
    staff: str | None
    phase: str
    since: date
    due: date | None


def rectifications(q: QuarterState | None, calendar: "WorkCalendar", working_days: int,
                   as_of: int | None = None) -> list[OpenRectification]:
    """Every verified complaint's rectification as of a position (D30): opened by the verification, rectified,
    closed by a satisfied callback or opened again by an unsatisfied one; complaints an appeal overturned left out."""
    if q is None or not q.complaint_outcomes:
        return []
    struck = overturned(q, as_of)
    steps: dict[str, list[tuple[int, str, str]]] = {}
    for x in q.rectifications.values():
        if as_of is None or x["p"] <= as_of:
            steps.setdefault(x["f"], []).append((x["p"], "rectified", x["d"]))
    for b in q.callbacks.values():
        if as_of is None or b["p"] <= as_of:
            steps.setdefault(b["f"], []).append((b["p"], "closed" if b["result"] == "satisfied" else "open", b["d"]))
    out: list[OpenRectification] = []
    # a quarter's complaints are verified on a few dozen days: each day's due date is counted once, not once per
    # complaint (~0.3 s of a report on a 1,000,000-event ledger, whose last quarter has ~1,300 open ones)
    due: dict[date, date] = {}
    for fid, ok in q.complaint_outcomes.items():
        c = q.complaints.get(fid)
        if c is None or ok["st"] != "verified" or (as_of is not None and ok["p"] > as_of) or fid in struck:
            continue
        last = max(steps.get(fid, ()), default=None)  # the latest step as of the position says where it stands
        phase, since = (last[1], last[2]) if last is not None else ("open", ok.get("vd") or c["d"])
        day = date.fromisoformat(since)
        if phase == "open" and day not in due:
            due[day] = calendar.after(day, working_days)
        out.append(OpenRectification(fid, c["w"], c["s"], phase, day, due[day] if phase == "open" else None))
    return out


def overdue_by_window(items: Iterable[OpenRectification], day: date) -> dict[str, int]:
    """How many open rectifications each window has past their due date on a day (D30)."""
    out: dict[str, int] = {}
    for r in items:
        if r.due is not None and day > r.due:
            out[r.window] = out.get(r.window, 0) + 1
    return out
