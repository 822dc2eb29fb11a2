"""The center over time (RULES.md D21–D24), worked out by hand and checked figure by figure, on every backend.

Figures used below (RULES.md §2, §4): a window starts at 100, a person at 90; S1.1 deducts 4 from the person and,
through its counterpart W4.1 (D8), 3 from the person's window of the day; W1.1 deducts 2 from a window; a verified
measure (B4 / S5.4) gives the window 2 and the person 2.
"""

from __future__ import annotations

from typing import Any

import pytest

from ledger.commands import quarter as lq
from ledger.errors import Conflict, InvalidInput, NotAllowed
from projections.scoring import publication
from tests.projections.conftest import Center


def report(c: Center, quarter: str = "2008Q2") -> dict[str, Any]:
    return c.views().report(quarter)


def windows(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {w["code"]: w for w in doc["windows"]}


def staff(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["id"]: p for p in doc["staff"]}


def publish(c: Center, quarter: str = "2008Q2") -> int:
    res = c.result(quarter)
    lq.publish_quarter(c.ledger, quarter, res.position, publication.digest(res))
    return res.position


# --- D21: windows take part from a date and may leave ------------------------------------------------------------


def test_d21_a_window_that_joins_in_a_quarter_is_listed_from_that_quarter_on_and_never_before(center: Center) -> None:
    center.windows("W1")
    center.ledger.add_window("W3", "窗口W3", since="2008-08-01")
    assert list(windows(report(center, "2008Q2"))) == ["W1"]
    assert sorted(windows(report(center, "2008Q3"))) == ["W1", "W3"]
    assert windows(report(center, "2008Q3"))["W3"]["score"] == 100


def test_d21_facts_dated_before_a_window_joins_or_after_it_left_are_refused(center: Center) -> None:
    center.ledger.add_window("W3", "窗口W3", since="2008-08-01")
    with pytest.raises(NotAllowed, match="W3.*2008-07-31 不在中心"):
        center.find("W1.1", window="W3", day="2008-07-31")
    center.find("W1.1", window="W3", day="2008-08-01")
    center.ledger.close_window("W3", "2008-09-01", "撤出大厅")
    with pytest.raises(NotAllowed, match="2008-09-01 不在中心"):
        center.find("W1.1", window="W3", day="2008-09-01")
    with pytest.raises(NotAllowed, match="不在中心"):
        center.bonus("training", window="W3", day="2008-09-02")


def test_d21_a_window_registered_after_a_quarter_was_shortlisted_leaves_that_quarter_unchanged(
        center: Center) -> None:
    center.windows("W1")
    center.shortlist("2008Q2", n=1, m=1)
    before = report(center, "2008Q2")
    center.windows("W2")  # no --from: the first day of the earliest quarter not yet shortlisted
    after = report(center, "2008Q2")
    assert after["windows"] == before["windows"]
    assert "W2" in windows(report(center, "2008Q3"))
    with pytest.raises(NotAllowed, match="2008-06-30 不在中心"):
        center.find("W1.1", window="W2", day="2008-06-30")


def test_d21_a_window_that_left_before_the_quarters_end_is_listed_and_scored_but_not_shortlisted(
        center: Center) -> None:
    center.windows("W1", "W2")
    center.find("W1.1", window="W1", day="2008-05-10")  # W1 98
    center.find("W1.1", window="W2", day="2008-06-01")  # W2 98, then W2 leaves
    center.find("W1.2", window="W1", day="2008-06-02")  # W1 96
    center.ledger.close_window("W2", "2008-06-15", "部门撤出大厅")
    doc = report(center)
    ws = windows(doc)
    assert (ws["W2"]["score"], ws["W2"]["rank"], ws["W2"]["left"]) == (98, 1, "2008-06-15")
    assert (ws["W1"]["score"], ws["W1"]["rank"], ws["W1"]["left"]) == (96, 2, None)
    assert center.shortlist(n=1, m=1)[0] == ["W1"]
    assert "W2" not in windows(report(center, "2008Q3"))


def test_d21_closing_a_window_while_someone_is_assigned_to_it_is_refused(center: Center) -> None:
    center.windows("W1", "W2")
    center.staff("P1", "W2")
    with pytest.raises(NotAllowed, match="W2 在 2008-07-01 及以后仍有人员：P1"):
        center.ledger.close_window("W2", "2008-07-01")
    center.ledger.move_staff("P1", "W1", "2008-07-01")
    center.ledger.close_window("W2", "2008-07-01")
    with pytest.raises(NotAllowed, match="撤出"):
        center.ledger.move_staff("P1", "W2", "2008-08-01")


def test_d21_a_closed_window_returns_with_add_from_and_takes_part_again(center: Center) -> None:
    center.windows("W1", "W2")
    center.ledger.close_window("W2", "2008-05-20")
    with pytest.raises(NotAllowed, match="重新进驻请用 --from"):
        center.windows("W2")
    with pytest.raises(NotAllowed, match="必须晚于撤出日期"):
        center.ledger.add_window("W2", "窗口W2", since="2008-05-20")
    center.ledger.add_window("W2", "窗口W2", since="2008-08-01")
    with pytest.raises(Conflict, match="窗口代码已存在"):
        center.ledger.add_window("W2", "窗口W2", since="2008-09-01")
    assert windows(report(center, "2008Q2"))["W2"]["left"] == "2008-05-20"
    assert windows(report(center, "2008Q3"))["W2"]["left"] is None
    with pytest.raises(NotAllowed, match="不在中心"):
        center.find("W1.1", window="W2", day="2008-07-15")
    center.find("W1.1", window="W2", day="2008-08-01")


# --- D22: staff leave the center ---------------------------------------------------------------------------------


def test_d22_a_person_who_left_in_a_quarter_is_scored_and_ranked_there_without_a_star_and_absent_after(
        center: Center) -> None:
    center.windows("W1")
    center.staff("P1", "W1")
    center.staff("P2", "W1")
    center.find("S1.1", staff="P1", day="2008-07-10")  # P1 86, W1 97
    center.bonus("measure", staff="P2", day="2008-07-20")  # P2 92, W1 99
    center.ledger.leave_staff("P2", "2008-08-15", "借调期满回原单位")
    q3 = report(center, "2008Q3")
    p = staff(q3)
    assert (p["P2"]["score"], p["P2"]["rank"], p["P2"]["window"]) == (92, 1, "W1")
    assert (p["P2"]["stars"], p["P2"]["reward_yuan"], p["P2"]["left"]) == (None, 0, "2008-08-15")
    assert (p["P1"]["score"], p["P1"]["rank"], p["P1"]["left"]) == (86, 2, None)
    assert windows(q3)["W1"]["score"] == 99
    assert center.shortlist("2008Q3", n=1, m=1)[1] == ["P1"]
    center.decide("2008Q3", five=["P1"])
    q3 = report(center, "2008Q3")
    assert (staff(q3)["P1"]["stars"], staff(q3)["P2"]["stars"]) == (5, None)
    assert "P2" not in staff(report(center, "2008Q4"))
    assert "P2" in staff(report(center, "2008Q2"))


def test_d22_facts_dated_on_or_after_leaving_are_refused(center: Center) -> None:
    center.windows("W1")
    center.staff("P1", "W1")
    center.ledger.leave_staff("P1", "2008-08-15")
    with pytest.raises(NotAllowed, match="P1.*已于 2008-08-15 离开中心"):
        center.find("S1.1", staff="P1", day="2008-08-15")
    with pytest.raises(NotAllowed, match="离开中心"):
        center.complaint(staff="P1", day="2008-09-01")
    center.find("S1.1", staff="P1", day="2008-08-14")


def test_d22_a_late_leave_is_refused_while_facts_dated_on_or_after_it_stand_and_names_them(center: Center) -> None:
    center.windows("W1")
    center.staff("P1", "W1")
    fid = center.find("S1.1", staff="P1", day="2008-08-20")
    with pytest.raises(NotAllowed, match=f"P1.*2008-08-15 及以后还有记录：检查记录 {fid}（2008-08-20）"):
        center.ledger.leave_staff("P1", "2008-08-15")
    center.ledger.retract(fid, "录错人")
    center.ledger.leave_staff("P1", "2008-08-15")


def test_d22_a_person_is_listed_under_the_window_of_their_last_working_day_and_may_return(center: Center) -> None:
    center.windows("W1", "W2")
    center.staff("P1", "W1")
    center.ledger.move_staff("P1", "W2", "2008-07-10")
    center.ledger.leave_staff("P1", "2008-08-01")
    assert staff(report(center, "2008Q3"))["P1"]["window"] == "W2"
    center.ledger.move_staff("P1", "W1", "2008-09-01")  # back from the secondment
    p1 = staff(report(center, "2008Q3"))["P1"]
    assert (p1["window"], p1["left"], p1["stars"]) == ("W1", None, 3)
    center.find("S1.1", staff="P1", day="2008-09-02")
    with pytest.raises(NotAllowed, match="离开中心"):
        center.find("S1.1", staff="P1", day="2008-08-20")


# --- D23: attribution by date, whatever the order of entry -------------------------------------------------------


def test_d23_a_move_entered_after_the_finding_moves_its_window_deduction(center: Center) -> None:
    center.windows("W1", "W2")
    center.staff("P1", "W1")
    center.find("S1.1", staff="P1", day="2008-06-10")  # recorded while P1 was (as far as the ledger knew) at W1
    center.bonus("measure", staff="P1", day="2008-06-12")  # D7: +2 for the window of the day
    assert {c: w["score"] for c, w in windows(report(center)).items()} == {"W1": 99, "W2": 100}
    center.ledger.move_staff("P1", "W2", "2008-06-01")  # entered late: P1 was at W2 from June 1st
    doc = report(center)
    assert {c: w["score"] for c, w in windows(doc).items()} == {"W1": 100, "W2": 99}
    assert (staff(doc)["P1"]["score"], staff(doc)["P1"]["window"]) == (88, "W2")
    w2 = center.views().explain("2008Q2", "W2", None)
    assert [f["counted_item"] for c in w2["categories"] for f in c["facts"]] == ["W4.1"]


def test_d23_a_late_move_re_attributes_a_disqualification_that_reaches_the_window(center: Center) -> None:
    center.windows("W1", "W2")
    center.staff("P1", "W1")
    center.complaint(staff="P1", day="2008-06-20", item="S4.4", dq="corruption")
    assert [w["disqualified"] for w in report(center)["windows"] if w["code"] == "W1"] == [True]
    center.ledger.move_staff("P1", "W2", "2008-06-15")
    ws = windows(report(center))
    assert (ws["W1"]["disqualified"], ws["W2"]["disqualified"]) == (False, True)


def test_d23_in_a_published_quarter_a_late_move_shows_as_a_difference_and_the_digest_still_matches(
        center: Center) -> None:
    center.windows("W1", "W2")
    center.staff("P1", "W1")
    center.find("S1.1", staff="P1", day="2008-06-10")
    center.shortlist(n=2, m=1)
    center.decide(red_flag=["W2"], five=["P1"])
    publish(center)
    center.ledger.move_staff("P1", "W2", "2008-06-01")
    pub = report(center)["published"]
    assert pub["digest_matches"]
    assert {(d["subject"], d["field"], d["published"], d["current"]) for d in pub["differences"]
            if d["field"] == "score"} == {("W1", "score", 97, 100), ("W2", "score", 100, 97)}


def test_d23_a_late_leave_takes_the_star_of_a_quarter_it_falls_in(center: Center) -> None:
    center.windows("W1")
    center.staff("P1", "W1")
    center.staff("P2", "W1")
    center.shortlist("2008Q3", n=1, m=2)
    center.decide("2008Q3", five=["P1"])
    assert staff(report(center, "2008Q3"))["P1"]["stars"] == 5
    center.ledger.leave_staff("P1", "2008-09-20")
    p1 = staff(report(center, "2008Q3"))["P1"]
    assert (p1["stars"], p1["reward_yuan"], p1["decided_stars"], p1["left"]) == (None, 0, 5, "2008-09-20")


# --- D24: renames ------------------------------------------------------------------------------------------------


def test_d24_a_rename_without_a_date_corrects_the_name_in_every_quarter(center: Center) -> None:
    center.windows("W1")
    center.staff("P1", "W1")
    center.ledger.rename_window("W1", "工商窗口")
    center.ledger.rename_staff("P1", "张三")
    for q in ("2008Q2", "2008Q3"):
        doc = report(center, q)
        assert windows(doc)["W1"]["name"] == "工商窗口" and staff(doc)["P1"]["name"] == "张三"


def test_d24_a_rename_from_a_date_keeps_the_old_name_in_quarters_ending_before_it(center: Center) -> None:
    center.windows("W1")
    center.staff("P1", "W1")
    center.ledger.rename_window("W1", "市场监管窗口", "县市场监督管理局", since="2008-07-01")
    center.ledger.rename_staff("P1", "张三丰", since="2008-08-01")
    q2, q3 = report(center, "2008Q2"), report(center, "2008Q3")
    assert (windows(q2)["W1"]["name"], staff(q2)["P1"]["name"]) == ("窗口W1", "人员P1")
    assert (windows(q3)["W1"]["name"], staff(q3)["P1"]["name"]) == ("市场监管窗口", "张三丰")
    assert center.result("2008Q3").windows[0].department == "县市场监督管理局"


def test_d24_a_published_quarter_keeps_the_names_it_was_published_with(center: Center) -> None:
    center.windows("W1")
    center.staff("P1", "W1")
    center.shortlist(n=1, m=1)
    center.decide(red_flag=["W1"], five=["P1"])
    at = publish(center)
    center.ledger.rename_window("W1", "工商窗口")
    center.ledger.rename_staff("P1", "张三")
    doc = report(center)
    assert doc["published"]["digest_matches"] and doc["published"]["differences"] == []
    assert windows(doc)["W1"]["name"] == "工商窗口"
    assert windows(center.views().report("2008Q2", as_of=at))["W1"]["name"] == "窗口W1"


@pytest.mark.parametrize("name", ["", "   ", "工商\u200b窗口", "工商\u202e窗口", "工商\n窗口", "工商\x07窗口"])
def test_d24_renaming_to_an_empty_or_lookalike_name_is_refused_and_writes_nothing(center: Center, name: str) -> None:
    center.windows("W1")
    center.staff("P1", "W1")
    before = center.position()
    with pytest.raises(InvalidInput):
        center.ledger.rename_window("W1", name)
    with pytest.raises(InvalidInput):
        center.ledger.rename_staff("P1", name)
    assert center.views().state.position == before
