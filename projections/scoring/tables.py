"""The violation tables (附表一, 附表三): counted violations and per-category deductions capped at the category's points (D3, D8, D9)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ledger.catalogue import Catalogue, Category, DisqualificationKind
from projections.fold.state import F_A, F_D, F_DQ, F_ITEM, F_P, F_S, F_SRC, F_W, QuarterState, display_id
from projections.scoring.results import CategoryScore, Occurrence


@dataclass(frozen=True)
class Rules:
    cat: Catalogue
    categories: dict[str, Category]
    item_category: dict[str, str]
    counterparts: dict[str, str]
    dq: dict[str, DisqualificationKind]


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
    )


def upto(p: int, as_of: int | None) -> bool:
    return as_of is None or p <= as_of


F_ORIGIN_AT = 9
"""A violation row is finding-shaped (F_* fields), plus where its fact was first recorded."""


def violations(q: QuarterState, as_of: int | None, ordered: bool = True) -> list[tuple[str, str, list[Any]]]:
    """Findings not retracted and verified complaints (D9) counted as of a position: (id, origin, row).

    A row has the F_* fields of a finding (for a complaint: verified at, its date, the item found, its
    window and person, its channel as source, the dq kind, the verifier) and the position it was first
    recorded at. `ordered` sorts them by the position they began to count.
    """
    out: list[tuple[str, str, list[Any]]] = []
    retracted = q.retractions
    for fid, f in q.findings.items():
        if as_of is not None and f[F_P] > as_of:
            continue
        if retracted:
            x = retracted.get(fid)
            if x is not None and (as_of is None or x["p"] <= as_of):
                continue
        out.append((fid, "finding", f))
    for fid, ok in q.complaint_outcomes.items():
        c = q.complaints.get(fid)
        if c is None or ok["st"] != "verified" or not upto(ok["p"], as_of):
            continue
        out.append((fid, "complaint", [ok["p"], c["d"], ok["item"], c["w"], c["s"], c["ch"], ok["dq"], ok["a"], "",
                                       c["p"]]))
    if ordered:
        out.sort(key=lambda v: (v[2][F_P], v[0]))
    return out


Hit = tuple[str, str, list[Any], str]
"""(fact id, origin, violation row, the item it counts under for the subject)."""


def score_table(
    r: Rules, categories: tuple[Category, ...], hits: list[Any], published_at: int | None,
    detail: bool = True,
) -> tuple[tuple[CategoryScore, ...], int]:
    """Score a table: per-occurrence deductions, capped per category (D3); returns (categories, raw sum).

    `hits` are `Hit`s with `detail`, else just the items counted (all a report needs).
    """
    by_cat: dict[str, list[Hit]] = defaultdict(list)
    counts: dict[str, int] = defaultdict(int)
    item_category = r.item_category
    if detail:
        for hit in hits:
            by_cat[item_category[hit[3]]].append(hit)
    else:
        for item in hits:
            counts[item_category[item]] += 1
    out = []
    raw_total = 0
    for c in categories:
        mine = by_cat.get(c.code, ())
        raw = (len(mine) if detail else counts.get(c.code, 0)) * c.per_violation
        raw_total += raw
        deducted = min(c.points, raw)
        occ: list[Occurrence] = []
        if detail:
            remaining = c.points
            for fid, origin, v, counted in mine:
                pts = min(c.per_violation, remaining)
                remaining -= pts
                occ.append(Occurrence(
                    fact_id=display_id(fid), origin=origin, position=v[F_P],
                    recorded_at=v[F_ORIGIN_AT] if origin == "complaint" else v[F_P], date=v[F_D],
                    source=v[F_SRC], actor=v[F_A], item=v[F_ITEM], counted_item=counted, window=v[F_W],
                    staff=v[F_S], dq=v[F_DQ], points=pts, per_violation=c.per_violation,
                    amendment=published_at is not None and v[F_P] > published_at,
                ))
        out.append(CategoryScore(c.code, c.name, c.points, c.per_violation, tuple(occ), raw, deducted,
                                 c.points - deducted))
    return tuple(out), raw_total
