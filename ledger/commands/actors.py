"""Who acts (D32), decided: adding, retiring and re-keying actors, and whether a person may store a command's events.

Pure: the roster (ledger/roster.py), the roles table (ledger/roles.py), what the command stores and the stamp in;
an event, the actor who signs, or a refusal out. `verify` holds stored commands to the same `refusal`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

from ledger import events as ev
from ledger import roles, text, topics
from ledger.commands.stamp import Stamp
from ledger.errors import InvalidInput, NotAllowed
from ledger.ids import ACTORS_STREAM
from ledger.roster import Actor, Roster

VERIFYING = frozenset(topics.topic(n) for n in ("BonusVerified", "BonusRejected", "ComplaintVerified",
                                                 "ComplaintDismissed"))
"""Events that verify (or reject) a claim or complaint: never by the one who recorded it."""
APPEAL_DECIDING = frozenset(topics.topic(n) for n in ("AppealUpheld", "AppealOverturned"))
"""Events that decide an appeal: never by the one who recorded the fact appealed against."""

Fields = Mapping[str, Any]


# A NamedTuple, not a frozen dataclass: every write imports this module, and a frozen dataclass costs ~1 ms to
# create (each generated method compiled), a NamedTuple a fifth of that (issue 15; ledger/catalogue.py).
class Act(NamedTuple):
    """One event a command stores, as the check sees it: its topic, and who recorded the fact it verifies or whose
    appeal it decides (None for any other event)."""

    topic: str
    recorded_by: str | None = None


def recorded_by(topic: str, first: Fields | None, first_of_fact: Callable[[str], Fields | None]) -> str | None:
    """Who recorded the fact an event verifies, or the fact whose appeal it decides: the actor of that fact's first
    event (`first`: the first stored fields of the event's own stream; `first_of_fact`: a fact id's)."""
    if first is None:
        return None
    if topic in VERIFYING:
        actor = first.get("actor")
    elif topic in APPEAL_DECIDING:
        against = first.get("against")
        fact = first_of_fact(against) if isinstance(against, str) else None
        actor = fact.get("actor") if fact is not None else None
    else:
        return None
    return actor if isinstance(actor, str) else None


def refusal(roster: Roster, name: str, public_key: str | None, acts: Sequence[Act]) -> str | None:
    """Why `name` holding `public_key` may not store these events (one Chinese line), None when they may."""
    actor = roster.get(name)
    if actor is None:
        return f"操作人 {name} 未登记（kaoping actor list 查看已登记的操作人，用 --as 指定）"
    if actor.retired:
        return f"操作人 {name} 已停用，不能再写入"
    if public_key is None:
        return "账本已登记操作人：每次写入都需要操作人密钥（--actor-key 文件或环境变量 KAOPING_ACTOR_KEY）"
    if public_key != actor.public_key:
        return f"操作人密钥与 {name} 登记的公钥不符（密钥已更换或不是本人的密钥）"
    for act in acts:
        if not roles.may(actor.role, act.topic):
            return f"{name} 的角色（{roles.role_name(actor.role)}）不能{roles.act_name(act.topic)}"
        if act.recorded_by == name:
            return (f"职责分离：{name} 登记了这条记录，不能由本人{roles.act_name(act.topic)}"
                    "（应由另一名督查科人员办理）")
    return None


def authorise(roster: Roster, name: str, public_key: str | None, acts: Sequence[Act]) -> Actor:
    """The actor who signs these events, or a refusal (NotAllowed) naming why they may not."""
    why = refusal(roster, name, public_key, acts)
    if why is not None:
        raise NotAllowed(why)
    actor = roster.get(name)
    assert actor is not None
    return actor


def role_of(role: str) -> str:
    """A role as typed, checked against the roles table."""
    value = (role or "").strip().lower()
    if value not in roles.ROLES:
        names = "、".join(roles.ROLE_NAMES.values())
        raise InvalidInput(f"角色必须是 {'、'.join(roles.ROLES)} 之一（{names}）：{role}")
    return value


def add_actor(roster: Roster, version: int, name: str, role: str, public_key: str, stamp: Stamp) -> ev.ActorAdded:
    """Register an actor; the first one must be an admin (it then signs its own registration)."""
    who, what = text.line(name, "操作人姓名"), role_of(role)
    if roster.get(who) is not None:
        raise NotAllowed(f"操作人已登记：{who}（换钥匙用 kaoping actor rotate-key）")
    if not roster and what != roles.ADMIN:
        raise NotAllowed("第一个操作人必须是管理员（--role admin），由他登记其他操作人")
    return stamp.event(ev.ActorAdded, ACTORS_STREAM, version + 1, name=who, role=what, public_key=public_key)


def retire_actor(roster: Roster, version: int, name: str, reason: str, stamp: Stamp) -> ev.ActorRetired:
    """Stop an actor from acting (left the post, key lost or stolen); never the last admin still acting."""
    actor = _known(roster, name)
    why = text.line(reason, "停用原因")
    if not why:
        raise InvalidInput("停用操作人需要说明原因（--reason）")
    if actor.role == roles.ADMIN and roster.active_admins() == [actor.name]:
        raise NotAllowed(f"{actor.name} 是最后一名在用的管理员，不能停用（请先登记另一名管理员）")
    return stamp.event(ev.ActorRetired, ACTORS_STREAM, version + 1, name=actor.name, reason=why)


def rotate_key(roster: Roster, version: int, name: str, public_key: str, stamp: Stamp) -> ev.ActorKeyRotated:
    """Give an actor a new key; the old one signs nothing from here on."""
    actor = _known(roster, name)
    return stamp.event(ev.ActorKeyRotated, ACTORS_STREAM, version + 1, name=actor.name, public_key=public_key)


def _known(roster: Roster, name: str) -> Actor:
    actor = roster.get((name or "").strip())
    if actor is None:
        raise NotAllowed(f"没有这个操作人：{name}")
    if actor.retired:
        raise NotAllowed(f"操作人 {actor.name} 已停用")
    return actor
