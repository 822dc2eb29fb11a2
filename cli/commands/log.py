"""`kaoping log`: every event in ledger order, the auditor's raw view — filtered, in the center's time zone."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

import click

from cli.files import out as files
from cli.files.out import OUT
from cli.main import Session, pass_session
from cli.numbers import AsciiInt
from cli.render import clip, emit_json, fitted_table
from ledger.calendar import parse_date, parse_quarter
from ledger.errors import KaopingError
from ledger.integrity.who_acted import who_acted
from ledger.runtime.gcpause import collector_paused
from ledger.runtime.zone import center_zone, local, zone_label
from ledger.short_ids import short_forms
from ledger.storage.reader_events import StoredFact, read_facts
from projections.log import summary, type_name
from projections.log_filter import LogFilter, event_type

WIDTH = 100  # what the table fits: a terminal, or a page printed from one
ACTOR_COLUMNS = 12


@click.command("log")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
@click.option("--limit", default=None, type=AsciiInt(1), metavar="N", help="只显示（筛选后的）最后 N 条")
@click.option("--type", "types", multiple=True, metavar="TYPE",
              help="只看这类事件：类型名（如 检查记录、党组决定）或事件名（如 FindingRecorded），可重复")
@click.option("--subject", default=None, metavar="CODE|ID", help="只看与这个窗口或人员有关的事件")
@click.option("--from", "first", default=None, metavar="YYYY-MM-DD", help="只看这一天起记录的事件（中心所在时区）")
@click.option("--to", "last", default=None, metavar="YYYY-MM-DD", help="只看到这一天为止记录的事件")
@click.option("--quarter", default=None, metavar="YYYYQn",
              help="只看与这个季度有关的事件（发生在该季度的记录及其后续、入围、决定、公布），如 2008Q3")
@OUT
@pass_session
def log_cmd(session: Session, as_json: bool, limit: int | None, types: tuple[str, ...], subject: str | None,
            first: str | None, last: str | None, quarter: str | None, out_file: str | None) -> None:
    """按账本顺序列出事件：位置、时间（中心所在时区，默认北京时间，环境变量 KAOPING_TZ 可改）、操作人、类型、摘要。
    """
    path = files.target(out_file)
    zone = center_zone()
    shown = LogFilter(
        zone, tuple(event_type(t) for t in types), subject.strip() if subject else None,
        _day(first, "--from"), _day(last, "--to"), parse_quarter(quarter) if quarter is not None else None,
    )
    # the stored rows decoded by topic (ledger/storage/reader_events.py): no eventsourcing nor event classes to import
    ledger = session.reading()
    try:
        cat = ledger.catalogue
    except KaopingError:  # an uninitialised ledger (or a changed catalogue) still shows its raw events
        cat = None
    who = who_acted(ledger)  # each position's verified actor and role (D32): verify's own check, nothing else
    every_id: set[str] = set()
    # thousands of cycle-free rows, dicts and lines are made below: the collector's passes over them free nothing
    with collector_paused():
        entries: list[dict[str, Any]] = [
            {
                "position": e.position,
                "time": e.timestamp.isoformat(timespec="seconds"),
                "local_time": local(e.timestamp, zone).isoformat(timespec="seconds"),
                "actor": e.actor,
                "type": e.event_class,
                "type_name": type_name(e.event_class),
                "id": str(e.originator_id),
                "version": e.version,
                "summary": summary(e, cat),
                **who.fields(e.position),
            }
            for e in shown.shown(_noting_ids(read_facts(ledger), every_id))
        ]
        # the table names each stream by its shortest unique prefix among all the ledger's streams (so a filtered log's
        # short ids are accepted wherever an id is taken); JSON keeps the full id
        short = short_forms(every_id)
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
    # a ledger with actors shows each event's verified role (or 未签名 / 签名未通过校验); one without, as it always did
    heads = ["位置", f"时间（{zone_label(zone)}）", "操作人", *(["角色"] if who.has_actors else []), "类型", "摘要"]
    with collector_paused():
        rows = [[e["position"], e["local_time"].replace("T", " ")[:16], clip(e["actor"], ACTOR_COLUMNS),
                 *([who.label(e["position"])] if who.has_actors else []), e["type_name"],
                 e["summary"].replace(e["id"], short[e["id"]])] for e in entries]
        text = fitted_table(heads, rows, WIDTH, align=">")
    click.echo(text)


def _noting_ids(records: Iterable[StoredFact], ids: set[str]) -> Iterator[StoredFact]:
    """The records as they are, each one's stream id noted in `ids` on the way."""
    for e in records:
        ids.add(str(e.originator_id))
        yield e


def _day(text: str | None, option: str) -> date | None:
    return parse_date(text, f"{option} 日期") if text is not None else None


def register(cli: click.Group) -> None:
    """Attach `log` to the top-level group."""
    cli.add_command(log_cmd)
