"""A document as one self-contained HTML page: CSS inline, no scripts, no fonts or images from the internet."""

from __future__ import annotations

from html import escape

from cli.files.document import Document, Table, text

FONTS = '"Noto Serif CJK SC", "Source Han Serif SC", "SimSun", "宋体", "FangSong", "仿宋", serif'

STYLE = f"""
body {{ font-family: {FONTS}; margin: 2em auto; max-width: 80em; padding: 0 1em; color: #222; }}
h1 {{ font-size: 1.6em; text-align: center; }}
h2 {{ font-size: 1.2em; margin-top: 1.6em; border-bottom: 1px solid #999; }}
p.line {{ margin: .2em 0; }}
table {{ border-collapse: collapse; margin: .6em 0; font-size: .95em; }}
th, td {{ border: 1px solid #999; padding: .2em .5em; vertical-align: top; }}
th {{ background: #eee; }}
td.n {{ text-align: right; }}
pre {{ white-space: pre-wrap; word-break: break-all; background: #f6f6f6; padding: .6em; }}
.red {{ color: #c00; }}
@media print {{ body {{ margin: 0; max-width: none; }} }}
"""


def table_html(t: Table, heading: str = "h2") -> str:
    """One table with its title; each header cell names its JSON key (data-key) so the page can be checked."""
    head = "".join(f'<th data-key="{escape(c.key)}">{escape(c.header)}</th>' for c in t.columns)
    body = "".join(
        "<tr>" + "".join(
            f'<td class="n">{c}</td>' if isinstance(c, int | float) else f"<td>{escape(text(c))}</td>"
            for c in row
        ) + "</tr>"
        for row in t.rows
    )
    return (f"<{heading}>{escape(t.title)}</{heading}>\n"
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def page(title: str, body: str, style: str = "") -> str:
    """A whole page around a body: UTF-8, the inline style sheet, nothing fetched from anywhere."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}{style}</style></head>\n"
        f"<body>\n{body}\n</body></html>\n"
    )


def render(doc: Document) -> bytes:
    """The page bytes: the title, its lines, every table."""
    parts = [f"<h1>{escape(doc.title)}</h1>"]
    parts += [f'<p class="line">{escape(line)}</p>' for line in doc.lines]
    parts += [table_html(t) for t in doc.tables]
    return page(doc.title, "\n".join(parts)).encode("utf-8")
