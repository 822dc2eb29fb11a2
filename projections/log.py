"""The auditor's raw view: one Chinese line per event, in ledger order."""

from __future__ import annotations

from typing import TYPE_CHECKING

from projections.log_actors import ACTOR_TYPE_NAMES, actor_summary
from projections.log_tenure import TENURE_TYPE_NAMES, tenure_summary
from projections.log_voice import VOICE_TYPE_NAMES, subject_text, voice_summary

if TYPE_CHECKING:
    from ledger.catalogue import Catalogue
    from ledger.storage.reader_events import StoredFact

TYPE_NAMES: dict[str, str] = {
    "CenterInitialised": "中心初始化",
    "WindowRegistered": "登记窗口",
    "StaffRegistered": "登记人员",
    "StaffMoved": "人员轮换",
    "FindingRecorded": "检查记录",
    "FindingRetracted": "撤回记录",
    "BonusClaimed": "加分申报",
    "BonusVerified": "加分核实",
    "BonusRejected": "加分驳回",
    "ComplaintReceived": "投诉登记",
    "ComplaintVerified": "投诉核实",
    "ComplaintDismissed": "投诉驳回",
    "ShortlistFrozen": "确定入围",
    "DecisionRecorded": "党组决定",
    "QuarterPublished": "公布结果",
    "SigningKeyRecorded": "签名公钥",
    "CheckpointRecorded": "签名检查点",
    "CosignatureRecorded": "见证副署",
    "ComplainantErased": "删除投诉人信息",
    "ShortlistAmended": "修正入围",
    "DecisionAmended": "修正党组决定",
    "RulesAdopted": "采用规则版本",
    "SignedRangeLost": "恢复备份后重新签发",
    "SigningKeyRotated": "更换签名密钥",
    **TENURE_TYPE_NAMES,
    **VOICE_TYPE_NAMES,
    **ACTOR_TYPE_NAMES,
}


def type_name(event_class: str) -> str:
    """The Chinese name of an event's type, by its class's name (that name itself when unknown)."""
    return TYPE_NAMES.get(event_class, event_class)


def _dq_name(cat: Catalogue | None, kind: str) -> str:
    """A disqualification kind by its Chinese name (the code when the rules are unreadable)."""
    known = {d.kind: d.name for d in cat.disqualifications} if cat else {}
    return known.get(kind, kind)


def _kind_name(cat: Catalogue | None, kind: str) -> str:
    """A bonus kind by its Chinese name (the code when the rules are unreadable)."""
    known = {b.kind: b.name for b in cat.bonus_kinds} if cat else {}
    return known.get(kind, kind)


