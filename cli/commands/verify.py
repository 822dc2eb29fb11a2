"""`kaoping verify`: the whole ledger checked from its raw rows, read as the questions read it, its evidence files
and (with --projection) the stored projection against a replay; exit 1 naming the first broken position."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cli.main import Session, pass_session
from cli.render import emit_json
from ledger.errors import InvalidInput
from ledger.integrity import anchor, keys, verification
from ledger.integrity.leaves import Flaw
from ledger.integrity.seal import seal_key
from ledger.storage import snapshot
from ledger.storage.location import parse_url
from ledger.text import shown, shown_all

JSON = click.option("--json", "as_json", is_flag=True, help="输出 JSON")


def read_text_file(path: str, what: str) -> str:
    """A text file the user named (a checkpoint, a public key), or one Chinese line saying why not."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"无法读取{what} {path}：{exc}") from None


KINDS = {
    "content": "事件内容与签名时不同",
    "truncated": "事件被删除",
    "version": "事件流版本号不连续",
    "stream": "按事件流读出的事件与按顺序读出的不同",
    "topic": "事件类型被改动",
    "format": "存储格式被改动",
    "signature": "检查点签名无效",
    "checkpoint": "检查点记录被改动",
    "key": "签名公钥被替换或删除",
    "actor": "操作人、角色或职责分离不符（D32）",
    "actor-signature": "操作人签名无效（D32）",
    "anchor": "账本不延续签名密钥上次签发的检查点",
    "integrity": "完整性事件流被改动",
    "consistency": "检查点之间不一致",
    "decode": "事件无法按查询的方式读出",
    "evidence": "证据文件缺失或被改动",
    "projection": "存储的季度结果投影被改动",
}


@click.command("verify")
@click.option("--checkpoint", "checkpoint_file", default=None, metavar="FILE", help="数据库之外保存的签名检查点")
@click.option("--public-key", "public_key", default=None, metavar="FILE",
              help="受信任的公钥（kaoping public-key 的输出）；默认用签名密钥文件，没有时用账本记录的公钥")
@click.option("--projection", "projection", is_flag=True,
              help="同时把数据库中保存的季度结果投影与根据事件重放的结果比较，列出不同之处")
@click.option("--witness", "witness_keys", multiple=True, metavar="KEYFILE",
              help="要求该见证方（其公钥文件或公钥文本）对最近的检查点有有效副署；可重复")
