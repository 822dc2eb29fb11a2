"""Fact commands: findings (one by one or a sheet), retractions, bonus claims, complaints."""

from __future__ import annotations

import sys

import click

from cli.main import Session, pass_session
from cli.numbers import AsciiInt
from cli.render import emit_id, emit_json

JSON = click.option("--json", "as_json", is_flag=True, help="输出 JSON")
SUBJECT = [
    click.option("--window", default=None, metavar="CODE", help="窗口代码"),
    click.option("--staff", default=None, metavar="ID", help="人员编号"),
]
DATE = click.option("--date", "day", required=True, metavar="YYYY-MM-DD", help="发生日期")


def subject(f):  # type: ignore[no-untyped-def]
    """Add --window / --staff to a command."""
    for opt in reversed(SUBJECT):
        f = opt(f)
    return f


@click.command("record")
@click.argument("item")
@subject
@DATE
@click.option("--source", required=True, metavar="SOURCE", help="来源：weekly 值周 / duty 值班 / patrol 督查巡查")
@click.option("--dq", default=None, metavar="KIND",
              help="取消资格：gaming corruption complaint discipline consultation")
@click.option("--note", default="", help="说明")
@click.option("--evidence", "evidence_file", default=None, metavar="FILE", help="证据文件")
@JSON
@pass_session
def record_cmd(session: Session, item: str, window: str | None, staff: str | None, day: str,
               source: str, dq: str | None, note: str, evidence_file: str | None, as_json: bool) -> None:
    """录入一条检查记录：ITEM 为条目代码（窗口用 W 条目，人员用 S 条目）。"""
    fid = session.ledger().record_finding(
        item, window=window, staff=staff, day=day, source=source, dq=dq, note=note, evidence_file=evidence_file
    )
    emit_id(fid, as_json)


@click.group("import")
def import_group() -> None:
    """批量导入。"""


@import_group.command("findings")
@click.argument("file", metavar="FILE.csv|FILE.xlsx")
@click.option("--sheet", default=None, metavar="NAME", help="Excel 工作簿中要导入的工作表（默认第一个）")
@click.option("--as-new", is_flag=True, help="与已录入的记录相同或只有说明不同的行也作为新记录录入")
@JSON
@pass_session
def import_findings(session: Session, file: str, sheet: str | None, as_new: bool, as_json: bool) -> None:
    """导入检查表（CSV 或 Excel）：全部成功或全部不录入，重复导入不重复记录。

    表头为 日期,窗口,人员,条目,来源,取消资格,说明（或 date,window,staff,item,source,dq,note）；
    空白表格可用 kaoping template findings --out 检查表.xlsx 生成。
    """
    from ledger.sheets.reading import read_findings  # the sheet reader (csv, Excel cells): not `record`'s

    rows = read_findings(file, sheet)
    ledger = session.ledger()
    show_bar = sys.stderr.isatty() and len(rows) >= 200 and not as_json
    if show_bar:
        with click.progressbar(length=len(rows), label="校验", file=sys.stderr) as bar:
            result = ledger.import_findings(rows, progress=bar.update, as_new=as_new)
    else:
        result = ledger.import_findings(rows, as_new=as_new)
    if as_json:
        emit_json({"added": len(result.added), "skipped": result.skipped, "ids": [str(i) for i in result.added],
                   "matched": [{"line": line, "id": fid} for line, fid in result.matched],
                   "sheet": result.sheet, "encoding": result.encoding})
        return
    click.echo(f"{result.sheet}（{result.encoding}）：导入 {len(result.added)} 条，已存在跳过 {result.skipped} 条"
               + (f"，与已录入的记录相同未录入 {len(result.matched)} 条" if result.matched else ""))
    for line, fid in result.matched:
        click.echo(f"第{line}行 与已录入的记录 {fid} 相同（日期、对象、条目、来源、取消资格、说明都一样），未录入；"
                   "确为另一条记录时加 --as-new 再导入")
    if result.added:
        click.echo("新录入的记录编号（录错时用 kaoping retract 编号 --reason 理由 撤回）：")
        for added in result.added:
            click.echo(str(added))


@click.command("retract")
@click.argument("fact_id", metavar="ID")
@click.option("--reason", required=True, help="撤回理由")
@JSON
@pass_session
def retract_cmd(session: Session, fact_id: str, reason: str, as_json: bool) -> None:
    """撤回一条录错的检查记录（原记录保留，标记为已撤回）。"""
    emit_id(session.ledger().retract(fact_id, reason), as_json)


@click.group("bonus")
def bonus_group() -> None:
    """加分申报与核实。"""


