"""The bonus tables (附表二, S5): verified claims (D5) and what each is worth for a window or a person (D4, D6, D7)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ledger.text import ref_key
from projections.fold.entries import display_id
from projections.fold.state import QuarterState
from projections.scoring.results import BonusLine
from projections.scoring.review import overturned
from projections.scoring.tables import Rules, upto


@dataclass(slots=True)
class Claim:
    """A verified bonus claim as the bonus tables count it (its claim and its verification joined)."""

    fact_id: str
    position: int
    claimed_at: int
    date: str
    kind: str
    window: str
    staff: str | None
    level: str | None
    place: int | None
    ref: str | None
    actor: str
    verifier: str


def verified_claims(q: QuarterState, as_of: int | None) -> list[Claim]:
    """Bonus claims verified as of a position (D5), and rejected ones an appeal overturned (D29: counted from the
    overturning, its reviewer as verifier), in the order they began to count."""
    out = []
    reinstated = overturned(q, as_of)
    for fid, ok in q.claim_outcomes.items():
        c = q.claims.get(fid)
        if c is None or not upto(ok["p"], as_of):
            continue
        if ok["st"] != "verified":
            done = reinstated.get(fid) if reinstated else None
            if done is None:
                continue
            ok = {"p": done["p"], "a": done["a"], "st": "verified", "reason": ""}
        out.append(Claim(fid, ok["p"], c["p"], c["d"], c["kind"], c["w"], c["s"], c["level"], c["place"],
                          c["ref"], c["a"], ok["a"]))
    out.sort(key=lambda c: (c.position, c.fact_id))
    return out


Counted = tuple[Claim, str, int, str]
"""A claim as a subject's bonus table counts it: (claim, the item it counts under, the points it counts, and the
note of a line superseded by a higher one of its group — 0 points then)."""


def counted_claims(r: Rules, claims: list[Claim], subject: str) -> list[Counted]:
    """The claims that count for a window ('window') or a person ('staff'), B1–B6 / S5.1–S5.4, with D6/D7 counting:
    one per group (the same article, holder or quarter) at its highest, the others at 0."""
    out: list[Counted] = []
    best: dict[tuple[str, Any], tuple[int, int]] = {}  # group -> (points, index of the counted line)
    kinds = r.bonus_kinds
    for c in claims:
        bk = kinds.get(c.kind) or r.cat.bonus_kind(c.kind)  # an unknown kind: the catalogue's refusal
        item = bk.window_item if subject == "window" else bk.staff_item
        if item is None:
            continue
        pts = bk.points(subject, c.level, c.place)
        note = ""
        group: tuple[str, Any] | None = None
        if bk.counting == "once-per-ref-highest":
            group = ("ref", ref_key(c.ref) or c.fact_id)  # D27: 《某稿》 and 《某 稿》 are one article
        elif bk.counting == "holder-highest-per-quarter":
            group = ("holder", c.staff)
        elif bk.counting == "once-per-quarter":
            group = ("quarter", c.kind)
        line_pts = pts
        if group is not None:
            prev = best.get(group)
            if prev is None:
                best[group] = (pts, len(out))
            elif pts > prev[0]:
                old, old_item, _, _ = out[prev[1]]
                out[prev[1]] = (old, old_item, 0, _superseded_note(bk.counting))
                best[group] = (pts, len(out))
            else:
                line_pts = 0
                note = _superseded_note(bk.counting)
        out.append((c, item, line_pts, note))
    return out


def bonus_points(r: Rules, claims: list[Claim], subject: str) -> int:
    """The bonus the counted claims give a subject, before any cap (D4): what a report's standings need, without
    building the lines (`bonus_lines`' points add up to it)."""
    return sum(pts for _, _, pts, _ in counted_claims(r, claims, subject))


def bonus_lines(r: Rules, claims: list[Claim], subject: str, published_at: int | None) -> list[BonusLine]:
    """Bonus lines for a window ('window') or a person ('staff'): each counted claim (`counted_claims`) as a line."""
    return [BonusLine(
        fact_id=display_id(c.fact_id), position=c.position, claimed_at=c.claimed_at, date=c.date, kind=c.kind,
        item=item, level=c.level, place=c.place, ref=c.ref, holder=c.staff, actor=c.actor,
        verifier=c.verifier, points=pts, note=note,
        amendment=published_at is not None and c.position > published_at,
    ) for c, item, pts, note in counted_claims(r, claims, subject)]


def _superseded_note(counting: str) -> str:
    return {
        "once-per-ref-highest": "同一稿件只按最高级计一次",
        "holder-highest-per-quarter": "同一获奖者本季度只按最高级计一次",
        "once-per-quarter": "每季度只计一次",
    }.get(counting, "")
