"""`--out FILE`: the extension picks the format; an existing file is refused and a failed command leaves none."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ledger.errors import InvalidInput
from ledger.text import shown

if TYPE_CHECKING:  # the document model's dataclasses are built only by a command that writes a file
    from cli.files.document import Document

ANSWER_FORMATS = (".csv", ".xlsx", ".html", ".pdf")
FORMAT_NAMES = {".csv": "CSV", ".xlsx": "Excel 工作簿", ".html": "网页", ".pdf": "PDF", ".docx": "Word 文档"}

OUT = click.option("--out", "out_file", default=None, metavar="FILE",
                   help="把结果写入文件，扩展名决定格式：.csv（Excel 可直接打开）、.xlsx、.html、.pdf")


def target(out: str | None, formats: tuple[str, ...] = ANSWER_FORMATS) -> Path | None:
    """The --out path checked before anything is read or written: a known extension, a folder that exists,
    no file there yet (a file handed out is never overwritten)."""
    if out is None:
        return None
    if not out.strip():
        raise InvalidInput("输出文件名不能为空（--out）")
    path = Path(out)
    suffix = path.suffix.lower()
    if suffix not in formats:
        names = "、".join(formats)
        raise InvalidInput(f"不支持的输出格式「{path.suffix or '（无扩展名）'}」：--out 的扩展名应为 {names}")
    if path.is_dir():
        raise InvalidInput(f"输出文件是一个目录：{out}")
    if path.parent != Path("") and not path.parent.is_dir():
        raise InvalidInput(f"输出文件所在目录不存在：{out}")
    if path.exists():
        raise InvalidInput(f"输出文件已存在：{out}（不会覆盖，请换一个文件名）")
    return path


def write_new(path: Path, data: bytes) -> None:
    """Write a file that must not exist yet; nothing is left behind when writing fails."""
    try:
        with path.open("xb") as f:
            try:
                f.write(data)
            except BaseException:
                f.close()
                path.unlink(missing_ok=True)
                raise
    except FileExistsError:
        raise InvalidInput(f"输出文件已存在：{path}（不会覆盖，请换一个文件名）") from None
    except OSError as exc:
        raise InvalidInput(f"无法写入 {path}：{exc.strerror or exc}") from None


def renderer(suffix: str) -> Callable[[Document], bytes]:
    """The writer of one format (imported only when a file of it is asked for)."""
    if suffix == ".csv":
        from cli.files import csv_file

        return csv_file.render
    if suffix == ".xlsx":
        from cli.files import xlsx_file

        return xlsx_file.render
    if suffix == ".html":
        from cli.files import html_file

        return html_file.render
    from cli.files import pdf_file

    return pdf_file.render


def save(path: Path, doc: Document) -> None:
    """Render a document in the format its file name asks for, then write it (all in memory first)."""
    write_new(path, renderer(path.suffix.lower())(doc))


def written(path: Path) -> None:
    """Say where the file went (stdout, one line)."""
    click.echo(f"已写入{FORMAT_NAMES.get(path.suffix.lower(), '文件')} {shown(str(path))}")