@bonus_group.command("claim")
@click.argument("kind", metavar="KIND")
@subject
@DATE
@click.option("--evidence", "evidence_file", required=True, metavar="FILE", help="证明材料（出版物、荣誉证书、文件等）")
@click.option("--level", default=None, metavar="LEVEL", help="级别：center county city province national")
@click.option("--place", default=None, type=AsciiInt(), metavar="N", help="竞赛名次 1-3")
@click.option("--ref", default=None, metavar="TEXT", help="稿件或荣誉名称（同一稿件/荣誉只计一次）")
@JSON
@pass_session
def bonus_claim(session: Session, kind: str, window: str | None, staff: str | None, day: str,
                evidence_file: str, level: str | None, place: int | None, ref: str | None, as_json: bool) -> None:
    """申报加分：KIND 为 article training competition measure honour suggestion。"""
    cid = session.ledger().claim_bonus(
        kind, window=window, staff=staff, day=day, evidence_file=evidence_file, level=level, place=place, ref=ref
    )
    emit_id(cid, as_json)


@bonus_group.command("verify")
@click.argument("claim_id", metavar="ID")
@JSON
@pass_session
def bonus_verify(session: Session, claim_id: str, as_json: bool) -> None:
    """核实加分申报（核对证明材料后）。"""
    emit_id(session.ledger().verify_bonus(claim_id), as_json)


@bonus_group.command("reject")
@click.argument("claim_id", metavar="ID")
@click.option("--reason", required=True, help="驳回理由")
@JSON
@pass_session
def bonus_reject(session: Session, claim_id: str, reason: str, as_json: bool) -> None:
    """驳回加分申报。"""
    emit_id(session.ledger().reject_bonus(claim_id, reason), as_json)


@click.group("complaint")
def complaint_group() -> None:
    """投诉与征求意见的登记与核实。"""


@complaint_group.command("record")
@subject
@DATE
@click.option("--channel", required=True, metavar="CHANNEL",
              help="渠道：efficiency-office civilization-office hotline-12345 consultation")
@click.option("--text", required=True, help="投诉内容（会出现在收据、日志和公布材料中：不要写投诉人的姓名、电话）")
@click.option("--complainant", default=None, metavar="NAME", help="投诉人姓名（加密保存，只有 complaint show 可见）")
@click.option("--contact", default=None, metavar="TEXT", help="投诉人联系方式（加密保存，只有 complaint show 可见）")
@JSON
@pass_session
def complaint_record(session: Session, window: str | None, staff: str | None, day: str, channel: str,
                     text: str, complainant: str | None, contact: str | None, as_json: bool) -> None:
    """登记投诉（征求意见反馈用 --channel consultation）；投诉人信息用 --complainant、--contact 加密登记。"""
    from cli.commands.complainant import contact_store, warn_personal

    store = contact_store(session) if (complainant or contact) else None
    cid = session.ledger().record_complaint(window=window, staff=staff, day=day, channel=channel, text=text,
                                            complainant=complainant, contact=contact, contact_keys=store)
    warn_personal(text)
    emit_id(cid, as_json)


@complaint_group.command("verify")
@click.argument("complaint_id", metavar="ID")
@click.option("--item", default=None, metavar="ITEM", help="违反的条目代码（差评默认 S3.5 / W5.5）")
@click.option("--dq", default=None, metavar="KIND", help="取消资格类型")
@click.option("--date", "day", default=None, metavar="YYYY-MM-DD", help="核实日期（默认今天），整改期限从此日起算")
@JSON
@pass_session
def complaint_verify(session: Session, complaint_id: str, item: str | None, dq: str | None, day: str | None,
                     as_json: bool) -> None:
    """投诉经查实：指明违反的条目，必要时认定取消资格；同时开始整改，期限为核实后若干个工作日。"""
    emit_id(session.ledger().verify_complaint(complaint_id, item, dq, day), as_json)


@complaint_group.command("dismiss")
@click.argument("complaint_id", metavar="ID")
@click.option("--reason", required=True, help="不成立的理由")
@JSON
@pass_session
def complaint_dismiss(session: Session, complaint_id: str, reason: str, as_json: bool) -> None:
    """投诉不成立，予以驳回。"""
    emit_id(session.ledger().dismiss_complaint(complaint_id, reason), as_json)


def register(cli: click.Group) -> None:
    """Attach the fact commands to the top-level group."""
    from cli.commands.complainant import COMMANDS

    for sub in COMMANDS:
        complaint_group.add_command(sub)
    from cli.commands.voice import extend  # 好差评, 整改 and 回访 join the import and complaint groups

    extend(import_group, complaint_group)
    for cmd in (record_cmd, import_group, retract_cmd, bonus_group, complaint_group):
        cli.add_command(cmd)
