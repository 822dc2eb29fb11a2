"""`kaoping log`: every event in ledger order, the auditor's raw view."""

from __future__ import annotations

from typing import Any

import click

from cli.files import out as files
from cli.files.out import OUT
from cli.main import Session, pass_session
from cli.numbers import AsciiInt
from cli.render import emit_json, table
from ledger.errors import KaopingError
from projections.log import summary, type_name


@click.command("log")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
@click.option("--limit", default=None, type=AsciiInt(1), help="只显示最后 N 条")
@OUT
@pass_session
def log_cmd(session: Session, as_json: bool, limit: int | None, out_file: str | None) -> None:
    """按账本顺序列出全部事件：位置、时间、操作人、类型、摘要。"""
    path = files.target(out_file)
    ledger = session.ledger()
    try:
        cat = ledger.catalogue
    except KaopingError:  # an uninitialised ledger (or a changed catalogue) still shows its raw events
        cat = None
    entries: list[dict[str, Any]] = [
        {
            "position": r.position,
            "time": r.event.timestamp.isoformat(timespec="seconds"),
            "actor": r.event.actor,
            "type": type(r.event).__name__,
            "type_name": type_name(r.event),
            "id": str(r.event.originator_id),
            "version": r.event.originator_version,
            "summary": summary(r.event, cat),
        }
        for r in ledger.read()
    ]
    if limit is not None:
        entries = entries[-limit:]
    if path is not None:
        from cli.files import answers

        files.save(path, answers.log({"events": entries}))
        if not as_json:
            files.written(path)
            return
    if as_json:
        emit_json({"events": entries})
        return
    rows = [[e["position"], e["time"].replace("T", " ")[:19], e["actor"], e["type_name"], e["summary"]]
            for e in entries]
    click.echo(table(["位置", "时间（UTC）", "操作人", "类型", "摘要"], rows, align=">"))


def register(cli: click.Group) -> None:
    """Attach `log` to the top-level group."""
    cli.add_command(log_cmd)
