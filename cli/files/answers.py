"""The documents of the questions: each command's `--json` document as titled tables, every value kept.

One builder per command (report, explain, audit disqualifications, year, log); every format writer renders what
they build, so a CSV, a workbook, a page and a PDF of one answer hold the same cells.
"""

from __future__ import annotations

from typing import Any

from cli.appeal_lines import outcome_name
from cli.files.document import Document, Table, pairs, table
from ledger.appeal_names import ORIGIN_NAMES
from ledger.calendar import quarter_label
from ledger.quarter_status import STATUS_NAMES

WINDOW_COLUMNS = (("rank", "排名"), ("code", "代码"), ("name", "窗口"), ("score", "得分"), ("bonus", "加分"),
                  ("deductions", "扣分"), ("shortlisted", "入围"), ("disqualified", "取消资格"),
                  ("red_flag", "红旗窗口"), ("left", "撤出日期"), ("satisfaction", "满意率"), ("ratings", "评价数"),
                  ("overdue_rectifications", "逾期整改"))
STAFF_COLUMNS = (("rank", "排名"), ("id", "编号"), ("name", "姓名"), ("window", "窗口"), ("score", "得分"),
                 ("bonus", "加分"), ("deductions", "应扣分"), ("shortlisted", "入围"), ("disqualified", "取消资格"),
                 ("decided_stars", "党组决定星级"), ("stars", "星级"), ("reward_yuan", "奖励（元）"),
                 ("left", "离开日期"), ("satisfaction", "满意率"), ("ratings", "评价数"))
DIFFERENCE_COLUMNS = (("subject_type", "对象类型"), ("subject", "对象"), ("name", "名称"), ("field", "项目"),
                      ("published", "公布时"), ("current", "当前"))
REVIEW_COLUMNS = (("subject_type", "对象类型"), ("subject", "对象"), ("name", "名称"), ("field", "项目"),
                  ("before", "复核前"), ("after", "复核后"))


OPTIONAL = frozenset({"satisfaction", "ratings", "overdue_rectifications", "left"})
"""Report keys of later releases: a column only when the rows carry them."""


APPEAL_COLUMNS = (("id", "申诉编号"), ("date", "申诉日期"), ("by", "申诉人"), ("origin_name", "申诉针对"),
                  ("against", "记录编号"), ("window", "窗口"), ("staff", "人员"), ("text", "申诉理由"),
                  ("outcome_name", "复核结果"), ("reason", "复核理由"), ("decided_by", "复核人"),
                  ("position", "申诉位置"), ("decided_at", "复核位置"))


def appeals_table(appeals: list[dict[str, Any]]) -> Table:
    """The appeals of a quarter or a subject with their outcomes (D29)."""
    return table("申诉与复核", APPEAL_COLUMNS, [{**a, "origin_name": ORIGIN_NAMES.get(a["origin"], a["origin"]),
                                               "outcome_name": outcome_name(a)} for a in appeals])


