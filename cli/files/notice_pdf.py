"""The 通报 as an A4 PDF (fpdf2, CJK font embedded), laid out after GB/T 9704 like the DOCX."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cli.files.notice import Notice
from cli.files.pdf_file import FAMILY, new_pdf, pdf_table

PT = 0.3528
"""Millimetres in a point."""


def _lines(pdf: Any, text: str, size: float, align: str = "J", indent: bool = False, color: tuple[int, ...] = (0, 0, 0),
           lead: str = "") -> None:
    """A paragraph at `size` pt on a 28 pt grid (GB/T 9704's 22 lines a page), first line indented two characters;
    Chinese wraps between any two characters."""
    pdf.set_text_color(*color)
    pdf.set_font(FAMILY, size=size)
    height = 28 * PT if size <= 16 else size * 1.4 * PT
    with pdf.text_columns(text_align=align, line_height=height / (size * PT), wrapmode="CHAR") as cols:
        with cols.paragraph(first_line_indent=2 * size * PT if indent else 0) as par:
            par.write(lead + text)
    pdf.set_text_color(0, 0, 0)


def render(notice: Notice, created: datetime | None = None) -> bytes:
    """The 通报's PDF bytes."""
    from cli.files.pdf_file import EPOCH

    pdf = new_pdf(created=created or EPOCH)
    pdf.set_margins(28, 37, 26)
    pdf.set_auto_page_break(auto=True, margin=35)
    pdf.add_page()
    _lines(pdf, notice.issuer, 30, align="C", color=(255, 0, 0))
    pdf.ln(6)
    _lines(pdf, notice.number or " ", 16, align="C")
    pdf.set_draw_color(255, 0, 0)
    pdf.set_line_width(0.8)
    y = pdf.get_y() + 2
    pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.2)
    pdf.set_y(y + 8)
    _lines(pdf, notice.title, 22, align="C")
    pdf.ln(4)
    _lines(pdf, notice.addressee, 16, align="L")
    for lead, body in notice.paragraphs:
        _lines(pdf, body, 16, indent=True, lead=lead)
    pdf.ln(6)
    for n, t in enumerate(notice.attachments, start=1):
        prefix = "附件：" if n == 1 else "\u3000\u3000\u3000"
        _lines(pdf, f"{prefix}{n}．{t.title.split(' ', 1)[-1]}", 16, align="L", indent=True)
    pdf.ln(10)
    _lines(pdf, notice.signer + "\u3000\u3000\u3000\u3000", 16, align="R")
    _lines(pdf, notice.day + "\u3000\u3000\u3000\u3000", 16, align="R")
    for t in notice.attachments:
        pdf.add_page()
        label, _, name = t.title.partition(" ")
        _lines(pdf, label, 16, align="L")
        _lines(pdf, name, 20, align="C")
        pdf_table(pdf, t.__class__("", t.columns, t.rows), 11)
    return bytes(pdf.output())
