"""A quarter's results derived from its fact state: scores, caps, bonus, ranks, disqualifications, stars.

Pure: RULES.md §2–§8 applied to a `QuarterState` and the registry, as the ledger stood at a position.
Every point value comes from the `Catalogue`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ledger.calendar import quarter_bounds
from ledger.catalogue import Catalogue, Category, DisqualificationKind
from projections.quarter import (
    F_A, F_D, F_DQ, F_ITEM, F_P, F_S, F_SRC, F_W, QuarterState, RegistryState, display_id,
)

QUARTER_STAR = "quarter-star"
QUARTER_RED_FLAG = "quarter-red-flag"


# --- results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Occurrence:
    """One counted violation for one subject: a finding, or a verified complaint acting as one (D9)."""

    fact_id: str
    origin: str  # "finding" or "complaint"
    position: int  # where it began to count (finding recorded / complaint verified)
    recorded_at: int  # position of the fact's first event
    date: str
    source: str  # inspection sheet or complaint channel
    actor: str  # who recorded (finding) or verified (complaint)
    item: str  # the item breached as recorded
    counted_item: str  # the item it counts under for this subject (a W counterpart for a window, D8)
    window: str
    staff: str | None
    dq: str | None
    points: int  # deducted for this subject once the category cap is applied
    per_violation: int
    amendment: bool  # recorded after the quarter was published (D19)


@dataclass(frozen=True)
class CategoryScore:
    """A category of a table: its points, every occurrence, raw and capped deduction (D3)."""

    code: str
    name: str
    points: int
    per_violation: int
    occurrences: tuple[Occurrence, ...]
    raw: int
    deducted: int
    score: int


@dataclass(frozen=True)
class BonusLine:
    """One verified bonus claim and what it is worth for this subject (0 when counted elsewhere)."""

    fact_id: str
    position: int  # verified at
    claimed_at: int
    date: str
    kind: str
    item: str  # B1…B6 or S5.1…S5.4
    level: str | None
    place: int | None
    ref: str | None
    holder: str | None  # the person whose achievement it is, None for the window itself
    actor: str
    verifier: str
    points: int
    note: str
    amendment: bool


@dataclass(frozen=True)
class Disqualification:
    """A 取消评比资格 of one subject in one quarter, with the facts that caused it."""

    subject_type: str  # "window" or "staff"
    subject: str
    name: str
    kind: str
    scopes: tuple[str, ...]
    quarter: str
    year: int
    caused_by: tuple[str, ...]
    positions: tuple[int, ...]


@dataclass(frozen=True)
class WindowResult:
    """A window's quarter: table, bonus, score, rank, eligibility and 红旗窗口."""

    code: str
    name: str
    department: str
    categories: tuple[CategoryScore, ...]
    deductions: int
    bonus: int
    bonus_lines: tuple[BonusLine, ...]
    score: int
    rank: int
    eligible: bool
    disqualifications: tuple[Disqualification, ...]
    shortlisted: bool
    picked: bool
    red_flag: bool
    voided: bool

    @property
    def disqualified(self) -> bool:
        """True when a disqualification takes away this quarter's 红旗窗口."""
        return not self.eligible


@dataclass(frozen=True)
class StaffResult:
    """A person's quarter: table, S5, score, rank, eligibility, decision, reductions, stars, reward."""

    id: str
    name: str
    window: str
    window_name: str
    categories: tuple[CategoryScore, ...]
    deductions: int
    bonus_raw: int
    bonus: int
    bonus_cap: int
    bonus_lines: tuple[BonusLine, ...]
    score: int
    rank: int
    eligible: bool
    disqualifications: tuple[Disqualification, ...]
    shortlisted: bool
    decided_stars: int | None
    base_stars: int
    minus: int
    reduction: str  # "disqualified", "at_least_N" or ""
    stars: int
    reward_yuan: int
    voided: bool

    @property
    def disqualified(self) -> bool:
        """True when a disqualification takes away this quarter's 服务明星."""
        return not self.eligible


