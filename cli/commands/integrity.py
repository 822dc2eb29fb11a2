"""Tamper-evidence commands: checkpoint, verify, receipt, verify-receipt, public-key."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import orjson

from cli.main import Session, pass_session
from cli.render import dumps, emit_json
from ledger.errors import InvalidInput
from ledger.integrity import keys, receipts, signing, verification
from ledger.integrity.note import NoteError, VerifierKey
from ledger.storage.location import parse_url

JSON = click.option("--json", "as_json", is_flag=True, help="输出 JSON")

KINDS = {
    "content": "事件内容与签名时不同",
    "truncated": "事件被删除",
    "version": "事件流版本号不连续",
    "topic": "事件类型被改动",
    "format": "存储格式被改动",
    "signature": "检查点签名无效",
    "checkpoint": "检查点记录被改动",
    "key": "签名公钥被替换",
    "integrity": "完整性事件流被改动",
    "consistency": "检查点之间不一致",
}


def _read(path: str, what: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"无法读取{what} {path}：{exc}") from None


def _claim_out(out: str | None) -> Path | None:
    """Create the --out file before anything is recorded; an existing file is never overwritten (old checkpoints
    are evidence)."""
    if out is None:
        return None
    if not out.strip():
        raise InvalidInput("输出文件名不能为空（--out）")
    path = Path(out)
    if path.is_dir():
        raise InvalidInput(f"输出文件是一个目录：{out}")
    if path.parent != Path("") and not path.parent.is_dir():
        raise InvalidInput(f"输出文件所在目录不存在：{out}")
    if path.exists():
        raise InvalidInput(f"输出文件已存在：{out}（不会覆盖，请换一个文件名）")
    try:
        path.open("x", encoding="utf-8").close()
    except OSError as exc:
        raise InvalidInput(f"无法写入 {out}：{exc.strerror or exc}") from None
    return path


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        path.unlink(missing_ok=True)
        raise InvalidInput(f"无法写入 {path}：{exc.strerror or exc}") from None


class _Out:
    """The claimed --out file, removed again if the command fails before filling it."""

    def __init__(self, out: str | None) -> None:
        self.out = out
        self.path: Path | None = None

    def __enter__(self) -> Path | None:
        self.path = _claim_out(self.out)
        return self.path

    def __exit__(self, kind: object, *rest: object) -> None:
        if kind is not None and self.path is not None:
            self.path.unlink(missing_ok=True)


@click.command("checkpoint")
@click.option("--out", "out", default=None, metavar="FILE", help="把签名检查点写入文件（请保存在数据库之外）")
@JSON
@pass_session
def checkpoint_cmd(session: Session, out: str | None, as_json: bool) -> None:
    """签发检查点：账本当前的事件数和根哈希，经签名后交给数据库之外保存。"""
    ledger = session.ledger()
    ledger.center()
    with _Out(out) as path:
        note = signing.make_checkpoint(ledger, session.key)
        if path is not None:
            _write(path, note)
    if as_json:
        lines = note.split("\n")
        emit_json({"origin": lines[0], "size": int(lines[1]), "root": lines[2], "note": note, "file": out})
    elif out is None:
        click.echo(note, nl=False)
    else:
        click.echo(f"检查点已写入 {out}（事件数 {note.split(chr(10))[1]}）")


@click.command("verify")
@click.option("--checkpoint", "checkpoint_file", default=None, metavar="FILE", help="数据库之外保存的签名检查点")
@click.option("--public-key", "public_key", default=None, metavar="FILE",
              help="受信任的公钥（kaoping public-key 的输出）；默认用签名密钥文件，没有时用账本记录的公钥")
@JSON
@pass_session
def verify_cmd(session: Session, checkpoint_file: str | None, public_key: str | None, as_json: bool) -> None:
    """校验整个账本是否被篡改；完好退出码 0，发现问题退出码 1 并指出第一个出问题的位置。"""
    note = _read(checkpoint_file, "检查点文件") if checkpoint_file else None
    trusted, source = keys.trusted_key(parse_url(session.db), session.key, public_key)
    ledger = session.ledger()
    report = verification.check(ledger, trusted=trusted, key_source=source, external_note=note)
    doc = report.to_json()
    if as_json:
        emit_json(doc)
    else:
        click.echo(_render(doc))
    if not report.ok:
        b = doc["broken"]
        if not as_json:
            click.echo(f"错误：账本校验失败，位置 {b['position']}：{b['message']}", err=True)
        sys.exit(1)


def _render(doc: dict) -> str:
    source = {"public-key": "指定的公钥", "key-file": "签名密钥文件", "ledger": "账本记录的公钥"}[doc["key_source"]]
    lines = []
    b = doc["broken"]
    if b:
        lines.append(f"校验失败：位置 {b['position']}：{b['message']}")
        lines.append(f"问题类型：{KINDS.get(b['kind'], b['kind'])}")
        more = len(doc["problems"]) - 1
        if more > 0:
            lines.append(f"另有 {more} 处问题（--json 可列出全部）")
    else:
        lines.append(f"校验通过：账本共 {doc['size']} 个事件，内容与签名检查点一致")
    lines.append(f"根哈希：{doc['root']}")
    if doc["key_id"]:
        lines.append(f"签名密钥：{doc['origin']}（编号 {doc['key_id']}，核对依据：{source}）")
    cps = doc["checkpoints"]
    if cps:
        lines.append(f"账本内检查点：{len(cps)} 个，最近一个在位置 {cps[-1]['position']}，"
                     f"覆盖前 {cps[-1]['size']} 个事件")
    else:
        lines.append("账本内还没有检查点（运行 kaoping checkpoint 签发）")
    lines.append(f"最近检查点之后新增的事件：{doc['newer_than_checkpoint']} 个（尚未被任何签名覆盖）")
    ext = doc["external"]
    if ext:
        verdict = "账本仍然延续该检查点（一致性证明通过）" if ext["extends"] else "账本不再延续该检查点"
        lines.append(f"外部检查点：大小 {ext['size']}，{verdict}")
    return "\n".join(lines)


@click.command("receipt")
@click.argument("fact_id", metavar="ID")
@click.option("--out", "out", default=None, metavar="FILE", help="把收据写入文件")
@JSON
@pass_session
def receipt_cmd(session: Session, fact_id: str, out: str | None, as_json: bool) -> None:
    """出具收据：证明某条记录（检查记录、加分申报、投诉）在签名检查点覆盖的账本中。"""
    with _Out(out) as path:
        doc = receipts.receipt(session.ledger(), fact_id, session.key)
        text = dumps(doc) + "\n"
        if path is not None:
            _write(path, text)
    if as_json or out is None:
        click.echo(text, nl=False)
    else:
        click.echo(f"收据已写入 {out}：记录 {doc['fact']} 的 {len(doc['events'])} 个事件，"
                   f"检查点大小 {doc['size']}，密钥编号 {doc['key_id']}")


@click.command("verify-receipt")
@click.argument("file", metavar="FILE")
@click.option("--public-key", "public_key", default=None, metavar="FILE", help="受信任的公钥文件（或公钥文本）")
@click.option("--key-id", "key_id", default=None, metavar="HEX",
              help="通报上公布的 8 位密钥编号，用于核对收据自带的公钥")
@JSON
def verify_receipt_cmd(file: str, public_key: str | None, key_id: str | None, as_json: bool) -> None:
    """离线核验收据：只需要收据文件和公钥，不需要数据库。"""
    try:
        doc = orjson.loads(_read(file, "收据文件"))
    except orjson.JSONDecodeError:
        raise InvalidInput(f"收据文件不是 JSON：{file}") from None
    trusted = None
    if public_key:
        if "+" not in public_key and not Path(public_key).exists():
            raise InvalidInput(f"公钥文件不存在：{public_key}")
        text = _read(public_key, "公钥文件") if Path(public_key).exists() else public_key
        try:
            trusted = VerifierKey.parse(text)
        except NoteError as exc:
            raise InvalidInput(f"公钥无效：{exc}") from None
    try:
        result = receipts.verify_receipt(doc, trusted, key_id)
    except receipts.ReceiptError as exc:
        if as_json:
            emit_json({"valid": False, "reason": str(exc)})
        else:
            click.echo(f"收据无效：{exc}", err=True)
        sys.exit(1)
    pinned = "指定的公钥" if trusted else (
        "收据自带的公钥，编号已与指定编号核对" if key_id else "收据自带的公钥（请与通报上公布的密钥编号核对）"
    )
    if as_json:
        emit_json({
            "valid": True,
            "fact": str(result.fact),
            "size": result.checkpoint.size,
            "root": result.checkpoint.root_b64,
            "origin": result.checkpoint.origin,
            "key_id": result.key.key_id_hex,
            "key_checked_against": "public-key" if trusted else ("key-id" if key_id else "embedded"),
            "positions": [e["position"] for e in result.events],
        })
        return
    click.echo(f"收据有效：记录 {result.fact} 的 {len(result.events)} 个事件（位置 "
               f"{'、'.join(str(e['position']) for e in result.events)}）包含在签名检查点中")
    click.echo(f"检查点：{result.checkpoint.origin}，事件数 {result.checkpoint.size}，"
               f"根哈希 {result.checkpoint.root_b64}")
    click.echo(f"签名密钥编号：{result.key.key_id_hex}（依据：{pinned}）")


@click.command("public-key")
@click.option("--out", "out", default=None, metavar="FILE", help="把公钥写入文件")
@pass_session
def public_key_cmd(session: Session, out: str | None) -> None:
    """打印账本的签名公钥（名称+编号+公钥），供核验收据和检查点使用。"""
    key = keys.recorded_key(session.ledger())
    if key is None:
        raise InvalidInput("账本还没有签名公钥（运行 kaoping checkpoint 时会创建）")
    if out is not None:
        with _Out(out) as path:
            assert path is not None
            _write(path, key.text() + "\n")
        click.echo(f"公钥已写入 {out}（密钥编号 {key.key_id_hex}）")
    else:
        click.echo(key.text())


def register(cli: click.Group) -> None:
    """Attach the tamper-evidence commands to the top-level group."""
    for cmd in (checkpoint_cmd, verify_cmd, receipt_cmd, verify_receipt_cmd, public_key_cmd):
        cli.add_command(cmd)
