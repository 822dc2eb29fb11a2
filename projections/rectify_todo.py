"""待办 of 整改 and 回访 (D30): rectifications due, and rectified complaints waiting for their callback."""

from __future__ import annotations

from collections.abc import Iterable

from projections.fold.entries import display_id
from projections.scoring.voice import rectifications
from projections.todo_items import TodoContext, TodoItem


def open_rectifications(ctx: TodoContext) -> Iterable[TodoItem]:
    """Rectifications due (D30) and rectified complaints waiting for their callback (`due` null)."""
    days = ctx.catalogue.procedure.rectify_working_days
    for quarter, q in ctx.quarters.items():
        for r in rectifications(q, ctx.calendar, days):
            subject = r.staff or r.window
            if r.phase == "open":
                yield TodoItem("rectify", display_id(r.complaint), subject, f"投诉经查实，待整改（{r.since} 起）",
                               r.due, quarter, q.complaint_outcomes[r.complaint]["p"])
            elif r.phase == "rectified":
                yield TodoItem("callback", display_id(r.complaint), subject, f"已于 {r.since} 整改，待回访投诉人",
                               None, quarter, q.complaint_outcomes[r.complaint]["p"])
