"""A complaint's complainant (D34): shown to whoever holds the contact keys, erased for good by destroying its key.

Until actors and roles exist (D32), `complaint show` is open to anyone holding the contact key file (kept beside the
signing key, 0600); once they do, it is for an admin or clerk, who proves it with --as and --actor-key as for a write.
"""

from __future__ import annotations

from pathlib import Path

import click

from cli.main import Session, pass_session
from cli.render import emit_json
from ledger.storage.location import parse_url
from ledger.text import shown

# The contact keys (cryptography) and the complainants' store are imported by the commands that use them: these
# commands join the `complaint` group, which `kaoping record` loads too, and must not make it import cryptography
# (~30 modules, issue 15).

JSON = click.option("--json", "as_json", is_flag=True, help="输出 JSON")
READERS = ("admin", "clerk")
"""Who may see a complainant's name and contact once actors exist (D34)."""


def contact_store(session: Session) -> Path:
    """The contact key store of this ledger: beside its signing key file (--key / KAOPING_KEY / beside the file)."""
    from ledger.integrity.keys import key_path
    from ledger.privacy import keystore

    return keystore.store_path(key_path(parse_url(session.db), session.key))


def warn_personal(text: str) -> None:
    """Warn (stderr, Chinese) when a complaint's free text seems to hold a phone or 身份证 number."""
    from ledger.privacy.detect import personal_numbers

    kinds = personal_numbers(text)
    if kinds:
        click.echo(f"提醒：投诉内容中似乎含有{'、'.join(kinds)}。投诉人的姓名和联系方式请用 --complainant 和 --contact "
                   "登记（加密保存，不会出现在收据、日志和公布材料中）；投诉内容会原样出现在这些材料里。", err=True)


@click.command("show")
@click.argument("complaint_id", metavar="ID")
@JSON
@pass_session
def complaint_show(session: Session, complaint_id: str, as_json: bool) -> None:
    """显示投诉人的姓名和联系方式（解密；需要投诉人信息密钥文件；登记了操作人后只限管理员和督查科，
    用 --as 和 --actor-key 证明身份）。"""
    from ledger import acting
    from ledger.privacy import complainants

    ledger = session.ledger()
    acting.authorise_reading(ledger, READERS, "查看投诉人信息")
    found = complainants.show(ledger, complaint_id, contact_store(session))
    person = found.complainant
    if as_json:
        emit_json({"id": found.complaint, "state": found.state,
                   "complainant": person.name if person else None, "contact": person.contact if person else None})
        return
    if found.state == "none":
        click.echo(f"投诉 {found.complaint} 没有登记投诉人信息")
    elif found.state == "erased":
        click.echo(f"投诉 {found.complaint} 的投诉人信息已删除（密钥已销毁，无法恢复）")
    else:
        assert person is not None
        click.echo(f"投诉人：{shown(person.name) or '（未填）'}")
        click.echo(f"联系方式：{shown(person.contact) or '（未填）'}")


@click.command("erase-contact")
@click.argument("complaint_id", metavar="ID")
@click.option("--reason", required=True, help="删除理由（如 投诉人要求删除、保存期限届满）")
@JSON
@pass_session
def complaint_erase_contact(session: Session, complaint_id: str, reason: str, as_json: bool) -> None:
    """删除投诉人的姓名和联系方式：销毁其加密密钥（之后永远无法解密），并在账本中记录删除；账本仍可校验。"""
    from ledger.privacy import complainants

    ledger = session.ledger()
    ledger.center()
    erased = complainants.erase(ledger, complaint_id, reason, contact_store(session))
    if as_json:
        emit_json({"id": erased.complaint, "key_id": erased.key_id, "recorded": erased.recorded})
        return
    click.echo(f"投诉 {erased.complaint} 的投诉人信息已删除（密钥 {erased.key_id} 已销毁）"
               + ("" if erased.recorded else "；删除事件此前已记录，本次补完密钥销毁"))


COMMANDS = (complaint_show, complaint_erase_contact)
