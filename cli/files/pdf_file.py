"""A document as an A4 PDF with the CJK font embedded (fpdf2).

fpdf2 is pure Python (wheels everywhere, the center's Windows PCs included) and embeds a subset of an OpenType
font with CFF outlines — Debian's Noto CJK — which reportlab refuses; the creation date is ours to set, so the
same results give the same bytes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from cli.files.document import Document, Table, text
from cli.files.fonts import FontFile, find_cjk_font

FAMILY = "cjk"
EPOCH = datetime(2008, 5, 1, tzinfo=UTC)
"""The creation date stamped on a PDF whose date is not given: the day the rules took effect."""


def new_pdf(font: FontFile | None = None, created: datetime | None = None, landscape: bool = False) -> Any:
    """An empty A4 document with the CJK font registered and a page number footer."""
    from fpdf import FPDF
    from fpdf.fonts import TTFFont

    font = font or find_cjk_font()

    class Paged(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(FAMILY, size=9)
            self.cell(0, 6, f"第 {self.page_no()} 页 / 共 {{nb}} 页", align="C")

    pdf = Paged(orientation="L" if landscape else "P", unit="mm", format="A4")
    # one style only: a CJK collection takes a second to parse, and nothing here is set in bold
    pdf.add_font(FAMILY, fname=str(font.path), collection_font_number=font.index)
    # The embedded subset keeps the whole font's bounding boxes (hhea, vhea, CFF FontBBox — they contain the
    # subset's, as the tables require): recomputing them draws every kept glyph's outline and was 60 % of writing
    # a PDF (1.8 → 0.8 s CPU for a page of the 办法). fpdf2 subsets the fontTools TTFont it keeps as `ttfont`.
    for embedded in pdf.fonts.values():
        if isinstance(embedded, TTFFont):
            embedded.ttfont.recalcBBoxes = False
    pdf.set_creation_date(created or EPOCH)
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.set_margins(15, 15, 15)
    return pdf


def heading(pdf: Any, title: str, size: float = 16) -> None:
    """A centred title."""
    pdf.set_font(FAMILY, size=size)
    pdf.multi_cell(0, size * 0.55, title, align="C", new_x="LMARGIN", new_y="NEXT", wrapmode="CHAR")
    pdf.ln(2)


def paragraph(pdf: Any, line: str, size: float = 10) -> None:
    """A line of text that wraps at the margin."""
    pdf.set_font(FAMILY, size=size)
    pdf.multi_cell(0, size * 0.5, line, new_x="LMARGIN", new_y="NEXT", wrapmode="CHAR")


def fit_widths(natural: list[float], floor: float, room: float) -> list[float] | None:
    """Column widths that fill at most `room`: natural widths, shrunk proportionally but never below `floor`;
    None when even the floors do not fit."""
    if sum(natural) <= room:
        return natural
    if floor * len(natural) > room:
        return None
    widths = natural
    for _ in range(20):
        fixed = sum(floor for w in widths if w <= floor)
        free = [w for w in natural if w > floor]
        k = (room - fixed) / sum(free) if free else 1.0
        nxt = [max(floor, w * k) for w in natural]
        if abs(sum(nxt) - room) < 0.01:
            return nxt
        widths = nxt
    return widths


def pdf_table(pdf: Any, t: Table, size: float = 8) -> None:
    """A table with its title; columns as wide as their text, shrunk to the page; headers repeat on each page.
    A table too wide for the page is set as one block of "header：value" lines per row instead."""
    from fpdf.fonts import FontFace

    pdf.ln(2)
    pdf.set_font(FAMILY, size=size + 2)
    pdf.multi_cell(0, (size + 2) * 0.5, t.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, size=size)
    if not t.rows:
        pdf.multi_cell(0, size * 0.5, "（无）", new_x="LMARGIN", new_y="NEXT")
        return
    natural = []
    for n, header in enumerate(t.headers):
        cells = [pdf.get_string_width(header)] + [pdf.get_string_width(text(r[n])) for r in t.rows[:200]]
        natural.append(min(max(cells), 70) + 3)
    widths = fit_widths(natural, pdf.get_string_width("得分了") + 3, pdf.epw)
    if widths is None:
        for r in t.rows:
            line = "；".join(f"{h}：{text(c)}" for h, c in zip(t.headers, r, strict=True) if c not in (None, ""))
            pdf.multi_cell(0, size * 0.5, line, border="B", new_x="LMARGIN", new_y="NEXT", wrapmode="CHAR")
        return
    aligns = ["RIGHT" if any(isinstance(r[n], int | float) for r in t.rows) else "LEFT" for n in range(len(t.headers))]
    with pdf.table(col_widths=widths, width=sum(widths), text_align=aligns,
                   headings_style=FontFace(emphasis=None, fill_color=(235, 235, 235)),
                   line_height=size * 0.5, repeat_headings=1, align="LEFT", wrapmode="CHAR") as tbl:
        tbl.row(t.headers)
        for r in t.rows:
            tbl.row([text(c) for c in r])


def render(doc: Document, font: FontFile | None = None) -> bytes:
    """The PDF bytes: the title, its lines, every table; landscape when a table is wider than 9 columns."""
    pdf = new_pdf(font, landscape=any(len(t.columns) > 9 for t in doc.tables))
    pdf.add_page()
    heading(pdf, doc.title)
    for line in doc.lines:
        paragraph(pdf, line)
    for t in doc.tables:
        pdf_table(pdf, t)
    return bytes(pdf.output())
