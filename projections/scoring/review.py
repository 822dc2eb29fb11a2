"""复核 applied to a quarter's facts (D29): which facts an overturned appeal has taken out (a finding, a complaint)
or put in (a rejected claim), as of a position; and the quarter as it stood before any 复核. Pure."""

from __future__ import annotations

from dataclasses import replace

from projections.fold.entries import AppealOutcomeEntry
from projections.fold.state import QuarterState


def overturned(q: QuarterState, as_of: int | None) -> dict[str, AppealOutcomeEntry]:
    """The facts (by fact key) whose appeal was overturned as of a position, with the outcome."""
    if not q.appeal_outcomes:
        return {}
    out: dict[str, AppealOutcomeEntry] = {}
    for aid, done in q.appeal_outcomes.items():
        appeal = q.appeals.get(aid)
        if appeal is not None and done["st"] == "overturned" and (as_of is None or done["p"] <= as_of):
            out[appeal["f"]] = done
    return out


def before_review(q: QuarterState) -> QuarterState:
    """The quarter's state without any appeal's outcome: the results as they were before 复核."""
    return replace(q, appeal_outcomes={})
