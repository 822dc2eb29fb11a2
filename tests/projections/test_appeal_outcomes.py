"""Hand-computed 复核 (D29): an overturned finding or complaint stops counting, with its disqualification; an
overturned rejection makes the claim count; an upheld appeal changes nothing."""

from __future__ import annotations

from datetime import date

from ledger.commands import voice
from ledger.runtime.zone import center_today
from tests.projections.conftest import Center


def person(c: Center, pid: str) -> tuple[int, int, bool]:
    p = c.result().person(pid)
    assert p is not None
    return p.deductions, p.bonus, p.eligible


def test_an_overturned_complaint_takes_its_disqualification_with_it(center: Center) -> None:
    center.windows("DS")
    center.staff("0101", "DS")
    cid = center.complaint(staff="0101", item="S2.4", dq="complaint")  # 4 points, and the star is lost
    assert person(center, "0101") == (4, 0, False)
    center.review(center.appeal(cid), "overturned")
    assert person(center, "0101") == (0, 0, True)
    window = center.result().window("DS")
    assert window is not None and (window.deductions, window.eligible) == (0, True)


def test_an_overturned_rejection_makes_the_claim_count_and_an_upheld_appeal_changes_nothing(center: Center) -> None:
    center.windows("DS")
    center.staff("0101", "DS")
    honour = center.bonus("honour", staff="0101", level="city", ref="青年文明号", verify=False)
    center.ledger.reject_bonus(honour, "证书不清")
    finding = center.find("S1.1", staff="0101")
    center.review(center.appeal(finding), "upheld")
    assert person(center, "0101") == (4, 0, True)
    before = center.position()
    center.review(center.appeal(honour), "overturned")
    assert person(center, "0101") == (4, 3, True)  # S5.3 city honour: 3
    assert center.result(as_of=before).person("0101").bonus == 0  # type: ignore[union-attr]


def test_todo_lists_open_claims_complaints_and_appeals_and_drops_them_once_settled(center: Center) -> None:
    center.windows("DS")
    center.staff("0101", "DS")
    claim = center.bonus("measure", staff="0101", verify=False)
    complaint = center.complaint(staff="0101")

    def kinds() -> list[tuple[str, str]]:
        return [(i.kind, i.id) for i in center.views().todo(date(2008, 6, 20))]

    assert kinds() == [("claim", claim.replace("-", "")[:8]), ("complaint", complaint.replace("-", "")[:8])]
    center.ledger.verify_complaint(complaint, "S2.4")
    appeal = center.appeal(complaint)
    rectify = ("rectify", complaint.replace("-", "")[:8])  # D30: a verified complaint opens a dated rectification
    assert kinds() == [rectify, ("claim", claim.replace("-", "")[:8]), ("appeal", appeal.replace("-", "")[:8])]
    center.ledger.verify_bonus(claim)
    center.review(appeal, "upheld")
    assert kinds() == [rectify]
    today = center_today().isoformat()
    voice.rectify_complaint(center.ledger, complaint, today, "当面致歉", None)
    assert kinds() == [("callback", complaint.replace("-", "")[:8])]
    voice.callback_complaint(center.ledger, complaint, today, "satisfied", "")
    assert kinds() == []
