"""How a quarter's fold state is stored: chunks keyed by quarter and notification id, split by window.

A catch-up stores what it added to a quarter as one chunk, `q:QUARTER:<notification id>` (fixed width, so
key order is ledger order); a quarter's state is its chunks merged in key order, first entry winning. Once
they pile up, a quarter is stored split by the window each fact was recorded against
(`q:QUARTER:<id>:w:WINDOW`, and `q:QUARTER:<id>:_` for the quarter's own steps), so that re-deriving a few
windows reads only their part.
"""

from __future__ import annotations

from projections.fold.state import QuarterState

QUARTER_PREFIX = "q:"


def chunk_key(quarter: str, notification_id: int) -> str:
    """The key of a catch-up's chunk of a quarter: what the fold added up to a notification id."""
    return f"{QUARTER_PREFIX}{quarter}:{notification_id:012d}"


def part_key(quarter: str, nid: str, window: str) -> str:
    """The key of one window's part of a quarter split at a chunk's notification id ('' : the quarter's own)."""
    return f"{QUARTER_PREFIX}{quarter}:{nid}:_" if window == "" else f"{QUARTER_PREFIX}{quarter}:{nid}:w:{window}"


def split_by_window(q: QuarterState) -> dict[str, QuarterState]:
    """A quarter's state split by the window each fact was recorded against; the quarter's own steps
    (shortlists, decisions, publication, 公示) and any follow-up whose fact is missing go to the part ''; an appeal
    goes with the window of the fact it is against."""
    parts: dict[str, QuarterState] = {"": QuarterState(q.quarter, shortlists=q.shortlists, decisions=q.decisions,
                                                       published=q.published, announcements=q.announcements)}

    def part(window: str) -> QuarterState:
        p = parts.get(window)
        if p is None:
            p = parts[window] = QuarterState(q.quarter)
        return p

    for fid, f in q.findings.items():
        part(f["w"]).findings[fid] = f
    for fid, c in q.claims.items():
        part(c["w"]).claims[fid] = c
    for fid, m in q.complaints.items():
        part(m["w"]).complaints[fid] = m
    for fid, x in q.retractions.items():
        finding = q.findings.get(fid)
        part(finding["w"] if finding is not None else "").retractions[fid] = x
    for fid, ok in q.claim_outcomes.items():
        claim = q.claims.get(fid)
        part(claim["w"] if claim is not None else "").claim_outcomes[fid] = ok
    for fid, done in q.complaint_outcomes.items():
        complaint = q.complaints.get(fid)
        part(complaint["w"] if complaint is not None else "").complaint_outcomes[fid] = done
    for aid, a in q.appeals.items():
        part(a["w"]).appeals[aid] = a
    for aid, out in q.appeal_outcomes.items():
        appeal = q.appeals.get(aid)
        part(appeal["w"] if appeal is not None else "").appeal_outcomes[aid] = out
    for rid, r in q.ratings.items():
        part(r["w"]).ratings[rid] = r
    for key, done_then in q.rectifications.items():
        complaint = q.complaints.get(done_then["f"])
        part(complaint["w"] if complaint is not None else "").rectifications[key] = done_then
    for key, b in q.callbacks.items():
        complaint = q.complaints.get(b["f"])
        part(complaint["w"] if complaint is not None else "").callbacks[key] = b
    return parts