@JSON
@pass_session
def verify_cmd(session: Session, checkpoint_file: str | None, public_key: str | None, projection: bool,
               witness_keys: tuple[str, ...], as_json: bool) -> None:
    """校验整个账本是否被篡改；完好退出码 0，发现问题退出码 1 并指出第一个出问题的位置。

    逐个读出每个事件（与查询的读法相同），核对每个证据文件的 sha256；只读介质上的账本也能校验。
    """
    note = read_text_file(checkpoint_file, "检查点文件") if checkpoint_file else None
    location = parse_url(session.db)
    trusted, source = keys.trusted_key(location, session.key, public_key)
    kept = None
    if source == "key-file" and trusted is not None:
        kept = anchor.read_kept(keys.key_path(location, session.key), trusted)
    seal = seal_key(location, session.key) if projection else None
    witnesses = []
    if witness_keys:
        from cli.commands.witness import witness_key

        witnesses = [witness_key(w) for w in witness_keys]
    checks = []
    with snapshot.readable_url(location) as url:
        from ledger.app import open_ledger
        from projections.engine import check

        ledger = open_ledger(url, session.actor)
        try:
            report = verification.check(ledger, trusted=trusted, key_source=source, external_note=note,
                                        kept_note=kept.note if kept is not None else None,
                                        evidence_dir=location.evidence_dir, whole_tree=False)
            unreadable = check.undecodable(ledger)
            if unreadable is not None:
                report.flaws.append(Flaw(unreadable.position, "decode", str(unreadable)))
            compared = check.compare(ledger, seal) if projection else None
            if witnesses:
                from ledger.integrity import witness

                latest = (report.checkpoints[-1].size, report.checkpoints[-1].root) if report.checkpoints else None
                checks = witness.check_witnesses(ledger, report.key.name if report.key else None, latest, witnesses,
                                                 note)
        finally:
            ledger.close()
    doc = report.to_json()
    if compared is not None:
        doc["projection"] = compared
        if compared["differences"]:
            doc["ok"] = False
            if doc["broken"] is None:
                doc["broken"] = {"position": compared["position"] or 0, "kind": "projection",
                                 "earliest": compared["position"] or 0,
                                 "message": f"存储的季度结果投影与根据事件重放的不同：{compared['differences'][0]}"}
    if checks:
        doc["witnesses"] = [c.to_json() for c in checks]
    missing = [c for c in checks if not c.ok]
    if as_json:
        emit_json(doc)
    else:
        click.echo(_render(shown_all(doc)))
    if not doc["ok"]:
        b = doc["broken"]
        if not as_json:
            click.echo(f"错误：账本校验失败，位置 {b['position']}：{shown(str(b['message']))}", err=True)
        sys.exit(1)
    if missing:
        if not as_json:
            click.echo(f"错误：见证方副署核验未通过：{shown(missing[0].message)}", err=True)
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
        last = cps[-1]
        lines.append(f"账本内检查点：{len(cps)} 个，最近一个在位置 {last['position']}，覆盖前 {last['size']} 个事件")
    else:
        lines.append("账本内还没有检查点（运行 kaoping checkpoint 签发）")
    lines.append(f"最近检查点之后新增的事件：{doc['newer_than_checkpoint']} 个（尚未被任何签名覆盖）")
    if doc["signed_from"] is not None:
        lines.append(f"操作人签名：自位置 {doc['signed_from']} 起每个事件都应有操作人签名，"
                     f"已核验 {doc['signed_commands']} 次写入的签名及其角色（之前的事件写于登记操作人之前，未签名）")
    else:
        lines.append("操作人签名：账本尚未登记操作人，事件未签名（kaoping actor add 登记第一个管理员）")
    kept = doc["kept_checkpoint"]
    if kept:
        verdict = ("账本延续它，且它记录在账本中" if kept["extends"] and kept["stored"]
                   else "账本延续它，但账本中没有它的记录" if kept["extends"] else "账本不再延续它")
        lines.append(f"签名密钥旁保存的最近检查点：大小 {kept['size']}，{verdict}")
    for lost in doc["lost_ranges"]:
        lines.append(f"恢复备份（位置 {lost['position']}）：已签名的位置 {lost['kept_size'] + 1}–{lost['signed_size']} "
                     f"不在恢复的账本中，理由：{lost['reason']}")
    ext = doc["external"]
    if ext:
        verdict = "账本仍然延续该检查点（一致性证明通过）" if ext["extends"] else "账本不再延续该检查点"
        lines.append(f"外部检查点：大小 {ext['size']}，{verdict}")
    for w in doc.get("witnesses", ()):
        lines.append(("见证副署：" if w["ok"] else "见证副署缺失：") + w["message"])
    lines.extend(_render_projection(doc.get("projection")))
    return "\n".join(lines)


def _render_projection(p: dict | None) -> list[str]:
    if p is None:
        return []
    if not p["stored"]:
        return ["季度结果投影：数据库中没有保存（查询根据事件计算）"]
    seal = ("封印完好" if p["seal"] == "ok" else "没有签名密钥文件，未核对封印" if not p["seal_checked"]
            else "封印不符")
    if p.get("outdated") and not p["differences"]:
        return [f"季度结果投影：由较早版本的 kaoping 保存（截至位置 {p['position']}，{seal}），格式已更新，"
                "下次查询时根据事件重新计算，不逐项比较"]
    if not p["differences"]:
        return [f"季度结果投影：截至位置 {p['position']}，与根据事件重放的完全一致（{seal}）"]
    return [f"季度结果投影：截至位置 {p['position']}，与根据事件重放的有 {len(p['differences'])} 处不同（{seal}）：",
            *(f"  {d}" for d in p["differences"])]
