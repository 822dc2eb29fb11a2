"""PostgreSQL least privilege: the owner role creates the tables; the application role may add and read events, never
change or remove them (grants, plus triggers that refuse UPDATE, DELETE and TRUNCATE whoever asks).

The application then runs with eventsourcing's `CREATE_TABLE=false`, so it never needs to create anything. Only the
table owner (or a superuser) can drop or disable the triggers: a stolen application password cannot rewrite history.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from psycopg import sql

from ledger.errors import InvalidInput, NotAllowed

GUARD = "kaoping_refuse_rewrite"


def statements(schema: str, events_table: str, app_role: str, derived: Sequence[str]) -> list[sql.Composed]:
    """The grants and triggers, to run as the owner once its tables exist (running them again changes nothing).

    `derived` are the projection's tables (rebuilt from events at any time): the application may change those.
    The application gets TRUNCATE on the events only because eventsourcing takes `LOCK TABLE … IN EXCLUSIVE MODE`
    before inserting, which PostgreSQL allows only with UPDATE, DELETE or TRUNCATE; the trigger refuses every
    TRUNCATE, and UPDATE and DELETE are not granted at all.
    """
    events = sql.Identifier(schema, events_table)
    role = sql.Identifier(app_role)
    guard = sql.Identifier(schema, GUARD)
    out = [
        sql.SQL("CREATE OR REPLACE FUNCTION {0}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "RAISE EXCEPTION 'kaoping: ledger events are append-only (% refused)', TG_OP "
                "USING ERRCODE = 'insufficient_privilege'; END $$").format(guard),
        sql.SQL("DROP TRIGGER IF EXISTS kaoping_append_only ON {0}").format(events),
        sql.SQL("CREATE TRIGGER kaoping_append_only BEFORE UPDATE OR DELETE ON {0} "
                "FOR EACH ROW EXECUTE FUNCTION {1}()").format(events, guard),
        sql.SQL("DROP TRIGGER IF EXISTS kaoping_no_truncate ON {0}").format(events),
        sql.SQL("CREATE TRIGGER kaoping_no_truncate BEFORE TRUNCATE ON {0} "
                "FOR EACH STATEMENT EXECUTE FUNCTION {1}()").format(events, guard),
        sql.SQL("REVOKE ALL ON {0} FROM PUBLIC").format(events),
        sql.SQL("REVOKE ALL ON {0} FROM {1}").format(events, role),
        sql.SQL("GRANT USAGE ON SCHEMA {0} TO {1}").format(sql.Identifier(schema), role),
        sql.SQL("GRANT SELECT, INSERT, TRUNCATE ON {0} TO {1}").format(events, role),
        sql.SQL("GRANT USAGE ON SEQUENCE {0} TO {1}").format(
            sql.Identifier(schema, f"{events_table}_notification_id_seq"), role),
    ]
    for table in derived:
        out.append(sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON {0} TO {1}").format(
            sql.Identifier(schema, table), role))
    return out


def apply(conn: Any, schema: str, events_table: str, app_role: str) -> list[str]:
    """Check the application role and grant it least privilege on this database's kaoping tables (the events table
    and the projection's `kaoping_*` tables); the derived tables it may change."""
    owner = conn.execute("SELECT current_user").fetchone()[0]
    row = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", (app_role,)).fetchone()
    if row is None:
        raise InvalidInput(f"PostgreSQL 中没有角色 {app_role}：请先由管理员创建"
                           f"（CREATE ROLE {app_role} LOGIN PASSWORD '…'）")
    if row[0]:
        raise NotAllowed(f"角色 {app_role} 是超级用户，不能作为应用角色（超级用户可以绕过一切限制）")
    if app_role == owner:
        raise NotAllowed(f"应用角色 {app_role} 不能是表的所有者（所有者可以删除触发器）：请用另一个角色运行本命令")
    tables = [r[0] for r in conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = %s AND tableowner = current_user", (schema,)).fetchall()]
    if events_table not in tables:
        raise NotAllowed(f"当前角色 {owner} 不是 {schema}.{events_table} 的所有者（或表还不存在）")
    derived = sorted(t for t in tables if t != events_table and t.startswith("kaoping_"))
    with conn.transaction():
        for statement in statements(schema, events_table, app_role, derived):
            conn.execute(statement)
    return derived
