"""The results workbook of a publication (附表一/二/三 score sheets in the paper's layout, the rankings) and the
奖励发放表 the finance office pays from. Values come from the published report and the quarter's derived result."""

from __future__ import annotations

from typing import Any

from cli.files import answers
from cli.files.document import Document, Table, table
from ledger.calendar import quarter_label
from projections.scoring.results import QuarterResult


def _category_columns(categories: Any) -> list[tuple[str, str]]:
    return [(c.code, f"{c.code} {c.name}（{c.points}分）") for c in categories]


def window_sheet(res: QuarterResult) -> Table:
    """附表一 红旗窗口考评: each window's score in every category of the paper's table, then bonus and total."""
    cats = _category_columns(res.windows[0].categories) if res.windows else []
    rows = [{"rank": w.rank, "code": w.code, "name": w.name, **{c.code: c.score for c in w.categories},
             "table_score": sum(c.score for c in w.categories), "deductions": w.deductions, "bonus": w.bonus,
             "score": w.score, "shortlisted": w.shortlisted, "disqualified": w.disqualified, "red_flag": w.red_flag}
            for w in res.windows]
    return table("附表一 红旗窗口考评", [("rank", "排名"), ("code", "窗口代码"), ("name", "窗口名称"), *cats,
                                     ("table_score", "标准得分"), ("deductions", "扣分"), ("bonus", "加分（附表二）"),
                                     ("score", "总分"), ("shortlisted", "入围"), ("disqualified", "取消资格"),
                                     ("red_flag", "红旗窗口")], rows)


def window_bonus_sheet(res: QuarterResult) -> Table:
    """附表二 红旗窗口加分: every verified bonus that counts for a window."""
    rows = [{"code": w.code, "name": w.name, "item": b.item, "kind": b.kind, "level": b.level, "place": b.place,
             "ref": b.ref, "holder": b.holder, "date": b.date, "points": b.points, "id": b.fact_id}
            for w in res.windows for b in w.bonus_lines]
    return table("附表二 红旗窗口加分", [("code", "窗口代码"), ("name", "窗口名称"), ("item", "条目"), ("kind", "类型"),
                                     ("level", "级别"), ("place", "名次"), ("ref", "名称"), ("holder", "获得者"),
                                     ("date", "日期"), ("points", "加分"), ("id", "编号")], rows)


def staff_sheet(res: QuarterResult) -> Table:
    """附表三 窗口服务明星考评: each person's score in S1–S4, the S5 bonus (capped), total, stars and reward."""
    cats = _category_columns(res.staff[0].categories) if res.staff else []
    cap = res.staff[0].bonus_cap if res.staff else 0
    rows = [{"rank": p.rank, "id": p.id, "name": p.name, "window": p.window, "window_name": p.window_name,
             **{c.code: c.score for c in p.categories}, "table_score": sum(c.score for c in p.categories),
             "deductions": p.deductions, "bonus": p.bonus, "score": p.score, "shortlisted": p.shortlisted,
             "disqualified": p.disqualified, "decided_stars": p.decided_stars, "stars": p.stars,
             "reward_yuan": p.reward_yuan}
            for p in res.staff]
    return table("附表三 服务明星考评", [("rank", "排名"), ("id", "编号"), ("name", "姓名"),
                                     ("window", "窗口代码"),
                                     ("window_name", "窗口名称"), *cats, ("table_score", "标准得分"),
                                     ("deductions", "应扣分"), ("bonus", f"S5 创新创优（最高{cap}分）"),
                                     ("score", "总分"), ("shortlisted", "入围"), ("disqualified", "取消资格"),
                                     ("decided_stars", "党组决定星级"), ("stars", "星级"),
                                     ("reward_yuan", "奖励（元）")], rows)


def results(doc: dict[str, Any], res: QuarterResult, lines: tuple[str, ...]) -> Document:
    """The results workbook: 附表一/二/三 and the two rankings of the published report."""
    ranked = answers.report(doc).tables[:2]
    return Document(f"{quarter_label(doc['quarter'])}红旗窗口、服务明星考评结果", lines, (
        window_sheet(res), window_bonus_sheet(res), staff_sheet(res),
        Table("红旗窗口排名", ranked[0].columns, ranked[0].rows),
        Table("服务明星排名", ranked[1].columns, ranked[1].rows),
    ))


REWARD_COLUMNS = (("seq", "序号"), ("id", "编号"), ("name", "姓名"), ("window", "窗口代码"), ("window_name", "窗口"),
                  ("stars", "星级"), ("reward_yuan", "奖励（元）"), ("signature", "领取人签字"))


def rewards(doc: dict[str, Any], lines: tuple[str, ...]) -> Document:
    """奖励发放表: everyone with a reward (by stars, then rank), and the total."""
    names = {w["code"]: w["name"] for w in doc["windows"]}
    paid = sorted((p for p in doc["staff"] if p["reward_yuan"]), key=lambda p: (-(p["stars"] or 0), p["rank"]))
    rows: list[dict[str, Any]] = [
        {"seq": n, "id": p["id"], "name": p["name"], "window": p["window"], "window_name": names.get(p["window"]),
         "stars": p["stars"], "reward_yuan": p["reward_yuan"], "signature": ""}
        for n, p in enumerate(paid, start=1)
    ]
    rows.append({"seq": "合计", "name": f"{len(paid)}人", "reward_yuan": sum(p["reward_yuan"] for p in paid),
                 "signature": ""})
    return Document(f"{quarter_label(doc['quarter'])}服务明星奖励发放表", lines,
                    (table("奖励发放表", REWARD_COLUMNS, rows),))
