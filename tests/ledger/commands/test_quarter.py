"""A quarter's decisions as pure functions: open → shortlisted → decided → published, each event and refusal."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from ledger import events as ev
from ledger import ids
from ledger.catalogue import Catalogue
from ledger.commands import quarter as q
from ledger.commands.stamp import Stamp
from ledger.errors import InvalidInput, NotAllowed
from tests.ledger.commands.quarter_steps import DECISION, DIGEST, PUBLISHED, SHORTLIST, stream


@pytest.mark.parametrize(("steps", "status"), [((), "open"), ((SHORTLIST,), "shortlisted"),
                                               ((SHORTLIST, DECISION), "decided"),
                                               ((SHORTLIST, DECISION, PUBLISHED), "published")])
def test_a_quarters_status_is_its_latest_step(stamp: Stamp, steps: tuple[Any, ...], status: str) -> None:
    qs = stream(stamp, *steps)
    assert (qs.status, qs.version) == (status, len(steps))


def test_a_quarter_is_normalised_and_must_be_in_force_and_begun(cat: Catalogue) -> None:
    today = date(2008, 10, 15)
    assert q.quarter_in_force(cat, today, " 2008q4 ") == "2008Q4"
    assert q.quarter_in_force(cat, today, "2008Q2") == "2008Q2"  # the rules took effect within it
    with pytest.raises(InvalidInput, match="^2008年第1季度早于考评办法施行日期 2008-05-01$"):
        q.quarter_in_force(cat, today, "2008Q1")
    with pytest.raises(InvalidInput, match="^2009年第1季度尚未开始$"):
        q.quarter_in_force(cat, today, "2009Q1")
    with pytest.raises(InvalidInput, match="^季度格式应为 YYYYQn（如 2008Q2）：'2008-3'$"):
        q.quarter_in_force(cat, today, "2008-3")


def test_a_year_must_be_in_force_and_begun(cat: Catalogue) -> None:
    assert q.year_in_force(cat, date(2008, 10, 15), 2008) == 2008
    with pytest.raises(InvalidInput, match="^2007年早于考评办法施行日期 2008-05-01$"):
        q.year_in_force(cat, date(2008, 10, 15), 2007)
    with pytest.raises(InvalidInput, match="^2009年尚未开始$"):
        q.year_in_force(cat, date(2008, 10, 15), 2009)


def test_freezing_the_shortlist_of_an_ended_open_quarter_is_its_first_step(stamp: Stamp) -> None:
    e = q.shortlist(stream(stamp), stamp, 2, 3, ("W01", "W02"), ("S001", "S002", "S003"))
    assert isinstance(e, ev.ShortlistFrozen)
    assert (e.originator_id, e.originator_version, e.actor) == (ids.quarter_id("2008Q3"), 1, stamp.actor)
    assert (e.quarter, e.windows_n, e.staff_m, e.windows, e.staff) == ("2008Q3", 2, 3, ["W01", "W02"],
                                                                       ["S001", "S002", "S003"])


def test_a_shortlist_before_the_quarter_is_over_out_of_bounds_or_twice_is_refused(stamp: Stamp) -> None:
    early = "^2008年第4季度尚未结束（2008-12-31 结束），入围名单应在季度结束后按全季得分确定$"
    with pytest.raises(NotAllowed, match=early):
        q.shortlist(stream(stamp, quarter="2008Q4"), stamp, 2, 3, [], [])
    with pytest.raises(InvalidInput, match="^入围名额必须是 1 到 100000 之间的整数$"):
        q.shortlist(stream(stamp), stamp, 0, 3, [], [])
    twice = "^2008年第3季度当前状态为「已确定入围」，不能确定入围名单（需要「未确定入围」）$"
    with pytest.raises(NotAllowed, match=twice):
        q.shortlist(stream(stamp, SHORTLIST), stamp, 2, 3, [], [])


def test_the_last_day_of_a_quarter_is_not_yet_its_end() -> None:
    with pytest.raises(NotAllowed, match="^2008年第3季度尚未结束"):
        q.check_ended("2008Q3", date(2008, 9, 30))
    q.check_ended("2008Q3", date(2008, 10, 1))


def test_the_decision_takes_picks_as_typed_from_the_frozen_shortlist(stamp: Stamp) -> None:
    e = q.decision(stream(stamp, SHORTLIST), stamp, ["W01， W02"], ["S001"], ["S002,S003", ""])
    assert isinstance(e, ev.DecisionRecorded)
    assert (e.originator_version, e.quarter) == (2, "2008Q3")
    assert (e.red_flag, e.five, e.four) == (["W01", "W02"], ["S001"], ["S002", "S003"])


@pytest.mark.parametrize(("picks", "refusal", "message"), [
    ((["W01,W01"], [], []), InvalidInput, "^红旗窗口名单中重复：W01$"),
    (([], ["S001"], ["S001"]), InvalidInput, "^同一人不能既评五星又评四星：S001$"),
    ((["W03"], [], []), NotAllowed, "^W03 不在2008年第3季度红旗窗口入围名单中，党组只能从入围窗口中确定$"),
    (([], ["S009"], []), NotAllowed, "^S009 不在2008年第3季度服务明星入围名单中，党组只能从入围人员中确定$"),
])
def test_a_decision_with_repeated_double_or_unlisted_picks_is_refused(
    stamp: Stamp, picks: tuple[list[str], list[str], list[str]], refusal: type[Exception], message: str
) -> None:
    with pytest.raises(refusal, match=message):
        q.decision(stream(stamp, SHORTLIST), stamp, *picks)


def test_a_decision_before_the_shortlist_or_after_a_decision_is_refused(stamp: Stamp) -> None:
    early = "^2008年第3季度当前状态为「未确定入围」，不能记录党组决定（需要「已确定入围」）$"
    with pytest.raises(NotAllowed, match=early):
        q.decision(stream(stamp), stamp, [], [], [])
    with pytest.raises(NotAllowed, match="当前状态为「党组已决定」"):
        q.decision(stream(stamp, SHORTLIST, DECISION), stamp, [], [], [])


def test_publishing_a_decided_quarter_pins_its_position_digest_and_checkpoint(stamp: Stamp) -> None:
    e = q.publication(stream(stamp, SHORTLIST, DECISION), stamp, 40, DIGEST, "checkpoint note")
    assert isinstance(e, ev.QuarterPublished)
    assert (e.originator_version, e.quarter, e.position, e.digest, e.checkpoint) == (3, "2008Q3", 40, DIGEST,
                                                                                    "checkpoint note")


def test_publishing_needs_a_decided_quarter_and_a_sha256_digest(stamp: Stamp) -> None:
    with pytest.raises(NotAllowed, match="^2008年第3季度当前状态为「已确定入围」，不能公布结果（需要「党组已决定」）$"):
        q.publication(stream(stamp, SHORTLIST), stamp, 40, DIGEST)
    with pytest.raises(InvalidInput, match="^摘要应为 64 位 sha256 十六进制串$"):
        q.publication(stream(stamp, SHORTLIST, DECISION), stamp, 40, "abc")
    with pytest.raises(NotAllowed, match="当前状态为「已公布」"):
        q.publication(stream(stamp, SHORTLIST, DECISION, PUBLISHED), stamp, 41, DIGEST)
