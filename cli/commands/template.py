"""`kaoping template findings --out FILE.xlsx`: the empty sheet to type a week's inspections into in Excel."""

from __future__ import annotations

import click

from cli.files import out as files
from cli.main import Session, pass_session


@click.group("template")
def template_group() -> None:
    """空白表格：在 Excel 中填写后再导入。"""


@template_group.command("findings")
@click.option("--out", "out_file", required=True, metavar="FILE.xlsx", help="写入的 Excel 文件（不会覆盖已有文件）")
@pass_session
def template_findings(session: Session, out_file: str) -> None:
    """生成空白检查记录表：表头，窗口、人员、条目、来源、取消资格的下拉列表，编号列为文本格式。
    """
    path = files.target(out_file, (".xlsx",))
    if path is None:  # --out is required: click refuses its absence before this runs
        return
    from cli.files.findings_template import render

    reading = session.reading()
    data = render(reading.registry(), reading.catalogue)
    files.write_new(path, data)
    files.written(path)


def register(cli: click.Group) -> None:
    """Attach `template` to the top-level group."""
    cli.add_command(template_group)
