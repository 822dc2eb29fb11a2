"""Decisions of a complaint's stream: received, then found true (naming the item it breaches) or dismissed (D9)."""

from __future__ import annotations

from uuid import UUID

from ledger import events as ev
from ledger.calendar import parse_date
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
    if channel == cat.procedure.rating_channel:
        raise InvalidInput(f"投诉渠道 {channel} 只能由 kaoping import ratings 导入差评时使用")
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


def verify_complaint(complaint: FactStream, cat: Catalogue, item: str | None, dq: str | None,
                     stamp: Stamp, day: str | None = None) -> ev.ComplaintVerified:
    """An open complaint found true on a day (default today, not before it was received): the item it breaches
    (fitting its subject; a 差评's is the rules' S3.5 / W5.5, D31) and, where the channel allows, a
    disqualification."""
    first = _open_complaint(complaint)
    on_staff = first.staff is not None
    proc = cat.procedure
    if first.channel == proc.rating_channel:
        counts_as = proc.rating_counts_as["staff" if on_staff else "window"]
        if item and item.strip() != counts_as:
            raise InvalidInput(f"差评经核实只能认定为 {counts_as}（D31），不能认定为 {item.strip()}")
        item = counts_as
    if not item:
        raise InvalidInput("请用 --item 指定投诉违反的条目")
    item = checks.item(cat, item, on_staff=on_staff)
    checks.disqualification(cat, dq, item, first.channel)
    verified = stamp.today if day is None else parse_date(day)
    if verified > stamp.today:
        raise InvalidInput(f"核实日期 {verified} 在今天之后")
    if verified < first.date:
        raise InvalidInput(f"核实日期 {verified} 早于投诉日期 {first.date}")
    return stamp.event(ev.ComplaintVerified, first.originator_id, complaint.version + 1, item=item, dq=dq or None,
                       date=verified)


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
