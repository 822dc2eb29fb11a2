"""Explanations for people who dispute a result: every counted fact, cap, threshold and decision. Pure.

Builds JSON-able documents from derived results (and the quarter's fact state, for what did not count)
and renders them as readable Chinese lines.
"""

from __future__ import annotations

from typing import Any

from ledger.calendar import quarter_label
from ledger.catalogue import Catalogue
from ledger.quarter_status import STATUS_NAMES
from projections.fold.entries import display_id
from projections.fold.state import QuarterState
from projections.scoring.results import (
    BonusLine,
    CategoryScore,
    Disqualification,
    QuarterResult,
    StaffResult,
    WindowResult,
)
from projections.scoring.role_text import role_note
from projections.scoring.steps import quarter_steps, render_steps


def source_name(cat: Catalogue, code: str) -> str:
    """Chinese name of an inspection sheet or a complaint channel."""
    return cat.sources.get(code) or cat.channels.get(code) or code


def _category(cat: Catalogue, c: CategoryScore) -> dict[str, Any]:
    return {
        "code": c.code, "name": c.name, "points": c.points, "per_violation": c.per_violation,
        "raw": c.raw, "deducted": c.deducted, "score": c.score, "capped": c.raw > c.points,
        "facts": [
            {
                "id": o.fact_id, "origin": o.origin, "position": o.position, "recorded_at": o.recorded_at,
                "date": o.date, "source": o.source, "source_name": source_name(cat, o.source),
                "recorder": o.actor, "item": o.item, "counted_item": o.counted_item, "staff": o.staff,
                "window": o.window, "dq": o.dq, "dq_name": cat.disqualification(o.dq).name if o.dq else None,
                "points": -o.points, "amendment": o.amendment,
            }
            for o in c.occurrences
        ],
    }


def _bonus_line(cat: Catalogue, b: BonusLine) -> dict[str, Any]:
    return {
        "id": b.fact_id, "position": b.position, "claimed_at": b.claimed_at, "date": b.date, "kind": b.kind,
        "kind_name": cat.bonus_kind(b.kind).name, "item": b.item, "level": b.level,
        "level_name": cat.levels.get(b.level, "") if b.level else "", "place": b.place, "ref": b.ref,
        "holder": b.holder, "recorder": b.actor, "verifier": b.verifier, "points": b.points, "note": b.note,
        "amendment": b.amendment,
    }


def disqualification_doc(cat: Catalogue, d: Disqualification) -> dict[str, Any]:
    """A disqualification as the audit contract names it, with Chinese names beside the codes."""
    dk = cat.disqualification(d.kind)
    return {
        "subject": d.subject, "subject_type": d.subject_type, "name": d.name, "kind": d.kind,
        "kind_name": dk.name, "scopes": list(d.scopes), "scope_names": [cat.scopes[s] for s in d.scopes],
        "quarter": d.quarter, "year": d.year, "caused_by": list(d.caused_by), "positions": list(d.positions),
    }


