"""好差评 ratings in (`import ratings`), and the 整改 and 回访 of a verified complaint (D30, D31)."""

from __future__ import annotations

import click

from cli.main import Session, pass_session
from cli.render import emit_id, emit_json

# The ratings' sheet reader and writes are imported by the commands that use them: these commands join the
# `import` and `complaint` groups, which `kaoping record` loads too (issue 15: ~25 modules it does not need).

JSON = click.option("--json", "as_json", is_flag=True, help="输出 JSON")


@click.command("ratings")
@click.argument("file", metavar="FILE.csv|FILE.xlsx")
@click.option("--sheet", default=None, metavar="NAME", help="Excel 工作簿中要导入的工作表（默认第一个）")
@JSON
@pass_session
def import_ratings(session: Session, file: str, sheet: str | None, as_json: bool) -> None:
    """导入好差评（CSV 或 Excel）：全部成功或全部不录入；同一办件编号重复导入不重复记录。

    表头为 日期,窗口,人员,评价,渠道,办件编号（或 date,window,staff,level,channel,ref）；
    评价为 非常满意 满意 基本满意 不满意 非常不满意（或 5–1），渠道为 评价器 二维码 网上 短信 电话；
    人员可以为空。每条“不满意”“非常不满意”都是一条差评，作为投诉等待核实或驳回。
    """
    from ledger.commands import voice
    from ledger.sheets.ratings import read_ratings

    result = voice.import_ratings(session.ledger(), read_ratings(file, sheet))
    if as_json:
        emit_json({"added": result.added, "skipped": result.skipped,
                   "complaints": [str(c) for c in result.complaints], "sheet": result.sheet,
                   "encoding": result.encoding})
        return
    click.echo(f"{result.sheet}（{result.encoding}）：导入评价 {result.added} 条，已导入跳过 {result.skipped} 条，"
               f"其中差评 {len(result.complaints)} 条待核实")
    if result.complaints:
        click.echo("差评（投诉）编号（核实：kaoping complaint verify 编号；"
                   "驳回：kaoping complaint dismiss 编号 --reason 理由）：")
        for cid in result.complaints:
            click.echo(str(cid))


@click.command("rectify")
@click.argument("complaint_id", metavar="ID")
@click.option("--date", "day", required=True, metavar="YYYY-MM-DD", help="整改日期")
@click.option("--text", required=True, help="整改情况")
@click.option("--evidence", "evidence_file", default=None, metavar="FILE", help="整改材料")
@JSON
@pass_session
def complaint_rectify(session: Session, complaint_id: str, day: str, text: str, evidence_file: str | None,
                      as_json: bool) -> None:
    """登记经查实投诉的整改情况（之后回访投诉人）。"""
    from ledger.commands import voice

    emit_id(voice.rectify_complaint(session.ledger(), complaint_id, day, text, evidence_file), as_json)


@click.command("callback")
@click.argument("complaint_id", metavar="ID")
@click.option("--date", "day", required=True, metavar="YYYY-MM-DD", help="回访日期")
@click.option("--result", required=True, metavar="satisfied|unsatisfied",
              help="回访结果：satisfied 满意 / unsatisfied 不满意")
@click.option("--note", default="", help="回访记录")
@JSON
@pass_session
def complaint_callback(session: Session, complaint_id: str, day: str, result: str, note: str,
                       as_json: bool) -> None:
    """登记回访结果：满意则整改完毕，不满意则重新整改。"""
    from ledger.commands import voice

    emit_id(voice.callback_complaint(session.ledger(), complaint_id, day, result, note), as_json)


def extend(import_group: click.Group, complaint_group: click.Group) -> None:
    """Add `import ratings`, `complaint rectify` and `complaint callback` to their groups."""
    import_group.add_command(import_ratings)
    complaint_group.add_command(complaint_rectify)
    complaint_group.add_command(complaint_callback)
