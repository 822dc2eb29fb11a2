"""好差评 and 整改 beside the scores (D30, D31): 满意率 and overdue rectifications in the report's rows. Figures
shown, never scored: the rows a publication's digest is compared with are left as they were."""

from __future__ import annotations

from datetime import date
from typing import Any

from ledger.catalogue import Catalogue
from ledger.workdays import WorkCalendar
from projections.fold.state import QuarterState
from projections.scoring.voice import Tally, overdue_by_window, rectifications, tallies

NONE = Tally(0, 0)


def satisfied_levels(cat: Catalogue) -> list[int]:
    """The levels 满意率 counts as satisfied (非常满意, 满意, 基本满意), from the rules."""
    return [lv.value for lv in cat.procedure.rating_levels if lv.satisfied]


def annotate(doc: dict[str, Any], q: QuarterState | None, cat: Catalogue, calendar: WorkCalendar, day: date,
             as_of: int | None) -> dict[str, Any]:
    """The report with `satisfaction` and `ratings` on every row and `overdue_rectifications` on window rows, as of
    its position (overdue on `day`); new rows, so the rows a digest is compared with stay as they were."""
    w_tally, s_tally = tallies(q, satisfied_levels(cat), as_of)
    overdue = overdue_by_window(rectifications(q, calendar, cat.procedure.rectify_working_days, as_of), day)
    doc["windows"] = [{**row, "satisfaction": (t := w_tally.get(row["code"], NONE)).rate, "ratings": t.total,
                       "overdue_rectifications": overdue.get(row["code"], 0)} for row in doc["windows"]]
    doc["staff"] = [{**row, "satisfaction": (t := s_tally.get(row["id"], NONE)).rate, "ratings": t.total}
                    for row in doc["staff"]]
    return doc
