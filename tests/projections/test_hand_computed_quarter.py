"""A whole quarter (2008Q2) worked out on paper from RULES.md first, then checked figure by figure.

Cast: windows W01 W02 W03; staff P1 P2 (W01), P3 P4 P6 (W02), P5 (W03, moved to W01 on 2008-06-15).

Facts and the arithmetic (category points / per violation from RULES.md §2 and §4):
  W01  W1.2 (window)                                  W1 10-2 = 8
       P1 S1.1 → counterpart W4.1 (D8)                W4 15-3 = 12
       P5 complaint S3.5 on 06-20, P5 already at W01  W5 30-6 = 24     (D2, D9)
       table 8+30+15+12+24 = 89, raw deductions 2+3+6 = 11
       bonus: B1 ref 稿A window county 2 vs P1 city 3 → once at 3; P2 national article 5 → B1 = 8
              B2 training twice → 1 (once per quarter); B3 P2 first place 3; B4 P2 measure 2;
              B5 P1 county 1 and province 5 → holder once at 5 (D6); B6 P2 suggestion 1
              bonus 8+1+3+2+5+1 = 20 (no cap, D4) → score 89+20 = 109
  W02  six W1 findings: raw 12, capped at 10           W1 0            (D3)
       P3 S4.1 ×4 → W2.2 ×4                           W2 30-20 = 10
       P6 corruption complaint S4.4 → W3.7            W3 15-3 = 12
       P4 S2.4 → W4.2                                  W4 15-3 = 12
       P4 S3.1 ×3 → W5.1 ×3                           W5 30-18 = 12
       table 0+10+12+12+12 = 46, raw 12+20+3+3+18 = 56; measure claim not verified → bonus 0 (D5)
       P6's corruption reaches the window: quarter and year 红旗窗口, year 先进集体 (D10) → ineligible
  W03  P5 S1.3 on 05-20 (still at W03) → W2.6         W2 30-5 = 25
       W2.1 recorded then retracted → nothing (D20); suggestion rejected → 0; dismissed complaint → 0
       table 10+25+15+15+30 = 95, raw 5, score 95
  Window ranks: W01 109 → 1, W03 95 → 2, W02 46 → 3.

  P1  S1.1 -4 → S1 11; S2.3 -4 → S2 16; raw 8; table 82
      S5: 稿A city 3 + honour province 5 (county superseded) = 8 → score 90
  P2  no findings: table 90; S5 3+2+2+5 = 12 capped at 10 → score 100
  P3  S4.1 ×4: raw 20, S4 capped at 0 → table 70, score 70; 应扣分 20 → minus two (D17)
  P4  S3.1 ×3 (12) + S2.4 (4): raw 16 → S3 23, S2 16 → table 74, score 74; minus one (≥15)
  P5  S1.3 -4 → S1 11; complaint S3.5 -4 → S3 31 → table 82, raw 8, score 82; listed under W01
  P6  corruption complaint S4.4 -5 → S4 15 → table 85, score 85; disqualified → 1 star
  Staff ranks: P2 100 → 1, P1 90 → 2, P6 85 → 3, P5 82 → 4, P4 74 → 5, P3 70 → 6.

Shortlist --windows 1 --staff 2: W01 (W02 disqualified); P2, P1 (P6 disqualified).
Decision: 红旗窗口 W01, five P2, four P1.
Stars: P2 5 (100 元), P1 4 (50 元), P3 3-2 = 1, P4 3-1 = 2, P5 3, P6 1.
"""

from __future__ import annotations

import pytest

from projections.scoring.results import QuarterResult
from tests.projections.conftest import Center


