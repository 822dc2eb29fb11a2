"""One test per decision D1–D20 of RULES.md, each figure worked out in the comments first."""

from __future__ import annotations

import hashlib

import orjson
import pytest

from ledger.commands import quarter as lq
from ledger.errors import NotAllowed
from projections.scoring import publication
from tests.projections.conftest import Center


def two_windows(c: Center) -> None:
    c.windows("W01", "W02")
    c.staff("P1", "W01")
    c.staff("P2", "W02")


def test_d1_a_fact_belongs_to_the_quarter_of_its_date(center: Center) -> None:
    two_windows(center)
    center.find("W2.2", window="W01", day="2008-06-30")  # last day of Q2: W2 30-5 → 95
    center.find("W2.2", window="W01", day="2008-07-01")  # first day of Q3
    assert center.result("2008Q2").window("W01").score == 95  # type: ignore[union-attr]
    assert center.result("2008Q3").window("W01").score == 95  # type: ignore[union-attr]
    assert center.result("2008Q4").window("W01").score == 100  # type: ignore[union-attr]


def test_d2_a_staff_fact_counts_for_the_window_the_person_was_at_on_its_date(center: Center) -> None:
    two_windows(center)
    center.ledger.move_staff("P1", "W02", "2008-06-01")
    center.find("S4.1", staff="P1", day="2008-05-20")  # at W01 → W2.2 of W01: 100-5 = 95
    center.find("S4.1", staff="P1", day="2008-06-10")  # at W02 → W2.2 of W02: 100-5 = 95
    res = center.result()
    assert (res.window("W01").score, res.window("W02").score) == (95, 95)  # type: ignore[union-attr]
    p1 = res.person("P1")
    assert p1 is not None and (p1.window, p1.score) == ("W02", 80)  # listed once, under the quarter-end window


def test_d3_deductions_are_per_occurrence_and_capped_at_the_category_points(center: Center) -> None:
    two_windows(center)
    for d in range(1, 8):  # W3: 15 points, 3 per violation; 7 violations = 21 raw → capped at 15
        center.find("W3.2", window="W01", day=f"2008-05-0{d}")
    w = center.result().window("W01")
    assert w is not None
    w3 = w.categories[2]
    assert (w3.raw, w3.deducted, w3.score) == (21, 15, 0)
    assert [o.points for o in w3.occurrences] == [3, 3, 3, 3, 3, 0, 0]
    assert (w.score, w.deductions) == (85, 21)


def test_d4_window_bonus_has_no_cap(center: Center) -> None:
    two_windows(center)
    for _ in range(4):  # four measures, 2 each → 8
        center.bonus("measure", window="W01")
    center.bonus("honour", window="W01", level="national")  # 10
    center.bonus("article", window="W01", level="national", ref="稿1")  # 5
    w = center.result().window("W01")
    assert w is not None and (w.bonus, w.score) == (8 + 10 + 5, 123)  # 100 + 23, above 100


def test_d5_a_bonus_counts_only_once_verified(center: Center) -> None:
    two_windows(center)
    pending = center.bonus("measure", window="W01", verify=False)
    rejected = center.bonus("measure", window="W01", verify=False)
    center.ledger.reject_bonus(rejected, "证明材料不全")
    assert center.result().window("W01").bonus == 0  # type: ignore[union-attr]
    center.ledger.verify_bonus(pending)
    assert center.result().window("W01").bonus == 2  # type: ignore[union-attr]


def test_d6_one_honour_holder_counts_once_per_quarter_at_the_highest_level(center: Center) -> None:
    two_windows(center)
    center.bonus("honour", staff="P1", level="county", ref="县级先进")  # 1
    center.bonus("honour", staff="P1", level="city", ref="市级先进")  # 3 — highest for P1
    center.bonus("honour", window="W01", level="county")  # the window is its own holder: 1
    center.bonus("honour", staff="P1", level="province", day="2008-07-05")  # Q3: separate quarter
    res = center.result()
    assert res.person("P1").bonus == 3  # type: ignore[union-attr]
    assert res.window("W01").bonus == 3 + 1  # type: ignore[union-attr]
    assert center.result("2008Q3").person("P1").bonus == 5  # type: ignore[union-attr]


