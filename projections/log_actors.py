"""The log's Chinese lines for who acts (D32): actors added, retired and re-keyed, and each command's signature."""

from __future__ import annotations

from ledger import events as ev
from ledger import roles

ACTOR_TYPE_NAMES: dict[type[ev.Fact], str] = {
    ev.ActorAdded: "登记操作人",
    ev.ActorRetired: "停用操作人",
    ev.ActorKeyRotated: "更换操作人密钥",
    ev.CommandSigned: "操作人签名",
}


def _key_id(public_key: str) -> str:
    parts = public_key.split("+")
    return parts[1] if len(parts) >= 3 else "?"


def actor_summary(e: ev.Fact) -> str | None:
    """A one-line description of an actors' event or a command's signature; None for any other event."""
    if isinstance(e, ev.ActorAdded):
        return f"{e.name}（{roles.role_name(e.role)}），密钥编号 {_key_id(e.public_key)}"
    if isinstance(e, ev.ActorRetired):
        return f"{e.name} 停用，理由：{e.reason}"
    if isinstance(e, ev.ActorKeyRotated):
        return f"{e.name} 的新密钥编号 {_key_id(e.public_key)}"
    if isinstance(e, ev.CommandSigned):
        return f"{e.actor}（{roles.role_name(e.role)}）签名，覆盖之前 {e.events} 个事件，密钥编号 {e.key_id}"
    return None
