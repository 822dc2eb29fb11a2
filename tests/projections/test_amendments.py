"""D25 through the ledger: an amended shortlist or decision replaces the earlier one whole, both stay, explain shows
both with the reason, and a decision amended after publication shows as an amendment (D19)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger.commands import quarter as lq
from ledger.errors import InvalidInput, NotAllowed
from projections.scoring import publication
from projections.scoring.explain import render_explain
from tests.projections.conftest import Center


def three_people(c: Center) -> None:
    """W01 (P1, P2) and W02 (P3); P2 loses 4 points (S3.1) and W01 with it: P1 90, P3 90, P2 86; W02 100, W01 94."""
    c.windows("W01", "W02")
    c.staff("P1", "W01")
    c.staff("P2", "W01")
    c.staff("P3", "W02")
    c.find("S3.1", staff="P2")


def test_d25_a_new_shortlist_replaces_the_earlier_one_whole_and_the_decision_picks_from_it(center: Center) -> None:
    three_people(center)
    center.shortlist(n=1, m=1)  # W02; P1 and P3 tie at 90
    w, s = center.views().shortlist("2008Q2", 2, 3)
    lq.freeze_shortlist(center.ledger, "2008Q2", 2, 3, w, s, amend="党组要求扩大入围名额")
    res = center.result()
    assert [x.code for x in res.windows if x.shortlisted] == ["W02", "W01"]
    assert [p.id for p in res.staff if p.shortlisted] == ["P1", "P3", "P2"]
    center.decide(red_flag=["W01"], five=["P2"])  # on the new list only
    doc = center.views().explain("2008Q2", None, "P2")
    assert [(x["windows_n"], x["staff_m"], x["reason"], x["in_force"], x["shortlisted"]) for x in doc["shortlists"]] \
        == [(1, 1, "", False, False), (2, 3, "党组要求扩大入围名额", True, True)]
    assert doc["shortlist"]["amended"] and doc["decided_stars"] == 5


def test_d25_an_amended_decision_replaces_the_earlier_one_whole_and_explain_shows_both_with_the_reason(
        center: Center, tmp_path: Path) -> None:
    three_people(center)
    center.shortlist(n=2, m=3)
    center.decide(red_flag=["W01"], five=["P1"], four=["P3"])
    before = center.position()
    (tmp_path / "纪要.pdf").write_bytes(b"%PDF minutes")
    lq.record_decision(center.ledger, "2008Q2", ["W02"], ["P3"], [], meeting="2008-07-08",
                       minutes_file=str(tmp_path / "纪要.pdf"), amend="原决定将五星误记为P1")
    res = center.result()
    # replaced whole: P1 is no longer five-star and not four-star either; W01 is no longer 红旗窗口
    assert {p.id: (p.decided_stars, p.stars, p.reward_yuan) for p in res.staff} == {
        "P1": (3, 3, 0), "P3": (5, 5, 100), "P2": (3, 3, 0)}
    assert [w.code for w in res.windows if w.red_flag] == ["W02"]
    # as the ledger stood before the amendment, the first decision holds
    old = center.result(as_of=before)
    assert {p.id: p.stars for p in old.staff} == {"P1": 5, "P3": 4, "P2": 3}
    doc = center.views().explain("2008Q2", None, "P1")
    assert [(d["reason"], d["in_force"], d["decided_stars"], d["meeting"], d["minutes"]) for d in doc["decisions"]] \
        == [("", False, 5, None, None), ("原决定将五星误记为P1", True, 3, "2008-07-08", "纪要.pdf")]
    text = render_explain(center.ledger.catalogue, doc)
    assert "记录党组决定：五星级服务明星（已被修正决定取代）" in text
    assert ("记录党组修正决定（理由：原决定将五星误记为P1），党组会议 2008-07-08，会议纪要 纪要.pdf："
            "未评定（授三星）") in text


def test_d25_a_decision_amended_after_publication_is_an_amendment_beside_the_published_result(center: Center) -> None:
    three_people(center)
    center.shortlist(n=2, m=3)
    center.decide(red_flag=["W02"], five=["P1"])
    res = center.result()
    lq.publish_quarter(center.ledger, "2008Q2", res.position, publication.digest(res))
    lq.record_decision(center.ledger, "2008Q2", ["W02"], ["P3"], [], amend="公布后发现笔误")
    pub = center.views().report("2008Q2")["published"]
    assert pub["digest_matches"] and pub["amendments"] == []
    assert [(d["reason"], d["position"]) for d in pub["amended_decisions"]] == [("公布后发现笔误", center.position())]
    changed = {(d["subject"], d["field"]): (d["published"], d["current"]) for d in pub["differences"]}
    assert changed[("P1", "stars")] == (5, 3) and changed[("P3", "stars")] == (3, 5)
    assert changed[("P3", "reward_yuan")] == (0, 100)


def test_d25_refusals_write_nothing(center: Center, tmp_path: Path) -> None:
    three_people(center)
    (tmp_path / "纪要.pdf").write_bytes(b"%PDF minutes")
    with pytest.raises(NotAllowed, match="尚未确定入围名单，无需修正"):
        lq.freeze_shortlist(center.ledger, "2008Q2", 1, 1, [], [], amend="理由")
    center.shortlist(n=2, m=3)
    with pytest.raises(NotAllowed, match="尚未记录党组决定，无从修正"):
        lq.record_decision(center.ledger, "2008Q2", ["W01"], [], [], amend="理由")
    with pytest.raises(InvalidInput, match="党组会议日期 2008-06-30 应在2008年第2季度结束"):
        lq.record_decision(center.ledger, "2008Q2", ["W01"], [], [], meeting="2008-06-30",
                           minutes_file=str(tmp_path / "纪要.pdf"))
    n = center.position()
    center.decide(red_flag=["W01"])
    n += 1
    assert center.position() == n
    with pytest.raises(NotAllowed, match="已记录党组决定；如需修正"):
        center.decide(red_flag=["W02"])
    with pytest.raises(NotAllowed, match="党组决定之后不能重新确定入围名单"):
        lq.freeze_shortlist(center.ledger, "2008Q2", 1, 1, [], [], amend="理由")
    with pytest.raises(NotAllowed, match="不在2008年第2季度红旗窗口入围名单中"):
        lq.record_decision(center.ledger, "2008Q2", ["W09"], [], [], amend="理由")
    assert center.position() == n
    stored = center.ledger.location.evidence_dir
    assert not stored.exists() or not any(p.is_file() for p in stored.rglob("*"))  # the 会议纪要 was not kept
