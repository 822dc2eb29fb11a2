"""A quarter's whole result as the ledger stood at a position: RULES.md §2–§8 applied to the fold state (pure)."""

from __future__ import annotations

from ledger.catalogue import Catalogue
from projections.fold.state import F_P, QuarterState, RegistryState, display_id
from projections.scoring.bonus import verified_claims
from projections.scoring.results import QuarterResult, StaffResult, WindowResult
from projections.scoring.standings import as_of_part, placements, standings_of, status_of
from projections.scoring.tables import violations


def derive(
    q: QuarterState | None,
    registry: RegistryState,
    cat: Catalogue,
    quarter: str,
    as_of: int | None = None,
    position: int | None = None,
    detail: bool = True,
) -> QuarterResult:
    """Every window's and person's result of a quarter as the ledger stood at `as_of` (None: now).

    Without `detail`, categories carry no per-fact occurrences (what a report needs, faster).
    """
    q = q or QuarterState(quarter)
    shortlist = as_of_part(q.shortlist, as_of)
    decision = as_of_part(q.decision, as_of)
    published = as_of_part(q.published, as_of)
    published_at = published["position"] if published else None
    ws, ss = standings_of(q, registry, cat, quarter, as_of, detail)
    wp, sp = placements(cat, ws, ss, shortlist, decision)
    window_results = []
    for code, s in ws.items():
        pl = wp[code]
        cats, _, blines, dqs = s.detail  # type: ignore[misc]
        w = registry.windows[code]
        window_results.append(WindowResult(
            code=code, name=s.name, department=w["department"], categories=cats, deductions=s.deductions,
            bonus=s.bonus, bonus_lines=blines, score=s.score, rank=pl.rank, eligible=s.eligible,
            disqualifications=dqs, shortlisted=pl.shortlisted, picked=pl.picked, red_flag=pl.picked and s.eligible,
            voided=pl.picked and not s.eligible,
        ))
    window_results.sort(key=lambda x: (x.rank, x.code))
    cap = cat.staff_bonus_cap
    staff_results = []
    for pid, s in ss.items():
        pl = sp[pid]
        cats, bonus_raw, blines, dqs = s.detail  # type: ignore[misc]
        staff_results.append(StaffResult(
            id=pid, name=s.name, window=s.window or "", window_name=s.window_name or "",
            categories=cats, deductions=s.deductions, bonus_raw=bonus_raw, bonus=s.bonus, bonus_cap=cap,
            bonus_lines=blines, score=s.score, rank=pl.rank, eligible=s.eligible, disqualifications=dqs,
            shortlisted=pl.shortlisted, decided_stars=pl.decided, base_stars=pl.base, minus=pl.minus,
            reduction=pl.reduction, stars=pl.stars, reward_yuan=pl.reward_yuan,
            voided=(not s.eligible) and pl.picked,
        ))
    staff_results.sort(key=lambda x: (x.rank, x.id))

    amendments = amendments_of(q, as_of, published_at) if published_at is not None else ()
    pos = as_of if as_of is not None else position if position is not None else 0
    return QuarterResult(
        quarter=quarter, position=pos, status=status_of(q, as_of), windows=tuple(window_results),
        staff=tuple(staff_results), shortlist=shortlist, decision=decision, published=published,
        amendments=amendments,
    )


def amendments_of(q: QuarterState, as_of: int | None, published_at: int) -> tuple[str, ...]:
    """Facts counted as of a position that began to count after publication (D19), in ledger order."""
    late = [fid for fid, _, v in violations(q, as_of) if v[F_P] > published_at]
    late += [c.fact_id for c in verified_claims(q, as_of) if c.position > published_at]
    return tuple(display_id(f) for f in dict.fromkeys(late))
