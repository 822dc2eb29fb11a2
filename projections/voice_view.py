"""好差评 and 整改 beside the scores (D30, D31): 满意率 and overdue rectifications in the report's rows. Figures
shown, never scored: the rows a publication's digest is compared with are left as they were."""

from datetime import date, datetime
from itertools import islice
from typing import TYPE_CHECKING, Any, NamedTuple

from ledger.catalogue import Catalogue
from ledger.runtime.zone import center_zone
from ledger.storage.rows import decode_raw
from projections.fold.state import QuarterState, State
from projections.fold.voice_handlers import center_day
from projections.scoring.voice import OpenRectification, Tally, overdue_by_window, rectifications, tallies

if TYPE_CHECKING:
    from ledger.storage.reader import ReadableLedger
    from ledger.workdays import WorkCalendar

NONE = Tally(0, 0)


def satisfied_levels(cat: Catalogue) -> list[int]:
    """The levels 满意率 counts as satisfied (非常满意, 满意, 基本满意), from the rules."""
    return [lv.value for lv in cat.procedure.rating_levels if lv.satisfied]


def overdue_day(ledger: "ReadableLedger", state: State, as_of: int | None) -> date:
    """The day a report counts its rectifications overdue against (D30): today for the ledger as it stands; for a
    report as of a position, the day (center's zone) that position's event was recorded — so a replay, and the
    publication bundle made from one, gives the same answer on any later day."""
    if as_of is None:
        return datetime.now(center_zone()).date()
    row = None
    if state.notification_id == state.position:  # ids 1…n of n events: the event at position N has id N
        row = next(iter(ledger.pages(as_of - 1, 1)), [None])[0]
    if row is None or row[0] != as_of:  # ids with gaps (PostgreSQL after a rollback): count the rows
        row = next(islice((r for page in ledger.pages() for r in page), as_of - 1, None))
    return center_day(decode_raw(row[4])["timestamp"])


class Figures(NamedTuple):
    """A quarter's 满意率 tallies and the due dates of its open rectifications: what `annotate` puts beside the rows,
    kept with the cached standings (projections/engine/standings_cache.py) so a report need not load the quarter."""

    windows: dict[str, Tally]
    staff: dict[str, Tally]
    open: list[OpenRectification]

    def to_json(self) -> dict[str, Any]:
        """The figures as stored beside the standings."""
        return {"w": {k: list(t) for k, t in self.windows.items()}, "s": {k: list(t) for k, t in self.staff.items()},
                "open": [[*r[:4], r.since.isoformat(), r.due.isoformat() if r.due else None] for r in self.open]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Figures":
        """The figures as `to_json` stored them."""
        return cls({k: Tally(*t) for k, t in data["w"].items()}, {k: Tally(*t) for k, t in data["s"].items()},
                   [OpenRectification(r[0], r[1], r[2], r[3], date.fromisoformat(r[4]),
                                      date.fromisoformat(r[5]) if r[5] else None) for r in data["open"]])


def figures(q: QuarterState | None, cat: Catalogue, calendar: "WorkCalendar", as_of: int | None) -> Figures:
    """The tallies and open rectifications (those with a due date) of a quarter as of a position."""
    w_tally, s_tally = tallies(q, satisfied_levels(cat), as_of)
    due = [r for r in rectifications(q, calendar, cat.procedure.rectify_working_days, as_of) if r.due is not None]
    return Figures(w_tally, s_tally, due)


def annotate(doc: dict[str, Any], q: QuarterState | None, cat: Catalogue, calendar: "WorkCalendar", day: date,
             as_of: int | None) -> dict[str, Any]:
    """The report with `satisfaction` and `ratings` on every row and `overdue_rectifications` on window rows, as of
    its position (overdue on `day`); new rows, so the rows a digest is compared with stay as they were."""
    return annotated(doc, figures(q, cat, calendar, as_of), day)


def annotated(doc: dict[str, Any], f: Figures, day: date) -> dict[str, Any]:
    """The report annotated with figures already counted (`annotate`), overdue on `day`."""
    overdue = overdue_by_window(f.open, day)
    doc["windows"] = [{**row, "satisfaction": (t := f.windows.get(row["code"], NONE)).rate, "ratings": t.total,
                       "overdue_rectifications": overdue.get(row["code"], 0)} for row in doc["windows"]]
    doc["staff"] = [{**row, "satisfaction": (t := f.staff.get(row["id"], NONE)).rate, "ratings": t.total}
                    for row in doc["staff"]]
    return doc


def subject_figures(q: QuarterState | None, cat: Catalogue, as_of: int | None, window: str | None = None,
                    staff: str | None = None) -> dict[str, Any]:
    """One window's or person's `satisfaction` and `ratings` as of a position, as the report's row has them."""
    w_tally, s_tally = tallies(q, satisfied_levels(cat), as_of)
    t = w_tally.get(window, NONE) if window is not None else s_tally.get(staff or "", NONE)
    return {"satisfaction": t.rate, "ratings": t.total}