def test_d6_one_article_counts_once_at_its_highest_level(center: Center) -> None:
    two_windows(center)
    center.bonus("article", staff="P1", level="county", ref="《窗口一口清》")  # 2
    center.bonus("article", staff="P1", level="province", ref="《窗口一口清》")  # 4: same article, highest
    center.bonus("article", staff="P1", level="center", ref="《另一篇》")  # 1
    res = center.result()
    assert res.person("P1").bonus == 4 + 1  # type: ignore[union-attr]
    assert res.window("W01").bonus == 4 + 1  # type: ignore[union-attr]


def test_d7_a_staff_achievement_also_counts_for_their_window(center: Center) -> None:
    two_windows(center)
    center.bonus("article", staff="P1", level="city")  # window B1 3 / staff S5.1 3
    center.bonus("competition", staff="P1", place=2)  # B3 2 / S5.2 2
    center.bonus("honour", staff="P1", level="county")  # B5 1 / S5.3 1
    center.bonus("measure", staff="P1")  # B4 2 / S5.4 2
    center.bonus("suggestion", staff="P1")  # B6 1 / S5.4 2
    center.bonus("training", window="W01")  # B2 1, window only
    res = center.result()
    assert res.window("W01").bonus == 3 + 2 + 1 + 2 + 1 + 1  # type: ignore[union-attr]
    assert res.person("P1").bonus == 3 + 2 + 1 + 2 + 2  # type: ignore[union-attr]
    assert res.window("W02").bonus == 0  # type: ignore[union-attr]


def test_d8_a_finding_against_a_person_also_deducts_from_the_window_counterpart(center: Center) -> None:
    two_windows(center)
    center.find("S3.2", staff="P1")  # S3 -4 for P1; counterpart W5.2: W5 -6 for W01
    center.find("S2.3", staff="P1")  # S2 -4; S2.3 has no counterpart
    res = center.result()
    w = res.window("W01")
    assert w is not None and (w.score, w.deductions) == (94, 6)
    assert [o.counted_item for o in w.categories[4].occurrences] == ["W5.2"]
    assert res.person("P1").score == 82  # type: ignore[union-attr]


def test_d9_a_complaint_counts_only_once_verified_as_a_finding_of_its_item(center: Center) -> None:
    two_windows(center)
    cid = center.complaint(staff="P1", channel="civilization-office")
    center.complaint(staff="P1", channel="hotline-12345")  # never verified
    assert center.result().person("P1").score == 90  # type: ignore[union-attr]
    center.ledger.verify_complaint(cid, "S2.4")  # S2 -4; counterpart W4.2 -3
    res = center.result()
    p1 = res.person("P1")
    assert p1 is not None and p1.score == 86
    occ = p1.categories[1].occurrences[0]
    assert (occ.origin, occ.source, occ.item) == ("complaint", "civilization-office", "S2.4")
    assert res.window("W01").score == 97  # type: ignore[union-attr]


def test_d10_corruption_takes_the_quarter_and_the_year_titles_from_person_and_window(center: Center) -> None:
    two_windows(center)
    fid = center.find("S4.4", staff="P1", source="patrol", dq="corruption")
    res = center.result()
    p1, w01 = res.person("P1"), res.window("W01")
    assert p1 is not None and w01 is not None
    assert p1.disqualifications[0].scopes == ("quarter-star", "year-advanced-individual")
    assert w01.disqualifications[0].scopes == ("quarter-red-flag", "year-red-flag", "year-advanced-collective")
    assert p1.disqualifications[0].caused_by == (fid,)
    assert (p1.eligible, w01.eligible, res.window("W02").eligible) == (False, False, True)  # type: ignore[union-attr]


def test_d10_discipline_takes_only_the_persons_quarter_star(center: Center) -> None:
    two_windows(center)
    center.find("S4.3", staff="P1", dq="discipline")
    res = center.result()
    assert res.person("P1").disqualifications[0].scopes == ("quarter-star",)  # type: ignore[union-attr]
    assert res.window("W01").eligible  # type: ignore[union-attr]