@dataclass(frozen=True)
class QuarterResult:
    """Everything a quarter's report shows, as the ledger stood at `position`."""

    quarter: str
    position: int
    status: str
    windows: tuple[WindowResult, ...]
    staff: tuple[StaffResult, ...]
    shortlist: dict[str, Any] | None
    decision: dict[str, Any] | None
    published: dict[str, Any] | None
    amendments: tuple[str, ...] = field(default=())

    def window(self, code: str) -> WindowResult | None:
        """One window's result by code."""
        return next((w for w in self.windows if w.code == code), None)

    def person(self, staff_id: str) -> StaffResult | None:
        """One person's result by id."""
        return next((p for p in self.staff if p.id == staff_id), None)


# --- the rules as lookups -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Rules:
    cat: Catalogue
    categories: dict[str, Category]
    item_category: dict[str, str]
    counterparts: dict[str, str]
    dq: dict[str, DisqualificationKind]


@lru_cache(maxsize=8)
def rules_of(cat: Catalogue) -> _Rules:
    """Lookup tables of a catalogue, built once."""
    cats = {c.code: c for c in cat.window_categories + cat.staff_categories}
    return _Rules(
        cat=cat,
        categories=cats,
        item_category={i.code: c.code for c in cats.values() for i in c.items},
        counterparts=dict(cat.counterparts),
        dq={d.kind: d for d in cat.disqualifications},
    )


def _upto(p: int, as_of: int | None) -> bool:
    return as_of is None or p <= as_of


# --- violations ---------------------------------------------------------------------------------


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
        if c is None or ok["st"] != "verified" or not _upto(ok["p"], as_of):
            continue
        out.append((fid, "complaint", [ok["p"], c["d"], ok["item"], c["w"], c["s"], c["ch"], ok["dq"], ok["a"], "",
                                       c["p"]]))
    if ordered:
        out.sort(key=lambda v: (v[2][F_P], v[0]))
    return out


Hit = tuple[str, str, list[Any], str]
"""(fact id, origin, violation row, the item it counts under for the subject)."""


