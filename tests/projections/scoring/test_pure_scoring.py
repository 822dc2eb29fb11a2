"""The scoring alone: hand-built fold states and registries into `derive` and `standings_of`, no database.

Every figure is worked out in the comments from RULES.md first (category points / per violation:
W1 10/2, W2 30/5, W3 15/3, W4 15/3, W5 30/6 = 100; S1 15/4, S2 20/4, S3 35/4, S4 20/5 = 90, S5 bonus ≤ 10).

Cast, registered at positions 1–9: windows W01–W04; P1 and P2 at W01, P3 at W02, P4 at W03 from 05-01 and
at W02 from 06-15 (a move recorded at position 9), P5 at W04 only from 2008-07-01 (not in 2008Q2).
"""

from __future__ import annotations

from itertools import count

from ledger import catalogue
from ledger.registry import Assignment, PersonEntry, Registry, WindowEntry
from projections.fold.entries import FindingEntry
from projections.fold.state import QuarterState
from projections.scoring.derive import derive
from projections.scoring.results import QuarterResult
from projections.scoring.standings import standings_of
from projections.scoring.stars import select_shortlist

CAT = catalogue.load()
Q = "2008Q2"


def registry() -> Registry:
    def since(day: str, window: str, p: int) -> Assignment:
        return {"since": day, "window": window, "p": p}

    def window(code: str, p: int) -> WindowEntry:  # in the center from the rules' start (D21)
        return {"name": f"窗口{code}", "department": "", "p": p, "presence": [{"since": None, "open": True, "p": p}],
                "names": [{"since": None, "name": f"窗口{code}", "department": "", "p": p}]}

    def person(name: str, p: int, *assignments: Assignment) -> PersonEntry:
        return {"name": name, "p": p, "assignments": list(assignments),
                "names": [{"since": None, "name": name, "p": p}]}

    return Registry(
        center={"center": "中心", "rules": CAT.id, "sha256": CAT.sha256, "p": 1},
        windows={code: window(code, p) for code, p in (("W01", 2), ("W02", 3), ("W03", 4), ("W04", 5))},
        people={
            "P1": person("甲", 6, since("2008-05-01", "W01", 6)),
            "P2": person("乙", 6, since("2008-05-01", "W01", 6)),
            "P3": person("丙", 7, since("2008-05-01", "W02", 7)),
            "P4": person("丁", 8, since("2008-05-01", "W03", 8), since("2008-06-15", "W02", 9)),
            "P5": person("戊", 8, since("2008-07-01", "W04", 8)),
        },
    )


class Quarter:
    """A 2008Q2 fold state written by hand, fact by fact, at increasing ledger positions from 10."""

    def __init__(self) -> None:
        self.q = QuarterState(Q)
        self.positions = count(10)
        self.ids = count(1)

    def find(self, item: str, window: str, staff: str | None = None, dq: str | None = None,
             day: str = "2008-05-10") -> str:
        fid = f"{next(self.ids):032x}"
        entry: FindingEntry = {"p": next(self.positions), "d": day, "item": item, "w": window, "s": staff,
                               "src": "weekly", "dq": dq, "a": "督查科", "note": ""}
        self.q.findings[fid] = entry
        return fid

    def honour(self, window: str, staff: str | None, level: str) -> str:
        fid = f"{next(self.ids):032x}"
        self.q.claims[fid] = {"p": next(self.positions), "d": "2008-05-12", "kind": "honour", "w": window,
                              "s": staff, "level": level, "place": None, "ref": None, "a": "督查科"}
        self.q.claim_outcomes[fid] = {"p": next(self.positions), "a": "督查科", "st": "verified", "reason": ""}
        return fid

    def decide(self, red_flag: list[str], five: list[str], four: list[str]) -> None:
        windows = [w.code for w in self.result().windows]
        staff = [p.id for p in self.result().staff]
        self.q.shortlists.append({"p": next(self.positions), "a": "督查科", "windows_n": 8, "staff_m": 20,
                                  "windows": windows, "staff": staff, "reason": ""})
        self.q.decisions.append({"p": next(self.positions), "a": "党组", "red_flag": red_flag, "five": five,
                                 "four": four, "reason": "", "meeting": None, "minutes": None})

    def result(self) -> QuarterResult:
        return derive(self.q, registry(), CAT, Q, position=100)


