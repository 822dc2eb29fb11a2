"""Each window's and person's standing from its own facts, then their placements: ranks, shortlist, decision, stars."""

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple, TypedDict, TypeVar

from ledger.calendar import quarter_bounds
from ledger.catalogue import Catalogue
from ledger.quarter_status import status
from ledger.registry import Membership, Registry
from projections.fold.entries import DecisionEntry, PublishedEntry, ShortlistEntry, display_id
from projections.fold.state import QuarterState
from projections.scoring.bonus import Claim, bonus_lines, bonus_points, verified_claims
from projections.scoring.results import QUARTER_RED_FLAG, QUARTER_STAR, BonusLine, CategoryScore, Disqualification
from projections.scoring.stars import ranks, stars_for
from projections.scoring.tables import rules_of, score_table, table_totals, upto, violations


def status_of(q: QuarterState | None, as_of: int | None) -> str:
    """open → shortlisted → decided → published, as of a position."""
    if q is None:
        return "open"
    return status(in_force(q.shortlists, as_of) is not None, in_force(q.decisions, as_of) is not None,
                  as_of_part(q.published, as_of) is not None)


Step = TypeVar("Step", ShortlistEntry, DecisionEntry, PublishedEntry)


def as_of_part(part: Step | None, as_of: int | None) -> Step | None:
    """A quarter's step (shortlist, decision, publication) if it was recorded by `as_of`."""
    return part if part is not None and upto(part["p"], as_of) else None


def recorded_by(records: list[Step], as_of: int | None) -> list[Step]:
    """A quarter's shortlists or decisions recorded by `as_of`, in ledger order."""
    return [r for r in records if upto(r["p"], as_of)]


def in_force(records: list[Step], as_of: int | None) -> Step | None:
    """The shortlist or decision in force as of a position: the last recorded by then, which replaced every earlier
    one whole (D25)."""
    found = recorded_by(records, as_of)
    return found[-1] if found else None


class StandingEntry(TypedDict):
    """A standing as the standings cache stores it (everything but the key and the detail)."""

    name: str
    score: int
    bonus: int
    deductions: int
    eligible: bool
    window: str | None
    window_name: str | None
    left: str | None


@dataclass(slots=True)
class Standing:
    """What one subject's own facts give it, before ranking and the 党组's decision (what a report caches).

    `detail` holds (categories, bonus_raw, bonus lines, disqualifications) when derived here with detail; a
    standing derived without it, or read back from a cache, has none, which is all a report needs.
    """

    key: str
    name: str
    score: int
    bonus: int
    deductions: int
    eligible: bool
    window: str | None = None  # a person's window on their last working day of the quarter (None for a window)
    window_name: str | None = None
    left: str | None = None  # the day a window or person left the center, when they were out by the quarter's end
    detail: tuple[tuple[CategoryScore, ...], int, tuple[BonusLine, ...], tuple[Disqualification, ...]] | None = None

    @property
    def shortlistable(self) -> bool:
        """Whether the 督查科 may shortlist it: not disqualified, and still in the center at the quarter's end."""
        return self.eligible and self.left is None

    def to_json(self) -> StandingEntry:
        """The cacheable part as a JSON-able entry."""
        return {"name": self.name, "score": self.score, "bonus": self.bonus, "deductions": self.deductions,
                "eligible": self.eligible, "window": self.window, "window_name": self.window_name, "left": self.left}

    @classmethod
    def from_json(cls, key: str, data: StandingEntry) -> "Standing":
        """A standing from what `to_json` produced."""
        return cls(key, data["name"], data["score"], data["bonus"], data["deductions"], data["eligible"],
                   data["window"], data["window_name"], data["left"])


class Placement(NamedTuple):
    """Where a subject ends up once all are ranked and the shortlist and decision are applied."""

    rank: int
    shortlisted: bool
    picked: bool  # a window picked as 红旗窗口, a person picked for five or four stars
    decided: int | None = None  # stars the decision gives a person (None: no decision yet)
    base: int = 0
    minus: int = 0
    reduction: str = ""
    stars: int | None = 0  # None: a person who had left the center by the quarter's end takes no star (D22)
    reward_yuan: int = 0


class Standings(NamedTuple):
    """Every subject's standing in a quarter, with the quarter-level parts a report needs beside them."""

    quarter: str
    position: int
    status: str
    windows: dict[str, Standing]
    staff: dict[str, Standing]
    shortlist: ShortlistEntry | None
    decision: DecisionEntry | None
    published: PublishedEntry | None


