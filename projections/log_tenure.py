"""The log's Chinese lines and type names for the center over time (D21–D24): closures, returns, leaves, renames."""

from __future__ import annotations

from ledger import events as ev

TENURE_TYPE_NAMES: dict[type[ev.Fact], str] = {
    ev.WindowClosed: "窗口撤出",
    ev.WindowReopened: "窗口重新进驻",
    ev.WindowRenamed: "窗口更名",
    ev.StaffLeft: "人员离开",
    ev.StaffRenamed: "人员更名",
}


def _why(reason: str) -> str:
    return f"（{reason}）" if reason else ""


def _from(since: object) -> str:
    return f"自 {since} 起更名为" if since is not None else "更正为"


def tenure_summary(e: ev.Fact) -> str | None:
    """A one-line description of a registry change over time; None for any other event."""
    if isinstance(e, ev.WindowClosed):
        return f"窗口 {e.code} 自 {e.since} 起撤出中心{_why(e.reason)}"
    if isinstance(e, ev.WindowReopened):
        dept = f"，{e.department}" if e.department else ""
        return f"窗口 {e.code} {e.name}{dept} 自 {e.since} 起重新进驻中心"
    if isinstance(e, ev.WindowRenamed):
        dept = f"，{e.department}" if e.department else ""
        return f"窗口 {e.code} {_from(e.since)}「{e.name}」{dept}"
    if isinstance(e, ev.StaffLeft):
        return f"{e.staff_id} 自 {e.since} 起离开中心{_why(e.reason)}"
    if isinstance(e, ev.StaffRenamed):
        return f"{e.staff_id} 姓名{_from(e.since)}「{e.name}」"
    return None
