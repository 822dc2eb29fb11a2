"""The 通报 (六、奖励办法 1: 发文进行通报表扬): its content from the report, one model for the DOCX and the PDF.

The layout follows GB/T 9704 where practical: red 发文机关标志, 文号, a red line, 标题, 主送, 正文, 附件说明,
落款 and 成文日期, then the 附件 name lists. Every name and number comes from the `report --json` document.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from cli.files.document import Table, table
from ledger.calendar import quarter_label

if TYPE_CHECKING:
    from ledger.catalogue import Catalogue
    from projections.views import Views

CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")
"""The center's time zone (no daylight saving), for the 成文日期 of a publication."""


@dataclass(frozen=True)
class Notice:
    """A 通报 as the parts GB/T 9704 names; a paragraph is its lead-in (set in 黑体) and its text."""

    issuer: str
    number: str
    title: str
    addressee: str
    paragraphs: tuple[tuple[str, str], ...]
    attachments: tuple[Table, ...]
    signer: str
    day: str


def day_text(d: date) -> str:
    """A 成文日期 as GB/T 9704 writes it: 2008年10月8日."""
    return f"{d.year}年{d.month}月{d.day}日"


def china_day(moment: datetime) -> date:
    """The calendar day in the center's time zone of a moment."""
    return moment.astimezone(CHINA).date()


def base_stars(row: dict[str, Any], default: int) -> int:
    """The stars a person started from: the 党组's decision, else the default."""
    return row["decided_stars"] if row["decided_stars"] is not None else default


def reduced(doc: dict[str, Any], cat: Catalogue) -> list[dict[str, Any]]:
    """The people whose final stars are fewer than they started from (deductions or disqualification)."""
    default = int(cat.stars["default"])
    return [p for p in doc["staff"] if p["stars"] is not None and p["stars"] < base_stars(p, default)]


def _with_window_names(doc: dict[str, Any], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    names = {w["code"]: w["name"] for w in doc["windows"]}
    return [{**p, "window_name": names.get(p["window"], p["window"])} for p in rows]


def attachments(doc: dict[str, Any], cat: Catalogue) -> tuple[Table, ...]:
    """附件1 红旗窗口名单, 附件2 服务明星名单, 附件3 减星人员名单."""
    flags = [w for w in doc["windows"] if w["red_flag"]]
    stars = _with_window_names(doc, sorted((p for p in doc["staff"] if p["stars"] in (4, 5)),
                                           key=lambda p: (-p["stars"], p["rank"])))
    return (
        table("附件1 红旗窗口名单", (("rank", "排名"), ("code", "窗口代码"), ("name", "窗口名称"), ("score", "得分")),
              [{k: w[k] for k in ("rank", "code", "name", "score")} for w in flags]),
        table("附件2 服务明星名单", (("stars", "星级"), ("id", "编号"), ("name", "姓名"), ("window_name", "窗口"),
                                  ("score", "得分"), ("reward_yuan", "奖励（元）")),
              [{k: p[k] for k in ("stars", "id", "name", "window_name", "score", "reward_yuan")} for p in stars]),
        table("附件3 减星人员名单", (("id", "编号"), ("name", "姓名"), ("window_name", "窗口"),
                                  ("deductions", "应扣分"), ("disqualified", "取消资格"), ("stars", "星级")),
              [{k: p[k] for k in ("id", "name", "window_name", "deductions", "disqualified", "stars")}
               for p in _with_window_names(doc, reduced(doc, cat))]),
    )


def build(doc: dict[str, Any], cat: Catalogue, center: str, number: str | None, day: date,
          witnesses: Sequence[tuple[str, str]] = ()) -> Notice:
    """The 通报 of a quarter's report; `witnesses` (name, key id) cosigned the publication's checkpoint (D33)."""
    q = quarter_label(doc["quarter"])
    names = {w["code"]: w["name"] for w in doc["windows"]}
    flags = [w["name"] for w in doc["windows"] if w["red_flag"]]
    five = [p for p in doc["staff"] if p["stars"] == 5]
    four = [p for p in doc["staff"] if p["stars"] == 4]
    cut = reduced(doc, cat)

    def people(rows: list[dict[str, Any]]) -> str:
        return "、".join(f"{p['name']}（{names.get(p['window'], p['window'])}）" for p in rows) or "无"

    sheets = "、".join(f"《{n}》" for n in cat.sources.values())
    paras = [
        ("", f"根据《{center}红旗窗口、服务明星考评办法》，督查科依据{sheets}和投诉核查情况，对各窗口和窗口工作人员"
             f"{q}的工作进行了考评，经中心党组研究，确定红旗窗口{len(flags)}个、五星级服务明星{len(five)}名、"
             f"四星级服务明星{len(four)}名，现予通报表扬。"),
        (f"一、红旗窗口（{len(flags)}个）：", "、".join(flags) or "无"),
        (f"二、五星级服务明星（{len(five)}名）：", people(five)),
        (f"三、四星级服务明星（{len(four)}名）：", people(four)),
    ]
    rules = "；".join(f"应扣{r.at_least}分以上（含{r.at_least}分）的减{r.minus}颗星" for r in
                     sorted(cat.reductions, key=lambda r: r.at_least))
    paras.append((f"四、减星（{len(cut)}名）：",
                  f"对照《窗口服务明星考评标准》，{rules}；被取消服务明星资格的按{cat.stars['default']}星减至"
                  f"{cat.stars['disqualified']}星。减星人员：" + ("、".join(
                      f"{p['name']}（{names.get(p['window'], p['window'])}，{p['stars']}星）" for p in cut) or "无")))
    total = sum(p["reward_yuan"] or 0 for p in doc["staff"])
    amounts = "，".join(f"{'五' if s == 5 else '四'}星级服务明星每人奖励{y}元"
                       for s, y in sorted(cat.rewards_yuan.items(), reverse=True))
    paras.append(("五、奖励：", f"{amounts}，共计{total}元（见附件2）。"))
    paras.append(("", "希望受到表扬的窗口和同志珍惜荣誉、再接再厉；各窗口和全体工作人员要以先进为榜样，"
                      "进一步提高服务水平和工作效率，树立一流的窗口形象。"))
    pub = doc.get("published")
    pinned = f"，公布时的结果摘要（sha256）为 {pub['digest']}" if pub else ""
    paras.append(("", f"本通报所列结果依据{center}考评账本截至位置 {doc['position']} 的记录{pinned}。"))
    if witnesses:
        paras.append(("", "公布时的签名检查点已经见证方副署：" + "、".join(
            f"{name}（密钥编号 {key_id}）" for name, key_id in witnesses) + "。"))
    return Notice(issuer=f"{center}文件", number=number or "", title=f"关于{q}红旗窗口、服务明星考评结果的通报",
                  addressee="各窗口、各部门：", paragraphs=tuple(paras), attachments=attachments(doc, cat),
                  signer=center, day=day_text(day))


def center_name(views: Views) -> str:
    """The center's name as `init` recorded it."""
    center = views.state.registry.center
    return str(center["center"] or "") if center is not None else ""
