"""`kaoping rules`: the rules revisions a center adopts (D36) and how each reads."""

from __future__ import annotations

from typing import Any

import click

from cli.main import Session, pass_session
from cli.render import emit_json, table
from ledger import catalogue as rules
from ledger import revisions
from ledger.calendar import quarter_label, quarter_of
from ledger.commands.rules import adopt_rules
from ledger.errors import KaopingError
from ledger.revisions import RulesInForce
from ledger.runtime.zone import center_today

JSON = click.option("--json", "as_json", is_flag=True, help="输出 JSON")


@click.group("rules")
def rules_group() -> None:
    """考评规则：各版次的规则目录，以及本中心自哪个季度起采用哪一版。"""


@rules_group.command("adopt")
@click.argument("spec", metavar="NAME@REV")
@click.option("--from", "quarter", required=True, metavar="QUARTER", help="自该季度起施行，如 2009Q1")
@JSON
@pass_session
def rules_adopt(session: Session, spec: str, quarter: str, as_json: bool) -> None:
    """自 QUARTER 起采用规则版本 NAME@REV（如 changxing-2008@2）；已确定入围名单的季度不受影响，也不能再改。
    """
    ledger = session.ledger()
    name = adopt_rules(ledger, spec, quarter)
    first = quarter.strip().upper()
    if as_json:
        emit_json({"rules": name, "from": first})
        return
    click.echo(f"自{quarter_label(first)}起采用规则版本 {name}")


@rules_group.command("show")
@click.argument("spec", required=False, metavar="[NAME@REV]")
@click.option("--rules", "rules_id", default=None, hidden=True, help="同 NAME@REV（旧写法）")
@JSON
@pass_session
def rules_show(session: Session, spec: str | None, rules_id: str | None, as_json: bool) -> None:
    """打印规则版本 NAME@REV 的规则目录（默认：本账本当前施行的版本），供督查科与原文逐条核对；
    有账本时还列出本中心采用各版本的记录。
    """
    in_force = _in_force(session)
    adoptions = _adoptions(in_force)
    wanted = spec or rules_id
    if wanted is not None:
        cat = revisions.resolve(wanted)
    elif in_force is not None:  # the revision this quarter is scored under
        now = in_force.adoption_for(quarter_of(center_today()))
        cat = revisions.load_revision(now.rules, now.revision)
    else:  # no ledger yet: the default rules' latest revision
        cat = revisions.resolve(rules.DEFAULT_RULES)
    if as_json:
        emit_json({"sha256": cat.sha256, **cat.raw, "procedure_in_force": _procedure(cat),
                   "adoptions": adoptions, "available": [revisions.spec(n, r) for n, r in revisions.available()]})
        return
    out = [render_catalogue(cat), "", render_procedure(cat)]
    if adoptions:
        out += ["", "本中心采用的规则版本",
                table(["版本", "施行起始", "账本位置"],
                      [[revisions.spec(a["rules"], a["revision"]),
                        quarter_label(a["from"]) if a["from"] else "初始化时采用", a["position"]] for a in adoptions])]
    click.echo("\n".join(out))


def _in_force(session: Session) -> RulesInForce | None:
    """The center's adoptions, None without an initialised ledger."""
    try:
        return session.reading().rules_in_force()
    except KaopingError:  # no ledger, or not initialised
        return None


def _adoptions(in_force: RulesInForce | None) -> list[dict[str, Any]]:
    """The center's adoptions in ledger order, as shown and as JSON."""
    if in_force is None:
        return []
    return [{"rules": a.rules, "revision": a.revision, "sha256": a.sha256, "from": a.quarter,
             "position": in_force.position_of(a.nid)} for a in in_force.adoptions]


def _procedure(cat: rules.Catalogue) -> dict[str, Any]:
    """The procedure data the revision uses (its own, or revision 2's defaults for one without, D36)."""
    p = cat.procedure
    return {"announce_working_days": p.announce_working_days, "appeal_late_working_days": p.appeal_late_working_days,
            "rectify_working_days": p.rectify_working_days,
            "rating_levels": [lv._asdict() for lv in p.rating_levels], "rating_channels": p.rating_channels,
            "rating_counts_as": p.rating_counts_as, "rating_channel": p.rating_channel,
            "own": "procedure" in cat.raw}


def render_procedure(cat: rules.Catalogue) -> str:
    """The procedure data of D28–D31 as Chinese text, saying whether the revision carries it or takes the defaults."""
    p = cat.procedure
    whose = "本版规定" if "procedure" in cat.raw else "本版未规定，沿用第2版的默认值"
    levels = "、".join(f"{lv.value} {lv.name}{'（差评）' if lv.bad else ''}" for lv in p.rating_levels)
    return "\n".join([
        f"程序（{whose}）",
        f"  公示 {p.announce_working_days} 个工作日；整改 {p.rectify_working_days} 个工作日；"
        f"公示结束后补录的记录 {p.appeal_late_working_days} 个工作日内可申诉",
        f"  好差评等级：{levels}",
        "  评价渠道：" + "，".join(f"{k} {v}" for k, v in p.rating_channels.items()),
        f"  差评经查实：人员按 {p.rating_counts_as['staff']}、窗口按 {p.rating_counts_as['window']} 计",
    ])


def render_catalogue(cat: rules.Catalogue) -> str:
    """The catalogue as Chinese text, table by table, in the order of the original."""
    out = [f"{cat.title}（{revisions.spec(cat.id, cat.revision)}，自 {cat.effective} 起施行）", f"sha256 {cat.sha256}",
           ""]
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


def _points(cat: rules.Catalogue, points: int | dict[str, int] | None) -> str:
    """A bonus kind's points in Chinese: one figure, or one per level (本中心1分、县级2分…) or place (第1名3分…)."""
    if isinstance(points, dict):
        return "、".join(f"{cat.levels.get(k) or (f'第{k}名' if str(k).isdigit() else k)}{v}分"
                        for k, v in points.items())
    return f"{points}分" if points is not None else "—"


def register(cli: click.Group) -> None:
    """Attach the rules commands to the top-level group."""
    cli.add_command(rules_group)
