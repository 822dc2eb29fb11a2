"""Tamper-evidence commands: checkpoint, verify, receipt, verify-receipt, prove, verify-consistency, public-key."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cli.commands.verify import JSON, read_text_file, verify_cmd
from cli.main import Session, pass_session
from cli.render import dumps, emit_json
from ledger.errors import InvalidInput
from ledger.integrity import consistency, keys, receipts, signing
from ledger.integrity.note import NoteError, VerifierKey
from ledger.integrity.verification import b64
from ledger.text import shown


def _claim_out(out: str | None) -> Path | None:
    """Create the --out file before anything is recorded; never overwrite one (old checkpoints are evidence)."""
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
    """Write the file as UTF-8 with `\\n` line ends on every platform (a signature covers every byte)."""
    try:
        path.write_bytes(text.encode("utf-8"))
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
@click.option("--after-restore", "after_restore", is_flag=True,
              help="恢复了较早的备份之后：记录丢失的已签名范围，再签发恢复后的账本")
@click.option("--reason", default=None, metavar="TEXT", help="恢复备份的原因（与 --after-restore 一起使用）")
@JSON
@pass_session
def checkpoint_cmd(session: Session, out: str | None, after_restore: bool, reason: str | None, as_json: bool) -> None:
    """签发检查点：账本当前的事件数和根哈希，经签名后交给数据库之外保存。

    签名密钥旁保存着它上次签发的检查点；账本不是它的延续时拒绝签发（恢复备份后用 --after-restore --reason）。
    """
    if after_restore and reason is None:
        raise InvalidInput("--after-restore 需要用 --reason 说明恢复备份的原因")
    if reason is not None and not after_restore:
        raise InvalidInput("--reason 只与 --after-restore 一起使用")
    ledger = session.ledger()
    ledger.center()
    with _Out(out) as path:
        note = signing.make_checkpoint(ledger, session.key, after_restore=reason)
        if path is not None:
            _write(path, note)
    if as_json:
        lines = note.split("\n")
        emit_json({"origin": lines[0], "size": int(lines[1]), "root": lines[2], "note": note, "file": out})
    elif out is None:
        click.echo(note, nl=False)
    else:
        click.echo(f"检查点已写入 {shown(str(out))}（事件数 {note.split(chr(10))[1]}）")


def _read_exact(path: str, what: str) -> str:
    """A checkpoint, proof or receipt file exactly as stored: UTF-8, no newline translation on any platform."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise InvalidInput(f"{what}不存在：{path}") from None
    except IsADirectoryError:
        raise InvalidInput(f"{what}是一个目录：{path}") from None
    except OSError as exc:
        raise InvalidInput(f"无法读取{what} {path}：{exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput(f"{what} {path} 不是 UTF-8 文本") from None
    return text


def _note_file(path: str, what: str) -> str:
    """A signed note or proof file: refused with a hint when its newlines were rewritten (签名覆盖每一个字节)."""
    text = _read_exact(path, what)
    if "\r\n" in text:
        raise InvalidInput(f"{what} {path} 的换行被改成了 Windows 换行（\\r\\n），不是签发时的原样文件；请用原始文件")
    return text


def _public_key(given: str | None, key_id: str | None = None) -> VerifierKey:
    """The trusted public key from --public-key (its text, or a file holding it); never one a file carries."""
    if not given:
        if key_id:
            raise InvalidInput("仅凭 8 位密钥编号不能核验（编号只有 2³² 种，可以伪造出编号相同的密钥）："
                               "请用 --public-key 指定通报上公布的完整公钥")
        raise InvalidInput("核验需要受信任的公钥：请用 --public-key 指定通报上公布的完整公钥"
                           "（kaoping public-key 的输出，或它所在的文件）；文件自带的公钥不可信")
    if "+" not in given and not Path(given).exists():
        raise InvalidInput(f"公钥文件不存在：{given}")
    text = read_text_file(given, "公钥文件") if Path(given).exists() else given
    try:
        key = VerifierKey.parse(text)
    except NoteError as exc:
        raise InvalidInput(f"公钥无效：{exc}") from None
    if key_id is not None and key_id.strip().lower() != key.key_id_hex:
        raise InvalidInput(f"--key-id {key_id} 与指定公钥的编号 {key.key_id_hex} 不符")
    return key


def _invalid(as_json: bool, what: str, reason: str) -> None:
    """Report a failed check (exit 1): one Chinese line, or a JSON document with the reason."""
    if as_json:
        emit_json({"valid": False, "reason": reason})
    else:
        click.echo(f"{what}无效：{shown(reason)}", err=True)
    sys.exit(1)


TLOG_SUFFIX = ".tlog-proof"


@click.command("receipt")
@click.argument("fact_id", metavar="ID")
@click.option("--out", "out", default=None, metavar="FILE",
              help="写入文件：FILE.tlog-proof 为登记事件的 C2SP tlog-proof 证明；其他（如 FILE.json）为全部事件的收据")
@JSON
@pass_session
def receipt_cmd(session: Session, fact_id: str, out: str | None, as_json: bool) -> None:
    """出具收据：证明某条记录（检查记录、加分申报、投诉）的事件在签名检查点覆盖的账本中。"""
    ledger = session.ledger()
    if out is not None and out.lower().endswith(TLOG_SUFFIX):
        with _Out(out) as path:
            assert path is not None
            c = receipts.covered(ledger, fact_id, session.key)
            _write(path, c.recording_proof().text())
        position = c.rows[0][0]
        if as_json:
            emit_json({"form": receipts.TLOG_PROOF, "fact": str(c.fact), "position": position, "index": position - 1,
                       "size": c.checkpoint.size, "file": out})
        else:
            click.echo(f"证明已写入 {shown(out)}：记录 {c.fact} 的登记事件（位置 {position}，index {position - 1}），"
                       f"检查点大小 {c.checkpoint.size}")
        return
    with _Out(out) as path:
        doc = receipts.receipt(ledger, fact_id, session.key)
        text = dumps(doc) + "\n"
        if path is not None:
            _write(path, text)
    if as_json or out is None:
        click.echo(text, nl=False)
    else:
        click.echo(f"收据已写入 {shown(str(out))}：记录 {doc['fact']} 的 {len(doc['events'])} 个事件，"
                   f"检查点大小 {doc['size']}，密钥编号 {doc['key_id']}")


COMPLETENESS = {
    receipts.RECEIPT_FORMAT: "该记录在此检查点下的全部事件都已列出（事件数经签名核对）",
    receipts.TLOG_PROOF: "tlog-proof 只证明这一个事件；撤回、核实等后续事件请用 .json 收据核对",
    receipts.LEGACY_FORMAT: "旧格式（kaoping-receipt/1）收据不能证明该记录没有更多事件（如撤回）",
}


@click.command("verify-receipt")
@click.argument("file", metavar="FILE")
@click.option("--public-key", "public_key", default=None, metavar="FILE_OR_TEXT",
              help="受信任的公钥（通报上公布的完整公钥文本，或 kaoping public-key 导出的文件）：必需")
@click.option("--key-id", "key_id", default=None, metavar="HEX",
              help="8 位密钥编号：与 --public-key 一起核对（单凭编号不能核验）")
@JSON
def verify_receipt_cmd(file: str, public_key: str | None, key_id: str | None, as_json: bool) -> None:
    """离线核验收据（.json 或 .tlog-proof）：只需要收据文件和受信任的公钥，不需要数据库。"""
    text = _read_exact(file, "收据文件")
    trusted = _public_key(public_key, key_id) if public_key else None
    try:
        form = receipts.read_receipt(text)
    except InvalidInput as exc:
        raise InvalidInput(f"{exc}：{file}") from None
    trusted = trusted or _public_key(None, key_id)
    try:
        result = receipts.verify_receipt(form, trusted)
    except receipts.ReceiptError as exc:
        _invalid(as_json, "收据", str(exc))
        return
    cp, positions = result.checkpoint, [e.position for e in result.events]
    if as_json:
        emit_json({
            "valid": True, "form": result.form, "fact": str(result.fact), "size": cp.size, "root": cp.root_b64,
            "origin": cp.origin, "key_id": result.key.key_id_hex, "key_checked_against": "public-key",
            "positions": positions, "complete": result.complete,
            "events": [{"position": e.position, "version": e.version, "topic": e.topic} for e in result.events],
        })
        return
    click.echo(f"收据有效：记录 {result.fact} 的 {len(positions)} 个事件（位置 "
               f"{'、'.join(str(p) for p in positions)}）包含在签名检查点中")
    click.echo(f"检查点：{shown(cp.origin)}，事件数 {cp.size}，根哈希 {cp.root_b64}")
    click.echo(f"签名密钥编号：{result.key.key_id_hex}（依据：指定的公钥）")
    click.echo(COMPLETENESS[result.form])


@click.command("prove")
@click.argument("old_file", metavar="OLD_CHECKPOINT")
@click.argument("new_file", metavar="[NEW_CHECKPOINT]", required=False)
@click.option("--out", "out", required=True, metavar="FILE", help="一致性证明写入的文件")
@click.option("--new-out", "new_out", default=None, metavar="FILE",
              help="未给出 NEW_CHECKPOINT 时，把所用的新检查点写入此文件")
@JSON
@pass_session
def prove_cmd(
    session: Session, old_file: str, new_file: str | None, out: str, new_out: str | None, as_json: bool
) -> None:
    """出具一致性证明：新检查点是旧检查点的延续（同一账本，旧检查点覆盖的事件一个未改）。

    不给 NEW_CHECKPOINT 时用账本当前的检查点：最近的检查点之后没有新事件就用它，否则用签名密钥立即签发一个。
    """
    if new_file is not None and new_out is not None:
        raise InvalidInput("已给出 NEW_CHECKPOINT，不需要 --new-out")
    old_note = _note_file(old_file, "旧检查点文件")
    new_note = _note_file(new_file, "新检查点文件") if new_file is not None else None
    ledger = session.ledger()
    with _Out(out) as path, _Out(new_out) as new_path:
        assert path is not None
        proven = consistency.prove(ledger, old_note, new_note, session.key)
        _write(path, proven.proof.text())
        if new_path is not None:
            _write(new_path, proven.new_note)
    p = proven.proof
    if as_json:
        emit_json({"origin": p.origin, "old": p.old, "new": p.new, "proof": [b64(h) for h in p.hashes], "file": out,
                   "new_checkpoint": proven.new_note, "signed_now": proven.signed_now})
        return
    click.echo(f"一致性证明已写入 {shown(out)}：检查点大小 {p.old} → {p.new}（{p.origin}，{len(p.hashes)} 个哈希）")
    if new_file is None:
        click.echo(f"新检查点（{'刚签发' if proven.signed_now else '账本中最近的检查点'}）"
                   + (f"已写入 {shown(new_out)}" if new_out else "："))
        if new_out is None:
            click.echo(proven.new_note, nl=False)


@click.command("verify-consistency")
@click.argument("old_file", metavar="OLD")
@click.argument("new_file", metavar="NEW")
@click.argument("proof_file", metavar="PROOF")
@click.option("--public-key", "public_key", default=None, metavar="FILE_OR_TEXT", help="受信任的公钥：必需")
@JSON
def verify_consistency_cmd(
    old_file: str, new_file: str, proof_file: str, public_key: str | None, as_json: bool
) -> None:
    """离线核验一致性证明：只需要两个检查点、证明文件和受信任的公钥，不需要数据库。"""
    old_note = _note_file(old_file, "旧检查点文件")
    new_note = _note_file(new_file, "新检查点文件")
    try:
        proof = consistency.parse_consistency(_note_file(proof_file, "一致性证明文件"))
    except InvalidInput as exc:
        raise InvalidInput(f"{exc}：{proof_file}") from None
    trusted = _public_key(public_key)
    try:
        old, new = consistency.verify_proof(old_note, new_note, proof, trusted)
    except consistency.ConsistencyError as exc:
        _invalid(as_json, "一致性证明", str(exc))
        return
    if as_json:
        emit_json({"valid": True, "origin": old.origin, "old": old.size, "new": new.size,
                   "old_root": old.root_b64, "new_root": new.root_b64, "key_id": trusted.key_id_hex})
        return
    click.echo(f"一致性证明有效：大小 {new.size} 的检查点延续大小 {old.size} 的检查点（同一账本 {shown(old.origin)}，"
               f"前 {old.size} 个事件未被改动）")
    click.echo(f"签名密钥编号：{trusted.key_id_hex}（依据：指定的公钥）")


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
        click.echo(f"公钥已写入 {shown(out)}（密钥编号 {key.key_id_hex}）")
    else:
        click.echo(key.text())


def register(cli: click.Group) -> None:
    """Attach the tamper-evidence commands to the top-level group."""
    for cmd in (checkpoint_cmd, verify_cmd, receipt_cmd, verify_receipt_cmd, prove_cmd, verify_consistency_cmd,
                public_key_cmd):
        cli.add_command(cmd)
