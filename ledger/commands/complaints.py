"""Decisions of a complaint's stream: received, then found true (naming the item it breaches) or dismissed (D9)."""

from __future__ import annotations

from uuid import UUID

from ledger import events as ev
from ledger.catalogue import Catalogue
from ledger.commands import checks
from ledger.commands.facts import FactStream, known, reason
from ledger.commands.stamp import Stamp
from ledger.errors import InvalidInput, NotAllowed
from ledger.registry import Registry
from ledger.text import line

DONE = {"verified": "已核实", "dismissed": "已驳回"}


def record_complaint(registry: Registry, cat: Catalogue, stamp: Stamp, stream: UUID, *, window: str | None,
                     staff: str | None, day: str, channel: str, text: str,
                     complainant: dict[str, str] | None = None) -> ev.ComplaintReceived:
    """A complaint or 征求意见 response about a window or a person, from a catalogued channel; `complainant` is the
    sealed name and contact (ledger/privacy), never their clear text."""
    d = checks.fact_date(cat, stamp.today, day)
    cat.channel_name(channel)
    text = line(text, "投诉内容")
    if not text:
        raise InvalidInput("投诉内容不能为空（--text）")
    at, person = checks.subject(registry, window, staff, d)
    return stamp.event(ev.ComplaintReceived, stream, 1, window=at, staff=person, date=d, channel=channel, text=text,
                       complainant=complainant)


def _open_complaint(complaint: FactStream) -> ev.ComplaintReceived:
    first = known(complaint)
    if not isinstance(first, ev.ComplaintReceived):
        raise NotAllowed(f"{complaint.typed} 不是投诉记录")
    if complaint.status != "received":
        raise NotAllowed(f"投诉 {complaint.typed} {DONE[complaint.status]}，不能再处理")
    return first


def verify_complaint(complaint: FactStream, cat: Catalogue, item: str, dq: str | None,
                     stamp: Stamp) -> ev.ComplaintVerified:
    """An open complaint found true: the item it breaches (fitting its subject) and, where the channel allows,
    a disqualification."""
    first = _open_complaint(complaint)
    item = checks.item(cat, item, on_staff=first.staff is not None)
    checks.disqualification(cat, dq, item, first.channel)
    return stamp.event(ev.ComplaintVerified, first.originator_id, complaint.version + 1, item=item, dq=dq or None)


def dismiss_complaint(complaint: FactStream, why: str, stamp: Stamp) -> ev.ComplaintDismissed:
    """An open complaint found untrue, with a reason."""
    why = reason(why, "驳回投诉必须说明理由（--reason）")
    first = _open_complaint(complaint)
    return stamp.event(ev.ComplaintDismissed, first.originator_id, complaint.version + 1, reason=why)


def erase_complainant(complaint: FactStream, key_id: str, why: str, stamp: Stamp) -> ev.ComplainantErased:
    """A complaint's sealed complainant erased (D34), with a reason: its data key is destroyed next."""
    why = reason(why, "删除投诉人信息必须说明理由（--reason）")
    first = known(complaint)
    if not isinstance(first, ev.ComplaintReceived) or not first.complainant:
        raise NotAllowed(f"{complaint.typed} 没有登记投诉人信息")
    if any(isinstance(e, ev.ComplainantErased) for e in complaint.events):
        raise NotAllowed(f"投诉 {complaint.typed} 的投诉人信息已经删除")
    return stamp.event(ev.ComplainantErased, first.originator_id, complaint.version + 1, key_id=key_id, reason=why)
