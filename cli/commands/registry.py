"""Registry commands: init, windows, staff, and the rules catalogue."""

from __future__ import annotations

import click

from cli.main import Session, pass_session
from cli.render import emit_id, emit_json, table
from ledger import catalogue as rules
from ledger.errors import KaopingError

JSON = click.option("--json", "as_json", is_flag=True, help="输出 JSON")


@click.command("init")
@click.option("--center", default="长兴县行政服务中心", show_default=True, help="中心名称")
@click.option("--rules", "rules_id", default=rules.DEFAULT_RULES, show_default=True, help="考评规则版本")
@JSON
@pass_session
def init_cmd(session: Session, center: str, rules_id: str, as_json: bool) -> None:
    """初始化账本：登记中心并采用考评规则。"""
    from ledger.initialise import initialise  # eventsourcing: imported only by the commands that write

    emit_id(initialise(session.db, session.actor, center, rules_id, session.key), as_json)


@click.group("window")
def window_group() -> None:
    """窗口登记。"""


@window_group.command("add")
@click.argument("code")
@click.argument("name")
@click.option("--department", default="", help="所属部门")
@JSON
@pass_session
def window_add(session: Session, code: str, name: str, department: str, as_json: bool) -> None:
    """登记窗口 CODE NAME。"""
    emit_id(session.ledger().add_window(code, name, department), as_json)


@window_group.command("list")
@JSON
@pass_session
def window_list(session: Session, as_json: bool) -> None:
    """列出已登记的窗口。"""
    windows = session.reading().registry().windows
    if as_json:
        emit_json({"windows": [{"code": code, "name": w["name"], "department": w["department"]}
                               for code, w in windows.items()]})
        return
    click.echo(table(["代码", "窗口", "部门"], [[code, w["name"], w["department"]] for code, w in windows.items()]))


@click.group("staff")
def staff_group() -> None:
    """人员登记与轮换。"""


@staff_group.command("add")
@click.argument("staff_id", metavar="ID")
@click.argument("name")
@click.option("--window", "window", required=True, help="所在窗口代码")
@click.option("--from", "since", required=True, metavar="YYYY-MM-DD", help="到岗日期")
@JSON
@pass_session
def staff_add(session: Session, staff_id: str, name: str, window: str, since: str, as_json: bool) -> None:
    """登记人员 ID NAME 及其所在窗口。"""
    emit_id(session.ledger().add_staff(staff_id, name, window, since), as_json)


@staff_group.command("move")
@click.argument("staff_id", metavar="ID")
@click.option("--window", "window", required=True, help="新窗口代码")
@click.option("--from", "since", required=True, metavar="YYYY-MM-DD", help="轮换日期")
@JSON
@pass_session
def staff_move(session: Session, staff_id: str, window: str, since: str, as_json: bool) -> None:
    """人员轮换到另一个窗口。"""
    emit_id(session.ledger().move_staff(staff_id, window, since), as_json)


@staff_group.command("list")
@JSON
@pass_session
def staff_list(session: Session, as_json: bool) -> None:
    """列出已登记的人员及其窗口。"""
    people = session.reading().registry().people
    if as_json:
        emit_json({"staff": [
            {"id": pid, "name": p["name"],
             "assignments": [{"window": a["window"], "from": a["since"]} for a in p["assignments"]]}
            for pid, p in people.items()
        ]})
        return
    rows = [[pid, p["name"], " → ".join(f"{a['window']}（{a['since']}起）" for a in p["assignments"])]
            for pid, p in people.items()]
    click.echo(table(["编号", "姓名", "所在窗口"], rows))


@click.group("rules")
def rules_group() -> None:
    """考评规则目录。"""


@rules_group.command("show")
@click.option("--rules", "rules_id", default=None, help="规则版本（默认：账本采用的版本，无账本时为 changxing-2008）")
@JSON
@pass_session
def rules_show(session: Session, rules_id: str | None, as_json: bool) -> None:
    """打印考评规则目录，供督查科与原文逐条核对。"""
    if rules_id is None:
        try:
            rules_id = session.ledger().center().rules
        except KaopingError:  # no ledger yet: show the default catalogue
            rules_id = rules.DEFAULT_RULES
    cat = rules.load(rules_id)
    if as_json:
        emit_json({"sha256": cat.sha256, **cat.raw})
        return
    click.echo(render_catalogue(cat))


