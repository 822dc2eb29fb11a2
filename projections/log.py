"""The auditor's raw view: one Chinese line per event, in ledger order."""

from __future__ import annotations

from ledger import events as ev
from ledger.catalogue import Catalogue
from projections.log_actors import ACTOR_TYPE_NAMES, actor_summary
from projections.log_tenure import TENURE_TYPE_NAMES, tenure_summary
from projections.log_voice import VOICE_TYPE_NAMES, subject_text, voice_summary

TYPE_NAMES: dict[type[ev.Fact], str] = {
    ev.CenterInitialised: "中心初始化",
    ev.WindowRegistered: "登记窗口",
    ev.StaffRegistered: "登记人员",
    ev.StaffMoved: "人员轮换",
    ev.FindingRecorded: "检查记录",
    ev.FindingRetracted: "撤回记录",
    ev.BonusClaimed: "加分申报",
    ev.BonusVerified: "加分核实",
    ev.BonusRejected: "加分驳回",
    ev.ComplaintReceived: "投诉登记",
    ev.ComplaintVerified: "投诉核实",
    ev.ComplaintDismissed: "投诉驳回",
    ev.ShortlistFrozen: "确定入围",
    ev.DecisionRecorded: "党组决定",
    ev.QuarterPublished: "公布结果",
    ev.SigningKeyRecorded: "签名公钥",
    ev.CheckpointRecorded: "签名检查点",
    ev.CosignatureRecorded: "见证副署",
    ev.ComplainantErased: "删除投诉人信息",
    ev.ShortlistAmended: "修正入围",
    ev.DecisionAmended: "修正党组决定",
    ev.RulesAdopted: "采用规则版本",
    ev.SignedRangeLost: "恢复备份后重新签发",
    ev.SigningKeyRotated: "更换签名密钥",
    **TENURE_TYPE_NAMES,
    **VOICE_TYPE_NAMES,
    **ACTOR_TYPE_NAMES,
}


def type_name(e: ev.Fact) -> str:
    """The Chinese name of an event's type (its class name when unknown)."""
    return TYPE_NAMES.get(type(e), type(e).__name__)


def _dq_name(cat: Catalogue | None, kind: str) -> str:
    """A disqualification kind by its Chinese name (the code when the rules are unreadable)."""
    known = {d.kind: d.name for d in cat.disqualifications} if cat else {}
    return known.get(kind, kind)


def _kind_name(cat: Catalogue | None, kind: str) -> str:
    """A bonus kind by its Chinese name (the code when the rules are unreadable)."""
    known = {b.kind: b.name for b in cat.bonus_kinds} if cat else {}
    return known.get(kind, kind)


