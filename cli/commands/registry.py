"""Registry commands: init, windows, staff (the rules: cli/commands/rules.py)."""

from __future__ import annotations

import click

from cli.main import Session, pass_session
from cli.render import emit_id, emit_json, table
from ledger import catalogue as rules
from ledger import revisions
from ledger.integrity import keys
from ledger.storage.location import parse_url

JSON = click.option("--json", "as_json", is_flag=True, help="输出 JSON")


@click.command("init")
@click.option("--center", default="长兴县行政服务中心", show_default=True, help="中心名称")
@click.option("--rules", "rules_id", default=rules.DEFAULT_RULES, show_default=True,
              help="考评规则：NAME（其最新版次）或 NAME@REV")
@JSON
@pass_session
def init_cmd(session: Session, center: str, rules_id: str, as_json: bool) -> None:
    """初始化账本：登记中心并采用考评规则。"""
    revisions.resolve(rules_id)  # refuse an unknown rules revision before a database file is created
    staged = keys.stage_key(keys.key_path(parse_url(session.db), session.key))
    ledger = session.ledger(create=True)
    center_id = ledger.init(center, rules_id, also=[keys.key_event(ledger.actor, staged.signer)])
    staged.commit()  # the private key file (0600) is written only once the ledger holds its public key
    session.keep()
    emit_id(center_id, as_json)


@click.group("window")
def window_group() -> None:
    """窗口登记。"""


@window_group.command("add")
@click.argument("code")
@click.argument("name")
@click.option("--department", default="", help="所属部门")
@JSON
@pass_session
def window_add(session: Session, code: str, name: str, department: str, as_json: bool) -> None:
    """登记窗口 CODE NAME。"""
    emit_id(session.ledger().add_window(code, name, department), as_json)


@window_group.command("list")
@JSON
@pass_session
def window_list(session: Session, as_json: bool) -> None:
    """列出已登记的窗口。"""
    windows = session.reading().registry().windows
    if as_json:
        emit_json({"windows": [{"code": code, "name": w["name"], "department": w["department"]}
                               for code, w in windows.items()]})
        return
    click.echo(table(["代码", "窗口", "部门"], [[code, w["name"], w["department"]] for code, w in windows.items()]))


@click.group("staff")
def staff_group() -> None:
    """人员登记与轮换。"""


@staff_group.command("add")
@click.argument("staff_id", metavar="ID")
@click.argument("name")
@click.option("--window", "window", required=True, help="所在窗口代码")
@click.option("--from", "since", required=True, metavar="YYYY-MM-DD", help="到岗日期")
@JSON
@pass_session
def staff_add(session: Session, staff_id: str, name: str, window: str, since: str, as_json: bool) -> None:
    """登记人员 ID NAME 及其所在窗口。"""
    emit_id(session.ledger().add_staff(staff_id, name, window, since), as_json)


@staff_group.command("move")
@click.argument("staff_id", metavar="ID")
@click.option("--window", "window", required=True, help="新窗口代码")
@click.option("--from", "since", required=True, metavar="YYYY-MM-DD", help="轮换日期")
@JSON
@pass_session
def staff_move(session: Session, staff_id: str, window: str, since: str, as_json: bool) -> None:
    """人员轮换到另一个窗口。"""
    emit_id(session.ledger().move_staff(staff_id, window, since), as_json)


@staff_group.command("list")
@JSON
@pass_session
def staff_list(session: Session, as_json: bool) -> None:
    """列出已登记的人员及其窗口。"""
    people = session.reading().registry().people
    if as_json:
        emit_json({"staff": [
            {"id": pid, "name": p["name"],
             "assignments": [{"window": a["window"], "from": a["since"]} for a in p["assignments"]]}
            for pid, p in people.items()
        ]})
        return
    rows = [[pid, p["name"], " → ".join(f"{a['window']}（{a['since']}起）" for a in p["assignments"])]
            for pid, p in people.items()]
    click.echo(table(["编号", "姓名", "所在窗口"], rows))


def register(cli: click.Group) -> None:
    """Attach the registry commands to the top-level group."""
    for cmd in (init_cmd, window_group, staff_group):
        cli.add_command(cmd)
