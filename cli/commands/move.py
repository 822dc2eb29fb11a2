"""Moving and keeping ledgers: `kaoping migrate` (SQLite → PostgreSQL, proven) and `kaoping backup`."""

from __future__ import annotations

import sys

import click

from cli.main import Session, pass_session
from cli.render import emit_json
from ledger.backup.migrate import backup, migrate
from ledger.storage.location import DEFAULT_URL, parse_url
from ledger.text import shown


@click.command("migrate")
@click.option("--from", "source", default=None, metavar="URL", help="源账本（默认 --db）")
@click.option("--to", "target", required=True, metavar="URL", help="目标账本（必须是空的），如 postgresql://用户:密码@主机:端口/库名")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
@pass_session
def migrate_cmd(session: Session, source: str | None, target: str, as_json: bool) -> None:
    """把账本的全部事件按原顺序原样复制到一个空账本，并证明两边根哈希一致（不一致时退出码为 1）。"""
    source_url = source or session.db or DEFAULT_URL
    say = None if as_json else (lambda text: click.echo(text, err=True))
    m = migrate(source_url, target, progress=say)
    if as_json:
        emit_json(
            {
                "from": parse_url(source_url).display(),
                "to": parse_url(target).display(),
                "events": m.events,
                "source_root": m.source_root.root,
                "target_root": m.target_root.root,
                "size": m.target_root.size,
                "same_root": m.source_root == m.target_root,
                "verified": m.target_verified,
                "evidence_files": m.evidence_files,
                "evidence_dir": str(m.evidence_dir),
                "key_file": str(m.key_file) if m.key_file else None,
            }
        )
    elif m.same:
        click.echo(f"已迁移 {m.events} 条事件，证据文件 {m.evidence_files} 个（证据目录 {shown(str(m.evidence_dir))}）")
        if m.key_file:
            click.echo(f"签名密钥：{shown(str(m.key_file))}（权限 600，请妥善保管）")
        click.echo(f"两边根哈希一致：{m.target_root.root}（共 {m.target_root.size} 条），目标账本校验通过")
    elif m.source_root != m.target_root:
        click.echo(
            f"错误：迁移后根哈希不一致：源 {m.source_root.root}（{m.source_root.size} 条），"
            f"目标 {m.target_root.root}（{m.target_root.size} 条）",
            err=True,
        )
    else:
        click.echo("错误：根哈希一致，但目标账本校验未通过，请运行 kaoping verify 查看", err=True)
    if not m.same:
        sys.exit(1)


@click.command("backup")
@click.argument("file", metavar="FILE")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
@pass_session
def backup_cmd(session: Session, file: str, as_json: bool) -> None:
    """在账本使用中做一份一致的 SQLite 备份（连同证据文件夹）；PostgreSQL 请用 pg_dump。"""
    b = backup(session.db or DEFAULT_URL, file)
    if as_json:
        emit_json({"backup": str(b.path), "evidence_dir": str(b.evidence_dir), "evidence_files": b.evidence_files,
                   "key_not_copied": str(b.key_not_copied) if b.key_not_copied else None})
        return
    click.echo(f"已备份到 {shown(str(b.path))}（证据文件 {b.evidence_files} 个复制到 {shown(str(b.evidence_dir))}）")
    if b.key_not_copied:
        click.echo(f"签名私钥 {shown(str(b.key_not_copied))} 没有放进备份（防止私钥随备份外泄），请另行妥善保管")
    where = shown(str(b.path))
    click.echo(f"恢复：把 {where} 及 {shown(str(b.evidence_dir))} 复制回来，用 --db sqlite:///{where} 打开")


def register(cli: click.Group) -> None:
    """Attach `migrate` and `backup` to the top-level group."""
    cli.add_command(migrate_cmd)
    cli.add_command(backup_cmd)
