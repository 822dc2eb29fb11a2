"""The web bulletin of a publication (六、奖励办法 2: 网站公布): one self-contained HTML page.

The 红旗窗口, the five- and four-star 服务明星, the star reductions, charts of the quarter as inline SVG, the full
results, and the signed checkpoint with the full public key so anyone can check the ledger they came from.
No script, no font or image from the internet: the page shows the same offline. The same page, marked 公示稿, is
what `announce QUARTER --out DIR` writes for the 公示 (D28); the appeals of the quarter and their 复核 (D29) are
shown when there are any, and each window's 满意率 (D31) when the quarter has ratings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Any

from cli.files import answers, charts
from cli.files.html_file import page, table_html
from cli.files.notice import Notice

if TYPE_CHECKING:
    from cli.files.cosigned import Cosigner

STYLE = """
header { text-align: center; border-bottom: 3px solid #c00; padding-bottom: .6em; }
header .issuer { color: #c00; font-size: 2em; font-weight: bold; letter-spacing: .1em; }
ul.names { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .4em 1.2em; }
ul.names li { border: 1px solid #ccc; border-radius: .3em; padding: .3em .7em; }
ul.names li.flag { border-color: #c00; color: #c00; font-weight: bold; }
.stars { color: #c90; letter-spacing: .05em; }
.draft { color: #c00; border: 2px solid #c00; display: inline-block; padding: .1em .6em; font-weight: bold; }
figure { margin: 1em 0; overflow-x: auto; }
section.verify pre { font-family: monospace; font-size: .9em; }
"""


@dataclass(frozen=True)
class Draft:
    """A 公示稿: the results as they stand when put on 公示, its days, and the ledger position they are as of."""

    first: str
    last: str
    days: int
    position: int
    provisional: bool


def _names(rows: list[tuple[str, str]], cls: str = "") -> str:
    items = "".join(f'<li class="{cls}">{escape(a)}<small>{escape(b)}</small></li>' for a, b in rows)
    return f'<ul class="names">{items}</ul>' if rows else "<p>无</p>"


def _witnesses(checkpoint: str, cosigners: Sequence[Cosigner]) -> str:
    """The witnesses who cosigned the checkpoint (D33), and the checkpoint with their lines, to check offline."""
    if not cosigners:
        return ""  # a bundle without cosignatures keeps the page its first layout made
    from cli.files.cosigned import with_all

    items = "".join(f'<li><b class="witness">{escape(c.name)}</b> 密钥编号 <code>{escape(c.key_id)}</code>，'
                    f"副署于 {escape(c.day)}<br><code>{escape(c.public_key)}</code></li>" for c in cosigners)
    return (f'<h3>见证方副署（{len(cosigners)}个）</h3><ul class="witnesses">{items}</ul>'
            f"<pre>{escape(with_all(checkpoint, cosigners))}</pre>"
            "<p>见证方的副署证明其核验过：此检查点延续它此前副署的检查点，账本没有被改写或分叉。"
            "核验：把见证方公钥存为文件，运行 <code>kaoping verify --witness 见证方公钥.txt</code>。</p>")


def _satisfaction(doc: dict[str, Any]) -> str:
    """Each window's 满意率 from the public's 好差评 (D31), when the quarter has ratings; shown, never scored."""
    rows = [w for w in doc["windows"] if w.get("ratings")]
    if not rows:
        return ""  # a quarter without ratings keeps the page its first layout made
    items = [(w["name"], f" {w['satisfaction'] * 100:.2f}%（{w['ratings']}条）") for w in rows]
    return (f'<section id="satisfaction"><h2>好差评满意率</h2>{_names(items)}'
            "<p>满意率 =（非常满意 + 满意 + 基本满意）÷ 全部评价，含窗口工作人员得到的评价；只供参考，不计分。</p>"
            "</section>")


def render(doc: dict[str, Any], notice: Notice, pub: dict[str, Any] | None, checkpoint: str, public_key: str,
           draft: Draft | None = None, cosigners: Sequence[Cosigner] = ()) -> bytes:
    """The bulletin's bytes: results as `report --json` gives them at the published position (`pub`), with the
    witnesses' cosignatures of its checkpoint known when it was made, or as they stand on 公示 (`draft`, no
    publication yet)."""
    names = {w["code"]: w["name"] for w in doc["windows"]}
    flags = [(w["name"], f" {w['score']}分") for w in doc["windows"] if w["red_flag"]]

    def people(stars: int) -> list[tuple[str, str]]:
        return [(p["name"], f" {names.get(p['window'], p['window'])} {p['score']}分")
                for p in doc["staff"] if p["stars"] == stars]

    title = f"{notice.title}（公示稿）" if draft else notice.title
    mark = '<p><span class="draft">公示稿</span></p>' if draft else ""
    body = [
        f'<header><div class="issuer">{escape(notice.signer)}</div>{mark}<h1>{escape(title)}</h1>'
        f"<p>{escape(notice.number)} {escape(notice.day)}</p></header>",
        f'<section id="red-flag"><h2>红旗窗口（{len(flags)}个）</h2>{_names(flags, "flag")}</section>',
        f'<section id="five"><h2><span class="stars">★★★★★</span> 五星级服务明星（{len(people(5))}名）</h2>'
        f"{_names(people(5))}</section>",
        f'<section id="four"><h2><span class="stars">★★★★</span> 四星级服务明星（{len(people(4))}名）</h2>'
        f"{_names(people(4))}</section>",
    ]
    if draft is not None:
        tentative = "（该年节假日安排尚未录入，按周一至周五计算，暂定）" if draft.provisional else ""
        body.insert(1, f'<section id="announce"><p>以下结果现予公示，公示期 {draft.first} 至 {draft.last}'
                       f"（{draft.days} 个工作日）{tentative}。被考评人员或窗口对检查记录、经查实的投诉或被驳回的"
                       "加分申报有异议的，可在公示期内向督查科提出申诉；公示期满且申诉复核完毕后正式公布。</p></section>")
    rated = _satisfaction(doc)
    if rated:
        body.append(rated)
    for lead, text in notice.paragraphs[4:6]:
        body.append(f"<p><b>{escape(lead)}</b>{escape(text)}</p>")
    body.append(table_html(notice.attachments[2]))
    body.append('<section id="charts"><h2>本季度图表</h2>'
                + "".join(f"<figure>{svg}</figure>" for svg in charts.quarter_charts(doc)) + "</section>")
    body.append('<section id="results">' + "".join(table_html(t) for t in answers.report(doc).tables) + "</section>")
    if draft is not None or pub is None:
        body.append(f'<section class="verify" id="verify"><h2>核验</h2><p>本公示稿依据考评账本截至位置 '
                    f"{draft.position if draft else doc['position']} 的记录，尚未公布；正式公布时以签名检查点和"
                    "所公布结果的摘要为准。</p>"
                    + (f"<h3>公钥</h3><pre>{escape(public_key)}</pre>" if public_key else "") + "</section>")
        return page(title, "\n".join(body), STYLE).encode("utf-8")
    body.append(
        '<section class="verify" id="verify"><h2>核验</h2>'
        f"<p>本页结果依据考评账本截至位置 {pub['results_position']} 的记录，于账本位置 {pub['position']} 公布；"
        f"所公布结果的摘要（sha256）：<code>{escape(pub['digest'])}</code></p>"
        f"<h3>签名检查点</h3><pre>{escape(checkpoint)}</pre>"
        f"<h3>公钥</h3><pre>{escape(public_key)}</pre>"
        f"{_witnesses(checkpoint, cosigners)}"
        "<p>核验方法：把签名检查点和公钥分别存为文件，对中心的账本运行 "
        "<code>kaoping verify --checkpoint 签名检查点.txt --public-key 公钥.txt</code>；"
        "收到的收据用 <code>kaoping verify-receipt 收据.json --public-key 公钥.txt</code> 离线核验。</p></section>"
    )
    return page(notice.title, "\n".join(body), STYLE).encode("utf-8")