def _not_counted(q: QuarterState | None, as_of: int | None, window: str | None, staff: str | None
                 ) -> list[dict[str, Any]]:
    """Facts about the subject that do not count: retracted, pending, rejected or dismissed."""
    if q is None:
        return []
    upto = (lambda p: True) if as_of is None else (lambda p: p <= as_of)

    def mine(w: str, s: str | None) -> bool:
        return (s == staff) if staff is not None else (w == window and s is None)

    out: list[dict[str, Any]] = []
    for fid, f in q.findings.items():
        x = q.retractions.get(fid)
        if upto(f["p"]) and mine(f["w"], f["s"]) and x is not None and upto(x["p"]):
            out.append({"id": display_id(fid), "type": "finding", "position": f["p"], "date": f["d"],
                        "item": f["item"], "status": "retracted", "by": x["a"], "at": x["p"], "reason": x["reason"]})
    for fid, c in q.claims.items():
        if upto(c["p"]) and mine(c["w"], c["s"]):
            ok = q.claim_outcomes.get(fid)
            ok = ok if ok is not None and upto(ok["p"]) else None
            if ok is None or ok["st"] != "verified":
                out.append({"id": display_id(fid), "type": "claim", "position": c["p"], "date": c["d"],
                            "item": c["kind"], "status": ok["st"] if ok else "pending", "by": ok["a"] if ok else None,
                            "at": ok["p"] if ok else None, "reason": ok["reason"] if ok else ""})
    for fid, m in q.complaints.items():
        if upto(m["p"]) and mine(m["w"], m["s"]):
            done = q.complaint_outcomes.get(fid)
            done = done if done is not None and upto(done["p"]) else None
            if done is None or done["st"] != "verified":
                out.append({"id": display_id(fid), "type": "complaint", "position": m["p"], "date": m["d"],
                            "item": m["ch"], "status": done["st"] if done else "pending",
                            "by": done["a"] if done else None, "at": done["p"] if done else None,
                            "reason": done["reason"] if done else m["text"]})
    out.sort(key=lambda x: x["position"])
    return out


def explain_window(cat: Catalogue, res: QuarterResult, w: WindowResult, q: QuarterState | None,
                   as_of: int | None) -> dict[str, Any]:
    """Everything behind one window's quarter."""
    return {
        "quarter": res.quarter, "position": res.position, "status": res.status, "rules": res.rules,
        "subject": {"type": "window", "code": w.code, "name": w.name, "department": w.department,
                    "left": w.left},
        "categories": [_category(cat, c) for c in w.categories],
        "table_score": sum(c.score for c in w.categories),
        "deductions": w.deductions,
        "bonus": {"lines": [_bonus_line(cat, b) for b in w.bonus_lines], "cap": None, "points": w.bonus},
        "score": w.score, "rank": w.rank, "of": len(res.windows), "eligible": w.eligible,
        "disqualifications": [disqualification_doc(cat, d) for d in w.disqualifications],
        **quarter_steps(cat, res, q, as_of, w.code, None),
        "shortlisted": w.shortlisted, "picked": w.picked, "red_flag": w.red_flag, "voided": w.voided,
        "not_counted": _not_counted(q, as_of, w.code, None),
    }


def explain_staff(cat: Catalogue, res: QuarterResult, p: StaffResult, q: QuarterState | None,
                  as_of: int | None) -> dict[str, Any]:
    """Everything behind one person's quarter, down to the final star."""
    return {
        "quarter": res.quarter, "position": res.position, "status": res.status, "rules": res.rules,
        "subject": {"type": "staff", "id": p.id, "name": p.name, "window": p.window, "window_name": p.window_name,
                    "left": p.left},
        "categories": [_category(cat, c) for c in p.categories],
        "table_score": sum(c.score for c in p.categories),
        "deductions": p.deductions,
        "bonus": {"lines": [_bonus_line(cat, b) for b in p.bonus_lines], "raw": p.bonus_raw, "cap": p.bonus_cap,
                  "points": p.bonus},
        "score": p.score, "rank": p.rank, "of": len(res.staff), "eligible": p.eligible,
        "disqualifications": [disqualification_doc(cat, d) for d in p.disqualifications],
        **quarter_steps(cat, res, q, as_of, None, p.id),
        "shortlisted": p.shortlisted, "decided_stars": p.decided_stars, "voided": p.voided,
        "stars": {"base": p.base_stars, "minus": p.minus, "reduction": p.reduction, "final": p.stars,
                  "reward_yuan": p.reward_yuan,
                  "thresholds": [{"at_least": r.at_least, "minus": r.minus} for r in cat.reductions]},
        "not_counted": _not_counted(q, as_of, None, p.id),
    }


# --- Chinese rendering ------------------------------------------------------------------------