def _present(columns: tuple[tuple[str, str], ...], rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The named columns, less the optional ones the rows do not carry."""
    return [(k, h) for k, h in columns if k not in OPTIONAL or any(k in r for r in rows)]


def report(doc: dict[str, Any]) -> Document:
    """`report --json` as tables: windows, staff, and what publishing pinned."""
    q = doc["quarter"]
    lines = [f"截至账本位置 {doc['position']} · {STATUS_NAMES.get(doc['status'], doc['status'])}"]
    tables = [
        table("红旗窗口考评", _present(WINDOW_COLUMNS, doc["windows"]), doc["windows"]),
        table("服务明星考评", _present(STAFF_COLUMNS, doc["staff"]), doc["staff"]),
    ]
    pub = doc.get("published")
    if pub:
        tables.append(pairs("公布情况", [
            ("公布于账本位置", pub["position"]), ("所公布结果截至位置", pub["results_position"]),
            ("摘要（sha256）", pub["digest"]), ("摘要与账本重算一致", pub["digest_matches"]),
            ("公布后补录记录", pub["amendments"]),
        ]))
        tables.append(table("与公布结果不同之处", DIFFERENCE_COLUMNS, pub["differences"]))
    shown = doc.get("announced")
    if shown:
        tables.append(pairs("公示", [("公示开始", shown["from"]), ("公示截止", shown["to"]),
                                   ("工作日数", shown["days"]),
                                   ("暂定（该年度节假日安排未加入）", shown["provisional"])]))
    if doc.get("appeals"):
        tables.append(appeals_table(doc["appeals"]))
    changed = (doc.get("before_review") or {}).get("differences")
    if changed:
        tables.append(table("复核前后不同之处", REVIEW_COLUMNS, changed))
    return Document(f"{quarter_label(q)}考评结果", tuple(lines), tuple(tables))


FACT_COLUMNS = (("category", "类别"), ("position", "账本位置"), ("date", "日期"), ("counted_item", "计分条目"),
                ("item", "记录条目"), ("origin", "来源类型"), ("source", "来源代码"), ("source_name", "来源"),
                ("note", "说明"), ("evidence", "证据"), ("recorder", "记录人/核实人"), ("recorded_at", "登记位置"),
                ("staff", "人员"), ("window", "窗口"), ("points", "扣分"), ("dq", "取消资格代码"),
                ("dq_name", "取消资格"), ("amendment", "公布后补录"), ("id", "编号"))
CATEGORY_COLUMNS = (("code", "类别"), ("name", "名称"), ("points", "分值"), ("per_violation", "每项扣分"),
                    ("raw", "应扣分"), ("deducted", "实扣分"), ("score", "得分"), ("capped", "扣完为止"))
BONUS_COLUMNS = (("position", "核实位置"), ("claimed_at", "申报位置"), ("date", "日期"), ("item", "条目"),
                 ("kind", "类型代码"), ("kind_name", "类型"), ("level", "级别代码"), ("level_name", "级别"),
                 ("place", "名次"), ("ref", "名称"), ("holder", "获得者"), ("evidence", "证明材料"),
                 ("recorder", "申报人"), ("verifier", "核实人"), ("points", "加分"), ("note", "说明"),
                 ("amendment", "公布后补录"), ("id", "编号"))
DQ_COLUMNS = (("quarter", "季度"), ("year", "年度"), ("subject_type", "对象类型"), ("subject", "对象"),
              ("name", "名称"), ("kind", "类型代码"), ("kind_name", "取消资格类型"), ("scopes", "范围代码"),
              ("scope_names", "取消范围"), ("caused_by", "依据"), ("positions", "账本位置"))
NOT_COUNTED_COLUMNS = (("position", "账本位置"), ("date", "日期"), ("type", "类型"), ("item", "条目/渠道"),
                       ("status", "状态"), ("by", "处理人"), ("at", "处理位置"), ("reason", "理由"), ("id", "编号"))


def reduction_name(code: str) -> str:
    """Why stars were taken away, in words: 'disqualified', 'at_least_15', 'left' or nothing."""
    if code == "disqualified":
        return "被取消服务明星资格"
    if code == "left":
        return "季度结束前已离开中心，不授星"
    if code.startswith("at_least_"):
        return f"应扣分达到 {code.removeprefix('at_least_')} 分"
    return code


def explain_summary(doc: dict[str, Any]) -> list[tuple[str, Any]]:
    """The named values of an explanation, in the order the paper reads."""
    s = doc["subject"]
    staff = s["type"] == "staff"
    who = [("人员编号", s["id"]), ("姓名", s["name"]), ("季末所在窗口", s["window"]), ("窗口名称", s["window_name"])] \
        if staff else [("窗口代码", s["code"]), ("窗口名称", s["name"]), ("部门", s.get("department"))]
    b = doc["bonus"]
    out = [*who, ("季度", doc["quarter"]), ("截至账本位置", doc["position"]),
           ("状态", STATUS_NAMES.get(doc["status"], doc["status"])),
           ("标准得分", doc["table_score"]), ("应扣分（未封顶合计）", doc["deductions"])]
    out += [("加分合计", b.get("raw")), ("加分上限", b["cap"])] if staff else []
    out += [("计入加分", b["points"]), ("总分", doc["score"]), ("排名", doc["rank"]), ("参评数", doc["of"]),
            ("具备评比资格", doc["eligible"]), ("入围", doc["shortlisted"])]
    if staff:
        st = doc["stars"]
        out += [("党组决定星级", doc["decided_stars"]), ("决定作废", doc["voided"]), ("基础星级", st["base"]),
                ("减星", st["minus"]), ("减星原因", reduction_name(st["reduction"])), ("最终星级", st["final"]),
                ("奖励（元）", st["reward_yuan"])]
    else:
        out += [("党组确定", doc["picked"]), ("决定作废", doc["voided"]), ("红旗窗口", doc["red_flag"])]
    return out


def explain_steps(doc: dict[str, Any]) -> list[tuple[str, Any]]:
    """The quarter's steps as an explanation names them: shortlist, decision, publication."""
    sl, de, pub = doc["shortlist"], doc["decision"], doc["published"]
    out: list[tuple[str, Any]] = []
    if sl:
        out += [("入围名单位置", sl["position"]), ("入围名单确定人", sl["recorder"]),
                ("入围窗口数", sl["windows_n"]), ("入围人数", sl["staff_m"])]
    if de:
        out += [("党组决定位置", de["position"]), ("党组决定记录人", de["recorder"])]
    if pub:
        out += [("公布位置", pub["position"]), ("所公布结果截至位置", pub["results_position"]),
                ("公布摘要", pub["digest"]), ("公布人", pub["recorder"])]
    return out


def explain_tables(doc: dict[str, Any]) -> list[Table]:
    """Every table of an explanation: summary, categories, each fact, bonus, disqualifications, steps, the rest."""
    facts = [{"category": c["code"], **f} for c in doc["categories"] for f in c["facts"]]
    return [
        pairs("概要", explain_summary(doc)),
        table("各类扣分", CATEGORY_COLUMNS, doc["categories"]),
        table("扣分明细", FACT_COLUMNS, facts),
        table("加分明细", BONUS_COLUMNS, doc["bonus"]["lines"]),
        table("取消评比资格", DQ_COLUMNS, doc["disqualifications"]),
        pairs("入围名单与党组决定", explain_steps(doc)),
        table("未计分的记录", NOT_COUNTED_COLUMNS, doc["not_counted"]),
        *([appeals_table(doc["appeals"])] if doc.get("appeals") else []),
    ]


def explain_title(doc: dict[str, Any]) -> str:
    """'2008年第3季度 服务明星考评说明 CX117 费峰' and the like."""
    s = doc["subject"]
    if s["type"] == "staff":
        return f"{quarter_label(doc['quarter'])} 服务明星考评说明 {s['id']} {s['name']}"
    return f"{quarter_label(doc['quarter'])} 红旗窗口考评说明 {s['code']} {s['name']}"


def explain(doc: dict[str, Any]) -> Document:
    """`explain --json` as tables."""
    lines = (f"截至账本位置 {doc['position']} · {STATUS_NAMES.get(doc['status'], doc['status'])}",)
    return Document(explain_title(doc), lines, tuple(explain_tables(doc)))


CHAIN_COLUMNS = (("subject", "对象"), ("kind", "取消资格类型"), ("fact", "依据编号"), ("fact_kind", "依据类型"),
                 ("position", "账本位置"), ("type", "事件"), ("actor", "操作人"), ("date", "日期"),
                 ("item", "条目"), ("window", "窗口"), ("staff", "人员"), ("source", "来源"), ("channel", "渠道"),
                 ("dq", "取消资格"), ("by", "申诉人"), ("text", "内容"), ("note", "说明"), ("reason", "理由"),
                 ("appeal", "申诉编号"))


def _chains(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"subject": d["subject"], "kind": d["kind"], "fact": c["id"], "fact_kind": c["kind"], **e}
            for d in items for c in d.get("chain", []) for e in c["events"]]