def test_d11_a_disqualification_after_the_decision_voids_it_and_none_is_shortlisted(center: Center) -> None:
    two_windows(center)
    center.find("S4.2", staff="P2", dq="gaming")  # P2 and W02 out before the shortlist
    windows, staff = center.shortlist(n=2, m=2)
    assert (windows, staff) == (["W01"], ["P1"])
    center.decide(red_flag=["W01"], five=["P1"])
    assert center.result().person("P1").stars == 5  # type: ignore[union-attr]
    center.complaint(staff="P1", day="2008-06-01", item="S3.5", dq="complaint")  # after the decision
    res = center.result()
    p1, w01 = res.person("P1"), res.window("W01")
    assert p1 is not None and (p1.decided_stars, p1.voided, p1.stars, p1.reward_yuan) == (5, True, 1, 0)
    assert w01 is not None and (w01.picked, w01.voided, w01.red_flag) == (True, True, False)


def test_d12_equal_scores_share_a_rank_and_disqualified_ones_are_ranked_and_marked(center: Center) -> None:
    center.windows("A", "B", "C", "D")
    center.find("W1.1", window="B")  # 98
    center.find("W1.1", window="C")  # 98
    center.find("W2.3", window="D", dq="gaming")  # 95, disqualified but ranked
    res = center.result()
    assert [(w.code, w.score, w.rank, w.disqualified) for w in res.windows] == [
        ("A", 100, 1, False), ("B", 98, 2, False), ("C", 98, 2, False), ("D", 95, 4, True)]


def test_d13_the_shortlist_takes_the_top_n_eligible_and_everyone_tied_at_the_cut(center: Center) -> None:
    center.windows("A", "B", "C", "D", "E")
    center.find("W2.1", window="A", dq=None)  # A 95
    center.find("W1.1", window="B")  # B 98
    center.find("W1.1", window="C")  # C 98
    center.find("W2.3", window="D", dq="gaming")  # D 95, not eligible
    # E 100. Top 2: E 100, then B/C tied at 98 at the cut → both.
    windows, _ = center.shortlist(n=2, m=1)
    assert windows == ["E", "B", "C"]
    later = center.find("W1.1", window="E")  # E drops to 98: the frozen list does not change
    assert later and [w.code for w in center.result().windows if w.shortlisted] == ["B", "C", "E"]


def test_d14_the_party_group_cannot_pick_outside_the_shortlist(center: Center) -> None:
    two_windows(center)
    center.find("S1.1", staff="P2")
    center.shortlist(n=1, m=1)  # W01 100 vs W02 97; P1 90 vs P2 86
    with pytest.raises(NotAllowed, match="不在"):
        center.decide(five=["P2"])
    with pytest.raises(NotAllowed, match="不在"):
        center.decide(red_flag=["W02"])
    assert center.result().status == "shortlisted"
    center.decide(red_flag=["W01"], five=["P1"])
    assert center.result().status == "decided"


def test_d15_deductions_are_the_raw_sum_before_caps_and_bonus_does_not_offset_them(center: Center) -> None:
    two_windows(center)
    for d in ("01", "02", "03", "04", "05"):  # S1: 15 points, 4 each → raw 20, capped 15
        center.find("S1.2", staff="P1", day=f"2008-05-{d}")
    center.bonus("honour", staff="P1", level="national")  # +10 to the score, not to 应扣分
    p1 = center.result().person("P1")
    assert p1 is not None and (p1.deductions, p1.score, p1.minus, p1.stars) == (20, 75 + 10, 2, 1)


def test_d16_a_disqualified_person_ends_with_one_star_whatever_was_decided(center: Center) -> None:
    two_windows(center)
    center.shortlist(n=2, m=2)
    center.decide(five=["P1"], four=["P2"])
    center.find("S4.2", staff="P2", dq="gaming", day="2008-06-01")
    p2 = center.result().person("P2")
    assert p2 is not None and (p2.base_stars, p2.reduction, p2.stars, p2.reward_yuan) == (4, "disqualified", 1, 0)


