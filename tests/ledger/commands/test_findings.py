"""A finding's decisions as pure functions: recorded (with D2 and its evidence), retracted — each event and refusal."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

import pytest

from ledger import events as ev
from ledger.catalogue import Catalogue
from ledger.commands import findings
from ledger.commands.facts import FactStream
from ledger.commands.stamp import Stamp
from ledger.errors import InvalidInput, NotAllowed, NotFound
from ledger.registry import Registry

if TYPE_CHECKING:
    from tests.ledger.commands.conftest import FactOf, Step

STREAM = UUID("99999999-8888-4777-8666-555555555555")
GIVEN: dict[str, Any] = {"item": "S4.1", "window": None, "staff": "S001", "day": "2008-07-08", "source": "weekly",
                         "dq": None, "note": "", "evidence": None}


def record(registry: Registry, cat: Catalogue, stamp: Stamp, **changes: Any) -> ev.FindingRecorded:
    return findings.record_finding(registry, cat, stamp, STREAM, **{**GIVEN, **changes})


def test_a_persons_finding_is_attributed_to_the_window_of_its_day(registry: Registry, cat: Catalogue,
                                                                  stamp: Stamp) -> None:
    e = record(registry, cat, stamp, item=" S4.1 ", dq="", note=" 上班迟到 ")
    assert isinstance(e, ev.FindingRecorded)
    assert (e.originator_id, e.originator_version, e.timestamp, e.actor) == (STREAM, 1, stamp.at, stamp.actor)
    assert (e.item, e.window, e.staff, e.date, e.source) == ("S4.1", "W02", "S001", date(2008, 7, 8), "weekly")
    assert (e.dq, e.note, e.evidence, e.row_key) == (None, "上班迟到", None, None)


def test_a_windows_finding_may_carry_a_disqualification_and_its_evidence(registry: Registry, cat: Catalogue,
                                                                         stamp: Stamp) -> None:
    meta = {"sha256": "a" * 64, "size": 5, "name": "照片.jpg"}
    e = record(registry, cat, stamp, item="W2.3", window="W01", staff=None, dq="gaming", source="patrol",
               evidence=lambda: meta)
    assert (e.item, e.window, e.staff, e.dq, e.source, e.evidence) == ("W2.3", "W01", None, "gaming", "patrol", meta)


@pytest.mark.parametrize(("changes", "refusal", "message"), [
    ({"window": "W01"}, InvalidInput, "^请指定 --window 或 --staff 其中之一$"),
    ({"item": "W2.3"}, InvalidInput, r"^条目 W2\.3 是窗口考评条目"),
    ({"day": "2008-10-16"}, InvalidInput, "^日期 2008-10-16 在今天之后$"),
    ({"source": "rumour"}, InvalidInput, "^未知的检查记录来源：rumour"),
    ({"dq": "gaming"}, InvalidInput, r"^条目 S4\.1 不能认定为取消资格类型 gaming"),
    ({"staff": "S009"}, NotFound, "^未登记的人员：S009$"),
    ({"staff": "S002", "day": "2008-06-10"}, NotAllowed, "^S002（李四）在 2008-06-10 尚未分配到任何窗口$"),
    ({"staff": None, "window": "W09", "item": "W2.3"}, NotFound, "^未登记的窗口：W09$"),
])
def test_a_finding_refuses_each_bad_argument_and_stores_no_evidence(registry: Registry, cat: Catalogue,
                                                                    stamp: Stamp, changes: dict[str, Any],
                                                                    refusal: type[Exception], message: str) -> None:
    staged: list[bool] = []
    with pytest.raises(refusal, match=message):
        record(registry, cat, stamp, evidence=lambda: staged.append(True) or {}, **changes)
    assert staged == []


def test_retracting_a_finding_is_the_next_version_of_its_stream(fact_of: FactOf, finding: Step,
                                                                stamp: Stamp) -> None:
    st = fact_of(finding)
    e = findings.retract_finding(st, " 值班记录有误 ", stamp)
    assert isinstance(e, ev.FindingRetracted)
    assert (e.originator_id, e.originator_version, e.reason) == (st.stream, 2, "值班记录有误")


def test_a_retraction_without_a_reason_is_refused_before_the_finding_is_looked_at(fact_of: FactOf,
                                                                                  stamp: Stamp) -> None:
    with pytest.raises(InvalidInput, match="^撤回必须说明理由（--reason）$"):
        findings.retract_finding(fact_of(typed="not-an-id"), "  ", stamp)


def test_a_retraction_of_a_malformed_or_unknown_id_is_refused(fact_of: FactOf, stamp: Stamp) -> None:
    with pytest.raises(InvalidInput, match="^编号格式不正确：abc$"):
        findings.retract_finding(FactStream("abc", None), "理由", stamp)
    with pytest.raises(NotFound, match="^账本中没有编号为 X 的记录$"):
        findings.retract_finding(fact_of(typed="X"), "理由", stamp)


def test_only_a_finding_and_only_once_can_be_retracted(fact_of: FactOf, finding: Step, claim: Step,
                                                       stamp: Stamp) -> None:
    with pytest.raises(NotAllowed, match="^C 不是检查记录，只有检查记录可以撤回$"):
        findings.retract_finding(fact_of(claim, typed="C"), "理由", stamp)
    with pytest.raises(NotAllowed, match="^检查记录 F 已经撤回过$"):
        findings.retract_finding(fact_of(finding, (ev.FindingRetracted, {"reason": "有误"}), typed="F"), "理由", stamp)
