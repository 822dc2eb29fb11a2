"""D25 as pure decisions: a new shortlist before a decision, an amended decision, the meeting and its 会议纪要."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from ledger import events as ev
from ledger.commands import quarter as q
from ledger.commands.stamp import Stamp
from ledger.errors import InvalidInput, NotAllowed
from tests.ledger.commands.quarter_steps import DECISION, PUBLISHED, SHORTLIST, stream

NEW_SHORTLIST = (ev.ShortlistAmended, {"windows_n": 1, "staff_m": 1, "windows": ["W02"], "staff": ["S003"],
                                       "reason": "名额调整"})
AMENDED = (ev.DecisionAmended, {"red_flag": ["W02"], "five": [], "four": [], "reason": "笔误", "meeting": None,
                                "minutes": None})
MINUTES = {"name": "纪要.pdf", "sha256": "e" * 64, "size": 3}


def test_d25_an_amendment_needs_its_reason_and_a_reason_needs_an_amendment() -> None:
    assert q.amend_reason(False, None) is None
    assert q.amend_reason(True, "  党组会议纪要笔误 ") == "党组会议纪要笔误"
    with pytest.raises(InvalidInput, match=r"^修正必须说明理由（--amend --reason 理由）$"):
        q.amend_reason(True, None)
    with pytest.raises(InvalidInput, match=r"^修正必须说明理由"):
        q.amend_reason(True, "   ")
    with pytest.raises(InvalidInput, match=r"^--reason 只用于修正（--amend）$"):
        q.amend_reason(False, "理由")


def test_d25_a_new_shortlist_before_a_decision_replaces_the_earlier_one_whole(stamp: Stamp) -> None:
    e = q.shortlist(stream(stamp, SHORTLIST), stamp, 1, 2, ["W02"], ["S003", "S001"], amend="名额调整")
    assert isinstance(e, ev.ShortlistAmended)
    assert (e.originator_version, e.windows_n, e.staff_m, e.windows, e.staff, e.reason) == (
        2, 1, 2, ["W02"], ["S003", "S001"], "名额调整")
    qs = stream(stamp, SHORTLIST, NEW_SHORTLIST)
    assert qs.status == "shortlisted" and qs.shortlist is not None and qs.shortlist.staff == ["S003"]


def test_d25_shortlist_amend_is_refused_before_any_shortlist_and_after_a_decision(stamp: Stamp) -> None:
    with pytest.raises(NotAllowed, match=r"^2008年第3季度尚未确定入围名单，无需修正（去掉 --amend）$"):
        q.shortlist(stream(stamp), stamp, 1, 1, [], [], amend="理由")
    with pytest.raises(NotAllowed, match=r"党组决定之后不能重新确定入围名单（可修正党组决定：decide --amend"):
        q.shortlist(stream(stamp, SHORTLIST, DECISION), stamp, 1, 1, [], [], amend="理由")
    with pytest.raises(NotAllowed, match=r"「已确定入围」，不能确定入围名单"):
        q.shortlist(stream(stamp, SHORTLIST), stamp, 1, 1, [], [])  # a second one without --amend


def test_d25_the_decision_picks_from_the_shortlist_in_force(stamp: Stamp) -> None:
    qs = stream(stamp, SHORTLIST, NEW_SHORTLIST)
    with pytest.raises(NotAllowed, match=r"^W01 不在2008年第3季度红旗窗口入围名单中"):
        q.decision(qs, stamp, ["W01"], [], [])
    assert q.decision(qs, stamp, ["W02"], ["S003"], []).red_flag == ["W02"]


def test_d25_a_second_decision_needs_amend_and_an_amendment_needs_a_decision(stamp: Stamp) -> None:
    with pytest.raises(NotAllowed, match=r"已记录党组决定；如需修正，请用 --amend --reason 说明理由"):
        q.decision(stream(stamp, SHORTLIST, DECISION), stamp, ["W01"], [], [])
    with pytest.raises(NotAllowed, match=r"^2008年第3季度尚未记录党组决定，无从修正（去掉 --amend）$"):
        q.decision(stream(stamp, SHORTLIST), stamp, ["W01"], [], [], amend="理由")


def test_d25_an_amended_decision_replaces_the_earlier_one_whole_also_after_publication(stamp: Stamp) -> None:
    e = q.decision(stream(stamp, SHORTLIST, DECISION), stamp, ["W02"], [], [], amend="笔误")
    assert isinstance(e, ev.DecisionAmended)
    assert (e.originator_version, e.red_flag, e.five, e.four, e.reason) == (3, ["W02"], [], [], "笔误")
    qs = stream(stamp, SHORTLIST, DECISION, AMENDED)
    assert qs.status == "decided" and qs.decision is not None and qs.decision.red_flag == ["W02"]
    late = q.decision(stream(stamp, SHORTLIST, DECISION, PUBLISHED), stamp, [], ["S001"], [], amend="公布后更正")
    assert isinstance(late, ev.DecisionAmended) and late.originator_version == 4
    assert stream(stamp, SHORTLIST, DECISION, PUBLISHED, AMENDED).status == "published"


def test_d25_a_decision_names_its_meeting_after_the_quarter_and_not_after_today(stamp: Stamp) -> None:
    stored: list[dict[str, Any]] = []

    def minutes() -> dict[str, Any]:
        stored.append(MINUTES)
        return MINUTES

    e = q.decision(stream(stamp, SHORTLIST), stamp, ["W01"], [], [], meeting="2008-10-10", minutes=minutes)
    assert (e.meeting, e.minutes) == (date(2008, 10, 10), MINUTES)
    for day, refusal in (("2008-09-30", r"^党组会议日期 2008-09-30 应在2008年第3季度结束（2008-09-30）之后$"),
                         ("2008-10-16", r"^党组会议日期 2008-10-16 在今天之后$"),
                         ("2008-13-01", "党组会议日期")):
        with pytest.raises(InvalidInput, match=refusal):
            q.decision(stream(stamp, SHORTLIST), stamp, ["W01"], [], [], meeting=day, minutes=minutes)
    with pytest.raises(NotAllowed):
        q.decision(stream(stamp, SHORTLIST), stamp, ["W09"], [], [], meeting="2008-10-10", minutes=minutes)
    assert stored == [MINUTES]  # the 会议纪要 is stored only for the decision that was made


def test_a_decision_stored_before_meetings_could_be_named_reads_without_one(stamp: Stamp) -> None:
    qs = stream(stamp, SHORTLIST, DECISION)
    assert qs.decision is not None and (qs.decision.meeting, qs.decision.minutes) == (None, None)