class Subject(NamedTuple):
    """A window or person of a quarter: their part in it (D21, D22) and their name in force at its end (D24)."""

    membership: Membership
    name: str
    department: str = ""


def _subjects(registry: Registry, quarter: str, as_of: int | None, people_only: set[str] | None = None
              ) -> tuple[dict[str, Subject], dict[str, Subject]]:
    """The windows in the center on at least one day of the quarter, and the people who worked in it at least one
    day (with the window of their last working day), as of a position; names as they stood at its end.

    `people_only`: only these people are looked at (a cache refreshing a few: not all ~1,000 of the registry)."""
    first, last = (d.isoformat() for d in quarter_bounds(quarter))
    windows: dict[str, Subject] = {}
    for code in registry.windows:
        m = registry.window_between(code, first, last, as_of)
        if m is not None:
            windows[code] = Subject(m, *registry.window_name(code, last, as_of))
    people: dict[str, Subject] = {}
    for pid in registry.people if people_only is None else [p for p in registry.people if p in people_only]:
        m = registry.person_between(pid, first, last, as_of)
        if m is not None:
            people[pid] = Subject(m, registry.person_name(pid, last, as_of))
    return windows, people


def attribution(registry: Registry, as_of: int | None) -> Callable[[str, str], str | None]:
    """D23: the window a person's fact of a day counts for, from the registry as it stood at `as_of` (whatever
    the window recorded with the fact) — `Registry.window_on`, with each person's assignments recorded by `as_of`
    kept as a sorted list of first days: one bisection per fact instead of a scan of the person's history
    (a quarter of the 1M-event ledger asks ~14,500 of them; tests/projections/scoring hold the two equal)."""
    timelines: dict[str, tuple[list[str], list[str | None]]] = {}
    people = registry.people

    def window_of(person: str, day: str) -> str | None:
        t = timelines.get(person)
        if t is None:
            entry = people.get(person)
            kept = [a for a in entry["assignments"] if as_of is None or a["p"] <= as_of] if entry is not None else []
            # ordered by (first day, position) as the registry keeps them: the last from `day` or before is in force
            t = timelines[person] = ([a["since"] for a in kept], [a["window"] for a in kept])
        i = bisect_right(t[0], day)
        return t[1][i - 1] if i else None
    return window_of


