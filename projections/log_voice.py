"""The log's Chinese lines for 公示, 申诉 and 复核, 好差评, 整改 and 回访, and the working-day calendar."""

from __future__ import annotations

from ledger import events as ev
from ledger.appeal_names import ORIGIN_NAMES
from ledger.catalogue import Catalogue

VOICE_TYPE_NAMES: dict[type[ev.Fact], str] = {
    ev.QuarterAnnounced: "公示",
    ev.AppealFiled: "申诉",
    ev.AppealUpheld: "复核维持",
    ev.AppealOverturned: "复核撤销",
    ev.RatingRecorded: "好差评",
    ev.RectificationRecorded: "整改",
    ev.CallbackRecorded: "回访",
    ev.CalendarYearAdded: "工作日历",
}

CALLBACK_RESULTS = {"satisfied": "满意", "unsatisfied": "不满意（重新整改）"}


def subject_text(window: str, staff: str | None) -> str:
    """How a log line names a fact's subject: 人员 0101（窗口 DS） or 窗口 DS."""
    return f"人员 {staff}（窗口 {window}）" if staff else f"窗口 {window}"


def _level(cat: Catalogue | None, level: int) -> str:
    """A rating level by its Chinese name (its number when the rules name no levels)."""
    names = {lv.value: lv.name for lv in cat.procedure.rating_levels} if cat else {}
    return names.get(level, f"{level} 级")


def voice_summary(e: ev.Fact, cat: Catalogue | None) -> str | None:
    """A one-line description of a 公示, appeal, rating, rectification, callback or calendar year; None otherwise."""
    sid = str(e.originator_id)
    if isinstance(e, ev.QuarterAnnounced):
        return f"{e.quarter} 自 {e.date} 起公示 {e.days} 个工作日"
    if isinstance(e, ev.AppealFiled):
        what = ORIGIN_NAMES.get(e.origin, e.origin)
        evidence = f"，证明 {e.evidence['name']}" if e.evidence else ""
        return (f"{sid} {e.date} {e.by} 对{what} {e.against}（{e.quarter}，{subject_text(e.window, e.staff)}）"
                f"提出申诉：{e.text}{evidence}")
    if isinstance(e, ev.AppealUpheld):
        return f"{sid} 复核维持原记录，理由：{e.reason}"
    if isinstance(e, ev.AppealOverturned):
        return f"{sid} 复核撤销原记录，理由：{e.reason}"
    if isinstance(e, ev.RatingRecorded):
        channel = cat.procedure.rating_channels.get(e.channel, e.channel) if cat else e.channel
        return f"{e.date} {subject_text(e.window, e.staff)} {_level(cat, e.level)}（办件编号 {e.ref}，{channel}）"
    if isinstance(e, ev.RectificationRecorded):
        evidence = f"，证明 {e.evidence['name']}" if e.evidence else ""
        return f"{sid} {e.date} 整改：{e.text}{evidence}"
    if isinstance(e, ev.CallbackRecorded):
        note = f"，{e.note}" if e.note else ""
        return f"{sid} {e.date} 回访：{CALLBACK_RESULTS.get(e.result, e.result)}{note}"
    if isinstance(e, ev.CalendarYearAdded):
        return (f"{e.year} 年工作日历：节假日 {len(e.holidays)} 天，调休上班 {len(e.workdays)} 天"
                f"（依据 {e.source}）")
    return None
