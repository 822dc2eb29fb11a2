"""The log's Chinese lines for who acts (D32): actors added, retired and re-keyed, and each command's signature."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ledger import roles

if TYPE_CHECKING:
    from ledger.storage.reader_events import StoredFact

ACTOR_TYPE_NAMES: dict[str, str] = {
    "ActorAdded": "登记操作人",
    "ActorRetired": "停用操作人",
    "ActorKeyRotated": "更换操作人密钥",
    "CommandSigned": "操作人签名",
}


def _key_id(public_key: str) -> str:
    parts = public_key.split("+")
    return parts[1] if len(parts) >= 3 else "?"


def actor_summary(e: StoredFact) -> str | None:
    """A one-line description of an actors' event or a command's signature; None for any other event."""
    f = e.fields
    if e.event_class == "ActorAdded":
        return f"{f['name']}（{roles.role_name(f['role'])}），密钥编号 {_key_id(f['public_key'])}"
    if e.event_class == "ActorRetired":
        return f"{f['name']} 停用，理由：{f['reason']}"
    if e.event_class == "ActorKeyRotated":
        return f"{f['name']} 的新密钥编号 {_key_id(f['public_key'])}"
    if e.event_class == "CommandSigned":
        return (f"{f['actor']}（{roles.role_name(f['role'])}）签名，覆盖之前 {f['events']} 个事件，"
                f"密钥编号 {f['key_id']}")
    return None