def test_d17_exactly_twenty_points_takes_two_stars(center: Center) -> None:
    two_windows(center)
    center.shortlist(n=2, m=2)
    center.decide(four=["P1"])
    for d in range(4):  # S4: 4 × 5 = 20, "20分以上" includes 20 → minus two: 4 → 2
        center.find("S4.1", staff="P1", day=f"2008-06-0{d + 1}")
    p1 = center.result().person("P1")
    assert p1 is not None and (p1.deductions, p1.minus, p1.stars, p1.reward_yuan) == (20, 2, 2, 0)


def test_d17_nineteen_points_takes_one_star_and_stars_never_fall_below_one(center: Center) -> None:
    two_windows(center)
    for d in range(1, 4):  # P1: 3 × 5 = 15, + S1.1 4 = 19 → minus one: 3 → 2
        center.find("S4.1", staff="P1", day=f"2008-05-0{d}")
    center.find("S1.1", staff="P1")
    for d in range(1, 7):  # P2: 6 × 5 = 30 raw → minus two: 3 → 1
        center.find("S4.1", staff="P2", day=f"2008-05-0{d}")
    res = center.result()
    assert (res.person("P1").deductions, res.person("P1").stars) == (19, 2)  # type: ignore[union-attr]
    assert (res.person("P2").deductions, res.person("P2").stars) == (30, 1)  # type: ignore[union-attr]


def test_d17_exactly_fifteen_points_takes_one_star(center: Center) -> None:
    two_windows(center)
    for d in ("01", "02", "03"):  # 3 × 5 = 15 → minus one: 3 → 2
        center.find("S4.1", staff="P1", day=f"2008-05-{d}")
    p1 = center.result().person("P1")
    assert p1 is not None and (p1.deductions, p1.minus, p1.stars) == (15, 1, 2)


def test_d18_publishing_records_the_digest_of_exactly_the_results_published(center: Center) -> None:
    two_windows(center)
    center.shortlist(n=1, m=1)
    center.decide(red_flag=["W01"], five=["P1"])
    res = center.result()
    digest = publication.digest(res)
    assert digest == hashlib.sha256(orjson.dumps(publication.document(res), option=orjson.OPT_SORT_KEYS)).hexdigest()
    lq.publish_quarter(center.ledger, "2008Q2", res.position, digest)
    doc = center.views().report("2008Q2")
    assert doc["status"] == "published"
    assert doc["published"]["digest"] == digest and doc["published"]["digest_matches"]
    assert doc["published"]["differences"] == []
    with pytest.raises(NotAllowed):
        lq.publish_quarter(center.ledger, "2008Q2", res.position, digest)


def test_d19_a_fact_dated_in_a_published_quarter_is_an_amendment_shown_beside_the_published_result(
    center: Center,
) -> None:
    two_windows(center)
    center.shortlist(n=1, m=1)
    center.decide(red_flag=["W01"], five=["P1"])
    res = center.result()
    lq.publish_quarter(center.ledger, "2008Q2", res.position, publication.digest(res))
    late = center.find("S3.1", staff="P1", day="2008-06-20")  # accepted after publication
    doc = center.views().report("2008Q2")
    assert doc["published"]["amendments"] == [late]
    changed = {(d["subject"], d["field"]): (d["published"], d["current"]) for d in doc["published"]["differences"]}
    assert changed[("P1", "score")] == (90, 86)
    assert changed[("W01", "score")] == (100, 94)
    occ = center.result().person("P1").categories[2].occurrences[0]  # type: ignore[union-attr]
    assert occ.amendment


def test_d20_a_retracted_finding_stops_counting_but_stays_in_the_ledger(center: Center) -> None:
    two_windows(center)
    fid = center.find("W4.3", window="W01")
    before = center.position()
    center.ledger.retract(fid, "系同名窗口，录错")
    assert center.result().window("W01").score == 100  # type: ignore[union-attr]
    assert center.result(as_of=before).window("W01").score == 97  # type: ignore[union-attr]
    doc = center.views().explain("2008Q2", "W01", None)
    assert doc["not_counted"][0]["id"] == fid
    assert doc["not_counted"][0]["status"] == "retracted" and doc["not_counted"][0]["reason"] == "系同名窗口，录错"
