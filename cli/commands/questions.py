"""Question commands: report, explain, audit disqualifications, year, and rebuilding the projection."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from cli.appeal_lines import appeal_text
from cli.files.out import OUT
from cli.main import Session, pass_session
from cli.numbers import AsciiInt
from cli.render import emit_json, table
from ledger.calendar import quarter_label
from ledger.commands import quarter as lq
from ledger.text import line, shown_all
from projections.views import Views

if TYPE_CHECKING:
    from ledger.catalogue import Catalogue
    from ledger.storage.reader import ReadableLedger

# Each command imports the printing only it does (the report's tables, the audit's role notes) where it prints.

JSON = click.option("--json", "as_json", is_flag=True, help="输出 JSON")
AS_OF = click.option("--as-of", "as_of", type=AsciiInt(), default=None, metavar="N",
                     help="按账本位置 N 当时的状态回答（位置即事件序号，见 kaoping log）")

def _to_file(out: str | None, kind: str, doc: dict[str, Any], as_json: bool) -> bool:
    """Write the answer to --out when asked (and print its JSON too with --json); False when not asked."""
    if out is None:
        return False
    from cli.files import answers
    from cli.files import out as files

    path = files.target(out)
    assert path is not None
    files.save(path, answers.BUILDERS[kind](doc))
    if as_json:
        emit_json(doc)
    else:
        files.written(path)
    return True


def _checked_out(out: str | None, formats: tuple[str, ...] | None = None) -> None:
    """Refuse a bad --out before anything is read."""
    if out is not None:
        from cli.files import out as files

        files.target(out, formats or files.ANSWER_FORMATS)


def _views(session: Session, ledger: ReadableLedger) -> Views:
    """The question's views: the projection kept under the key file's seal, or folded from the events without it."""
    return Views.for_key_file(ledger, session.key)


def _warn(views: Views) -> None:
    """Say so when the stored projection was found altered and the answer was folded from the events instead."""
    if views.tampered:
        click.echo(f"注意：{views.tampered}；已丢弃并根据事件重建，本次结果根据事件计算", err=True)


@click.command("report")
@click.argument("quarter")
@AS_OF
@JSON
@click.option("--out", "out", default=None, metavar="FILE",
              help="把结果写入文件，扩展名决定格式：.csv（Excel 可直接打开）、.xlsx、.html、.pdf；.docx 为通报")
@click.option("--number", default=None, metavar="文号", help="通报的文号（--out FILE.docx 时），如 长行服〔2008〕12号")
@pass_session
def report_cmd(session: Session, quarter: str, as_of: int | None, as_json: bool, out: str | None,
               number: str | None) -> None:
    """QUARTER 的考评结果：各窗口、各人员的得分、排名、入围、取消资格、星级和奖励。"""
    _checked_out(out, (".csv", ".xlsx", ".html", ".pdf", ".docx"))
    if number is not None:
        number = line(number, "文号")
    ledger = session.reading()
    quarter = lq.check_quarter(ledger, quarter)
    views = _views(session, ledger)
    doc = views.report(quarter, as_of)
    _warn(views)
    if out is not None and out.lower().endswith(".docx"):
        from cli.files import notice_docx

        notice_docx.save_docx(views, doc, out, number)
        if as_json:
            emit_json(doc)
        return
    if _to_file(out, "report", doc, as_json):
        return
    if as_json:
        emit_json(doc)
        return
    from cli.report_text import render_report

    click.echo(render_report(shown_all(doc)))


@click.command("explain")
@click.option("--window", default=None, metavar="CODE", help="窗口代码")
@click.option("--staff", default=None, metavar="ID", help="人员编号")
@click.argument("quarter")
@AS_OF
@JSON
@click.option("--out", "out", default=None, metavar="FILE",
              help="把说明写入文件：.csv、.xlsx、.html，或 .pdf（个人考评说明，附记录的收据，可带回核对）")
@pass_session
def explain_cmd(session: Session, window: str | None, staff: str | None, quarter: str, as_of: int | None,
                as_json: bool, out: str | None) -> None:
    """逐条说明一个窗口或一名人员在 QUARTER 的得分、加分、取消资格、入围、决定和星级从何而来。"""
    _checked_out(out)
    ledger = session.reading()
    quarter = lq.check_quarter(ledger, quarter)
    views = _views(session, ledger)
    doc = views.explain(quarter, window, staff, as_of)
    _warn(views)
    if out is not None and out.lower().endswith(".pdf"):
        from cli.files import statement

        statement.save(session, doc, out)
        if as_json:
            emit_json(doc)
        return
    if _to_file(out, "explain", doc, as_json):
        return
    if as_json:
        emit_json(doc)
        return
    from projections.scoring.explain import render_explain  # explain's own code, not report's

    screen = shown_all(doc)
    click.echo(render_explain(views.catalogue, screen))
    if screen.get("appeals"):
        for a in screen["appeals"]:
            click.echo(appeal_text(a))


@click.group("audit")
def audit_group() -> None:
    """审计查询。"""


@audit_group.command("disqualifications")
@click.option("--year", type=AsciiInt(), default=None, metavar="YYYY", help="年度")
@click.option("--kind", default=None, metavar="KIND", help="类型：gaming corruption complaint discipline consultation")
@JSON
@OUT
@pass_session
def audit_disqualifications(session: Session, year: int | None, kind: str | None, as_json: bool,
                            out_file: str | None) -> None:
    """全部取消评比资格的认定，及每一项背后的事件链（吃拿卡要审计）。"""
    _checked_out(out_file)
    ledger = session.reading()
    if year is not None:
        lq.check_year(ledger, year)
    views = _views(session, ledger)
    items = views.disqualifications(year, kind)
    doc = {"disqualifications": items, "overturned": views.overturned_disqualifications(year, kind)}
    _warn(views)
    if _to_file(out_file, "disqualifications", doc, as_json):
        return
    if as_json:
        emit_json(doc)
        return
    cat = ledger.catalogue
    click.echo(render_disqualifications(shown_all(items), cat))
    if doc["overturned"]:
        click.echo("\n经复核撤销的取消资格（申诉成立，原认定不再计入）")
        click.echo(render_disqualifications(shown_all(doc["overturned"]), cat))


def _chain_line(e: dict[str, Any], cat: Catalogue) -> str:
    from projections.scoring.role_text import role_note

    names = {"FindingRecorded": "检查记录", "FindingRetracted": "撤回", "ComplaintReceived": "投诉登记",
             "ComplaintVerified": "投诉经查实", "ComplaintDismissed": "投诉不成立", "AppealFiled": "申诉",
             "AppealUpheld": "复核维持", "AppealOverturned": "复核撤销"}
    labels = {"source": cat.sources, "channel": cat.channels}
    detail = []
    for key in ("date", "item", "window", "staff", "source", "channel", "dq", "by", "text", "note", "reason"):
        if e.get(key):
            value = str(e[key])
            if key == "dq":
                value = f"认定取消资格：{cat.disqualification(value).name}"
            detail.append(labels[key].get(value, value) if key in labels else value)
    return (f"      位置{e['position']} {names.get(e['type'], e['type'])} 操作人 {e['actor']}{role_note(e)} "
            f"{' '.join(detail)}")


def render_disqualifications(items: list[dict[str, Any]], cat: Catalogue) -> str:
    """The audit as Chinese text: each disqualification and the events behind it (sources and channels by name)."""
    if not items:
        return "没有取消评比资格的记录"
    out = []
    for d in items:
        who = f"人员 {d['subject']} {d['name']}" if d["subject_type"] == "staff" else f"窗口 {d['subject']} {d['name']}"
        out.append(f"{quarter_label(d['quarter'])} {who}：{d['kind_name']}（{d['kind']}），"
                   f"取消{'、'.join(d['scope_names'])}评比资格")
        for c in d["chain"]:
            out.append(f"    依据 {c['id']}")
            out.extend(_chain_line(e, cat) for e in c["events"])
    return "\n".join(out)


@click.command("year")
@click.argument("year", type=AsciiInt())
@JSON
@OUT
@pass_session
def year_cmd(session: Session, year: int, as_json: bool, out_file: str | None) -> None:
    """年度汇总：各窗口获红旗窗口的季度，以及影响年度评比（年度红旗窗口、先进集体、先进个人）的取消资格。"""
    _checked_out(out_file)
    ledger = session.reading()
    lq.check_year(ledger, year)
    views = _views(session, ledger)
    doc = views.year(year)
    _warn(views)
    if _to_file(out_file, "year", doc, as_json):
        return
    if as_json:
        emit_json(doc)
        return
    cat = ledger.catalogue
    doc = shown_all(doc)  # every stored text on one line, as a terminal may print it
    out = [f"{year}年度汇总", "", "各窗口红旗窗口季度"]
    out.append(table(["代码", "窗口", "红旗窗口季度"],
                     [[w["code"], w["name"], "、".join(quarter_label(q) for q in w["red_flag_quarters"]) or "—"]
                      for w in doc["windows"]]))
    out += ["", "影响年度评比的取消资格"]
    if not doc["disqualifications"]:
        out.append("无")
    for d in doc["disqualifications"]:
        who = f"{'人员' if d['subject_type'] == 'staff' else '窗口'} {d['subject']} {d['name']}"
        out.append(f"{quarter_label(d['quarter'])} {who}：{d['kind_name']}，"
                   f"取消{'、'.join(d['year_scope_names'])}评比资格（依据 {'、'.join(d['caused_by'])}）")
        for c in d["chain"]:
            out.extend(_chain_line(e, cat) for e in c["events"])
    click.echo("\n".join(out))


@click.command("rebuild")
@JSON
@pass_session
def rebuild_cmd(session: Session, as_json: bool) -> None:
    """丢弃并重建季度结果投影（从第一个事件重新计算）。"""
    ledger = session.ledger()
    ledger.center()
    views = _views(session, ledger)
    st = views.projection.rebuild()
    if as_json:
        emit_json({"position": st.position, "quarters": views.projection.quarters(),
                   "kept": not views.from_events})
        return
    if views.from_events:
        click.echo(f"没有签名密钥文件：季度结果投影不保存在数据库中（查询直接根据事件计算）；"
                   f"已根据事件重新计算一遍：共 {st.position} 个事件，涉及 {len(views.projection.quarters())} 个季度")
        return
    click.echo(f"已重建季度结果投影：共 {st.position} 个事件，涉及 {len(views.projection.quarters())} 个季度")


def register(cli: click.Group) -> None:
    """Attach the question commands to the top-level group."""
    for cmd in (report_cmd, explain_cmd, audit_group, year_cmd, rebuild_cmd):
        cli.add_command(cmd)