def summary(e: ev.Fact, cat: Catalogue | None) -> str:
    """A one-line Chinese description of what the event records."""
    sid = str(e.originator_id)
    if isinstance(e, ev.CenterInitialised):
        return f"{e.center} 采用考评规则 {e.rules}（第{e.rules_revision}版）"
    if isinstance(e, ev.WindowRegistered):
        dept = f"，{e.department}" if e.department else ""
        since = f"，自 {e.since} 起参加考评" if e.since is not None else ""  # D21; the first release wrote none
        return f"窗口 {e.code} {e.name}{dept}{since}"
    if isinstance(e, ev.StaffRegistered):
        return f"{e.staff_id} {e.name}，自 {e.since} 在窗口 {e.window}"
    if isinstance(e, ev.StaffMoved):
        return f"{e.staff_id} 自 {e.since} 轮换到窗口 {e.window}"
    if isinstance(e, ev.FindingRecorded):
        src = cat.sources.get(e.source, e.source) if cat else e.source
        dq = f"，取消资格：{_dq_name(cat, e.dq)}" if e.dq else ""
        note = f"，{e.note}" if e.note else ""
        return f"{sid} {e.date} {subject_text(e.window, e.staff)} 违反 {e.item}（{src}）{dq}{note}"
    if isinstance(e, ev.FindingRetracted):
        return f"{sid} 撤回，理由：{e.reason}"
    if isinstance(e, ev.BonusClaimed):
        detail = "".join(
            [
                f" {cat.levels.get(e.level, e.level) if cat else e.level}" if e.level else "",
                f" 第{e.place}名" if e.place else "",
                f" 《{e.ref}》" if e.ref else "",
            ]
        )
        kind = _kind_name(cat, e.kind)
        return f"{sid} {e.date} {subject_text(e.window, e.staff)} 申报 {kind}{detail}，证明 {e.evidence['name']}"
    if isinstance(e, ev.BonusVerified):
        return f"{sid} 加分申报已核实"
    if isinstance(e, ev.BonusRejected):
        return f"{sid} 加分申报驳回，理由：{e.reason}"
    if isinstance(e, ev.ComplaintReceived):
        ch = cat.channels.get(e.channel, e.channel) if cat else e.channel
        return f"{sid} {e.date} {subject_text(e.window, e.staff)} 来自{ch}：{e.text}"
    if isinstance(e, ev.ComplaintVerified):
        dq = f"，取消资格：{_dq_name(cat, e.dq)}" if e.dq else ""
        return f"{sid} 经查实，违反 {e.item}{dq}"
    if isinstance(e, ev.ComplaintDismissed):
        return f"{sid} 投诉不成立，理由：{e.reason}"
    if isinstance(e, ev.ShortlistFrozen | ev.ShortlistAmended):
        why = f"（重新确定，取代此前的入围名单，理由：{e.reason}）" if isinstance(e, ev.ShortlistAmended) else ""
        return f"{e.quarter} 入围窗口 {len(e.windows)} 个、人员 {len(e.staff)} 名{why}"
    if isinstance(e, ev.DecisionRecorded | ev.DecisionAmended):
        return _decision(e)
    if isinstance(e, ev.QuarterPublished):
        # the first release's publications (digest version 1) read as they always did
        version = f"，第{e.digest_version}版摘要" if e.digest_version != 1 else ""
        return f"{e.quarter} 公布结果（截至位置 {e.position}，摘要 {e.digest[:16]}…{version}）"
    if isinstance(e, ev.RulesAdopted):
        return f"自 {e.quarter} 起采用考评规则 {e.rules}（第{e.revision}版，sha256 {e.sha256[:12]}…）"
    if isinstance(e, ev.SigningKeyRecorded):
        return f"检查点签名公钥 {e.origin}（编号 {e.key_id}）"
    if isinstance(e, ev.SigningKeyRotated):
        return (f"检查点签名密钥更换：编号 {e.previous_key_id} 换为 {e.key_id}（新旧密钥共同签署前 {e.size} 个事件），"
                f"理由：{e.reason}")
    if isinstance(e, ev.CheckpointRecorded):
        return f"签名检查点：前 {e.size} 个事件，根哈希 {e.root}"
    if isinstance(e, ev.SignedRangeLost):
        return (f"恢复了较早的备份：已签名的位置 {e.kept_size + 1}–{e.signed_size} 不在恢复的账本中"
                f"（恢复时共 {e.restored_size} 个事件），理由：{e.reason}")
    if isinstance(e, ev.CosignatureRecorded):
        return f"见证方 {e.witness}（编号 {e.key_id}）副署检查点：前 {e.size} 个事件"
    if isinstance(e, ev.ComplainantErased):
        return f"{sid} 投诉人姓名和联系方式已删除（密钥已销毁），理由：{e.reason}"
    return tenure_summary(e) or voice_summary(e, cat) or actor_summary(e) or type(e).__name__


def _decision(e: ev.DecisionRecorded | ev.DecisionAmended) -> str:
    """A decision's line: the picks, the meeting and its 会议纪要 when named, an amendment's reason (D25)."""
    meeting = f"；党组会议 {e.meeting}" if e.meeting else ""
    minutes = f"，会议纪要 {e.minutes['name']}" if e.minutes else ""
    why = f"（修正决定，整体取代此前的决定，理由：{e.reason}）" if isinstance(e, ev.DecisionAmended) else ""
    return (f"{e.quarter} 红旗窗口 {','.join(e.red_flag) or '无'}；五星 {','.join(e.five) or '无'}；"
            f"四星 {','.join(e.four) or '无'}{meeting}{minutes}{why}")
