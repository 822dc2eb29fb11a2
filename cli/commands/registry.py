"""Registry commands: init, windows, staff (the rules: cli/commands/rules.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

import click

from cli.main import Session, pass_session
from cli.render import emit_id, emit_json, table
from ledger import catalogue as rules
from ledger.calendar import parse_date
from ledger.registry import Registry, names_over_time

JSON = click.option("--json", "as_json", is_flag=True, help="输出 JSON")


@click.command("init")
@click.option("--center", default="长兴县行政服务中心", show_default=True, help="中心名称")
@click.option("--rules", "rules_id", default=rules.DEFAULT_RULES, show_default=True,
              help="考评规则：NAME（其最新版次）或 NAME@REV")
@JSON
@pass_session
def init_cmd(session: Session, center: str, rules_id: str, as_json: bool) -> None:
    """初始化账本：登记中心并采用考评规则。"""
    from ledger.initialise import initialise  # eventsourcing: imported only by the commands that write

    emit_id(initialise(session.db, session.actor, center, rules_id, session.key), as_json)


@click.group("window")
def window_group() -> None:
    """窗口登记。"""


FROM = "YYYY-MM-DD"


@window_group.command("add")
@click.argument("code")
@click.argument("name")
@click.option("--department", default="", help="所属部门")
@click.option("--from", "since", default=None, metavar=FROM,
              help="参加考评的第一天（默认：尚未确定入围名单的最早季度的第一天）；已撤出的窗口用它重新进驻")
@JSON
@pass_session
def window_add(session: Session, code: str, name: str, department: str, since: str | None, as_json: bool) -> None:
    """登记窗口 CODE NAME（或让已撤出的窗口重新进驻）。"""
    emit_id(session.ledger().add_window(code, name, department, since), as_json)


@window_group.command("close")
@click.argument("code")
@click.option("--from", "since", required=True, metavar=FROM, help="撤出中心的日期（当天起不再参加考评）")
@click.option("--reason", default=None, help="撤出原因")
@JSON
@pass_session
def window_close(session: Session, code: str, since: str, reason: str | None, as_json: bool) -> None:
    """窗口 CODE 自某日起撤出中心（须先把该窗口的人员轮换或办理离开）。"""
    emit_id(session.ledger().close_window(code, since, reason), as_json)


@window_group.command("rename")
@click.argument("code")
@click.argument("name")
@click.option("--department", default=None, help="新的所属部门（默认不变）")
@click.option("--from", "since", default=None, metavar=FROM,
              help="新名称的启用日期；不给则视为更正（各季度一律显示更正后的名称）")
@JSON
@pass_session
def window_rename(session: Session, code: str, name: str, department: str | None, since: str | None,
                  as_json: bool) -> None:
    """窗口更名（--from 自某日起启用新名称）或更正名称。"""
    emit_id(session.ledger().rename_window(code, name, department, since), as_json)


@window_group.command("list")
@JSON
@pass_session
def window_list(session: Session, as_json: bool) -> None:
    """列出已登记的窗口、参加考评的期间和名称变更。"""
    ledger = session.reading()
    registry, start = ledger.registry(), ledger.catalogue.effective.isoformat()
    docs = [_window_doc(registry, code, start) for code in registry.windows]
    if as_json:
        emit_json({"windows": docs})
        return
    click.echo(table(["代码", "窗口", "部门", "参加考评", "名称变更"],
                     [[d["code"], d["name"], d["department"], _periods(d["periods"]), _renames(d["names"])]
                      for d in docs]))


def _window_doc(registry: Registry, code: str, start: str) -> dict[str, Any]:
    w = registry.windows[code]
    periods = [{"from": first or start, "to": last} for first, last in registry.window_periods(code)]
    closed = w["presence"][-1]
    return {"code": code, "name": w["name"], "department": w["department"], "from": periods[0]["from"],
            "left": None if closed["open"] else closed["since"], "periods": periods,
            "names": [{"name": n["name"], "department": n["department"], "from": n["since"]}
                      for n in names_over_time(w["names"])]}


def _periods(periods: list[dict[str, Any]]) -> str:
    return "；".join(f"{p['from']} 至 {p['to']}" if p["to"] else f"{p['from']} 起" for p in periods)


def _renames(names: list[dict[str, Any]]) -> str:
    return " → ".join(f"{n['name']}（{n['from']} 起）" if n["from"] else n["name"] for n in names) \
        if len(names) > 1 else ""


@click.group("staff")
def staff_group() -> None:
    """人员登记、轮换、离开与更名。"""


@staff_group.command("add")
@click.argument("staff_id", metavar="ID")
@click.argument("name")
@click.option("--window", "window", required=True, help="所在窗口代码")
@click.option("--from", "since", required=True, metavar=FROM, help="到岗日期")
@JSON
@pass_session
def staff_add(session: Session, staff_id: str, name: str, window: str, since: str, as_json: bool) -> None:
    """登记人员 ID NAME 及其所在窗口。"""
    emit_id(session.ledger().add_staff(staff_id, name, window, since), as_json)


@staff_group.command("move")
@click.argument("staff_id", metavar="ID")
@click.option("--window", "window", required=True, help="新窗口代码")
@click.option("--from", "since", required=True, metavar=FROM, help="轮换日期（已离开中心的人员：回到中心的日期）")
@JSON
@pass_session
def staff_move(session: Session, staff_id: str, window: str, since: str, as_json: bool) -> None:
    """人员轮换到另一个窗口，或已离开的人员回到中心。"""
    emit_id(session.ledger().move_staff(staff_id, window, since), as_json)


@staff_group.command("leave")
@click.argument("staff_id", metavar="ID")
@click.option("--from", "since", required=True, metavar=FROM, help="离开中心的日期（当天起不再参加考评）")
@click.option("--reason", default=None, help="离开原因（调离、离职、借调期满等）")
@JSON
@pass_session
def staff_leave(session: Session, staff_id: str, since: str, reason: str | None, as_json: bool) -> None:
    """人员自某日起离开中心（调离/离职）。"""
    emit_id(session.ledger().leave_staff(staff_id, since, reason), as_json)


@staff_group.command("rename")
@click.argument("staff_id", metavar="ID")
@click.argument("name")
@click.option("--from", "since", default=None, metavar=FROM,
              help="新姓名的启用日期；不给则视为更正（各季度一律显示更正后的姓名）")
@JSON
@pass_session
def staff_rename(session: Session, staff_id: str, name: str, since: str | None, as_json: bool) -> None:
    """人员更名（--from 自某日起）或更正姓名。"""
    emit_id(session.ledger().rename_staff(staff_id, name, since), as_json)


@staff_group.command("list")
@click.option("--at", "day", default=None, metavar=FROM, help="只列出这一天在中心的人员及其当天所在窗口")
@JSON
@pass_session
def staff_list(session: Session, day: str | None, as_json: bool) -> None:
    """列出已登记的人员、所在窗口的经历、离开和更名。"""
    registry = session.reading().registry()
    if day is not None:
        _staff_on(registry, parse_date(day), as_json)
        return
    docs = [_person_doc(registry, pid) for pid in registry.people]
    if as_json:
        emit_json({"staff": docs})
        return
    rows = [[d["id"], d["name"], " → ".join([*(f"{a['window']}（{a['from']}起）" for a in d["assignments"]),
                                             *([f"离开（{d['left']}起）"] if d["left"] else [])]),
             _renames(d["names"])] for d in docs]
    click.echo(table(["编号", "姓名", "所在窗口", "姓名变更"], rows))


def _person_doc(registry: Registry, pid: str) -> dict[str, Any]:
    p = registry.people[pid]
    last = p["assignments"][-1]
    return {"id": pid, "name": p["name"],
            "assignments": [{"window": w, "from": first, "to": to} for w, first, to in registry.stints(pid)],
            "left": last["since"] if last["window"] is None else None,
            "names": [{"name": n["name"], "from": n["since"]} for n in names_over_time(p["names"])]}


def _staff_on(registry: Registry, day: date, as_json: bool) -> None:
    """Who was where on a day: everyone in the center then, with their name and window of that day."""
    iso = day.isoformat()
    rows = [{"id": pid, "name": registry.person_name(pid, iso), "window": at,
             "window_name": registry.window_name(at, iso)[0]}
            for pid in registry.people if (at := registry.window_on(pid, iso)) is not None]
    if as_json:
        emit_json({"date": iso, "staff": rows})
        return
    click.echo(f"{iso} 在中心的人员 {len(rows)} 名")
    click.echo(table(["编号", "姓名", "窗口", "窗口名称"], [[r["id"], r["name"], r["window"], r["window_name"]]
                                                      for r in rows]))


def register(cli: click.Group) -> None:
    """Attach the registry commands to the top-level group."""
    for cmd in (init_cmd, window_group, staff_group):
        cli.add_command(cmd)
