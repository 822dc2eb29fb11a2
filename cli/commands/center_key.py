"""`kaoping key rotate`: the center's signing key replaced by a signed event (ledger/integrity/key_rotation.py)."""

from __future__ import annotations

import click

from cli.main import Session, pass_session
from cli.render import emit_json


@click.group("key")
def key_group() -> None:
    """中心的检查点签名密钥：更换（丢失、被盗或到期时）。"""


@key_group.command("rotate")
@click.option("--key-out", required=True, metavar="FILE",
              help="新私钥写入的文件（不覆盖已有文件，只有本人可读）；此后用 --key 或 KAOPING_KEY 指定它")
@click.option("--reason", required=True, help="更换原因（如：密钥文件丢失、疑似被盗、定期更换）")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
@pass_session
def key_rotate(session: Session, key_out: str, reason: str, as_json: bool) -> None:
    """更换检查点签名密钥：先用旧密钥校验账本，再生成新密钥，记录一条由新旧密钥共同签署的“更换签名密钥”事件。"""
    from ledger.integrity import key_rotation

    ledger = session.ledger()
    ledger.center()
    event = key_rotation.rotate(ledger, session.key, key_out, reason)
    # the stored projection is sealed under a key derived from the signing key: seal it again under the new one, so
    # the next question with the new key finds it sound instead of warning that it was altered
    from projections.views import Views

    Views.for_key_file(ledger, key_out).projection.rebuild()
    if as_json:
        emit_json({"previous_key_id": event.previous_key_id, "key_id": event.key_id, "size": event.size,
                   "root": event.root, "key_file": key_out, "public_key": event.verifier_key})
        return
    click.echo(f"已更换签名密钥：编号 {event.previous_key_id} → {event.key_id}"
               f"（新旧密钥共同签署了前 {event.size} 个事件），新私钥已写入 {key_out}")
    click.echo(f"此后签发检查点请用：kaoping --key {key_out} checkpoint；把新公钥（kaoping --key {key_out} public-key）"
               "交给审计和见证方。旧检查点和收据仍用旧公钥校验。")


def register(cli: click.Group) -> None:
    """Attach the center key commands to the top-level group."""
    cli.add_command(key_group)
