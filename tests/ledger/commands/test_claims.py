"""A bonus claim's decisions as pure functions: claimed (level, place, evidence), verified, rejected (D5)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

import pytest

from ledger import events as ev
from ledger.catalogue import Catalogue
from ledger.commands import claims
from ledger.commands.stamp import Stamp
from ledger.errors import InvalidInput, NotAllowed, NotFound
from ledger.registry import Registry

if TYPE_CHECKING:
    from tests.ledger.commands.conftest import FactOf, Step

STREAM = UUID("99999999-8888-4777-8666-555555555555")
META = {"sha256": "b" * 64, "size": 9, "name": "证书.pdf"}
GIVEN: dict[str, Any] = {"kind": "article", "window": None, "staff": "S001", "day": "2008-07-08",
                         "evidence": lambda: META, "level": "city", "place": None, "ref": " 窗口服务侧记 "}


def claim_with(registry: Registry, cat: Catalogue, stamp: Stamp, **changes: Any) -> ev.BonusClaimed:
    return claims.claim_bonus(registry, cat, stamp, STREAM, **{**GIVEN, **changes})


def test_a_persons_claim_is_attributed_to_their_window_with_its_level_evidence_and_reference(
    registry: Registry, cat: Catalogue, stamp: Stamp
) -> None:
    e = claim_with(registry, cat, stamp)
    assert isinstance(e, ev.BonusClaimed)
    assert (e.originator_id, e.originator_version, e.timestamp, e.actor) == (STREAM, 1, stamp.at, stamp.actor)
    assert (e.kind, e.window, e.staff, e.date) == ("article", "W02", "S001", date(2008, 7, 8))
    assert (e.evidence, e.level, e.place, e.ref) == (META, "city", None, "窗口服务侧记")


def test_a_competition_claim_names_its_place_and_a_blank_reference_is_none(registry: Registry, cat: Catalogue,
                                                                           stamp: Stamp) -> None:
    e = claim_with(registry, cat, stamp, kind="competition", level=None, place=2, ref="  ", window="W01", staff=None)
    assert (e.kind, e.window, e.staff, e.level, e.place, e.ref) == ("competition", "W01", None, None, 2, None)


@pytest.mark.parametrize(("changes", "refusal", "message"), [
    ({"kind": "luck"}, InvalidInput, "^未知的加分类型：luck（可用：article training competition measure honour"),
    ({"day": "2008-04-30"}, InvalidInput, "^日期 2008-04-30 早于考评办法施行日期 2008-05-01$"),
    ({"kind": "training", "level": None, "ref": None}, InvalidInput, r"^加分类型 training（.*）只适用于窗口$"),
    ({"level": None}, InvalidInput, "^加分类型 article 需要 --level（center county city province national）$"),
    ({"level": "galaxy"}, InvalidInput, "^未知的级别：galaxy"),
    ({"kind": "honour", "level": "center"}, InvalidInput,
     "^加分类型 honour 没有级别 center（可用：county city province national）$"),
    ({"kind": "measure"}, InvalidInput, "^加分类型 measure 不分级别，不能指定 --level$"),
    ({"kind": "competition", "level": None}, InvalidInput, "^加分类型 competition 需要 --place（名次 1/2/3）$"),
    ({"kind": "competition", "level": None, "place": 4}, InvalidInput, "^名次只计前 3 名：4$"),
    ({"kind": "measure", "level": None, "place": 1}, InvalidInput, "^加分类型 measure 不分名次，不能指定 --place$"),
    ({"evidence": None}, InvalidInput, "^加分必须提供证明材料（--evidence）$"),
    ({"staff": "S009"}, NotFound, "^未登记的人员：S009$"),
    ({"staff": "S001", "window": "W01"}, InvalidInput, "^请指定 --window 或 --staff 其中之一$"),
])
def test_a_claim_refuses_each_bad_argument_before_its_evidence_is_stored(
    registry: Registry, cat: Catalogue, stamp: Stamp, changes: dict[str, Any], refusal: type[Exception],
    message: str
) -> None:
    staged: list[bool] = []
    evidence = changes.pop("evidence", lambda: staged.append(True) or META)
    with pytest.raises(refusal, match=message):
        claim_with(registry, cat, stamp, evidence=evidence, **changes)
    assert staged == []


def test_verifying_an_open_claim_is_the_next_version_of_its_stream(fact_of: FactOf, claim: Step,
                                                                   stamp: Stamp) -> None:
    st = fact_of(claim)
    e = claims.verify_bonus(st, stamp)
    assert isinstance(e, ev.BonusVerified)
    assert (e.originator_id, e.originator_version, e.actor) == (st.stream, 2, stamp.actor)


def test_rejecting_an_open_claim_keeps_its_reason(fact_of: FactOf, claim: Step, stamp: Stamp) -> None:
    e = claims.reject_bonus(fact_of(claim), " 证书为上年度荣誉 ", stamp)
    assert isinstance(e, ev.BonusRejected)
    assert (e.originator_version, e.reason) == (2, "证书为上年度荣誉")


def test_a_rejection_without_a_reason_is_refused(fact_of: FactOf, claim: Step, stamp: Stamp) -> None:
    with pytest.raises(InvalidInput, match="^驳回必须说明理由（--reason）$"):
        claims.reject_bonus(fact_of(claim), " ", stamp)
    with pytest.raises(InvalidInput, match="^驳回必须说明理由（--reason）$"):
        claims.rejection_reason("")


def test_only_an_open_claim_can_be_verified_or_rejected(fact_of: FactOf, claim: Step, finding: Step,
                                                        stamp: Stamp) -> None:
    with pytest.raises(NotAllowed, match="^F 不是加分申报$"):
        claims.verify_bonus(fact_of(finding, typed="F"), stamp)
    with pytest.raises(NotAllowed, match="^加分申报 C 已核实，不能再处理$"):
        claims.reject_bonus(fact_of(claim, (ev.BonusVerified, {}), typed="C"), "理由", stamp)
    with pytest.raises(NotAllowed, match="^加分申报 C 已驳回，不能再处理$"):
        claims.verify_bonus(fact_of(claim, (ev.BonusRejected, {"reason": "不符"}), typed="C"), stamp)
    with pytest.raises(NotFound, match="^账本中没有编号为 C 的记录$"):
        claims.verify_bonus(fact_of(typed="C"), stamp)
