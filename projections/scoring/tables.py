"""The violation tables (附表一, 附表三): counted violations, deductions capped per category (D3, D8, D9)."""

from collections import defaultdict
from functools import lru_cache
from typing import NamedTuple

from ledger.catalogue import BonusKind, Catalogue, Category, DisqualificationKind
from projections.fold.entries import FindingEntry, display_id
from projections.fold.state import QuarterState
from projections.scoring.results import CategoryScore, Occurrence
from projections.scoring.review import overturned


class Rules(NamedTuple):
    cat: Catalogue
    categories: dict[str, Category]
    item_category: dict[str, str]
    counterparts: dict[str, str]
    dq: dict[str, DisqualificationKind]
    bonus_kinds: dict[str, BonusKind]


@lru_cache(maxsize=8)
def rules_of(cat: Catalogue) -> Rules:
    """Lookup tables of a catalogue, built once."""
    cats = {c.code: c for c in cat.window_categories + cat.staff_categories}
    return Rules(
        cat=cat,
        categories=cats,
        item_category={i.code: c.code for c in cats.values() for i in c.items},
        counterparts=dict(cat.counterparts),
        dq={d.kind: d for d in cat.disqualifications},
        bonus_kinds={b.kind: b for b in cat.bonus_kinds},
    )


def upto(p: int, as_of: int | None) -> bool:
    return as_of is None or p <= as_of


Violation = tuple[str, str, FindingEntry, int]
"""A counted violation: (fact id, origin 'finding' or 'complaint', its finding-shaped entry, where its fact was
first recorded). A finding is its own stored entry; a verified complaint acts as one (D9): verified at, its day,
the item found, its window and person, its channel as source, the dq kind, the verifier."""


def violations(q: QuarterState, as_of: int | None, ordered: bool = True) -> list[Violation]:
    """Findings not retracted and verified complaints (D9) counted as of a position, but for those an appeal has
    overturned (D29).

    `ordered` sorts them by the position they began to count.
    """
    out: list[Violation] = []
    retracted = q.retractions
    struck = overturned(q, as_of)
    if as_of is None:
        # as the ledger stands (every report, the standings cache): one comprehension over a quarter's ~13,000
        # findings, without the per-position checks of an earlier one
        out = [(fid, "finding", f, f["p"]) for fid, f in q.findings.items()
               if fid not in retracted and fid not in struck]
    else:
        for fid, f in q.findings.items():
            p = f["p"]
            if p > as_of:
                continue
            x = retracted.get(fid)
            if (x is not None and x["p"] <= as_of) or fid in struck:
                continue
            out.append((fid, "finding", f, p))
    for fid, ok in q.complaint_outcomes.items():
        c = q.complaints.get(fid)
        if c is None or ok["st"] != "verified" or not upto(ok["p"], as_of) or fid in struck:
            continue
        acting: FindingEntry = {"p": ok["p"], "d": c["d"], "item": ok["item"] or "", "w": c["w"], "s": c["s"],
                                "src": c["ch"], "dq": ok["dq"], "a": ok["a"], "note": ""}
        out.append((fid, "complaint", acting, c["p"]))
    if ordered:
        out.sort(key=lambda v: (v[2]["p"], v[0]))
    return out


Hit = tuple[str, str, FindingEntry, int, str]
"""A violation (`Violation`) and the item it counts under for the subject."""


def capped(c: Category, violations_n: int) -> tuple[int, int]:
    """D3: a category's raw deduction for so many violations, and what it deducts (capped at its points)."""
    raw = violations_n * c.per_violation
    return raw, min(c.points, raw)


def table_totals(categories: tuple[Category, ...], counts: dict[str, int]) -> tuple[int, int]:
    """A table's score and raw deductions from the violations counted per category: the totals `score_table`'s
    categories add up to, without building them (all a report's standings need; ~15,000 violations and ~1,000
    subjects a quarter)."""
    score = raw_total = 0
    for c in categories:
        raw, deducted = capped(c, counts.get(c.code, 0))
        raw_total += raw
        score += c.points - deducted
    return score, raw_total


def score_table(
    r: Rules, categories: tuple[Category, ...], hits: list[Hit], published_at: int | None,
) -> tuple[tuple[CategoryScore, ...], int]:
    """Score a table: per-occurrence deductions, capped per category (D3); returns (categories, raw sum)."""
    by_cat: dict[str, list[Hit]] = defaultdict(list)
    item_category = r.item_category
    for hit in hits:
        by_cat[item_category[hit[4]]].append(hit)
    out = []
    raw_total = 0
    for c in categories:
        mine = by_cat.get(c.code, ())
        raw, deducted = capped(c, len(mine))
        raw_total += raw
        occ: list[Occurrence] = []
        remaining = c.points
        for fid, origin, v, recorded_at, counted in mine:
            pts = min(c.per_violation, remaining)
            remaining -= pts
            occ.append(Occurrence(
                fact_id=display_id(fid), origin=origin, position=v["p"], recorded_at=recorded_at, date=v["d"],
                source=v["src"], actor=v["a"], item=v["item"], counted_item=counted, window=v["w"],
                staff=v["s"], dq=v["dq"], points=pts, per_violation=c.per_violation,
                amendment=published_at is not None and v["p"] > published_at,
            ))
        out.append(CategoryScore(c.code, c.name, c.points, c.per_violation, tuple(occ), raw, deducted,
                                 c.points - deducted))
    return tuple(out), raw_total
