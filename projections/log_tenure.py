"""The log's Chinese lines and type names for the center over time (D21–D24): closures, returns, leaves, renames."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ledger.storage.reader_events import StoredFact

TENURE_TYPE_NAMES: dict[str, str] = {
    "WindowClosed": "窗口撤出",
    "WindowReopened": "窗口重新进驻",
    "WindowRenamed": "窗口更名",
    "StaffLeft": "人员离开",
    "StaffRenamed": "人员更名",
}


def _why(reason: str) -> str:
    return f"（{reason}）" if reason else ""


def _from(since: object) -> str:
    return f"自 {since} 起更名为" if since is not None else "更正为"


def tenure_summary(e: StoredFact) -> str | None:
    """A one-line description of a registry change over time; None for any other event."""
    f = e.fields
    if e.event_class == "WindowClosed":
        return f"窗口 {f['code']} 自 {f['since']} 起撤出中心{_why(f['reason'])}"
    if e.event_class == "WindowReopened":
        dept = f"，{f['department']}" if f['department'] else ""
        return f"窗口 {f['code']} {f['name']}{dept} 自 {f['since']} 起重新进驻中心"
    if e.event_class == "WindowRenamed":
        dept = f"，{f['department']}" if f['department'] else ""
        return f"窗口 {f['code']} {_from(f['since'])}「{f['name']}」{dept}"
    if e.event_class == "StaffLeft":
        return f"{f['staff_id']} 自 {f['since']} 起离开中心{_why(f['reason'])}"
    if e.event_class == "StaffRenamed":
        return f"{f['staff_id']} 姓名{_from(f['since'])}「{f['name']}」"
    return None