def summary(e: StoredFact, cat: Catalogue | None) -> str:
    """A one-line Chinese description of what the event records."""
    if e.event_class in VOICE_TYPE_NAMES:  # the ratings are most of a quarter's events: their line straight away
        return voice_summary(e, cat) or e.event_class
    f = e.fields
    sid = str(e.originator_id)
    if e.event_class == "CenterInitialised":
        return f"{f['center']} 采用考评规则 {f['rules']}（第{f['rules_revision']}版）"
    if e.event_class == "WindowRegistered":
        dept = f"，{f['department']}" if f['department'] else ""
        since = f"，自 {f['since']} 起参加考评" if f['since'] is not None else ""  # D21; the first release wrote none
        return f"窗口 {f['code']} {f['name']}{dept}{since}"
    if e.event_class == "StaffRegistered":
        return f"{f['staff_id']} {f['name']}，自 {f['since']} 在窗口 {f['window']}"
    if e.event_class == "StaffMoved":
        return f"{f['staff_id']} 自 {f['since']} 轮换到窗口 {f['window']}"
    if e.event_class == "FindingRecorded":
        src = cat.sources.get(f['source'], f['source']) if cat else f['source']
        dq = f"，取消资格：{_dq_name(cat, f['dq'])}" if f['dq'] else ""
        note = f"，{f['note']}" if f['note'] else ""
        return f"{sid} {f['date']} {subject_text(f['window'], f['staff'])} 违反 {f['item']}（{src}）{dq}{note}"
    if e.event_class == "FindingRetracted":
        return f"{sid} 撤回，理由：{f['reason']}"
    if e.event_class == "BonusClaimed":
        detail = "".join(
            [
                f" {cat.levels.get(f['level'], f['level']) if cat else f['level']}" if f['level'] else "",
                f" 第{f['place']}名" if f['place'] else "",
                f" 《{f['ref']}》" if f['ref'] else "",
            ]
        )
        kind = _kind_name(cat, f['kind'])
        subject = subject_text(f["window"], f["staff"])
        return f"{sid} {f['date']} {subject} 申报 {kind}{detail}，证明 {f['evidence']['name']}"
    if e.event_class == "BonusVerified":
        return f"{sid} 加分申报已核实"
    if e.event_class == "BonusRejected":
        return f"{sid} 加分申报驳回，理由：{f['reason']}"
    if e.event_class == "ComplaintReceived":
        ch = cat.channels.get(f['channel'], f['channel']) if cat else f['channel']
        return f"{sid} {f['date']} {subject_text(f['window'], f['staff'])} 来自{ch}：{f['text']}"
    if e.event_class == "ComplaintVerified":
        dq = f"，取消资格：{_dq_name(cat, f['dq'])}" if f['dq'] else ""
        return f"{sid} 经查实，违反 {f['item']}{dq}"
    if e.event_class == "ComplaintDismissed":
        return f"{sid} 投诉不成立，理由：{f['reason']}"
    if e.event_class in ("ShortlistFrozen", "ShortlistAmended"):
        why = f"（重新确定，取代此前的入围名单，理由：{f['reason']}）" if e.event_class == "ShortlistAmended" else ""
        return f"{f['quarter']} 入围窗口 {len(f['windows'])} 个、人员 {len(f['staff'])} 名{why}"
    if e.event_class in ("DecisionRecorded", "DecisionAmended"):
        return _decision(e)
    if e.event_class == "QuarterPublished":
        # the first release's publications (digest version 1) read as they always did
        version = f"，第{f['digest_version']}版摘要" if f['digest_version'] != 1 else ""
        return f"{f['quarter']} 公布结果（截至位置 {f['position']}，摘要 {f['digest'][:16]}…{version}）"
    if e.event_class == "RulesAdopted":
        return f"自 {f['quarter']} 起采用考评规则 {f['rules']}（第{f['revision']}版，sha256 {f['sha256'][:12]}…）"
    if e.event_class == "SigningKeyRecorded":
        return f"检查点签名公钥 {f['origin']}（编号 {f['key_id']}）"
    if e.event_class == "SigningKeyRotated":
        return (f"检查点签名密钥更换：编号 {f['previous_key_id']} 换为 {f['key_id']}"
                f"（新旧密钥共同签署前 {f['size']} 个事件），理由：{f['reason']}")
    if e.event_class == "CheckpointRecorded":
        return f"签名检查点：前 {f['size']} 个事件，根哈希 {f['root']}"
    if e.event_class == "SignedRangeLost":
        return (f"恢复了较早的备份：已签名的位置 {f['kept_size'] + 1}–{f['signed_size']} 不在恢复的账本中"
                f"（恢复时共 {f['restored_size']} 个事件），理由：{f['reason']}")
    if e.event_class == "CosignatureRecorded":
        return f"见证方 {f['witness']}（编号 {f['key_id']}）副署检查点：前 {f['size']} 个事件"
    if e.event_class == "ComplainantErased":
        return f"{sid} 投诉人姓名和联系方式已删除（密钥已销毁），理由：{f['reason']}"
    return tenure_summary(e) or actor_summary(e) or e.event_class


def _decision(e: StoredFact) -> str:
    """A decision's line: the picks, the meeting and its 会议纪要 when named, an amendment's reason (D25)."""
    f = e.fields
    meeting = f"；党组会议 {f['meeting']}" if f['meeting'] else ""
    minutes = f"，会议纪要 {f['minutes']['name']}" if f['minutes'] else ""
    why = f"（修正决定，整体取代此前的决定，理由：{f['reason']}）" if e.event_class == "DecisionAmended" else ""
    return (f"{f['quarter']} 红旗窗口 {','.join(f['red_flag']) or '无'}；五星 {','.join(f['five']) or '无'}；"
            f"四星 {','.join(f['four']) or '无'}{meeting}{minutes}{why}")