def _fact_line(f: dict[str, Any]) -> str:
    via = f"（对应 {f['item']}）" if f["counted_item"] != f["item"] else ""
    who = f" 人员 {f['staff']}" if f.get("staff") and f["counted_item"] != f["item"] else ""
    kind = "投诉经查实" if f["origin"] == "complaint" else "检查记录"
    role = role_note(f, "recorder")
    who_recorded = f"核实人 {f['recorder']}{role}（投诉登记于位置{f['recorded_at']}）" if f["origin"] == "complaint" \
        else f"记录人 {f['recorder']}{role}"
    late = "【公布后补录】" if f["amendment"] else ""
    dq = f" 认定取消资格：{f['dq_name']}" if f["dq"] else ""
    pts = f"{f['points']}分" if f["points"] else "0分（本类已扣完）"
    note = f"（{f['note']}）" if f.get("note") else ""
    files = f" 证据 {'、'.join(f['evidence'])}" if f.get("evidence") else ""
    return (f"    {late}位置{f['position']} {f['date']} {f['counted_item']}{via}{who} {kind}·{f['source_name']}{note} "
            f"{who_recorded} {pts}{dq}{files}  编号 {f['id']}")


def render_explain(cat: Catalogue, doc: dict[str, Any]) -> str:
    """The explanation as Chinese text for the person who disputes it."""
    s = doc["subject"]
    staff = s["type"] == "staff"
    lines: list[str] = []
    head = (f"服务明星考评 {s['id']} {s['name']}（季末所在窗口 {s['window']} {s['window_name']}）" if staff
            else f"红旗窗口考评 {s['code']} {s['name']}")
    rules = f" · 考评规则 {doc['rules']['id']}@{doc['rules']['revision']}" if doc.get("rules") else ""
    lines.append(f"{head} · {quarter_label(doc['quarter'])} · 截至账本位置 {doc['position']} · "
                 f"{STATUS_NAMES[doc['status']]}{rules}")
    if s.get("left") and staff:
        lines.append(f"{s['left']} 起已离开中心（所列窗口为其最后工作日所在窗口）：本季度照常计分排名，"
                     "但不能入围，不授星、不发奖励")
    elif s.get("left"):
        lines.append(f"窗口 {s['left']} 起已撤出中心：本季度照常计分排名，但不能入围，不能评为红旗窗口")
    lines.append("")
    lines.append("一、考评标准扣分（每违反一项按类别扣分，扣完该类分值为止）")
    for c in doc["categories"]:
        lines.append(f"  {c['code']} {c['name']}：{c['points']}分，每项扣{c['per_violation']}分")
        for f in c["facts"]:
            lines.append(_fact_line(f))
        cap = f"，按类别分值封顶实扣 {c['deducted']} 分" if c["capped"] else ""
        lines.append(f"    小计：违反 {len(c['facts'])} 项，应扣 {c['raw']} 分{cap}，得 {c['score']} 分")
    total = sum(c["points"] for c in doc["categories"])
    lines.append(f"  标准得分：{doc['table_score']} / {total}")
    lines.append(f"  应扣分（各类未封顶合计）：{doc['deductions']} 分")
    lines.append("")
    b = doc["bonus"]
    if staff:
        lines.append(f"二、创新创优 S5（加分须经督查科核实，最高不超过 {b['cap']} 分）")
    else:
        lines.append("二、红旗窗口加分（须经督查科核实，不设上限；工作人员的成果同时计入所在窗口）")
    if not b["lines"]:
        lines.append("    无已核实的加分")
    for x in b["lines"]:
        detail = "".join([
            f" {x['level_name']}" if x["level_name"] else "",
            f" 第{x['place']}名" if x["place"] else "",
            f" 《{x['ref']}》" if x["ref"] else "",
            f" 获得者 {x['holder']}" if x["holder"] and not staff else "",
        ])
        note = f"（{x['note']}）" if x["note"] else ""
        note += f" 证明材料 {'、'.join(x['evidence'])}" if x.get("evidence") else ""
        late = "【公布后补录】" if x["amendment"] else ""
        lines.append(f"    {late}位置{x['position']} {x['date']} {x['item']} {x['kind_name']}{detail} "
                     f"+{x['points']}分{note} 申报人 {x['recorder']}{role_note(x, 'recorder')} "
                     f"核实人 {x['verifier']}{role_note(x, 'verifier')}  编号 {x['id']}")
    if staff:
        capped = f"，超过上限按 {b['cap']} 分计" if b["raw"] > b["cap"] else ""
        lines.append(f"    合计 {b['raw']} 分{capped}，计入 {b['points']} 分")
    else:
        lines.append(f"    合计加分 {b['points']} 分")
    lines.append("")
    lines.append(f"三、总分 {doc['score']} 分，在 {doc['of']} 个{'人员' if staff else '窗口'}中排名第 {doc['rank']}")
    if "ratings" in doc:  # 好差评 (D31): shown, never scored
        rate = doc["satisfaction"]
        lines.append(f"    好差评满意率：{rate * 100:.2f}%（评价 {doc['ratings']} 条），不计分" if rate is not None
                     else "    好差评满意率：本季度没有评价")
    lines.append("")
    lines.append("四、取消评比资格")
    if not doc["disqualifications"]:
        lines.append("    无")
    for d in doc["disqualifications"]:
        lines.append(f"    {d['kind_name']}（{d['kind']}）：取消{'、'.join(d['scope_names'])}评比资格；"
                     f"依据 {'、'.join(d['caused_by'])}（位置 {'、'.join(map(str, d['positions']))}）")
    lines.append("")
    lines.append("五、入围名单与党组决定")
    lines.extend(render_steps(doc, staff))
    if doc["voided"]:
        lines.append("    该决定因取消评比资格而作废")
    pub = doc["published"]
    if pub is not None:
        lines.append(f"    位置{pub['position']} 公布结果（截至位置 {pub['results_position']}，"
                     f"摘要 {pub['digest'][:16]}…）")
    lines.append("")
    if staff:
        st = doc["stars"]
        lines.append("六、星级")
        base_why = "党组决定" if doc["decided_stars"] in (4, 5) else "未入围或未评定，授三星"
        lines.append(f"    基础星级：{st['base']} 星（{base_why}）")
        if st["reduction"] == "left":
            lines.append(f"    季度结束前已离开中心（{s['left']} 起）：不授星")
        elif st["reduction"] == "disqualified":
            voided = "，党组决定作废" if doc["voided"] else ""
            lines.append(f"    被取消服务明星资格{voided}：按三星减二颗星，最终 {st['final']} 星")
        elif st["reduction"]:
            at = int(st["reduction"].split("_")[-1])
            lines.append(f"    应扣分 {doc['deductions']} ≥ {at}（含本数）：减 {st['minus']} 颗星")
        else:
            low = min(t["at_least"] for t in st["thresholds"])
            lines.append(f"    应扣分 {doc['deductions']} < {low}：不减星")
        final = "不授星" if st["final"] is None else f"{st['final']} 星"
        lines.append(f"    最终星级：{final}；奖励 {st['reward_yuan']} 元")
    else:
        lines.append(f"六、红旗窗口：{'是' if doc['red_flag'] else '否'}")
    if doc["not_counted"]:
        lines.append("")
        lines.append("七、未计分的记录")
        names = {"retracted": "已撤回", "pending": "待核实", "rejected": "已驳回", "dismissed": "不成立"}
        kinds = {"finding": "检查记录", "claim": "加分申报", "complaint": "投诉"}
        for x in doc["not_counted"]:
            why = f"，{x['reason']}" if x["reason"] else ""
            by = f"（{x['by']}{role_note(x, 'by')}，位置{x['at']}）" if x["by"] else ""
            lines.append(f"    位置{x['position']} {x['date']} {kinds[x['type']]} {x['item']} {names[x['status']]}"
                         f"{by}{why}  编号 {x['id']}")
    return "\n".join(lines)