def test_d3_each_violation_deducts_its_category_amount_and_a_category_stops_at_zero() -> None:
    quarter = Quarter()
    for _ in range(6):
        quarter.find("W1.1", "W01")  # W1: 6 × 2 = 12 raw, capped at 10 → 0
    quarter.find("W2.2", "W01")  # W2: 30 - 5 = 25
    w = quarter.result().window("W01")
    assert w is not None
    w1 = next(c for c in w.categories if c.code == "W1")
    assert (w1.raw, w1.deducted, w1.score) == (12, 10, 0)
    assert [o.points for o in w1.occurrences] == [2, 2, 2, 2, 2, 0]  # the sixth finds the category spent
    assert [c.score for c in w.categories] == [0, 25, 15, 15, 30]
    assert (w.score, w.deductions) == (85, 17)  # deductions are the raw sum 12 + 5 (D15)


def test_d8_a_staff_finding_also_deducts_the_windows_counterpart_and_d2_the_window_of_its_day() -> None:
    quarter = Quarter()
    quarter.find("S1.1", "W01", "P1")  # P1 S1 15 - 4 = 11; W01 W4.1 15 - 3 = 12
    quarter.find("S2.3", "W01", "P1")  # P1 S2 20 - 4 = 16; S2.3 has no counterpart: W01 untouched
    quarter.find("S1.3", "W03", "P4", day="2008-05-20")  # P4 still at W03 that day: W03 W2.6 30 - 5 = 25
    res = quarter.result()
    p1, p4 = res.person("P1"), res.person("P4")
    assert p1 is not None and (p1.score, p1.deductions) == (82, 8)  # 11 + 16 + 35 + 20
    assert p4 is not None and (p4.window, p4.score) == ("W02", 86)  # listed under its quarter-end window
    w01, w02, w03 = res.window("W01"), res.window("W02"), res.window("W03")
    assert w01 is not None and (w01.score, w01.deductions) == (97, 3)
    w4 = next(c for c in w01.categories if c.code == "W4")
    assert [(o.item, o.counted_item, o.staff) for o in w4.occurrences] == [("S1.1", "W4.1", "P1")]
    assert w03 is not None and w03.score == 95
    assert w02 is not None and w02.score == 100
    assert res.person("P5") is None  # not yet at a window on the quarter's last day


def ranked_windows(gaming_at_w03: bool) -> Quarter:
    """W01 100; W02 95 (W2.1); W03 95 (W2.3, disqualified for gaming if asked); W04 90 (W2.1 twice)."""
    quarter = Quarter()
    quarter.find("W2.1", "W02")
    quarter.find("W2.3", "W03", dq="gaming" if gaming_at_w03 else None)
    quarter.find("W2.1", "W04")
    quarter.find("W2.1", "W04")
    return quarter


def test_d12_equal_scores_share_a_rank_and_disqualified_windows_are_ranked_and_marked() -> None:
    res = ranked_windows(gaming_at_w03=True).result()
    assert [(w.code, w.score, w.rank, w.eligible) for w in res.windows] == [
        ("W01", 100, 1, True), ("W02", 95, 2, True), ("W03", 95, 2, False), ("W04", 90, 4, True)]
    assert [(r["code"], r["rank"], r["disqualified"]) for r in res.rows["windows"]] == [
        ("W01", 1, False), ("W02", 2, False), ("W03", 2, True), ("W04", 4, False)]


def test_d13_the_shortlist_takes_the_top_eligible_and_every_one_tied_at_the_cut() -> None:
    def shortlist(res: QuarterResult, n: int) -> list[str]:
        return select_shortlist([(w.code, w.score, w.eligible) for w in res.windows], n)

    clean = ranked_windows(gaming_at_w03=False).result()
    assert shortlist(clean, 1) == ["W01"]
    assert shortlist(clean, 2) == ["W01", "W02", "W03"]  # W02 and W03 tie at the cut (95)
    assert shortlist(clean, 9) == ["W01", "W02", "W03", "W04"]
    disqualified = ranked_windows(gaming_at_w03=True).result()
    assert shortlist(disqualified, 2) == ["W01", "W02"]  # W03 cannot be shortlisted


