"""The audit's event chain of one fact: its stream's events as the quarter's stored facts hold them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from projections import review_view as review
from projections.fold.entries import fact_key

if TYPE_CHECKING:
    from projections.fold.state import QuarterState


def fact_chain(q: QuarterState | None, fact_id: str) -> dict[str, Any]:
    """The events of one fact's stream (finding or complaint, then its appeal's), as the audit shows them."""
    events = []
    kind = "finding"
    key = fact_key(fact_id)
    if q is not None and key in q.findings:
        f = q.findings[key]
        events.append({"position": f["p"], "type": "FindingRecorded", "actor": f["a"], "date": f["d"],
                       "item": f["item"], "window": f["w"], "staff": f["s"], "source": f["src"],
                       "dq": f["dq"], "note": f["note"]})
        x = q.retractions.get(key)
        if x is not None:
            events.append({"position": x["p"], "type": "FindingRetracted", "actor": x["a"],
                           "reason": x["reason"]})
    elif q is not None and key in q.complaints:
        kind = "complaint"
        c = q.complaints[key]
        events.append({"position": c["p"], "type": "ComplaintReceived", "actor": c["a"], "date": c["d"],
                       "window": c["w"], "staff": c["s"], "channel": c["ch"], "text": c["text"]})
        ok = q.complaint_outcomes.get(key)
        if ok is not None:
            events.append({"position": ok["p"], "type": "ComplaintVerified" if ok["st"] == "verified"
                           else "ComplaintDismissed", "actor": ok["a"], "item": ok["item"], "dq": ok["dq"],
                           "reason": ok["reason"]})
    if q is not None:
        events += review.appeal_events(q, key)
    return {"id": fact_id, "kind": kind, "events": events}
