"""The report rows of CLI.md (`report --json`'s windows and staff), from standings or from a derived result."""

from __future__ import annotations

from typing import Any

from ledger.catalogue import Catalogue
from projections.scoring.results import QuarterResult
from projections.scoring.standings import Standings, placements


def rows_of(cat: Catalogue, s: Standings) -> dict[str, Any]:
    """The CLI.md report rows from standings: the same document `report_rows` makes from a full result."""
    wp, sp = placements(cat, s.windows, s.staff, s.shortlist, s.decision)
    wins = sorted(s.windows.values(), key=lambda x: (wp[x.key].rank, x.key))
    people = sorted(s.staff.values(), key=lambda x: (sp[x.key].rank, x.key))
    return {
        "windows": [
            {
                "code": w.key, "name": w.name, "score": w.score, "bonus": w.bonus,
                "deductions": w.deductions, "rank": wp[w.key].rank, "shortlisted": wp[w.key].shortlisted,
                "disqualified": not w.eligible, "red_flag": wp[w.key].picked and w.eligible,
            }
            for w in wins
        ],
        "staff": [
            {
                "id": p.key, "name": p.name, "window": p.window, "score": p.score, "bonus": p.bonus,
                "deductions": p.deductions, "rank": sp[p.key].rank, "shortlisted": sp[p.key].shortlisted,
                "disqualified": not p.eligible, "decided_stars": sp[p.key].decided, "stars": sp[p.key].stars,
                "reward_yuan": sp[p.key].reward_yuan,
            }
            for p in people
        ],
    }


def report_rows(res: QuarterResult) -> dict[str, Any]:
    """The CLI.md report document's windows and staff (integers for scores and points)."""
    return {
        "windows": [
            {
                "code": w.code, "name": w.name, "score": w.score, "bonus": w.bonus,
                "deductions": w.deductions, "rank": w.rank, "shortlisted": w.shortlisted,
                "disqualified": w.disqualified, "red_flag": w.red_flag,
            }
            for w in res.windows
        ],
        "staff": [
            {
                "id": p.id, "name": p.name, "window": p.window, "score": p.score, "bonus": p.bonus,
                "deductions": p.deductions, "rank": p.rank, "shortlisted": p.shortlisted,
                "disqualified": p.disqualified, "decided_stars": p.decided_stars, "stars": p.stars,
                "reward_yuan": p.reward_yuan,
            }
            for p in res.staff
        ],
    }
