"""`kaoping evidence get ID --out DIR`: a fact's evidence files, out of the store under their original names."""

from __future__ import annotations

from pathlib import Path

import click

from cli.main import Session, pass_session
from cli.render import emit_json
from ledger.errors import InvalidInput, NotFound
from ledger.storage.evidence_out import copy_out
from ledger.text import shown


@click.group("evidence")
def evidence_group() -> None:
    """证据文件。"""


@evidence_group.command("get")
@click.argument("fact_id", metavar="ID")
@click.option("--out", "out_dir", required=True, metavar="DIR", help="复制到的目录（没有时新建；不会覆盖同名文件）")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
@pass_session
def evidence_get(session: Session, fact_id: str, out_dir: str, as_json: bool) -> None:
    """把一条记录（检查记录、加分申报……）的证据文件按原文件名复制出来，逐个核对哈希。
    """
    if not out_dir.strip():
        raise InvalidInput("输出目录不能为空（--out）")
    ledger = session.ledger()
    metas = ledger.evidence_of(fact_id)
    if not metas:
        raise NotFound(f"记录 {fact_id} 没有证据文件")
    written = copy_out(ledger.location.evidence_dir, metas, Path(out_dir))
    if as_json:
        emit_json({"files": [{"name": m["name"], "path": str(p), "sha256": m["sha256"], "size": m["size"]}
                             for m, p in zip(metas, written, strict=True)]})
        return
    for meta, path in zip(metas, written, strict=True):
        click.echo(f"已复制 {shown(str(path))}（{meta['size']} 字节，sha256 {meta['sha256'][:16]}…，与记录一致）")


def register(cli: click.Group) -> None:
    """Attach `evidence` to the top-level group."""
    cli.add_command(evidence_group)