def standings_of(
    q: QuarterState | None,
    registry: Registry,
    cat: Catalogue,
    quarter: str,
    as_of: int | None = None,
    detail: bool = True,
    only: tuple[set[str], set[str]] | None = None,
) -> tuple[dict[str, Standing], dict[str, Standing]]:
    """Phase one: each window's and person's standing from its own facts (RULES.md §2–§7).

    `only` = (window codes, staff ids) limits the work to those subjects (a cache refreshing what changed).
    Without `detail` a standing holds its totals only (`Standing.detail` None): violations are counted per
    category, claims summed, disqualifications read for eligibility — no occurrence, category, bonus line or
    disqualification is built (a report's standings of a whole quarter: ~15,000 violations, ~3,000 claims, ~1,000
    subjects; a property test holds the totals equal to the detailed ones).
    """
    r = rules_of(cat)
    q = q or QuarterState(quarter)
    published = as_of_part(q.published, as_of)
    published_at = published["position"] if published else None
    year = int(quarter[:4])
    windows, people = _subjects(registry, quarter, as_of, None if only is None else only[1])
    names = {c: w.name for c, w in windows.items()}
    window_of = attribution(registry, as_of)
    if only is not None:
        windows = {c: w for c, w in windows.items() if c in only[0]}

    w_hits: dict[str, list[Any]] = defaultdict(list)
    s_hits: dict[str, list[Any]] = defaultdict(list)
    # without detail: violations counted per subject and category (what `table_totals` scores)
    w_counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    s_counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    item_category = r.item_category
    dq_w: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
    dq_s: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
    counterparts = r.counterparts
    for fid, origin, v, recorded_at in violations(q, as_of, ordered=detail):
        item, window, staff, dq = v["item"], v["w"], v["s"], v["dq"]
        if staff is not None:
            window = window_of(staff, v["d"]) or window
            if window != v["w"] and detail:
                v = {**v, "w": window}  # a move entered after the fact: it counts where the person was (D23)
        if only is not None and window not in windows and staff not in people:
            continue
        counterpart = counterparts.get(item) if staff is not None else None
        if detail:
            (w_hits[window] if staff is None else s_hits[staff]).append((fid, origin, v, recorded_at, item))
            if counterpart is not None:
                w_hits[window].append((fid, origin, v, recorded_at, counterpart))
        else:
            (w_counts[window] if staff is None else s_counts[staff])[item_category[item]] += 1
            if counterpart is not None:
                w_counts[window][item_category[counterpart]] += 1
        if not dq:
            continue
        if staff is None:
            dq_w[(window, dq)].append((fid, v["p"]))
        else:
            dq_s[(staff, dq)].append((fid, v["p"]))
            if r.dq[dq].reaches_window:
                dq_w[(window, dq)].append((fid, v["p"]))
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

    claims_by_window: dict[str, list[Claim]] = defaultdict(list)
    claims_by_person: dict[str, list[Claim]] = defaultdict(list)
    for c in verified_claims(q, as_of):
        window = window_of(c.staff, c.date) or c.window if c.staff is not None else c.window
        claims_by_window[window].append(c)  # D7: a person's achievement also counts for their window (D23)
        if c.staff is not None:
            claims_by_person[c.staff].append(c)

    ws: dict[str, Standing] = {}
    no_counts: dict[str, int] = {}
    for code, w in windows.items():
        if detail:
            cats, raw = score_table(r, cat.window_categories, w_hits.get(code, []), published_at)
            blines = bonus_lines(r, claims_by_window.get(code, []), "window", published_at)
            bonus = sum(b.points for b in blines)  # D4: no cap
            dqs = disq("window", code, w.name, dq_by_window.get(code, []))
            eligible = not any(QUARTER_RED_FLAG in d.scopes for d in dqs)
            ws[code] = Standing(code, w.name, sum(c.score for c in cats) + bonus, bonus, raw, eligible,
                                left=w.membership.left, detail=(cats, bonus, tuple(blines), dqs))
        else:
            score, raw = table_totals(cat.window_categories, w_counts.get(code, no_counts))
            bonus = bonus_points(r, claims_by_window.get(code, []), "window")
            eligible = not any(QUARTER_RED_FLAG in r.dq[kind].window_scopes for kind, _ in dq_by_window.get(code, ()))
            ws[code] = Standing(code, w.name, score + bonus, bonus, raw, eligible, left=w.membership.left)
    cap = cat.staff_bonus_cap
    ss: dict[str, Standing] = {}
    for pid, p in people.items():
        at = p.membership.window
        if detail:
            cats, raw = score_table(r, cat.staff_categories, s_hits.get(pid, []), published_at)
            blines = bonus_lines(r, claims_by_person.get(pid, []), "staff", published_at)
            bonus_raw = sum(b.points for b in blines)
            bonus = min(cap, bonus_raw)
            dqs = disq("staff", pid, p.name, dq_by_person.get(pid, []))
            eligible = not any(QUARTER_STAR in d.scopes for d in dqs)
            ss[pid] = Standing(pid, p.name, sum(c.score for c in cats) + bonus, bonus, raw, eligible,
                               window=at, window_name=names.get(at, at), left=p.membership.left,
                               detail=(cats, bonus_raw, tuple(blines), dqs))
        else:
            score, raw = table_totals(cat.staff_categories, s_counts.get(pid, no_counts))
            bonus = min(cap, bonus_points(r, claims_by_person.get(pid, []), "staff"))
            eligible = not any(QUARTER_STAR in r.dq[kind].person_scopes for kind, _ in dq_by_person.get(pid, ()))
            ss[pid] = Standing(pid, p.name, score + bonus, bonus, raw, eligible,
                               window=at, window_name=names.get(at, at), left=p.membership.left)
    return ws, ss


def placements(
    cat: Catalogue,
    windows: dict[str, Standing],
    staff: dict[str, Standing],
    shortlist: ShortlistEntry | None,
    decision: DecisionEntry | None,
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
        final: int | None
        if s.left is None:
            base, minus, final, reason = stars_for(cat, decided, s.deductions, not s.eligible)
        else:  # D22: 授星 is for people still at the windows
            base, minus, final, reason = decided if decided is not None else st["default"], 0, None, "left"
        sp[pid] = Placement(rank, pid in sl_s, pid in five or pid in four, decided, base, minus, reason, final,
                            cat.rewards_yuan.get(final, 0) if final is not None else 0)
    return wp, sp


def quarter_standings(
    q: QuarterState | None, quarter: str, position: int, windows: dict[str, Standing], staff: dict[str, Standing],
    as_of: int | None = None,
) -> Standings:
    """Standings with the quarter's status, shortlist, decision and publication beside them, as of a position."""
    q = q or QuarterState(quarter)
    return Standings(quarter, position, status_of(q, as_of), windows, staff, in_force(q.shortlists, as_of),
                     in_force(q.decisions, as_of), as_of_part(q.published, as_of))
