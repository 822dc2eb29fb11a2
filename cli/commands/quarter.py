"""Quarter commands: freeze the shortlist, record the 党组 decision, publish the results."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cli.main import Session, pass_session
from cli.numbers import AsciiInt
from cli.render import emit_json
from ledger.calendar import quarter_label
from ledger.commands import quarter as lq
from ledger.commands import review
from ledger.errors import InvalidInput, KaopingError, NotAllowed
from ledger.integrity import keys, signing
from ledger.runtime.zone import center_today
from ledger.text import line, shown
from projections.scoring import publication
from projections.views import Views

if TYPE_CHECKING:
    from ledger.app import Ledger

JSON = click.option("--json", "as_json", is_flag=True, help="输出 JSON")


AMEND = click.option("--amend", is_flag=True,
                     help="修正：新的记录整体取代此前的记录（两者都留在账本中），须同时用 --reason 说明理由")
REASON = click.option("--reason", default=None, metavar="TEXT", help="修正的理由（与 --amend 一起使用）")


@click.command("shortlist")
@click.argument("quarter")
@click.option("--windows", "windows_n", type=AsciiInt(1, lq.MAX_SHORTLIST), default=None, metavar="N",
              help="红旗窗口入围个数（默认取规则目录，8）")
@click.option("--staff", "staff_m", type=AsciiInt(1, lq.MAX_SHORTLIST), default=None, metavar="M",
              help="服务明星入围人数（默认取规则目录，20）")
@AMEND
@REASON
@JSON
@pass_session
def shortlist_cmd(session: Session, quarter: str, windows_n: int | None, staff_m: int | None, amend: bool,
                  reason: str | None, as_json: bool) -> None:
    """按得分确定并冻结 QUARTER 的入围名单（取消资格者不入围，并列者同时入围）；党组决定之前可用 --amend --reason
    重新确定，新名单整体取代原名单。
    """
    why = lq.amend_reason(amend, reason)
    ledger = session.ledger()
    quarter = lq.check_quarter(ledger, quarter)
    lq.check_ended(quarter)
    lq.check_shortlist_step(lq.quarter_stream(ledger, quarter), why)
    cat = ledger.catalogue_for(quarter)
    n = windows_n or cat.shortlist_windows
    m = staff_m or cat.shortlist_staff
    windows, staff = Views.for_key_file(ledger, session.key).shortlist(quarter, n, m)
    sid = lq.freeze_shortlist(ledger, quarter, n, m, windows, staff, why)
    if as_json:
        emit_json({"id": str(sid), "quarter": quarter, "windows": windows, "staff": staff, "amended": why is not None,
                   "reason": why})
        return
    click.echo(str(sid))
    if why is not None:
        click.echo(f"{quarter_label(quarter)}入围名单已重新确定，整体取代此前的名单（理由：{shown(why)}）")
    click.echo(f"{quarter_label(quarter)}入围红旗窗口 {len(windows)} 个：{shown(','.join(windows)) or '无'}")
    click.echo(f"{quarter_label(quarter)}入围服务明星 {len(staff)} 名：{shown(','.join(staff)) or '无'}")


def _csv(values: tuple[str, ...]) -> list[str]:
    return [p.strip() for v in values for p in v.replace("，", ",").split(",") if p.strip()]


@click.command("decide")
@click.argument("quarter")
@click.option("--red-flag", "red_flag", multiple=True, metavar="CODE,...", help="红旗窗口（入围窗口代码，逗号分隔）")
@click.option("--five", multiple=True, metavar="ID,...", help="五星级服务明星（入围人员编号，逗号分隔）")
@click.option("--four", multiple=True, metavar="ID,...", help="四星级服务明星（入围人员编号，逗号分隔）")
@click.option("--date", "meeting", default=None, metavar="YYYY-MM-DD", help="党组会议的日期")
@click.option("--evidence", "minutes", default=None, metavar="FILE", help="党组会议纪要（作为证明材料保存）")
@AMEND
@REASON
@JSON
@pass_session
def decide_cmd(session: Session, quarter: str, red_flag: tuple[str, ...], five: tuple[str, ...],
               four: tuple[str, ...], meeting: str | None, minutes: str | None, amend: bool, reason: str | None,
               as_json: bool) -> None:
    """记录党组决定：只能从入围名单中确定红旗窗口、五星和四星服务明星；--amend --reason 修正已记录的决定
    （新决定整体取代原决定，公布之后的修正作为更正显示）。
    """
    why = lq.amend_reason(amend, reason)
    ledger = session.ledger()
    quarter = lq.check_quarter(ledger, quarter)
    rf, fv, fr = _csv(red_flag), _csv(five), _csv(four)
    # refusals that need no scores: before the projection catches up
    lq.check_decision(ledger, quarter, rf, fv, fr, why)
    lq.meeting_day(quarter, ledger.stamp().today, meeting)
    views = Views.for_key_file(ledger, session.key)
    bad = views.disqualified_picks(quarter, rf, fv, fr)
    if bad:
        raise NotAllowed(f"{','.join(bad)} 入围后已被取消评比资格，不能评定")
    gone = views.departed_picks(quarter, rf, fv, fr)
    if gone:
        raise NotAllowed(f"{','.join(gone)} 在{quarter_label(quarter)}结束前已离开中心，不能评定")
    did = lq.record_decision(ledger, quarter, rf, fv, fr, meeting=meeting, minutes_file=minutes, amend=why)
    about = ledger.catalogue_for(quarter).decision
    for key, picks, name in (("five", fv, "五星级服务明星"), ("four", fr, "四星级服务明星")):
        rule = about.get(key)
        if rule and not (rule["warn_below"] <= len(picks) <= rule["warn_above"]):
            click.echo(f"提示：{name} {len(picks)} 人，与办法规定的「{rule['about']}人左右」相差较大", err=True)
    if as_json:
        emit_json({"id": str(did), "quarter": quarter, "red_flag": rf, "five": fv, "four": fr,
                   "amended": why is not None, "reason": why, "meeting": meeting})
        return
    click.echo(str(did))
    if why is not None:
        click.echo(f"{quarter_label(quarter)}党组决定已修正，新决定整体取代此前的决定（理由：{why}）")


@click.command("publish")
@click.argument("quarter", required=False)
@click.option("--out", "out", default=None, metavar="DIR",
              help="同时把公布材料写入新目录 DIR：网站公布页、通报（DOCX、PDF）、考评结果工作簿、奖励发放表、"
                   "签名检查点和公钥")
@click.option("--number", default=None, metavar="文号", help="通报的文号，如 长行服〔2008〕12号")
@click.option("--check", "check_dir", default=None, metavar="DIR",
              help="核对目录 DIR 中的公布材料与账本公布的是否完全一致（不一致退出码 1，并指出第一个不同的文件）")
@click.option("--witness", "witness_keys", multiple=True, metavar="KEYFILE",
              help="与 --check 一起用：此后放入目录的副署文件可用该见证方的公钥（文件或文本）核验；可重复")
@JSON
@pass_session
def publish_cmd(session: Session, quarter: str | None, out: str | None, number: str | None, check_dir: str | None,
                witness_keys: tuple[str, ...], as_json: bool) -> None:
    """公布 QUARTER 的考评结果，并记录所公布结果的 sha256 摘要；--out 同时写出公布材料。"""
    if check_dir is not None:
        if quarter is not None or out is not None or number is not None:
            raise InvalidInput("--check 只需要公布材料目录，不能同时给出季度、--out 或 --number")
        _check_bundle(session, check_dir, witness_keys, as_json)
        return
    if witness_keys:
        raise InvalidInput("--witness 只与 --check 一起使用（核对此后放入公布材料目录的见证方副署）")
    if quarter is None:
        raise InvalidInput("缺少参数 QUARTER（运行 kaoping publish --help 查看用法）")
    if number is not None:
        number = line(number, "文号")  # printed in the 通报: one line (D27), checked before anything is recorded
    target = None
    if out is not None:
        from cli.files import bundle
        from cli.files.fonts import find_cjk_font

        target = bundle.claim_dir(out)
        find_cjk_font()  # the 通报's PDF needs one: refuse before anything is recorded
    elif number is not None:
        raise InvalidInput("--number 只在写出公布材料（--out DIR）时使用")
    ledger = session.ledger()
    quarter = lq.check_quarter(ledger, quarter)
    if target is not None and lq.quarter_stream(ledger, quarter).status == "published":
        # the bundle of a publication already recorded (again, or after writing it failed): nothing new is recorded
        _write_bundle(ledger, quarter, number, target)
        if as_json:
            emit_json({"quarter": quarter, "out": str(target)})
        else:
            click.echo(f"{quarter_label(quarter)}已经公布，未重复公布；公布材料已写入 {shown(str(target))}")
        return
    lq.require_status(ledger, quarter, "decided", "公布结果")
    review.check_publishable(ledger, quarter)  # the 公示 over, no appeal pending (D28)
    views = Views(ledger)
    res = views.result(quarter)  # from the events themselves, never from the stored projection
    digest = publication.digest(res)
    checkpoint = signing.make_checkpoint(ledger, session.key)  # verifies first; refuses a tampered ledger
    pid = lq.publish_quarter(ledger, quarter, res.position, digest, checkpoint)
    key = keys.recorded_key(ledger)  # the key that just signed the checkpoint (make_checkpoint checked it)
    public_key = key.text() if key is not None else None
    if target is not None:
        session.keep()  # the publication is recorded; a bundle that cannot be written does not undo it
        _write_bundle(ledger, quarter, number, target)
    _warn_pending(views, quarter)
    if as_json:
        emit_json({"id": str(pid), "quarter": quarter, "position": res.position, "digest": digest,
                   "checkpoint": checkpoint, "public_key": public_key,
                   **({"out": str(target)} if target is not None else {})})
        return
    click.echo(str(pid))
    click.echo(f"{quarter_label(quarter)}结果已公布：截至账本位置 {res.position}，摘要 {digest}")
    click.echo("签名检查点（请随通报一并保存在数据库之外）：")
    click.echo(checkpoint, nl=False)
    click.echo(f"签名公钥（请随通报公布；核验收据和检查点时用 --public-key 指定）：{public_key}")
    if target is not None:
        click.echo(f"公布材料已写入 {shown(str(target))}（可用 kaoping publish --check {shown(str(target))} 核对）")


def _warn_pending(views: Views, quarter: str) -> None:
    """After publishing: name the quarter's claims, complaints (and other facts' work) still waiting (todo)."""
    waiting = [i for i in views.todo(center_today()) if i.quarter == quarter and i.kind not in review.QUARTER_STEPS]
    if waiting:
        more = "…" if len(waiting) > 5 else ""
        click.echo(f"提示：{quarter_label(quarter)}仍有 {len(waiting)} 项待办（"
                   f"{'；'.join(f'{i.id} {i.summary}' for i in waiting[:5])}{more}），可运行 kaoping todo 查看",
                   err=True)


def _write_bundle(ledger: Ledger, quarter: str, number: str | None, target: Path) -> None:
    """Write the bundle of a recorded publication; if that fails, say how to write it again."""
    from cli.files import bundle

    try:
        bundle.write(target, bundle.build(ledger, quarter, number))
    except KaopingError as exc:
        raise NotAllowed(f"结果已公布，但公布材料未能写出：{exc}（可再次运行 kaoping publish {quarter} --out {target} "
                         "写出公布材料，不会重复公布）") from None


def _check_bundle(session: Session, folder: str, witness_keys: tuple[str, ...], as_json: bool) -> None:
    from cli.commands.witness import witness_key
    from cli.files import bundle

    witnesses = [witness_key(w) for w in witness_keys]
    done = bundle.check(session.ledger(), Path(folder), witnesses)
    manifest, bad = done.manifest, done.mismatch
    seen = [{**c.to_json(), "later": later} for later, found in ((False, done.carried), (True, done.later))
            for c in found]
    if as_json:
        emit_json({"quarter": manifest["quarter"], "valid": bad is None,
                   "file": bad.name if bad else None, "reason": bad.why if bad else None,
                   **({"cosignatures": seen} if seen else {})})
    if bad is not None:
        if not as_json:
            click.echo(f"公布材料与账本不一致：{shown(bad.name)} {shown(bad.why)}", err=True)
        sys.exit(1)
    if not as_json:
        files = len(bundle.FILES) + 1 + len(done.carried)
        click.echo(f"公布材料与账本公布的完全一致：{quarter_label(manifest['quarter'])}，"
                   f"{files} 个文件（摘要 {manifest['publication']['digest'][:16]}…）")
        for c, when in [(c, "公布材料所带") for c in done.carried] + [(c, "此后放入") for c in done.later]:
            click.echo(f"见证方副署（{when}）：{shown(c.name)}（密钥编号 {c.key_id}，{c.day}）{shown(c.file)}")


def register(cli: click.Group) -> None:
    """Attach the quarter commands to the top-level group."""
    for cmd in (shortlist_cmd, decide_cmd, publish_cmd):
        cli.add_command(cmd)
