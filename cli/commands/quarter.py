"""Quarter commands: freeze the shortlist, record the 党组 decision, publish the results."""

from __future__ import annotations

import click

from cli.main import Session, pass_session
from cli.render import emit_json
from ledger.calendar import quarter_label
from ledger.commands import quarter as lq
from ledger.errors import NotAllowed
from ledger.integrity import keys, signing
from projections.scoring import publication
from projections.views import Views

JSON = click.option("--json", "as_json", is_flag=True, help="输出 JSON")


@click.command("shortlist")
@click.argument("quarter")
@click.option("--windows", "windows_n", type=click.IntRange(1, lq.MAX_SHORTLIST), default=None, metavar="N",
              help="红旗窗口入围个数（默认取规则目录，8）")
@click.option("--staff", "staff_m", type=click.IntRange(1, lq.MAX_SHORTLIST), default=None, metavar="M",
              help="服务明星入围人数（默认取规则目录，20）")
@JSON
@pass_session
def shortlist_cmd(session: Session, quarter: str, windows_n: int | None, staff_m: int | None, as_json: bool) -> None:
    """按得分确定并冻结 QUARTER 的入围名单（取消资格者不入围，并列者同时入围）。"""
    ledger = session.ledger()
    quarter = lq.check_quarter(ledger, quarter)
    lq.check_ended(quarter)
    cat = ledger.catalogue
    lq.require_status(ledger, quarter, "open", "确定入围名单")
    n = windows_n or cat.shortlist_windows
    m = staff_m or cat.shortlist_staff
    windows, staff = Views(ledger).shortlist(quarter, n, m)
    sid = lq.freeze_shortlist(ledger, quarter, n, m, windows, staff)
    if as_json:
        emit_json({"id": str(sid), "quarter": quarter, "windows": windows, "staff": staff})
        return
    click.echo(str(sid))
    click.echo(f"{quarter_label(quarter)}入围红旗窗口 {len(windows)} 个：{','.join(windows) or '无'}")
    click.echo(f"{quarter_label(quarter)}入围服务明星 {len(staff)} 名：{','.join(staff) or '无'}")


def _csv(values: tuple[str, ...]) -> list[str]:
    return [p.strip() for v in values for p in v.replace("，", ",").split(",") if p.strip()]


@click.command("decide")
@click.argument("quarter")
@click.option("--red-flag", "red_flag", multiple=True, metavar="CODE,...", help="红旗窗口（入围窗口代码，逗号分隔）")
@click.option("--five", multiple=True, metavar="ID,...", help="五星级服务明星（入围人员编号，逗号分隔）")
@click.option("--four", multiple=True, metavar="ID,...", help="四星级服务明星（入围人员编号，逗号分隔）")
@JSON
@pass_session
def decide_cmd(session: Session, quarter: str, red_flag: tuple[str, ...], five: tuple[str, ...],
               four: tuple[str, ...], as_json: bool) -> None:
    """记录党组决定：只能从入围名单中确定红旗窗口、五星和四星服务明星。"""
    ledger = session.ledger()
    quarter = lq.check_quarter(ledger, quarter)
    rf, fv, fr = _csv(red_flag), _csv(five), _csv(four)
    lq.check_decision(ledger, quarter, rf, fv, fr)  # refusals that need no scores: before the projection catches up
    bad = Views(ledger).disqualified_picks(quarter, rf, fv, fr)
    if bad:
        raise NotAllowed(f"{','.join(bad)} 入围后已被取消评比资格，不能评定")
    did = lq.record_decision(ledger, quarter, rf, fv, fr)
    about = ledger.catalogue.decision
    for key, picks, name in (("five", fv, "五星级服务明星"), ("four", fr, "四星级服务明星")):
        rule = about.get(key)
        if rule and not (rule["warn_below"] <= len(picks) <= rule["warn_above"]):
            click.echo(f"提示：{name} {len(picks)} 人，与办法规定的「{rule['about']}人左右」相差较大", err=True)
    if as_json:
        emit_json({"id": str(did), "quarter": quarter, "red_flag": rf, "five": fv, "four": fr})
        return
    click.echo(str(did))


@click.command("publish")
@click.argument("quarter")
@JSON
@pass_session
def publish_cmd(session: Session, quarter: str, as_json: bool) -> None:
    """公布 QUARTER 的考评结果，并记录所公布结果的 sha256 摘要。"""
    ledger = session.ledger()
    quarter = lq.check_quarter(ledger, quarter)
    lq.require_status(ledger, quarter, "decided", "公布结果")
    res = Views(ledger).result(quarter)
    digest = publication.digest(res)
    checkpoint = signing.make_checkpoint(ledger, session.key)  # verifies first; refuses a tampered ledger
    pid = lq.publish_quarter(ledger, quarter, res.position, digest, checkpoint)
    key = keys.recorded_key(ledger)  # the key that just signed the checkpoint (make_checkpoint checked it)
    public_key = key.text() if key is not None else None
    if as_json:
        emit_json({"id": str(pid), "quarter": quarter, "position": res.position, "digest": digest,
                   "checkpoint": checkpoint, "public_key": public_key})
        return
    click.echo(str(pid))
    click.echo(f"{quarter_label(quarter)}结果已公布：截至账本位置 {res.position}，摘要 {digest}")
    click.echo("签名检查点（请随通报一并保存在数据库之外）：")
    click.echo(checkpoint, nl=False)
    click.echo(f"签名公钥（请随通报公布；核验收据和检查点时用 --public-key 指定）：{public_key}")


def register(cli: click.Group) -> None:
    """Attach the quarter commands to the top-level group."""
    for cmd in (shortlist_cmd, decide_cmd, publish_cmd):
        cli.add_command(cmd)
