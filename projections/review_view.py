"""What a quarter's report adds for 公示 and 复核 (D28, D29): the 公示 beside `status`, the appeals and their
outcomes, and the results before 复核 where an overturned appeal changed them."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from projections.fold.entries import display_id
from projections.scoring.review import before_review, overturned
from projections.scoring.standings import in_force

if TYPE_CHECKING:
    from ledger.catalogue import Catalogue
    from ledger.registry import Registry
    from ledger.workdays import WorkCalendar
    from projections.fold.state import QuarterState
    from projections.scoring.results import ReportRows


def announced(q: QuarterState | None, calendar: WorkCalendar, as_of: int | None) -> dict[str, Any] | None:
    """The 公示 in force as of a position (after the latest decision, D25): from, to, days, 暂定; None if none."""
    if q is None or not q.announcements:
        return None
    decision = in_force(q.decisions, as_of)
    decided_at = decision["p"] if decision else 0
    shown = [a for a in q.announcements.values() if a["p"] > decided_at and (as_of is None or a["p"] <= as_of)]
    if not shown:
        return None
    latest = max(shown, key=lambda a: a["p"])
    first, last = calendar.span(date.fromisoformat(latest["date"]), latest["days"])
    return {"from": first.isoformat(), "to": last.isoformat(), "days": latest["days"],
            "provisional": calendar.provisional(first, last), "position": latest["p"]}


def appeals_of(q: QuarterState | None, as_of: int | None) -> list[dict[str, Any]]:
    """The quarter's appeals as of a position, oldest first, each with its outcome (None: pending)."""
    if q is None:
        return []
    out = []
    for aid, a in sorted(q.appeals.items(), key=lambda kv: kv[1]["p"]):
        if as_of is not None and a["p"] > as_of:
            continue
        done = q.appeal_outcomes.get(aid)
        if done is not None and as_of is not None and done["p"] > as_of:
            done = None
        out.append({"id": display_id(aid), "against": display_id(a["f"]), "origin": a["o"], "window": a["w"],
                    "staff": a["s"], "by": a["by"], "date": a["d"], "text": a["text"], "position": a["p"],
                    "outcome": done["st"] if done else None, "reason": done["reason"] if done else None,
                    "decided_by": done["a"] if done else None, "decided_at": done["p"] if done else None})
    return out


def overturned_facts(q: QuarterState) -> set[str]:
    """The facts (by fact key) a 复核 has overturned as the ledger stands."""
    return set(overturned(q, None))


def appeal_events(q: QuarterState, fact: str) -> list[dict[str, Any]]:
    """The appeal against one fact (by fact key) and its 复核, as the audit's event chain shows them (D29)."""
    out: list[dict[str, Any]] = []
    for aid, a in q.appeals.items():
        if a["f"] != fact:
            continue
        out.append({"position": a["p"], "type": "AppealFiled", "actor": a["a"], "date": a["d"], "by": a["by"],
                    "text": a["text"], "appeal": display_id(aid)})
        done = q.appeal_outcomes.get(aid)
        if done is not None:
            out.append({"position": done["p"], "type": "AppealUpheld" if done["st"] == "upheld"
                        else "AppealOverturned", "actor": done["a"], "reason": done["reason"],
                        "appeal": display_id(aid)})
    return out


def before_review_doc(q: QuarterState | None, registry: Registry, cat: Catalogue, quarter: str, as_of: int | None,
                      rows: ReportRows) -> dict[str, Any] | None:
    """Where the results differ from what they were before 复核 (None: no appeal overturned anything)."""
    if q is None or not overturned(q, as_of):
        return None
    # derived again and compared only here (a 复核 overturned a fact): `todo`'s 公示 and the audit's chains need neither
    from projections.scoring import publication
    from projections.scoring.derive import derive

    before = derive(before_review(q), registry, cat, quarter, as_of, detail=False).rows
    return {"differences": [{**{k: v for k, v in d.items() if k not in ("published", "current")},
                             "before": d["published"], "after": d["current"]}
                            for d in publication.differences(before, rows)]}
