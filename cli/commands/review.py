"""公示, 申诉 and 复核, the working-day calendar, and 待办 (D28, D29): announce, appeal, calendar, todo."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from cli.main import Session, pass_session
from cli.render import emit_id, emit_json, fitted_table
from ledger.calendar import quarter_label
from ledger.runtime.zone import center_today

if TYPE_CHECKING:
    from ledger.app import Ledger

JSON = click.option("--json", "as_json", is_flag=True, help="输出 JSON")
DRAFT = "网站公示稿.html"
"""The 公示稿's file in `announce --out DIR`."""


@click.command("announce")
@click.argument("quarter")
@click.option("--date", "day", default=None, metavar="YYYY-MM-DD",
              help="公示开始日期（默认今天；非工作日则从下一个工作日起）")
@click.option("--days", type=int, default=None, metavar="N", help="公示工作日数（默认取规则目录，5）")
@click.option("--out", "out", default=None, metavar="DIR",
              help=f"把公示稿（网站公布页，标明公示稿）写入新目录 DIR：{DRAFT}")
@JSON
@pass_session
def announce_cmd(session: Session, quarter: str, day: str | None, days: int | None, out: str | None,
                 as_json: bool) -> None:
    """党组决定后公示 QUARTER 的考评结果 N 个工作日（按国家法定节假日和调休安排计算），并显示公示截止日。"""
    target = None
    if out is not None:
        from cli.files import bundle

        target = bundle.claim_dir(out)  # refused before anything is recorded
    from ledger.commands import review  # the writes' module (eventsourcing's events): not imported by `todo`

    ledger = session.ledger()
    sid, span = review.announce_quarter(ledger, quarter, day, days)
    quarter = quarter.strip().upper()
    if target is not None:
        session.keep()  # the 公示 is recorded; a draft that cannot be written does not undo it
        _write_draft(ledger, quarter, target)
    if as_json:
        emit_json({"id": str(sid), "quarter": quarter, "from": span.first.isoformat(),
                   "to": span.last.isoformat(), "provisional": span.provisional,
                   **({"out": str(target)} if target is not None else {})})
        return
    click.echo(str(sid))
    mark = "（暂定：该年节假日安排尚未加入工作日历）" if span.provisional else ""
    click.echo(f"{quarter_label(quarter)}公示：{span.first} 至 {span.last}{mark}")
    if target is not None:
        click.echo(f"公示稿已写入 {target / DRAFT}")


def _write_draft(ledger: Ledger, quarter: str, target: Path) -> None:
    """The 公示稿: the publication's web page (cli/files/bulletin.py) of the results on 公示, marked as a draft."""
    from cli.files import bulletin, bundle, notice
    from ledger.errors import KaopingError, NotAllowed
    from ledger.integrity import keys
    from projections.views import Views

    try:
        doc = Views(ledger).report(quarter)
        the_notice = notice.build(doc, ledger.catalogue_for(quarter), ledger.center().center, None,
                                  ledger.stamp().today)
        key = keys.recorded_key(ledger)
        shown = doc["announced"]
        draft = bulletin.Draft(shown["from"], shown["to"], shown["days"], doc["position"], shown["provisional"])
        page = bulletin.render(doc, the_notice, None, "", key.text() if key else "", draft)
        bundle.write(target, {DRAFT: page})
    except KaopingError as exc:
        raise NotAllowed(f"已公示，但公示稿未能写出：{exc}") from None


@click.group("appeal")
def appeal_group() -> None:
    """申诉与复核：被考评对象对检查记录、经查实的投诉或被驳回的加分申报提出申诉，督查科维持或撤销。"""


@appeal_group.command("file")
@click.option("--against", required=True, metavar="ID", help="被申诉的记录编号（检查记录、投诉或加分申报）")
@click.option("--date", "day", required=True, metavar="YYYY-MM-DD", help="申诉日期")
@click.option("--text", required=True, help="申诉理由")
@click.option("--by", default=None, metavar="CODE_OR_ID", help="申诉人：记录的被考评对象（默认），或人员所在窗口")
@click.option("--evidence", "evidence_file", default=None, metavar="FILE", help="申诉材料")
@JSON
@pass_session
def appeal_file(session: Session, against: str, day: str, text: str, by: str | None, evidence_file: str | None,
                as_json: bool) -> None:
    """提出申诉（公示期内；未公示的季度在公布前；公示期满后录入的记录在录入后 5 个工作日内），打印申诉编号。"""
    from ledger.commands import review

    emit_id(review.file_appeal(session.ledger(), against, day, text, by, evidence_file), as_json)


