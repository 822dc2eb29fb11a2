"""The log's Chinese lines for 公示, 申诉 and 复核, 好差评, 整改 and 回访, and the working-day calendar."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ledger.appeal_names import ORIGIN_NAMES

if TYPE_CHECKING:
    from ledger.catalogue import Catalogue
    from ledger.storage.reader_events import StoredFact

VOICE_TYPE_NAMES: dict[str, str] = {
    "QuarterAnnounced": "公示",
    "AppealFiled": "申诉",
    "AppealUpheld": "复核维持",
    "AppealOverturned": "复核撤销",
    "RatingRecorded": "好差评",
    "RectificationRecorded": "整改",
    "CallbackRecorded": "回访",
    "CalendarYearAdded": "工作日历",
}

CALLBACK_RESULTS = {"satisfied": "满意", "unsatisfied": "不满意（重新整改）"}


def subject_text(window: str, staff: str | None) -> str:
    """How a log line names a fact's subject: 人员 0101（窗口 DS） or 窗口 DS."""
    return f"人员 {staff}（窗口 {window}）" if staff else f"窗口 {window}"


def _level(cat: Catalogue | None, level: int) -> str:
    """A rating level by its Chinese name (its number when the rules name no levels)."""
    for lv in cat.procedure.rating_levels if cat else ():
        if lv.value == level:
            return lv.name
    return f"{level} 级"


def voice_summary(e: StoredFact, cat: Catalogue | None) -> str | None:
    """A one-line description of a 公示, appeal, rating, rectification, callback or calendar year; None otherwise."""
    f = e.fields
    if e.event_class == "RatingRecorded":  # most of a quarter's events: first, and without its stream's id
        channel = cat.procedure.rating_channels.get(f['channel'], f['channel']) if cat else f['channel']
        subject = subject_text(f["window"], f["staff"])
        return f"{f['date']} {subject} {_level(cat, f['level'])}（办件编号 {f['ref']}，{channel}）"
    sid = str(e.originator_id)
    if e.event_class == "QuarterAnnounced":
        return f"{f['quarter']} 自 {f['date']} 起公示 {f['days']} 个工作日"
    if e.event_class == "AppealFiled":
        what = ORIGIN_NAMES.get(f['origin'], f['origin'])
        evidence = f"，证明 {f['evidence']['name']}" if f['evidence'] else ""
        subject = subject_text(f["window"], f["staff"])
        return (f"{sid} {f['date']} {f['by']} 对{what} {f['against']}（{f['quarter']}，{subject}）"
                f"提出申诉：{f['text']}{evidence}")
    if e.event_class == "AppealUpheld":
        return f"{sid} 复核维持原记录，理由：{f['reason']}"
    if e.event_class == "AppealOverturned":
        return f"{sid} 复核撤销原记录，理由：{f['reason']}"
    if e.event_class == "RectificationRecorded":
        evidence = f"，证明 {f['evidence']['name']}" if f['evidence'] else ""
        return f"{sid} {f['date']} 整改：{f['text']}{evidence}"
    if e.event_class == "CallbackRecorded":
        note = f"，{f['note']}" if f['note'] else ""
        return f"{sid} {f['date']} 回访：{CALLBACK_RESULTS.get(f['result'], f['result'])}{note}"
    if e.event_class == "CalendarYearAdded":
        return (f"{f['year']} 年工作日历：节假日 {len(f['holidays'])} 天，调休上班 {len(f['workdays'])} 天"
                f"（依据 {f['source']}）")
    return None
