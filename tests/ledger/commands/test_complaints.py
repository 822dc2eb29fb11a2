"""A complaint's decisions as pure functions: received, found true (item and disqualification), dismissed (D9)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

import pytest

from ledger import events as ev
from ledger.catalogue import Catalogue
from ledger.commands import complaints
from ledger.commands.stamp import Stamp
from ledger.errors import InvalidInput, NotAllowed, NotFound
from ledger.registry import Registry

if TYPE_CHECKING:
    from tests.ledger.commands.conftest import FactOf, Step

STREAM = UUID("99999999-8888-4777-8666-555555555555")
GIVEN: dict[str, Any] = {"window": None, "staff": "S001", "day": "2008-05-20", "channel": "hotline-12345",
                         "text": " 态度冷漠 "}


def test_a_complaint_about_a_person_goes_to_their_window_on_its_day(registry: Registry, cat: Catalogue,
                                                                    stamp: Stamp) -> None:
    e = complaints.record_complaint(registry, cat, stamp, STREAM, **GIVEN)
    assert isinstance(e, ev.ComplaintReceived)
    assert (e.originator_id, e.originator_version, e.actor) == (STREAM, 1, stamp.actor)
    assert (e.window, e.staff, e.date, e.channel, e.text) == ("W01", "S001", date(2008, 5, 20), "hotline-12345",
                                                              "态度冷漠")


@pytest.mark.parametrize(("changes", "refusal", "message"), [
    ({"day": "2008-13-01"}, InvalidInput, "^日期不存在：2008-13-01$"),
    ({"channel": "gossip"}, InvalidInput, "^未知的投诉渠道：gossip"),
    ({"text": "  "}, InvalidInput, "^投诉内容不能为空（--text）$"),
    ({"staff": None}, InvalidInput, "^请指定 --window 或 --staff 其中之一$"),
    ({"staff": None, "window": "W09"}, NotFound, "^未登记的窗口：W09$"),
])
def test_a_complaint_refuses_each_bad_argument(registry: Registry, cat: Catalogue, stamp: Stamp,
                                               changes: dict[str, Any], refusal: type[Exception],
                                               message: str) -> None:
    with pytest.raises(refusal, match=message):
        complaints.record_complaint(registry, cat, stamp, STREAM, **{**GIVEN, **changes})


def test_a_complaint_found_true_names_the_item_it_breaches_and_its_disqualification(
    fact_of: FactOf, complaint: Step, cat: Catalogue, stamp: Stamp
) -> None:
    st = fact_of(complaint)
    e = complaints.verify_complaint(st, cat, " S2.4 ", "complaint", stamp)
    assert isinstance(e, ev.ComplaintVerified)
    assert (e.originator_id, e.originator_version, e.item, e.dq) == (st.stream, 2, "S2.4", "complaint")
    assert complaints.verify_complaint(st, cat, "S2.4", "", stamp).dq is None


def test_a_complaint_found_true_must_name_an_item_that_fits_its_subject_and_channel(
    fact_of: FactOf, complaint: Step, window_complaint: Step, cat: Catalogue, stamp: Stamp
) -> None:
    with pytest.raises(InvalidInput, match=r"^条目 W5\.2 是窗口考评条目，不能记在人员名下"):
        complaints.verify_complaint(fact_of(complaint), cat, "W5.2", None, stamp)
    with pytest.raises(InvalidInput, match=r"^条目 S2\.4 是人员考评条目，不能记在窗口名下"):
        complaints.verify_complaint(fact_of(window_complaint), cat, "S2.4", None, stamp)
    with pytest.raises(InvalidInput, match="^取消资格类型 consultation 只能来自经核实的征求意见"):
        complaints.verify_complaint(fact_of(complaint), cat, "S2.4", "consultation", stamp)
    e = complaints.verify_complaint(fact_of(window_complaint), cat, "W5.2", "consultation", stamp)
    assert (e.item, e.dq) == ("W5.2", "consultation")


def test_dismissing_a_complaint_keeps_its_reason_and_needs_one(fact_of: FactOf, complaint: Step,
                                                               stamp: Stamp) -> None:
    e = complaints.dismiss_complaint(fact_of(complaint), " 经核实投诉不实 ", stamp)
    assert isinstance(e, ev.ComplaintDismissed)
    assert (e.originator_version, e.reason) == (2, "经核实投诉不实")
    with pytest.raises(InvalidInput, match="^驳回投诉必须说明理由（--reason）$"):
        complaints.dismiss_complaint(fact_of(complaint), "", stamp)


def test_only_an_open_complaint_can_be_found_true_or_dismissed(fact_of: FactOf, complaint: Step, claim: Step,
                                                               cat: Catalogue, stamp: Stamp) -> None:
    with pytest.raises(NotAllowed, match="^C 不是投诉记录$"):
        complaints.dismiss_complaint(fact_of(claim, typed="C"), "理由", stamp)
    verified = fact_of(complaint, (ev.ComplaintVerified, {"item": "S2.4", "dq": None}), typed="T")
    with pytest.raises(NotAllowed, match="^投诉 T 已核实，不能再处理$"):
        complaints.verify_complaint(verified, cat, "S2.4", None, stamp)
    dismissed = fact_of(complaint, (ev.ComplaintDismissed, {"reason": "不实"}), typed="T")
    with pytest.raises(NotAllowed, match="^投诉 T 已驳回，不能再处理$"):
        complaints.dismiss_complaint(dismissed, "理由", stamp)
    with pytest.raises(NotFound, match="^账本中没有编号为 T 的记录$"):
        complaints.verify_complaint(fact_of(typed="T"), cat, "S2.4", None, stamp)