def _outcome(name: str, outcome: str, doc: str) -> click.Command:
    @appeal_group.command(name, help=doc)
    @click.argument("appeal_id", metavar="ID")
    @click.option("--reason", required=True, help="复核理由")
    @JSON
    @pass_session
    def command(session: Session, appeal_id: str, reason: str, as_json: bool) -> None:
        from ledger.commands import review

        emit_id(review.decide_appeal(session.ledger(), appeal_id, outcome, reason), as_json)

    return command


_outcome("uphold", "upheld", "复核维持：原记录照常计分。")
_outcome("overturn", "overturned", "复核撤销：检查记录或投诉不再计分（连同其取消资格），被驳回的加分申报改为计分。")


@click.group("calendar")
def calendar_group() -> None:
    """工作日历：国家法定节假日和调休上班日（已含 2004–2026 年），每年国务院办公厅公布新安排后添加。"""


@calendar_group.command("add")
@click.argument("year", type=int)
@click.option("--holidays", multiple=True, required=True, metavar="DATES",
              help="放假日期（含放假期间的周末），逗号分隔，可写范围 2027-10-01..2027-10-07")
@click.option("--workdays", multiple=True, metavar="DATES", help="调休上班的周六、周日，逗号分隔")
@click.option("--source", required=True, metavar="TEXT", help="出处，如 国办发明电〔2026〕1号")
@JSON
@pass_session
def calendar_add(session: Session, year: int, holidays: tuple[str, ...], workdays: tuple[str, ...], source: str,
                 as_json: bool) -> None:
    """添加 YEAR 年的节假日安排（只能添加已有年份的下一年；已有的年份不能改）。"""
    from ledger.commands import review

    emit_id(review.add_calendar_year(session.ledger(), year, holidays, workdays, source), as_json)


@calendar_group.command("show")
@JSON
@pass_session
def calendar_show(session: Session, as_json: bool) -> None:
    """列出工作日历已有的年份及来源。"""
    from ledger.storage.review_rows import work_calendar

    cal = work_calendar(session.reading())
    years = [{"year": y, "holidays": len(a.holidays), "workdays": len(a.workdays), "source": a.source}
             for y, a in sorted(cal.years.items())]
    if as_json:
        emit_json({"years": years, "provisional_after": cal.last_year})
        return
    click.echo(fitted_table(["年份", "放假天数", "调休上班", "来源"],
                            [[y["year"], y["holidays"], y["workdays"], y["source"]] for y in years]))
    click.echo(f"{cal.last_year + 1} 年起尚无安排：按周一至周五计算，期限显示为「暂定」")


KIND_NAMES = {"claim": "加分待核", "complaint": "投诉待核", "rectify": "待整改", "callback": "待回访",
              "appeal": "申诉待复核", "shortlist": "待入围", "decide": "待决定", "announce": "待公示",
              "publish": "待公布"}


@click.command("todo")
@JSON
@pass_session
def todo_cmd(session: Session, as_json: bool) -> None:
    """待办：待核实的加分申报和投诉、待复核的申诉、待入围/决定/公示/公布的季度；已逾期的排在最前。"""
    from projections.views import Views

    today = center_today()
    items = Views.for_key_file(session.reading(), session.key).todo(today)
    if as_json:
        emit_json({"items": [i.to_json(today) for i in items]})
        return
    if not items:
        click.echo("没有待办事项")
        return
    click.echo(fitted_table(
        ["类别", "编号", "对象", "事项", "期限"],
        [[KIND_NAMES.get(i.kind, i.kind), i.id, i.subject, i.summary,
          (f"{i.due}（已逾期）" if i.overdue(today) else str(i.due)) if i.due else ""] for i in items]))


def register(cli: click.Group) -> None:
    """Attach the 公示, 申诉, calendar and 待办 commands to the top-level group."""
    for cmd in (announce_cmd, appeal_group, calendar_group, todo_cmd):
        cli.add_command(cmd)
