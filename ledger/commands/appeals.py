"""Decisions of an appeal's stream (D29): a subject disputes a fact within its period, the 督查科 upholds or
overturns it once. Pure: the fact's stream, the appeal's stream, the period and the stamp in, an event out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ledger import events as ev
from ledger import ids
from ledger.appeal_names import ORIGIN_NAMES, OUTCOME_NAMES
from ledger.calendar import parse_date, quarter_of
from ledger.commands.facts import FactStream, known, reason
from ledger.commands.findings import Evidence
from ledger.commands.stamp import Stamp
from ledger.errors import InvalidInput, NotAllowed
from ledger.workdays import WorkCalendar


@dataclass(frozen=True)
class Appealable:
    """What an appeal is against: the fact's id, kind, subject and quarter, and the day it became appealable (the
    finding recorded, the complaint verified, the claim rejected) in the center's time zone."""

    fact: str
    origin: str
    window: str
    staff: str | None
    quarter: str
    since: date


def appealable(fact: FactStream, since: date) -> Appealable:
    """A finding still counting, a verified complaint or a rejected claim (else a refusal naming what it is)."""
    first = known(fact)
    wanted = {ev.FindingRecorded: ("finding", "recorded"), ev.ComplaintReceived: ("complaint", "verified"),
              ev.BonusClaimed: ("claim", "rejected")}.get(type(first))
    if wanted is None:
        raise NotAllowed(f"{fact.typed} 不是检查记录、投诉或加分申报，不能申诉")
    origin, status = wanted
    if fact.status != status:
        why = {"finding": "已撤回", "complaint": "未经查实", "claim": "未被驳回"}[origin]
        raise NotAllowed(f"{ORIGIN_NAMES[origin]} {fact.typed} {why}，不能申诉"
                         "（只能对检查记录、经查实的投诉或被驳回的加分申报申诉）")
    return Appealable(first.originator_id.hex, origin, first.window, first.staff,  # type: ignore[attr-defined]
                      quarter_of(first.date), since)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Period:
    """When a quarter's facts may be appealed: until the 公示's last day (announced), until publication (never
    announced), or within the late window of a fact recorded after either (D29)."""

    announced_to: date | None
    published_on: date | None
    late_days: int
    calendar: WorkCalendar

    def deadline(self, since: date) -> date | None:
        """The last day to appeal a fact appealable since `since`; None: open until the quarter is published; a
        refusal when the quarter was published, never announced, before the fact."""
        end = self.announced_to
        if end is not None:
            return end if since <= end else self.calendar.after(since, self.late_days)
        if self.published_on is None:
            return None
        if since >= self.published_on:
            return self.calendar.after(since, self.late_days)
        raise NotAllowed(f"该季度已于 {self.published_on} 公布，申诉期已过")


def file_appeal(target: Appealable, appeal: FactStream, period: Period, stamp: Stamp, *, day: str, text: str,
                by: str | None, evidence: Evidence | None) -> ev.AppealFiled:
    """An appeal by the fact's subject (or the window of a person's fact, D8), the only one of the fact, dated
    within its period."""
    if appeal.events:
        if appeal.status == "filed":
            raise NotAllowed(f"该记录已有申诉 {appeal.first.originator_id} 尚未复核，不能重复申诉")
        raise NotAllowed(f"该记录的申诉已{OUTCOME_NAMES[appeal.status]}，每条记录只能申诉一次")
    d = parse_date(day, "申诉日期")
    if d > stamp.today:
        raise InvalidInput(f"申诉日期不能晚于今天：{d}")
    if d < target.since:
        raise InvalidInput(f"申诉日期 {d} 早于该{ORIGIN_NAMES[target.origin]}可以申诉之日 {target.since}"
                           "（录入、核实或驳回之日）")
    text = (text or "").strip()
    if not text:
        raise InvalidInput("申诉内容不能为空（--text）")
    who = (by or "").strip() or target.staff or target.window
    if who not in {target.window, target.staff}:
        also = f" 或窗口 {target.window}" if target.staff else ""
        raise NotAllowed(f"{who} 不是该{ORIGIN_NAMES[target.origin]}的被考评对象，不能申诉"
                         f"（可由 {target.staff or target.window}{also} 申诉）")
    deadline = period.deadline(target.since)
    if deadline is not None and d > deadline:
        raise NotAllowed(f"申诉期已过：该{ORIGIN_NAMES[target.origin]}的申诉期至 {deadline}（申诉日期 {d}）")
    stream = ids.appeal_id(ids.parse_fact_id(target.fact))
    return stamp.event(ev.AppealFiled, stream, 1, against=target.fact, origin=target.origin, quarter=target.quarter,
                       window=target.window, staff=target.staff, by=who, date=d, text=text,
                       evidence=evidence() if evidence is not None else None)


def decide_appeal(appeal: FactStream, outcome: str, why: str, stamp: Stamp) -> ev.AppealUpheld | ev.AppealOverturned:
    """An open appeal upheld (维持) or overturned (撤销), with a reason; a decided appeal is not decided again."""
    why = reason(why, f"{OUTCOME_NAMES[outcome]}申诉必须说明理由（--reason）")
    first = known(appeal)
    if not isinstance(first, ev.AppealFiled):
        raise NotAllowed(f"{appeal.typed} 不是申诉")
    if appeal.status != "filed":
        raise NotAllowed(f"申诉 {appeal.typed} 已{OUTCOME_NAMES[appeal.status]}，不能再处理")
    if outcome == "overturned":
        return stamp.event(ev.AppealOverturned, first.originator_id, appeal.version + 1, reason=why)
    return stamp.event(ev.AppealUpheld, first.originator_id, appeal.version + 1, reason=why)
