"""A quarter's steps as an explanation shows them: every shortlist and decision with its reason (D25), the one in
force, the meeting and its 会议纪要, and the publication. Pure."""

from __future__ import annotations

from typing import Any

from ledger.catalogue import Catalogue
from projections.fold.entries import DecisionEntry, ShortlistEntry
from projections.fold.state import QuarterState
from projections.scoring.results import QuarterResult
from projections.scoring.standings import recorded_by


def _minutes(d: DecisionEntry) -> str | None:
    """The 会议纪要's file name, when the decision named one."""
    return d["minutes"]["name"] if d["minutes"] else None


def _shortlist_doc(sl: ShortlistEntry) -> dict[str, Any]:
    return {"position": sl["p"], "recorder": sl["a"], "windows_n": sl["windows_n"], "staff_m": sl["staff_m"],
            "reason": sl["reason"]}


def _decision_doc(de: DecisionEntry) -> dict[str, Any]:
    return {"position": de["p"], "recorder": de["a"], "reason": de["reason"], "meeting": de["meeting"],
            "minutes": _minutes(de)}


def quarter_steps(cat: Catalogue, res: QuarterResult, q: QuarterState | None, as_of: int | None,
                  window: str | None, staff: str | None) -> dict[str, Any]:
    """The shortlist and decision in force, each with every record of it by `as_of` (the earlier ones replaced
    whole, each amendment with its reason) and what each gave this window or person; the publication."""
    sl, de, pub = res.shortlist, res.decision, res.published
    shortlists = recorded_by(q.shortlists, as_of) if q is not None else []
    decisions = recorded_by(q.decisions, as_of) if q is not None else []
    stars = cat.stars

    def given(d: DecisionEntry) -> dict[str, Any]:
        if staff is None:
            return {"picked": window in d["red_flag"]}
        named = stars["five"] if staff in d["five"] else stars["four"] if staff in d["four"] else None
        return {"picked": named is not None, "decided_stars": named if named is not None else stars["default"]}

    return {
        "shortlist": None if sl is None else {**_shortlist_doc(sl), "amended": len(shortlists) > 1},
        "decision": None if de is None else {**_decision_doc(de), "amended": len(decisions) > 1},
        "published": None if pub is None else {"position": pub["p"], "results_position": pub["position"],
                                               "digest": pub["digest"], "digest_version": pub["version"],
                                               "recorder": pub["a"]},
        "shortlists": [{**_shortlist_doc(x), "in_force": sl is not None and x["p"] == sl["p"],
                        "shortlisted": (window in x["windows"]) if staff is None else (staff in x["staff"])}
                       for x in shortlists],
        "decisions": [{**_decision_doc(x), "in_force": de is not None and x["p"] == de["p"], **given(x)}
                      for x in decisions],
    }


def render_steps(doc: dict[str, Any], staff: bool) -> list[str]:
    """Section 五 of the explanation: each shortlist and decision in ledger order, amendments with their reasons."""
    lines: list[str] = []
    shortlists = doc.get("shortlists") or ([doc["shortlist"]] if doc["shortlist"] else [])
    if not shortlists:
        lines.append("    入围名单尚未确定")
    for n, sl in enumerate(shortlists):
        count = sl["staff_m"] if staff else sl["windows_n"]
        verb = f"重新确定入围名单（理由：{sl['reason']}）" if n else "确定入围名单"
        mine = sl.get("shortlisted", doc["shortlisted"] if n == len(shortlists) - 1 else None)
        where = "" if mine is None else f"：{'入围' if mine else '未入围'}"
        replaced = "" if n == len(shortlists) - 1 else "（已被取代）"
        lines.append(f"    位置{sl['position']} {sl['recorder']} {verb}（前 {count} 名，并列者同时入围）"
                     f"{where}{replaced}")
    decisions = doc.get("decisions") or ([doc["decision"]] if doc["decision"] else [])
    if not decisions:
        lines.append("    党组尚未决定")
    for n, de in enumerate(decisions):
        last = n == len(decisions) - 1
        verb = f"记录党组修正决定（理由：{de['reason']}）" if n else "记录党组决定"
        meeting = f"，党组会议 {de['meeting']}" if de.get("meeting") else ""
        minutes = f"，会议纪要 {de['minutes']}" if de.get("minutes") else ""
        if staff:
            stars = de.get("decided_stars", doc["decided_stars"] if last else None)
            named = {5: "五星级服务明星", 4: "四星级服务明星"}.get(stars, "未评定（授三星）") if stars else ""
        else:
            picked = de.get("picked", doc["picked"] if last else None)
            named = "" if picked is None else "确定为红旗窗口" if picked else "未确定为红旗窗口"
        replaced = "" if last else "（已被修正决定取代）"
        pub = doc.get("published")
        late = "（公布后的修正，作为更正）" if n and pub and de["position"] > pub["position"] else ""
        lines.append(f"    位置{de['position']} {de['recorder']} {verb}{meeting}{minutes}：{named}{replaced}{late}")
    return lines
