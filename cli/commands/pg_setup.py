"""`kaoping pg-setup`: a PostgreSQL ledger's least-privilege set-up, run once by the owner role."""

from __future__ import annotations

import click

from cli.main import Session, pass_session
from cli.render import emit_json
from ledger.errors import InvalidInput


@click.command("pg-setup")
@click.option("--app-role", "app_role", required=True, metavar="ROLE",
              help="应用角色（已由数据库管理员创建，不是表的所有者、不是超级用户）")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
@pass_session
def pg_setup_cmd(session: Session, app_role: str, as_json: bool) -> None:
    """PostgreSQL 最小权限设置：以所有者角色（--db）建表，只允许应用角色追加和读取事件，不能修改或删除。

    \b
    之后 kaoping 用应用角色连接，并设置环境变量 CREATE_TABLE=false（应用角色不建表）。
    """
    import psycopg

    from ledger.storage import pg_privileges
    from ledger.text import code
    from projections.engine.stores import storage_for

    app_role = code(app_role, "应用角色（--app-role）")  # a PostgreSQL role name, printed back: one plain spelling
    ledger = session.ledger(create=True)
    if ledger.location.backend != "postgres":
        raise InvalidInput("pg-setup 只用于 PostgreSQL 账本（--db postgresql://所有者@主机/库名）")
    storage_for(ledger)  # the projection's tables, created by the owner too
    env = ledger.location.env
    events = ledger.recorder.events_table_name  # type: ignore[attr-defined]
    try:
        with psycopg.connect(host=env["POSTGRES_HOST"], port=int(env["POSTGRES_PORT"]), dbname=env["POSTGRES_DBNAME"],
                             user=env["POSTGRES_USER"] or None, password=env["POSTGRES_PASSWORD"] or None,
                             autocommit=True) as conn:
            derived = pg_privileges.apply(conn, "public", events, app_role)
    except psycopg.Error as exc:
        raise InvalidInput(f"PostgreSQL 设置失败：{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") \
            from None
    if as_json:
        emit_json({"app_role": app_role, "events": events, "derived": derived})
        return
    click.echo(f"已设置：角色 {app_role} 可以追加和读取 {events}，不能修改、删除或清空"
               f"（触发器拒绝）；可以读写派生表 {'、'.join(derived) or '（无）'}")
    click.echo("应用请用该角色连接，并设置 CREATE_TABLE=false，例如：")
    click.echo(f"  CREATE_TABLE=false kaoping --db postgresql://{app_role}:密码@主机:端口/库名 report 2008Q3")


def register(cli: click.Group) -> None:
    """Attach pg-setup to the top-level group."""
    cli.add_command(pg_setup_cmd)
