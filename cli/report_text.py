"""The quarter's report on the terminal: CJK-aligned Chinese tables, with 满意率, 公示, 申诉 and 复核 when present."""

from __future__ import annotations

from typing import Any

from cli.appeal_lines import appeal_text
from cli.render import table
from ledger.calendar import quarter_label
from ledger.quarter_status import STATUS_NAMES

FIELD_NAMES = {
    "score": "得分", "bonus": "加分", "deductions": "扣分", "rank": "排名", "shortlisted": "入围",
    "disqualified": "取消资格", "red_flag": "红旗窗口", "window": "窗口", "decided_stars": "党组决定",
    "stars": "星级", "reward_yuan": "奖励（元）",
}
SUBJECT_TYPES = {"window": "窗口", "staff": "人员"}


def _yes(v: bool) -> str:
    return "是" if v else ""


def _show(v: Any) -> str:
    if v is True:
        return "是"
    if v is False:
        return "否"
    return "—" if v is None else str(v)


def _rate(row: dict[str, Any]) -> str:
    """满意率 as a percentage, or — when the subject had no rating (D31)."""
    rate = row.get("satisfaction")
    return "—" if rate is None else f"{rate * 100:.2f}%"


def _voice(rows: list[dict[str, Any]], *, overdue: bool) -> tuple[list[str], list[Any], str]:
    """The 好差评 columns (满意率, 评价数) when the quarter has ratings, 逾期整改 when any is overdue (D30, D31)."""
    heads: list[str] = []
    cells: list[Any] = []
    if any(r.get("ratings") for r in rows):
        heads += ["满意率", "评价数"]
        cells += [_rate, lambda r: r["ratings"]]
    if overdue and any(r.get("overdue_rectifications") for r in rows):
        heads.append("逾期整改")
        cells.append(lambda r: r["overdue_rectifications"])
    return heads, cells, ">" * len(heads)


def render_report(doc: dict[str, Any]) -> str:
    """The report as CJK-aligned Chinese tables."""
    q = doc["quarter"]
    rules = f" · 考评规则 {doc['rules']['id']}@{doc['rules']['revision']}" if doc.get("rules") else ""
    out = [f"{quarter_label(q)}考评结果 · 截至账本位置 {doc['position']} · {STATUS_NAMES[doc['status']]}{rules}", "",
           "红旗窗口考评"]
    heads, cells, align = _voice(doc["windows"], overdue=True)
    out.append(table(
        ["排名", "代码", "窗口", "得分", "加分", "扣分", "入围", "取消资格", "红旗窗口", *heads],
        [[w["rank"], w["code"], w["name"], w["score"], w["bonus"], w["deductions"], _yes(w["shortlisted"]),
          _yes(w["disqualified"]), "★" if w["red_flag"] else "", *(c(w) for c in cells)] for w in doc["windows"]],
        align="><<>>><<<" + align,
    ))
    out += ["", "服务明星考评"]
    heads, cells, align = _voice(doc["staff"], overdue=False)
    out.append(table(
        ["排名", "编号", "姓名", "窗口", "得分", "加分", "应扣分", "入围", "取消资格", "党组决定", "星级",
         "奖励（元）", *heads],
        [[p["rank"], p["id"], p["name"], p["window"], p["score"], p["bonus"], p["deductions"],
          _yes(p["shortlisted"]), _yes(p["disqualified"]),
          "" if p["decided_stars"] is None else f"{p['decided_stars']}星",
          "—" if p["stars"] is None else f"{p['stars']}星", p["reward_yuan"], *(c(p) for c in cells)]
         for p in doc["staff"]],
        align="><<<>>><<<<>" + align,
    ))
    closed = [f"{w['code']} {w['name']}（{w['left']} 起撤出）" for w in doc["windows"] if w.get("left")]
    if closed:
        out.append("季度结束前撤出中心的窗口（列出但不入围）：" + "、".join(closed))
    gone = [f"{p['id']} {p['name']}（{p['left']} 起离开）" for p in doc["staff"] if p.get("left")]
    if gone:
        out.append("季度结束前离开中心的人员（列出但不入围、不授星）：" + "、".join(gone))
    out += review_lines(doc)
    out += published_lines(doc.get("published"))
    return "\n".join(out)


def review_lines(doc: dict[str, Any]) -> list[str]:
    """The 公示 in force, the quarter's appeals with their outcomes, and what 复核 changed (D28, D29)."""
    out: list[str] = []
    shown = doc.get("announced")
    if shown:
        tentative = "（暂定：该年度的节假日安排尚未加入工作日历）" if shown.get("provisional") else ""
        out += ["", f"公示：{shown['from']} 至 {shown['to']}，{shown['days']} 个工作日{tentative}"]
    appeals = doc.get("appeals") or []
    if appeals:
        out += ["", f"申诉与复核（{len(appeals)} 件）"]
        out += [appeal_text(a) for a in appeals]
    changed = (doc.get("before_review") or {}).get("differences") or []
    if changed:
        out += ["", "复核前后不同之处："]
        out.append(table(
            ["对象类型", "对象", "名称", "项目", "复核前", "复核后"],
            [[SUBJECT_TYPES.get(d["subject_type"], d["subject_type"]), d["subject"], d["name"],
              FIELD_NAMES.get(d["field"], d["field"]), _show(d["before"]), _show(d["after"])] for d in changed],
        ))
    return out


def published_lines(pub: dict[str, Any] | None) -> list[str]:
    """What publishing pinned, and how the current results differ from it."""
    if not pub:
        return []
    agrees = "，与账本重算一致" if pub["digest_matches"] else "，与账本重算不一致！"
    out = ["", f"已于账本位置 {pub['position']} 公布（所公布结果截至位置 {pub['results_position']}，"
               f"摘要 {pub['digest'][:16]}…{agrees}）"]
    for d in pub.get("amended_decisions", []):
        out.append(f"公布后党组于账本位置 {d['position']} 修正了决定（理由：{d['reason']}），以修正后的决定为准")
    if pub["differences"]:
        late = f"公布后有补录记录 {len(pub['amendments'])} 条，" if pub["amendments"] else ""
        out.append(f"{late}当前结果与公布结果不同之处：")
        out.append(table(
            ["对象", "名称", "项目", "公布时", "当前"],
            [[d["subject"], d["name"], FIELD_NAMES.get(d["field"], d["field"]), _show(d["published"]),
              _show(d["current"])] for d in pub["differences"]],
        ))
    elif pub["amendments"]:
        out.append(f"公布后有补录记录 {len(pub['amendments'])} 条，结果未因此改变")
    else:
        out.append("当前结果与公布结果一致")
    return out
