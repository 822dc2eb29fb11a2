"""Witness commands (D33): a witness key, cosigning a checkpoint, recording a cosignature in the ledger."""

from __future__ import annotations

import time
from pathlib import Path

import click

from cli.files.out import write_new
from cli.main import Session, pass_session
from cli.render import emit_json
from ledger.errors import InvalidInput
from ledger.integrity import consistency, witness
from ledger.integrity.cosignature import WitnessSigner, WitnessVerifier
from ledger.integrity.note import NoteError, VerifierKey, read_private_text, write_key_file

JSON = click.option("--json", "as_json", is_flag=True, help="输出 JSON")
BASIS = {"first": "第一次副署（此前没有副署过的检查点）", "same": "与上次副署的是同一检查点",
         "proof": "一致性证明文件（--proof）已核验", "ledger": "由账本算出的一致性证明已核验"}


def read_text(path: str, what: str) -> str:
    """A checkpoint, proof or key file exactly as stored (UTF-8; a signature covers every byte)."""
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise InvalidInput(f"{what}不存在：{path}") from None
    except IsADirectoryError:
        raise InvalidInput(f"{what}是一个目录：{path}") from None
    except OSError as exc:
        raise InvalidInput(f"无法读取{what} {path}：{exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise InvalidInput(f"{what} {path} 不是 UTF-8 文本") from None
    if "\r\n" in text:
        raise InvalidInput(f"{what} {path} 的换行被改成了 Windows 换行（\\r\\n），不是签发时的原样文件；请用原始文件")
    if not all(line.isprintable() for line in text.split("\n")):
        # no checkpoint, proof or key holds one; a note's unchecked lines are printed again (cosign), so never raw
        raise InvalidInput(f"{what} {path} 含有控制字符或不可见字符，不是 kaoping 或见证方出具的原样文件")
    return text


def witness_key(given: str) -> WitnessVerifier:
    """A witness's public key from its text or a file holding it (`witness new` prints it)."""
    text = read_text(given, "见证方公钥文件") if "+" not in given or Path(given).exists() else given
    try:
        return WitnessVerifier.parse(text)
    except NoteError as exc:
        raise InvalidInput(f"见证方公钥无效（{given}）：{exc}") from None


def _log_key(given: str | None) -> VerifierKey | None:
    if given is None:
        return None
    text = read_text(given, "公钥文件") if "+" not in given or Path(given).exists() else given
    try:
        return VerifierKey.parse(text)
    except NoteError as exc:
        raise InvalidInput(f"账本公钥无效：{exc}") from None


def _claim(out: str | None) -> Path | None:
    """The --out file checked before anything is signed: a new file in a folder that exists."""
    if out is None:
        return None
    path = Path(out)
    if not out.strip() or path.is_dir():
        raise InvalidInput(f"输出文件名无效：{out!r}")
    if path.exists():
        raise InvalidInput(f"输出文件已存在：{out}（不会覆盖，请换一个文件名）")
    if path.parent != Path("") and not path.parent.is_dir():
        raise InvalidInput(f"输出文件所在目录不存在：{out}")
    return path


@click.group("witness")
def witness_group() -> None:
    """见证方（县纪委、县效能办等督查科以外的单位）：副署检查点，证明账本没有被改写或分叉。"""


@witness_group.command("new")
@click.argument("name")
@click.option("--key-out", "key_out", required=True, metavar="FILE",
              help="见证方私钥写入的新文件（权限 600，妥善保管）")
@JSON
def witness_new(name: str, key_out: str, as_json: bool) -> None:
    """生成见证方密钥：私钥写入 --key-out，打印公钥（交给督查科和核验者）。"""
    path = _claim(key_out)
    assert path is not None
    signer = WitnessSigner.generate(name.strip())
    try:
        write_key_file(path, signer)
    except OSError as exc:
        raise InvalidInput(f"无法写入见证方私钥文件 {key_out}：{exc.strerror or exc}") from None
    v = signer.verifier
    if as_json:
        emit_json({"name": v.name, "key_id": v.key_id_hex, "public_key": v.text(), "key_file": key_out})
        return
    click.echo(v.text())


@witness_group.command("cosign")
@click.argument("checkpoint_file", metavar="CHECKPOINT")
@click.option("--key", "key_file", required=True, metavar="FILE", help="见证方私钥文件（witness new 生成）")
@click.option("--state", "state_file", required=True, metavar="FILE",
              help="见证方状态文件：记录上次副署的检查点；第一次副署时新建")
@click.option("--proof", "proof_file", default=None, metavar="FILE",
              help="从上次副署的检查点到本检查点的一致性证明（kaoping prove 出具）；不给时由 --db 的账本算出")
@click.option("--public-key", "public_key", default=None, metavar="FILE_OR_TEXT",
              help="账本的公钥（通报上公布的）：第一次副署时需要；此后以状态文件中的为准")
@click.option("--out", "out", default=None, metavar="FILE", help="把副署后的检查点写入新文件（默认打印）")
@JSON
@pass_session
def witness_cosign(session: Session, checkpoint_file: str, key_file: str, state_file: str, proof_file: str | None,
                   public_key: str | None, out: str | None, as_json: bool) -> None:
    """副署检查点：核验它是账本的签名检查点、且延续本见证方上次副署的检查点，然后加上副署行。"""
    path = _claim(out)
    note = read_text(checkpoint_file, "检查点文件")
    try:
        signer = WitnessSigner.parse(read_private_text(Path(key_file), what="见证方私钥文件", hint=""))
    except NoteError as exc:
        raise InvalidInput(f"见证方私钥文件 {key_file} 无效：{exc}") from None
    state_path = Path(state_file)
    state = witness.read_state(state_path)
    proof = None
    if proof_file is not None:
        proof = consistency.parse_consistency(read_text(proof_file, "一致性证明文件"))
    log_key = _log_key(public_key)
    ledger_proof = None
    if proof is None and state is not None:
        def ledger_proof(old: str, new: str) -> tuple[bytes, ...]:
            return consistency.prove(session.ledger(), old, new, session.key).proof.hashes
    if log_key is None and state is None and session.db is not None:
        from ledger.integrity.keys import recorded_key

        log_key = recorded_key(session.ledger())
    done = witness.cosign(note, signer, state, log_key, proof, ledger_proof, int(time.time()))
    witness.write_state(state_path, done.state)  # the state moves first: a lost output can be cosigned again
    if path is not None:
        write_new(path, done.note.encode("utf-8"))
    cp = done.checkpoint
    if as_json:
        emit_json({"origin": cp.origin, "size": cp.size, "root": cp.root_b64, "witness": signer.name,
                   "key_id": signer.verifier.key_id_hex, "line": done.line, "note": done.note,
                   "previous": done.previous, "basis": done.basis, "file": out})
        return
    if path is None:
        click.echo(done.note, nl=False)
    else:
        click.echo(f"副署后的检查点已写入 {out}（{cp.origin}，事件数 {cp.size}）")
    click.echo(f"见证方 {signer.name}（编号 {signer.verifier.key_id_hex}）已副署；依据：{BASIS[done.basis]}", err=True)


@witness_group.command("record")
@click.argument("cosigned_file", metavar="FILE")
@click.option("--witness", "witness_file", required=True, metavar="KEYFILE_OR_TEXT", help="见证方的公钥")
@JSON
@pass_session
def witness_record(session: Session, cosigned_file: str, witness_file: str, as_json: bool) -> None:
    """把见证方副署后的检查点登记入账本（核验副署有效、且是本账本的检查点），供 verify --witness 和公布材料使用。"""
    w = witness_key(witness_file)
    note = read_text(cosigned_file, "副署文件")
    ledger = session.ledger()
    ledger.center()
    e = witness.record_cosignature(ledger, note, w)
    if as_json:
        emit_json({"id": str(e.originator_id), "witness": e.witness, "key_id": e.key_id, "size": e.size,
                   "root": e.root, "line": e.line})
        return
    click.echo(f"已登记见证方 {e.witness}（编号 {e.key_id}）对检查点（事件数 {e.size}）的副署")


def register(cli: click.Group) -> None:
    """Attach the witness commands to the top-level group."""
    cli.add_command(witness_group)
