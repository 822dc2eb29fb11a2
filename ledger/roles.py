"""The roles (D32) as data: which role may store each kind of event — one table, read by the write-time check
(ledger/commands/actors.py) and by `verify` (ledger/integrity/actor_check.py), checked against ledger/topics.py
when this module loads.
"""

from __future__ import annotations

from ledger import topics

ROLE_NAMES: dict[str, str] = {"admin": "管理员", "clerk": "督查科", "party": "党组", "auditor": "审计"}
"""Every role with its Chinese name, in the order `actor add --role` lists them."""

ROLES = tuple(ROLE_NAMES)
ADMIN = "admin"

ACTS: dict[str, tuple[str, ...]] = {
    # admin: the registry (the center, its windows and people, its rules and calendar) and the actors
    "admin": ("CenterInitialised", "WindowRegistered", "StaffRegistered", "StaffMoved", "WindowClosed",
              "WindowReopened", "WindowRenamed", "StaffLeft", "StaffRenamed", "RulesAdopted", "CalendarYearAdded",
              "SigningKeyRecorded", "SigningKeyRotated", "ActorAdded", "ActorRetired", "ActorKeyRotated"),
    # clerk (督查科): facts, claims, complaints, shortlist, announce, publish, appeals and their outcomes,
    # checkpoints and witnesses' cosignatures, ratings, rectifications and callbacks
    "clerk": ("FindingRecorded", "FindingRetracted", "BonusClaimed", "BonusVerified", "BonusRejected",
              "ComplaintReceived", "ComplaintVerified", "ComplaintDismissed", "ComplainantErased",
              "ShortlistFrozen", "ShortlistAmended", "QuarterAnnounced", "QuarterPublished",
              "AppealFiled", "AppealUpheld", "AppealOverturned",
              "SigningKeyRecorded", "CheckpointRecorded", "SignedRangeLost", "CosignatureRecorded",
              "RatingRecorded", "RectificationRecorded", "CallbackRecorded"),
    # party (党组): its decisions
    "party": ("DecisionRecorded", "DecisionAmended"),
    # auditor: reads and verifies only
    "auditor": (),
}
"""Each role's writing acts, by event class name (ledger/topics.py)."""

UNSIGNED_BY_ROLE = frozenset({"CommandSigned"})
"""Stored with every command by whoever acts: the signature itself is no act of a role."""


def _allowed() -> dict[str, frozenset[str]]:
    """The table by stored topic, refusing (at import) a role or event name the ledger does not know, and any event
    class no role may store."""
    if set(ACTS) != set(ROLES):
        raise ValueError(f"roles table names roles {sorted(ACTS)}, not {sorted(ROLES)}")
    by_topic: dict[str, set[str]] = {}
    for role, names in ACTS.items():
        for name in names:
            if name not in topics.NAMES or name in UNSIGNED_BY_ROLE:
                raise ValueError(f"roles table: {role} names an unknown event {name}")
            by_topic.setdefault(topics.topic(name), set()).add(role)
    missing = set(topics.NAMES) - UNSIGNED_BY_ROLE - {t.partition(":")[2] for t in by_topic}
    if missing:
        raise ValueError(f"roles table: no role may store {sorted(missing)}")
    return {t: frozenset(r) for t, r in by_topic.items()}


ALLOWED: dict[str, frozenset[str]] = _allowed()
"""Each stored topic → the roles that may store it."""


def may(role: str, topic: str) -> bool:
    """Whether `role` may store an event of `topic`."""
    return role in ALLOWED.get(topic, frozenset())


ACT_NAMES: dict[str, str] = {
    "CenterInitialised": "初始化账本", "WindowRegistered": "登记窗口", "StaffRegistered": "登记人员",
    "StaffMoved": "办理人员轮换", "WindowClosed": "撤销窗口", "WindowReopened": "恢复窗口",
    "WindowRenamed": "更改窗口名称",
    "StaffLeft": "办理人员离岗", "StaffRenamed": "更改人员姓名", "RulesAdopted": "采用规则版本",
    "CalendarYearAdded": "添加工作日历", "SigningKeyRecorded": "记录签名公钥", "SigningKeyRotated": "更换中心签名密钥",
    "ActorAdded": "登记操作人",
    "ActorRetired": "停用操作人", "ActorKeyRotated": "更换操作人密钥",
    "FindingRecorded": "录入检查记录", "FindingRetracted": "撤回检查记录", "BonusClaimed": "登记加分申报",
    "BonusVerified": "核实加分申报", "BonusRejected": "驳回加分申报", "ComplaintReceived": "登记投诉",
    "ComplaintVerified": "核实投诉", "ComplaintDismissed": "驳回投诉", "ComplainantErased": "删除投诉人信息",
    "ShortlistFrozen": "确定入围名单", "ShortlistAmended": "修正入围名单", "QuarterAnnounced": "公示考评结果",
    "QuarterPublished": "公布考评结果", "AppealFiled": "登记申诉", "AppealUpheld": "复核申诉（维持）",
    "AppealOverturned": "复核申诉（撤销）", "CheckpointRecorded": "签发检查点", "SignedRangeLost": "记录恢复备份",
    "CosignatureRecorded": "记录见证副署", "RatingRecorded": "导入好差评", "RectificationRecorded": "记录整改",
    "CallbackRecorded": "记录回访", "DecisionRecorded": "记录党组决定", "DecisionAmended": "修正党组决定",
}
"""Each act in Chinese, as a refusal names it (`… 不能记录党组决定`)."""


def act_name(topic: str) -> str:
    """The Chinese name of the act of storing an event of `topic`."""
    name = topic.partition(":")[2]
    return ACT_NAMES.get(name, name)


def role_name(role: str) -> str:
    """A role's Chinese name (the code itself when unknown)."""
    return ROLE_NAMES.get(role, role)
