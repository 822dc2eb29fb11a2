"""`kaoping actor` (D32): who may act, with which role and key; the decisions are ledger/commands/actors.py."""

from __future__ import annotations

import click

from cli.main import Session, pass_session
from cli.render import emit_json, table
from ledger import acting, roles
from ledger.roster import Actor

JSON = click.option("--json", "as_json", is_flag=True, help="输出 JSON")
ROLE = click.option("--role", required=True, type=click.Choice(roles.ROLES, case_sensitive=False),
                    help="角色：admin 管理员（登记与操作人）、clerk 督查科（检查记录、申报、投诉、入围、公示、公布、"
                         "申诉、检查点）、party 党组（决定）、auditor 审计（只读和校验）")
KEY_OUT = click.option("--key-out", required=True, metavar="FILE",
                       help="新私钥写入的文件（不覆盖已有文件，只有本人可读；交给本人保管，写入时用 --actor-key 指定）")


def _key_id(actor: Actor) -> str:
    return actor.public_key.split("+")[1] if actor.public_key.count("+") >= 2 else ""


@click.group("actor")
def actor_group() -> None:
    """操作人与角色（D32）：登记第一个操作人（管理员）之后，每次写入都要 --as 姓名 --actor-key 密钥文件 签名。"""


@actor_group.command("add")
@click.argument("name", metavar="NAME")
@ROLE
@KEY_OUT
@pass_session
def actor_add(session: Session, name: str, role: str, key_out: str) -> None:
    """登记操作人 NAME：第一个必须是管理员（无需密钥，用自己的新密钥签名）；之后由管理员签名登记。"""
    added = acting.add_actor(session.ledger(), name, role, key_out)
    click.echo(f"已登记操作人 {added.name}（{roles.role_name(added.role)}），密钥编号 {_key_id(added)}，"
               f"私钥已写入 {key_out}")
    click.echo(f"写入时使用：kaoping --as {added.name} --actor-key {key_out} …（私钥只交本人保管）")


@actor_group.command("list")
@JSON
@pass_session
def actor_list(session: Session, as_json: bool) -> None:
    """列出操作人：姓名、角色、密钥编号、是否停用。"""
    current, _ = acting.roster(session.ledger())
    people = list(current.actors.values())
    if as_json:
        emit_json({"actors": [{"name": a.name, "role": a.role, "role_name": roles.role_name(a.role),
                               "key_id": _key_id(a), "public_key": a.public_key, "retired": a.retired}
                              for a in people]})
        return
    if not people:
        click.echo("尚未登记操作人：账本的写入不签名"
                   "（kaoping actor add 姓名 --role admin --key-out 文件 登记第一个管理员）")
        return
    rows = [[a.name, roles.role_name(a.role), _key_id(a), "已停用" if a.retired else "在用"] for a in people]
    click.echo(table(["姓名", "角色", "密钥编号", "状态"], rows))


@actor_group.command("retire")
@click.argument("name", metavar="NAME")
@click.option("--reason", required=True, help="停用原因（如：调离、密钥丢失或被盗）")
@pass_session
def actor_retire(session: Session, name: str, reason: str) -> None:
    """停用操作人 NAME（管理员签名）：此后他的密钥签的写入一律拒绝，校验也不认。"""
    acting.retire_actor(session.ledger(), name, reason)
    click.echo(f"已停用操作人 {name.strip()}")


@actor_group.command("rotate-key")
@click.argument("name", metavar="NAME")
@KEY_OUT
@pass_session
def actor_rotate_key(session: Session, name: str, key_out: str) -> None:
    """为操作人 NAME 更换密钥（管理员签名）：新私钥写入 --key-out，旧密钥此后不再有效。"""
    rotated = acting.rotate_key(session.ledger(), name, key_out)
    click.echo(f"已为 {rotated.name} 更换密钥，新密钥编号 {_key_id(rotated)}，私钥已写入 {key_out}")


def register(cli: click.Group) -> None:
    """Attach the actor commands to the top-level group."""
    cli.add_command(actor_group)