def render_catalogue(cat: rules.Catalogue) -> str:
    """The catalogue as Chinese text, table by table, in the order of the original."""
    out = [f"{cat.title}（{cat.id} 第{cat.revision}版，自 {cat.effective} 起施行）", f"sha256 {cat.sha256}", ""]
    out.append("附表一 “红旗窗口”考评标准（100分）")
    for c in cat.window_categories:
        out.append(f"  {c.code} {c.name}  {c.points}分  每违反一项扣{c.per_violation}分")
        out.extend(f"    {i.code} {i.text}".replace("\n", "\n         ") for i in c.items)
        if c.note:
            out.append(f"    备注：{c.note}")
    out += ["", "附表二 “红旗窗口”考评加分标准（不设上限）"]
    for b in cat.window_bonus_items:
        out.append(f"  {b['code']} {b['text']}（{b['scoring']}）")
    out += ["", "附表三 窗口服务明星考评标准（90分 + 创新创优最多10分）"]
    for c in cat.staff_categories:
        out.append(f"  {c.code} {c.name}  {c.points}分  每违反一项扣{c.per_violation}分  {c.motto}")
        out.extend(f"    {i.code} {i.text}" for i in c.items)
    sb = cat.staff_bonus
    out.append(f"  {sb.code} {sb.name}  加分，最高{cat.staff_bonus_cap}分  {sb.motto}")
    out.extend(f"    {i.code} {i.text}" for i in sb.items)
    out += ["", "加分类型"]
    for bk in cat.bonus_kinds:
        staff = f"{bk.staff_item} {_points(cat, bk.staff_points)}" if bk.staff_item else "不适用"
        out.append(f"  {bk.kind:<12} {bk.name}  窗口 {bk.window_item} {_points(cat, bk.window_points)}  人员 {staff}")
    out += ["", "人员条目与窗口条目的对应（D8）：" + " · ".join(f"{s}→{w}" for s, w in cat.counterparts.items())]
    out += ["", "取消评比资格"]
    for d in cat.disqualifications:
        person = "、".join(cat.scopes[s] for s in d.person_scopes) or "—"
        window = "、".join(cat.scopes[s] for s in d.window_scopes) or "—"
        out.append(f"  {d.kind:<12} {d.name}；条目 {' '.join(d.items)}；人员：{person}；窗口：{window}")
    st = cat.stars
    red = "；".join(f"应扣分≥{r.at_least} 减{r.minus}星" for r in cat.reductions)
    out += [
        "",
        f"星级：五星 {st['five']}、四星 {st['four']}、未入围 {st['default']}；{red}；"
        f"取消资格 {st['disqualified']}星；最低 {st['minimum']}星",
        "奖励：" + "，".join(f"{k}星 {v}元" for k, v in sorted(cat.rewards_yuan.items(), reverse=True)),
        f"入围名单默认：窗口 {cat.shortlist_windows} 个，人员 {cat.shortlist_staff} 名",
        "来源：" + "，".join(f"{k} {v}" for k, v in cat.sources.items()),
        "投诉渠道：" + "，".join(f"{k} {v}" for k, v in cat.channels.items()),
    ]
    return "\n".join(out)


def register(cli: click.Group) -> None:
    """Attach the registry commands to the top-level group."""
    for cmd in (init_cmd, window_group, staff_group, rules_group):
        cli.add_command(cmd)


def _points(cat: rules.Catalogue, points: int | dict[str, int] | None) -> str:
    """A bonus kind's points in Chinese: one figure, or one per level (本中心1分、县级2分…) or place (第1名3分…)."""
    if isinstance(points, dict):
        return "、".join(f"{cat.levels.get(k) or (f'第{k}名' if str(k).isdigit() else k)}{v}分"
                        for k, v in points.items())
    return f"{points}分" if points is not None else "—"

