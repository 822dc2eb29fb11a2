"""A quarter's whole result as the ledger stood at a position: RULES.md §2–§8 applied to the fold state (pure)."""

from __future__ import annotations

from ledger.calendar import quarter_bounds
from ledger.catalogue import Catalogue
from ledger.registry import Registry
from projections.fold.entries import display_id
from projections.fold.state import QuarterState
from projections.scoring.bonus import verified_claims
from projections.scoring.results import QuarterResult, StaffResult, WindowResult, rules_ref
from projections.scoring.rows import report_rows
from projections.scoring.standings import placements, quarter_standings, standings_of
from projections.scoring.tables import violations


def derive(
    q: QuarterState | None,
    registry: Registry,
    cat: Catalogue,
    quarter: str,
    as_of: int | None = None,
    position: int | None = None,
    detail: bool = True,
) -> QuarterResult:
    """Every window's and person's result of a quarter as the ledger stood at `as_of` (None: now).

    Without `detail`, only what the report rows need (`rows`, ranks, status): the windows and people carry no
    categories, bonus lines or disqualifications, and a person's bonus before the cap is the bonus counted
    (projections/scoring/standings.py counts the totals only).
    """
    q = q or QuarterState(quarter)
    ws, ss = standings_of(q, registry, cat, quarter, as_of, detail)
    pos = as_of if as_of is not None else position if position is not None else 0
    s = quarter_standings(q, quarter, pos, ws, ss, as_of)
    published_at = s.published["position"] if s.published else None
    wp, sp = placements(cat, ws, ss, s.shortlist, s.decision)
    last = quarter_bounds(quarter)[1].isoformat()
    window_results = []
    for code, w in ws.items():
        pl = wp[code]
        cats, _, blines, dqs = w.detail or ((), w.bonus, (), ())
        window_results.append(WindowResult(
            code=code, name=w.name, department=registry.window_name(code, last, as_of)[1], categories=cats,
            deductions=w.deductions, bonus=w.bonus, bonus_lines=blines, score=w.score, rank=pl.rank,
            eligible=w.eligible, disqualifications=dqs, shortlisted=pl.shortlisted, picked=pl.picked,
            red_flag=pl.picked and w.shortlistable, voided=pl.picked and not w.shortlistable, left=w.left,
        ))
    window_results.sort(key=lambda x: (x.rank, x.code))
    cap = cat.staff_bonus_cap
    staff_results = []
    for pid, p in ss.items():
        pl = sp[pid]
        cats, bonus_raw, blines, dqs = p.detail or ((), p.bonus, (), ())
        staff_results.append(StaffResult(
            id=pid, name=p.name, window=p.window or "", window_name=p.window_name or "",
            categories=cats, deductions=p.deductions, bonus_raw=bonus_raw, bonus=p.bonus, bonus_cap=cap,
            bonus_lines=blines, score=p.score, rank=pl.rank, eligible=p.eligible, disqualifications=dqs,
            shortlisted=pl.shortlisted, decided_stars=pl.decided, base_stars=pl.base, minus=pl.minus,
            reduction=pl.reduction, stars=pl.stars, reward_yuan=pl.reward_yuan,
            voided=(not p.shortlistable) and pl.picked, left=p.left,
        ))
    staff_results.sort(key=lambda x: (x.rank, x.id))

    amendments = amendments_of(q, as_of, published_at) if published_at is not None else ()
    return QuarterResult(
        quarter=quarter, position=pos, status=s.status, windows=tuple(window_results), staff=tuple(staff_results),
        shortlist=s.shortlist, decision=s.decision, published=s.published, rules=rules_ref(cat),
        rows=report_rows(cat, s),
        amendments=amendments,
    )


def amendments_of(q: QuarterState, as_of: int | None, published_at: int) -> tuple[str, ...]:
    """Facts counted as of a position that began to count after publication (D19), in ledger order."""
    late = [fid for fid, _, v, _ in violations(q, as_of) if v["p"] > published_at]
    late += [c.fact_id for c in verified_claims(q, as_of) if c.position > published_at]
    return tuple(display_id(f) for f in dict.fromkeys(late))