def build(c: Center) -> dict[str, str]:
    c.windows("W01", "W02", "W03")
    for p, w in (("P1", "W01"), ("P2", "W01"), ("P3", "W02"), ("P4", "W02"), ("P6", "W02"), ("P5", "W03")):
        c.staff(p, w)
    c.ledger.move_staff("P5", "W01", "2008-06-15")
    ids: dict[str, str] = {}
    c.find("W1.2", window="W01", day="2008-05-05")
    for n, item in enumerate(["W1.1", "W1.2", "W1.3", "W1.4", "W1.5", "W1.6"]):
        c.find(item, window="W02", day=f"2008-05-0{n + 1}", source="duty")
    c.find("S1.1", staff="P1", day="2008-05-06")
    c.find("S2.3", staff="P1", day="2008-05-07")
    for d in ("07", "08", "09", "10"):
        c.find("S4.1", staff="P3", day=f"2008-05-{d}", source="patrol")
    for d in ("11", "12", "13"):
        c.find("S3.1", staff="P4", day=f"2008-05-{d}")
    c.find("S2.4", staff="P4", day="2008-05-14")
    c.find("S1.3", staff="P5", day="2008-05-20")
    wrong = c.find("W2.1", window="W03", day="2008-05-21")
    c.ledger.retract(wrong, "录入错误：应为 W02")
    c.find("W3.1", window="W01", day="2008-07-02")  # 2008Q3: ignored for 2008Q2 (D1)
    c.complaint(staff="P5", day="2008-06-20", item="S3.5")
    ids["corruption"] = c.complaint(staff="P6", day="2008-06-02", channel="efficiency-office", item="S4.4",
                                    dq="corruption")
    dismissed = c.complaint(window="W03", day="2008-06-03")
    c.ledger.dismiss_complaint(dismissed, "经查不属实")
    # bonuses
    c.bonus("article", window="W01", level="county", ref="稿A")
    c.bonus("article", staff="P1", level="city", ref="稿A")
    c.bonus("honour", staff="P1", level="county", ref="县先进")
    c.bonus("honour", staff="P1", level="province", ref="省先进")
    c.bonus("training", window="W01", day="2008-05-20")
    c.bonus("training", window="W01", day="2008-06-20")
    c.bonus("competition", staff="P2", place=1)
    c.bonus("measure", staff="P2")
    c.bonus("suggestion", staff="P2")
    c.bonus("article", staff="P2", level="national")
    c.bonus("measure", window="W02", verify=False)
    rejected = c.bonus("suggestion", window="W03", verify=False)
    c.ledger.reject_bonus(rejected, "未被采纳")
    return ids


def figures(res: QuarterResult) -> dict[str, tuple[int, ...]]:
    out = {w.code: (w.score, w.bonus, w.deductions, w.rank) for w in res.windows}
    out.update({p.id: (p.score, p.bonus, p.deductions, p.rank) for p in res.staff})
    return out


def test_every_figure_of_the_hand_computed_quarter_matches(center: Center) -> None:
    build(center)
    res = center.result()
    assert figures(res) == {
        "W01": (109, 20, 11, 1), "W03": (95, 0, 5, 2), "W02": (46, 0, 56, 3),
        "P2": (100, 10, 0, 1), "P1": (90, 8, 8, 2), "P6": (85, 0, 5, 3), "P5": (82, 0, 8, 4),
        "P4": (74, 0, 16, 5), "P3": (70, 0, 20, 6),
    }
    w01 = res.window("W01")
    assert w01 is not None
    assert [c.score for c in w01.categories] == [8, 30, 15, 12, 24]
    w02 = res.window("W02")
    assert w02 is not None and [c.score for c in w02.categories] == [0, 10, 12, 12, 12]
    assert [p.window for p in res.staff if p.id == "P5"] == ["W01"]
    assert [w.code for w in res.windows if w.disqualified] == ["W02"]
    assert [p.id for p in res.staff if p.disqualified] == ["P6"]


def test_the_hand_computed_quarter_runs_from_shortlist_to_stars(center: Center) -> None:
    build(center)
    windows, staff = center.shortlist(n=1, m=2)
    assert (windows, staff) == (["W01"], ["P2", "P1"])
    center.decide(red_flag=["W01"], five=["P2"], four=["P1"])
    res = center.result()
    stars = {p.id: (p.decided_stars, p.stars, p.reward_yuan) for p in res.staff}
    assert stars == {"P2": (5, 5, 100), "P1": (4, 4, 50), "P3": (3, 1, 0), "P4": (3, 2, 0), "P5": (3, 3, 0),
                     "P6": (3, 1, 0)}
    assert [w.code for w in res.windows if w.red_flag] == ["W01"]
    assert res.status == "decided"


def test_the_hand_computed_quarter_shows_its_corruption_case_in_the_year_audit(center: Center) -> None:
    ids = build(center)
    found = center.views().disqualifications(2008, "corruption")
    assert {(d["subject_type"], d["subject"]) for d in found} == {("staff", "P6"), ("window", "W02")}
    person = next(d for d in found if d["subject"] == "P6")
    assert person["caused_by"] == [ids["corruption"]]
    assert person["scopes"] == ["quarter-star", "year-advanced-individual"]
    assert [e["type"] for e in person["chain"][0]["events"]] == ["ComplaintReceived", "ComplaintVerified"]
    year = center.views().year(2008)
    assert {d["subject"] for d in year["disqualifications"] if d["kind"] == "corruption"} == {"P6", "W02"}
    assert center.views().disqualifications(2009) == []


@pytest.mark.parametrize("quarter", ["2008Q3"])
def test_a_later_quarter_sees_only_its_own_facts(center: Center, quarter: str) -> None:
    build(center)
    res = center.result(quarter)
    w01 = res.window("W01")
    assert w01 is not None and (w01.score, w01.deductions) == (97, 3)  # W3.1 on 07-02: 100 - 3
    assert all(p.score == 90 for p in res.staff)
