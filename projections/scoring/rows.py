"""The report rows of CLI.md (`report --json`'s windows and staff): one builder, from a quarter's standings."""

from __future__ import annotations

from ledger.catalogue import Catalogue
from projections.scoring.results import ReportRows
from projections.scoring.standings import Standings, placements


def report_rows(cat: Catalogue, s: Standings) -> ReportRows:
    """Every window's and person's row, in rank order: from cached standings (a report) or from the standings a
    derivation used (`QuarterResult.rows`), so a report and a published digest can never disagree on a row."""
    wp, sp = placements(cat, s.windows, s.staff, s.shortlist, s.decision)
    wins = sorted(s.windows.values(), key=lambda x: (wp[x.key].rank, x.key))
    people = sorted(s.staff.values(), key=lambda x: (sp[x.key].rank, x.key))
    return {
        "windows": [
            {
                "code": w.key, "name": w.name, "score": w.score, "bonus": w.bonus,
                "deductions": w.deductions, "rank": wp[w.key].rank, "shortlisted": wp[w.key].shortlisted,
                "disqualified": not w.eligible, "red_flag": wp[w.key].picked and w.shortlistable,
                "left": w.left,
            }
            for w in wins
        ],
        "staff": [
            {
                "id": p.key, "name": p.name, "window": p.window, "score": p.score, "bonus": p.bonus,
                "deductions": p.deductions, "rank": sp[p.key].rank, "shortlisted": sp[p.key].shortlisted,
                "disqualified": not p.eligible, "decided_stars": sp[p.key].decided, "stars": sp[p.key].stars,
                "reward_yuan": sp[p.key].reward_yuan, "left": p.left,
            }
            for p in people
        ],
    }
