"""Province commands: one list of many centers' published results, each read from its own ledger."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from cli.main import pass_session
from cli.render import emit_json, table
from ledger.calendar import parse_quarter, quarter_label
from ledger.errors import InvalidInput, KaopingError
from ledger.storage.location import parse_url
from ledger.text import shown

if TYPE_CHECKING:
    from ledger.storage.reader import ReadableLedger
    from projections.province import CenterPublication

MAX_CENTERS = 1000
"""More `--db` than any province holds (the design is for a hundred): a typo in a script, not a province."""


@click.group("province")
def province_cmd() -> None:
    """省级汇总：同一台服务器上多个中心的账本（每个中心一个数据库），各自公布的结果汇成一张表。"""


@province_cmd.command("report", short_help="列出各中心 QUARTER 公布的红旗窗口和五星级服务明星，核对摘要和签名。")
@click.argument("quarter")
@click.option("--db", "urls", multiple=True, required=True, metavar="URL",
              help="一个中心的账本地址（postgresql://… 或 sqlite:///…）；每个中心一个，可重复")
@click.option("--public-key", "public_keys", multiple=True, metavar="KEYFILE",
              help="受信任的中心签名公钥（文件或文本，kaoping public-key 导出）；可重复。"
                   "未给出某中心的公钥时，用其账本记录的公钥核验并注明")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
@pass_session
def province_report_cmd(session: object, quarter: str, urls: tuple[str, ...], public_keys: tuple[str, ...],
                        as_json: bool) -> None:
    """列出各中心 QUARTER 公布的红旗窗口和五星级服务明星：按各自账本中记录的公布摘要核对公布的结果，
    并核验公布时签名检查点的签名；有中心核对不符或无法读取时退出码 1。"""
    from ledger.integrity import keys
    from ledger.storage.readers import open_reader
    from projections.province import CenterPublication, center_publication

    quarter = parse_quarter(quarter)
    if len(urls) > MAX_CENTERS:
        raise InvalidInput(f"--db 过多（{len(urls)} 个，至多 {MAX_CENTERS} 个）")
    locations = [parse_url(u) for u in urls]  # every address checked before any database is opened
    if len({loc.display() for loc in locations}) < len(locations):
        raise InvalidInput("同一个账本地址给出了不止一次（--db）")
    trusted = [k for k in (keys.trusted_key(locations[0], None, text)[0] for text in public_keys) if k is not None]
    found: list[CenterPublication | tuple[str, str]] = []
    for url, loc in zip(urls, locations, strict=True):
        try:
            ledger: ReadableLedger | None = open_reader(url)
            if ledger is None:  # not set up for questions yet: the full ledger refuses, or reads it
                from ledger.app import open_ledger

                ledger = open_ledger(url)
            try:
                found.append(center_publication(ledger, quarter, trusted))
            finally:
                ledger.close()
        except KaopingError as exc:
            found.append((loc.display(), str(exc)))
    if as_json:
        emit_json({"quarter": quarter, "centers": [
            c.to_json() if isinstance(c, CenterPublication) else {"db": c[0], "error": c[1]} for c in found]})
    else:
        click.echo(render(quarter, found))
    failing = [c for c in found if not isinstance(c, CenterPublication) or not c.sound]
    if failing:
        click.echo(f"错误：{len(failing)} 个中心无法读取或核对不符（见{'输出' if as_json else '上表'}）", err=True)
        raise click.exceptions.Exit(1)


def render(quarter: str, found: list[CenterPublication | tuple[str, str]]) -> str:
    """The province's list as Chinese tables: one row per center, then each center's 红旗窗口 and 五星."""
    from projections.province import SIGNATURE_NAMES, SOURCE_NAMES, CenterPublication

    rows = []
    for c in found:
        if not isinstance(c, CenterPublication):
            db, error = c
            rows.append([shown(db), "", "无法读取", "", "", shown(error)])
        elif not c.published:
            rows.append([shown(c.db), shown(c.center), "未公布", "", "", ""])
        else:
            rows.append([
                shown(c.db), shown(c.center), f"已公布（位置 {c.position}）",
                "相符" if c.digest_matches else "不符", SIGNATURE_NAMES[c.signature] + (
                    f"：{shown(c.signature_problem)}" if c.signature_problem else ""),
                "、".join(shown(w["name"]) for w in c.red_flag) + f"；五星 {len(c.five_star)} 名（"
                + SOURCE_NAMES[c.rows_from] + "）",
            ])
    out = [f"{quarter_label(quarter)}各中心公布的考评结果（{len(found)} 个中心）", "",
           table(["账本", "中心", "公布", "摘要核对", "检查点签名", "红旗窗口；五星"], rows)]
    for c in found:
        if isinstance(c, CenterPublication) and c.published:
            out += ["", f"{shown(c.center)} · 五星级服务明星（{len(c.five_star)} 名）"]
            out.append("、".join(f"{shown(p['name'])}（{shown(p['window_name'] or p['window'])}）"
                                 for p in c.five_star) or "无")
    return "\n".join(out)


def register(cli: click.Group) -> None:
    """Attach the province commands to the top-level group."""
    cli.add_command(province_cmd)