def disqualifications(doc: dict[str, Any]) -> Document:
    """`audit disqualifications --json` as tables: each disqualification, and the events behind each."""
    items = doc["disqualifications"]
    cancelled = doc.get("overturned", [])
    return Document("取消评比资格审计", (f"共 {len(items)} 项",), (
        table("取消评比资格", DQ_COLUMNS, items),
        table("事件链", CHAIN_COLUMNS, _chains(items)),
        *([table("经复核撤销的取消资格", DQ_COLUMNS, cancelled),
            table("撤销的事件链", CHAIN_COLUMNS, _chains(cancelled))] if cancelled else []),
    ))


def year(doc: dict[str, Any]) -> Document:
    """`year --json` as tables: each window's 红旗窗口 quarters, and the year's disqualifications."""
    dqs = doc["disqualifications"]
    return Document(f"{doc['year']}年度汇总", (), (
        table("各窗口红旗窗口季度", (("code", "代码"), ("name", "窗口"), ("red_flag_quarters", "红旗窗口季度")),
              doc["windows"]),
        table("影响年度评比的取消资格",
              (*DQ_COLUMNS, ("year_scopes", "年度范围代码"), ("year_scope_names", "年度范围")), dqs),
        table("事件链", CHAIN_COLUMNS, _chains(dqs)),
    ))


LOG_COLUMNS = (("position", "位置"), ("time", "时间（UTC）"), ("actor", "操作人"), ("type", "事件类型"),
               ("type_name", "类型"), ("summary", "摘要"), ("id", "事件流编号"), ("version", "版本"))


def log(doc: dict[str, Any]) -> Document:
    """`log --json` as one table of every event."""
    events = doc["events"]
    return Document("账本事件记录", (f"共 {len(events)} 个事件",), (table("事件", LOG_COLUMNS, events),))


BUILDERS = {"report": report, "explain": explain, "disqualifications": disqualifications, "year": year, "log": log}