def _table(
    r: _Rules, categories: tuple[Category, ...], hits: list[Any], published_at: int | None,
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


# --- bonus --------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Claim:
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


def verified_claims(q: QuarterState, as_of: int | None) -> list[_Claim]:
    """Bonus claims verified as of a position (D5), in the order they were verified."""
    out = []
    for fid, ok in q.claim_outcomes.items():
        c = q.claims.get(fid)
        if c is None or ok["st"] != "verified" or not _upto(ok["p"], as_of):
            continue
        out.append(_Claim(fid, ok["p"], c["p"], c["d"], c["kind"], c["w"], c["s"], c["level"], c["place"],
                          c["ref"], c["a"], ok["a"]))
    out.sort(key=lambda c: (c.position, c.fact_id))
    return out


def _bonus(r: _Rules, claims: list[_Claim], subject: str, published_at: int | None) -> list[BonusLine]:
    """Bonus lines for a window ('window') or a person ('staff'): B1–B6 / S5.1–S5.4 with D6/D7 counting."""
    lines: list[BonusLine] = []
    best: dict[tuple[str, Any], tuple[int, int]] = {}  # group -> (points, index of the counted line)
    for c in claims:
        bk = r.cat.bonus_kind(c.kind)
        item = bk.window_item if subject == "window" else bk.staff_item
        if item is None:
            continue
        pts = bk.points(subject, c.level, c.place)
        note = ""
        group: tuple[str, Any] | None = None
        if bk.counting == "once-per-ref-highest":
            group = ("ref", c.ref or c.fact_id)
        elif bk.counting == "holder-highest-per-quarter":
            group = ("holder", c.staff)
        elif bk.counting == "once-per-quarter":
            group = ("quarter", c.kind)
        line_pts = pts
        if group is not None:
            prev = best.get(group)
            if prev is None:
                best[group] = (pts, len(lines))
            elif pts > prev[0]:
                old = lines[prev[1]]
                lines[prev[1]] = _replace_points(old, 0, _superseded_note(bk.counting))
                best[group] = (pts, len(lines))
            else:
                line_pts = 0
                note = _superseded_note(bk.counting)
        lines.append(BonusLine(
            fact_id=display_id(c.fact_id), position=c.position, claimed_at=c.claimed_at, date=c.date, kind=c.kind,
            item=item, level=c.level, place=c.place, ref=c.ref, holder=c.staff, actor=c.actor,
            verifier=c.verifier, points=line_pts, note=note,
            amendment=published_at is not None and c.position > published_at,
        ))
    return lines


def _superseded_note(counting: str) -> str:
    return {
        "once-per-ref-highest": "同一稿件只按最高级计一次",
        "holder-highest-per-quarter": "同一获奖者本季度只按最高级计一次",
        "once-per-quarter": "每季度只计一次",
    }.get(counting, "")


def _replace_points(line: BonusLine, points: int, note: str) -> BonusLine:
    return BonusLine(**{**line.__dict__, "points": points, "note": note})


# --- ranking, shortlist, stars ------------------------------------------------------------------


def ranks(scores: list[int]) -> list[int]:
    """Competition ranks, highest first, equal scores sharing a rank: 1, 2, 2, 4 (D12)."""
    ordered = sorted(scores, reverse=True)
    first: dict[int, int] = {}
    for i, s in enumerate(ordered):
        first.setdefault(s, i + 1)
    return [first[s] for s in scores]


def select_shortlist(scored: list[tuple[str, int, bool]], n: int) -> list[str]:
    """The top n eligible by score, all those tied at the cut included (D13); input (key, score, eligible)."""
    eligible = sorted((x for x in scored if x[2]), key=lambda x: (-x[1], x[0]))
    if len(eligible) <= n:
        return [x[0] for x in eligible]
    cut = eligible[n - 1][1]
    return [x[0] for x in eligible if x[1] >= cut]


def stars_for(
    cat: Catalogue, decided: int | None, deductions: int, disqualified: bool
) -> tuple[int, int, int, str]:
    """(base, minus, final stars, reason) for a person: §8 with D15–D17."""
    st = cat.stars
    base = decided if decided is not None else st["default"]
    if disqualified:
        final = st["disqualified"]
        return base, base - final, final, "disqualified"
    for red in cat.reductions:
        if deductions >= red.at_least:
            return base, red.minus, max(st["minimum"], base - red.minus), f"at_least_{red.at_least}"
    return base, 0, base, ""


# --- the quarter ----------------------------------------------------------------------------------


def status_of(q: QuarterState | None, as_of: int | None) -> str:
    """open → shortlisted → decided → published, as of a position."""
    if q is None:
        return "open"
    if q.published and _upto(q.published["p"], as_of):
        return "published"
    if q.decision and _upto(q.decision["p"], as_of):
        return "decided"
    if q.shortlist and _upto(q.shortlist["p"], as_of):
        return "shortlisted"
    return "open"


def _as_of_part(part: dict[str, Any] | None, as_of: int | None) -> dict[str, Any] | None:
    return part if part is not None and _upto(part["p"], as_of) else None


@dataclass(slots=True)
class Standing:
    """What one subject's own facts give it, before ranking and the 党组's decision (what a report caches).

    `detail` holds (categories, bonus_raw, bonus lines, disqualifications) when derived here; a standing
    read back from a cache has none, which is all a report needs.
    """

    key: str
    name: str
    score: int
    bonus: int
    deductions: int
    eligible: bool
    window: str | None = None  # a person's window on the quarter's last day (None for a window)
    window_name: str | None = None
    detail: tuple[tuple[CategoryScore, ...], int, tuple[BonusLine, ...], tuple[Disqualification, ...]] | None = None

    def to_json(self) -> list[Any]:
        """The cacheable part as a JSON-able list."""
        return [self.name, self.score, self.bonus, self.deductions, self.eligible, self.window, self.window_name]

    @classmethod
    def from_json(cls, key: str, data: list[Any]) -> Standing:
        """A standing from what `to_json` produced."""
        return cls(key, *data)


@dataclass(frozen=True)
class Placement:
    """Where a subject ends up once all are ranked and the shortlist and decision are applied."""

    rank: int
    shortlisted: bool
    picked: bool  # a window picked as 红旗窗口, a person picked for five or four stars
    decided: int | None = None  # stars the decision gives a person (None: no decision yet)
    base: int = 0
    minus: int = 0
    reduction: str = ""
    stars: int = 0
    reward_yuan: int = 0


@dataclass(frozen=True)
class Standings:
    """Every subject's standing in a quarter, with the quarter-level parts a report needs beside them."""

    quarter: str
    position: int
    status: str
    windows: dict[str, Standing]
    staff: dict[str, Standing]
    shortlist: dict[str, Any] | None
    decision: dict[str, Any] | None
    published: dict[str, Any] | None


def _subjects(
    registry: RegistryState, quarter: str, as_of: int | None
) -> tuple[dict[str, dict[str, Any]], dict[str, tuple[str, dict[str, Any]]]]:
    """Windows registered and people assigned to a window on the quarter's last day, as of a position."""
    last_day = quarter_bounds(quarter)[1].isoformat()
    windows = {c: w for c, w in registry.windows.items() if _upto(w["p"], as_of)}
    people: dict[str, tuple[str, dict[str, Any]]] = {}
    for pid, p in registry.people.items():
        if not _upto(p["p"], as_of):
            continue
        at = registry.window_at(pid, last_day, as_of)
        if at is not None:
            people[pid] = (at, p)
    return windows, people


def standings_of(
    q: QuarterState | None,
    registry: RegistryState,
    cat: Catalogue,
    quarter: str,
    as_of: int | None = None,
    detail: bool = True,
    only: tuple[set[str], set[str]] | None = None,
) -> tuple[dict[str, Standing], dict[str, Standing]]:
    """Phase one: each window's and person's standing from its own facts (RULES.md §2–§7).

    `only` = (window codes, staff ids) limits the work to those subjects (a cache refreshing what changed).
    """
    r = rules_of(cat)
    q = q or QuarterState(quarter)
    published = _as_of_part(q.published, as_of)
    published_at = published["position"] if published else None
    year = int(quarter[:4])
    windows, people = _subjects(registry, quarter, as_of)
    names = {c: w["name"] for c, w in windows.items()}
    if only is not None:
        windows = {c: w for c, w in windows.items() if c in only[0]}
        people = {pid: v for pid, v in people.items() if pid in only[1]}

    w_hits: dict[str, list[Any]] = defaultdict(list)
    s_hits: dict[str, list[Any]] = defaultdict(list)
    dq_w: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
    dq_s: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
    counterparts = r.counterparts
    for fid, origin, v in violations(q, as_of, ordered=detail):
        item, window, staff, dq = v[F_ITEM], v[F_W], v[F_S], v[F_DQ]
        if only is not None and window not in windows and staff not in people:
            continue
        counterpart = counterparts.get(item) if staff is not None else None
        if detail:
            (w_hits[window] if staff is None else s_hits[staff]).append((fid, origin, v, item))
            if counterpart is not None:
                w_hits[window].append((fid, origin, v, counterpart))
        else:
            (w_hits[window] if staff is None else s_hits[staff]).append(item)
            if counterpart is not None:
                w_hits[window].append(counterpart)
        if not dq:
            continue
        if staff is None:
            dq_w[(window, dq)].append((fid, v[F_P]))
        else:
            dq_s[(staff, dq)].append((fid, v[F_P]))
            if r.dq[dq].reaches_window:
                dq_w[(window, dq)].append((fid, v[F_P]))
    dq_by_window: dict[str, list[tuple[str, list[tuple[str, int]]]]] = defaultdict(list)
    dq_by_person: dict[str, list[tuple[str, list[tuple[str, int]]]]] = defaultdict(list)
    for (who, kind), facts in sorted(dq_w.items()):
        dq_by_window[who].append((kind, facts))
    for (who, kind), facts in sorted(dq_s.items()):
        dq_by_person[who].append((kind, facts))

    def disq(subject_type: str, subject: str, name: str,
             kinds: list[tuple[str, list[tuple[str, int]]]]) -> tuple[Disqualification, ...]:
        out = []
        for kind, facts in kinds:
            dk = r.dq[kind]
            scopes = dk.window_scopes if subject_type == "window" else dk.person_scopes
            facts = sorted(facts, key=lambda f: (f[1], f[0]))
            out.append(Disqualification(subject_type, subject, name, kind, tuple(scopes), quarter, year,
                                        tuple(display_id(f) for f, _ in facts), tuple(p for _, p in facts)))
        return tuple(out)

    claims_by_window: dict[str, list[_Claim]] = defaultdict(list)
    claims_by_person: dict[str, list[_Claim]] = defaultdict(list)
    for c in verified_claims(q, as_of):
        claims_by_window[c.window].append(c)  # D7: a person's achievement also counts for their window
        if c.staff is not None:
            claims_by_person[c.staff].append(c)

    ws: dict[str, Standing] = {}
    for code, w in windows.items():
        cats, raw = _table(r, cat.window_categories, w_hits.get(code, []), published_at, detail)
        blines = _bonus(r, claims_by_window.get(code, []), "window", published_at)
        bonus = sum(b.points for b in blines)  # D4: no cap
        dqs = disq("window", code, w["name"], dq_by_window.get(code, []))
        eligible = not any(QUARTER_RED_FLAG in d.scopes for d in dqs)
        ws[code] = Standing(code, w["name"], sum(c.score for c in cats) + bonus, bonus, raw, eligible,
                            detail=(cats, bonus, tuple(blines), dqs))
    cap = cat.staff_bonus_cap
    ss: dict[str, Standing] = {}
    for pid, (at, p) in people.items():
        cats, raw = _table(r, cat.staff_categories, s_hits.get(pid, []), published_at, detail)
        blines = _bonus(r, claims_by_person.get(pid, []), "staff", published_at)
        bonus_raw = sum(b.points for b in blines)
        bonus = min(cap, bonus_raw)
        dqs = disq("staff", pid, p["name"], dq_by_person.get(pid, []))
        eligible = not any(QUARTER_STAR in d.scopes for d in dqs)
        ss[pid] = Standing(pid, p["name"], sum(c.score for c in cats) + bonus, bonus, raw, eligible,
                           window=at, window_name=names.get(at, at),
                           detail=(cats, bonus_raw, tuple(blines), dqs))
    return ws, ss


def placements(
    cat: Catalogue,
    windows: dict[str, Standing],
    staff: dict[str, Standing],
    shortlist: dict[str, Any] | None,
    decision: dict[str, Any] | None,
) -> tuple[dict[str, Placement], dict[str, Placement]]:
    """Phase two: ranks (D12), the frozen shortlist, the 党组 decision and stars (§8, D15–D17)."""
    w_ranks = ranks([s.score for s in windows.values()])
    sl_w = set(shortlist["windows"]) if shortlist else set()
    picked_w = set(decision["red_flag"]) if decision else set()
    wp = {code: Placement(rank, code in sl_w, code in picked_w)
          for code, rank in zip(windows, w_ranks, strict=True)}
    five = set(decision["five"]) if decision else set()
    four = set(decision["four"]) if decision else set()
    sl_s = set(shortlist["staff"]) if shortlist else set()
    st = cat.stars
    sp = {}
    for (pid, s), rank in zip(staff.items(), ranks([s.score for s in staff.values()]), strict=True):
        decided: int | None = None
        if decision is not None:
            decided = st["five"] if pid in five else st["four"] if pid in four else st["default"]
        base, minus, final, reason = stars_for(cat, decided, s.deductions, not s.eligible)
        sp[pid] = Placement(rank, pid in sl_s, pid in five or pid in four, decided, base, minus, reason, final,
                            cat.rewards_yuan.get(final, 0))
    return wp, sp


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
    shortlist = _as_of_part(q.shortlist, as_of)
    decision = _as_of_part(q.decision, as_of)
    published = _as_of_part(q.published, as_of)
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


def quarter_standings(
    q: QuarterState | None, quarter: str, position: int, windows: dict[str, Standing], staff: dict[str, Standing],
) -> Standings:
    """Current standings with the quarter's status, shortlist, decision and publication beside them."""
    q = q or QuarterState(quarter)
    return Standings(quarter, position, status_of(q, None), windows, staff, q.shortlist, q.decision, q.published)


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