def test_d14_a_decision_far_from_about_five_and_fifteen_is_applied_as_recorded() -> None:
    quarter = Quarter()
    quarter.decide(red_flag=["W01", "W02"], five=["P1", "P2", "P3"], four=[])
    res = quarter.result()
    assert res.status == "decided"
    assert [(p.id, p.decided_stars, p.stars, p.reward_yuan) for p in sorted(res.staff, key=lambda p: p.id)] == [
        ("P1", 5, 5, 100), ("P2", 5, 5, 100), ("P3", 5, 5, 100), ("P4", 3, 3, 0)]
    assert [w.code for w in res.windows if w.red_flag] == ["W01", "W02"]


def test_d15_the_deductions_that_cost_stars_are_the_raw_sum_and_no_bonus_offsets_them() -> None:
    quarter = Quarter()
    for _ in range(5):
        quarter.find("S4.1", "W01", "P1")  # S4: 5 × 5 = 25 raw, capped at 20 → 0; W2.2 of W01 5 × 5 → 30 - 25 = 5
    quarter.honour("W01", "P1", "national")  # S5.3 10 for P1 (cap 10); B5 10 for W01 too (D7)
    res = quarter.result()
    p1, w01 = res.person("P1"), res.window("W01")
    assert p1 is not None and (p1.score, p1.bonus, p1.deductions) == (80, 10, 25)  # 15 + 20 + 35 + 0 + 10
    assert (p1.base_stars, p1.minus, p1.stars, p1.reduction) == (3, 2, 1, "at_least_20")  # 25 ≥ 20 despite the bonus
    assert w01 is not None and (w01.score, w01.bonus, w01.deductions) == (85, 10, 25)  # 10 + 5 + 15 + 15 + 30 + 10


def test_d16_a_disqualified_person_ends_with_one_star_and_the_decision_for_them_is_void() -> None:
    quarter = Quarter()
    quarter.find("S4.1", "W01", "P2", dq="discipline")  # discipline reaches no window
    quarter.decide(red_flag=["W01"], five=["P2"], four=[])
    res = quarter.result()
    p2, w01 = res.person("P2"), res.window("W01")
    assert p2 is not None
    assert (p2.eligible, p2.decided_stars, p2.stars, p2.reduction, p2.voided, p2.reward_yuan) == (
        False, 5, 1, "disqualified", True, 0)
    assert w01 is not None and (w01.eligible, w01.red_flag) == (True, True)


def test_d17_twenty_is_minus_two_fifteen_is_minus_one_and_fourteen_is_none() -> None:
    quarter = Quarter()
    for _ in range(5):
        quarter.find("S2.3", "W02", "P3")  # 20 raw → minus two: 3 - 2 = 1
    for _ in range(3):
        quarter.find("S4.1", "W02", "P4", day="2008-06-20")  # 15 raw → minus one
    quarter.find("S4.1", "W01", "P2")
    quarter.find("S4.1", "W01", "P2")
    quarter.find("S1.1", "W01", "P2")  # 5 + 5 + 4 = 14 raw → no reduction
    quarter.decide(red_flag=[], five=["P1"], four=["P2", "P4"])
    res = quarter.result()
    got = {p.id: (p.deductions, p.base_stars, p.minus, p.stars, p.reward_yuan) for p in res.staff}
    assert got == {"P1": (0, 5, 0, 5, 100), "P2": (14, 4, 0, 4, 50), "P3": (20, 3, 2, 1, 0),
                   "P4": (15, 4, 1, 3, 0)}


def test_the_standings_a_report_caches_are_those_of_the_full_derivation() -> None:
    quarter = ranked_windows(gaming_at_w03=True)
    quarter.find("S3.5", "W01", "P1", dq="complaint")
    ws, ss = standings_of(quarter.q, registry(), CAT, Q, detail=False)
    res = quarter.result()
    assert {k: (s.score, s.deductions, s.eligible) for k, s in ws.items()} == {
        w.code: (w.score, w.deductions, w.eligible) for w in res.windows}
    assert {k: (s.score, s.window) for k, s in ss.items()} == {p.id: (p.score, p.window) for p in res.staff}
    assert ws["W01"].eligible is False  # a complaint disqualification reaches the window
