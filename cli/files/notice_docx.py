"""The 通报 as a Word document (python-docx), laid out after GB/T 9704 on A4.

python-docx is pure Python on top of lxml (wheels for Windows) and writes documents that Word and WPS open as
their own. Word picks a font for Chinese text from the east-Asian slot (`w:eastAsia` of rFonts), not from the
font name python-docx sets, so every style here sets that slot explicitly, or Word would fall back to its default.
The zip is written again with fixed dates, so the same 通报 gives the same bytes (`publish --check`).
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from projections.views import Views

from cli.files.notice import CHINA, Notice, build, center_name
from ledger.text import shown, shown_all

RED = "FF0000"
BODY, TITLE, HEITI = "仿宋", "宋体", "黑体"
"""仿宋 for the body (GB/T 9704: 3号仿宋), 宋体 bold for the titles (for 小标宋, which few PCs have), 黑体 for heads."""
SIZE_BODY, SIZE_TITLE, SIZE_ISSUER = 16, 22, 30
"""3号 = 16 pt, 2号 = 22 pt; the 发文机关标志 is set larger."""
FIXED_DATE = (1980, 1, 1, 0, 0, 0)


def _east_asian(style: Any, font: str, size: float, bold: bool = False, color: str | None = None) -> None:
    """Give a style its font in both the Latin and the east-Asian slot, its size, weight and colour."""
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    style.font.name = font
    style.font.size = Pt(size)
    style.font.bold = bold
    if color:
        style.font.color.rgb = RGBColor.from_string(color)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), font)


def _bottom_rule(style: Any, color: str) -> None:
    """A red line under every paragraph of a style (the line under the 文号)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "18"), ("w:space", "1"), ("w:color", color)):
        bottom.set(qn(k), v)
    borders.append(bottom)
    style.element.get_or_add_pPr().append(borders)


def _styles(document: Any) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    styles = document.styles
    _east_asian(styles["Normal"], BODY, SIZE_BODY)
    normal = styles["Normal"].paragraph_format
    normal.line_spacing = Pt(28)
    normal.space_after = Pt(0)
    made = {}
    for name, font, size, bold, color, align in (
        ("发文机关标志", TITLE, SIZE_ISSUER, True, RED, WD_ALIGN_PARAGRAPH.CENTER),
        ("发文字号", BODY, SIZE_BODY, False, None, WD_ALIGN_PARAGRAPH.CENTER),
        ("标题", TITLE, SIZE_TITLE, True, None, WD_ALIGN_PARAGRAPH.CENTER),
        ("正文", BODY, SIZE_BODY, False, None, WD_ALIGN_PARAGRAPH.JUSTIFY),
        ("落款", BODY, SIZE_BODY, False, None, WD_ALIGN_PARAGRAPH.RIGHT),
        ("附件标题", HEITI, SIZE_BODY, False, None, WD_ALIGN_PARAGRAPH.LEFT),
        ("表格文字", BODY, 11, False, None, WD_ALIGN_PARAGRAPH.CENTER),
    ):
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        _east_asian(style, font, size, bold, color)
        style.paragraph_format.alignment = align
        made[name] = style
    made["正文"].paragraph_format.first_line_indent = Pt(SIZE_BODY * 2)
    made["发文字号"].paragraph_format.space_after = Pt(12)
    made["标题"].paragraph_format.line_spacing = Pt(36)
    made["表格文字"].paragraph_format.line_spacing = Pt(16)
    made["落款"].paragraph_format.right_indent = Pt(SIZE_BODY * 4)
    _bottom_rule(made["发文字号"], RED)
    lead = styles.add_style("小标题", WD_STYLE_TYPE.CHARACTER)
    _east_asian(lead, HEITI, SIZE_BODY)


def _page(document: Any) -> None:
    """A4 with GB/T 9704's margins (天头 37 mm, 订口 28 mm)."""
    from docx.shared import Mm

    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)


def fixed_zip(data: bytes) -> bytes:
    """The same zip with every member dated 1980-01-01, in its order, so equal content gives equal bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, FIXED_DATE)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            dst.writestr(member, src.read(info.filename))
    return buf.getvalue()


def render(notice: Notice, created: datetime | None = None) -> bytes:
    """The 通报's .docx bytes."""
    import docx
    from docx.enum.text import WD_BREAK

    document = docx.Document()
    _page(document)
    _styles(document)
    props = document.core_properties
    props.title, props.author, props.last_modified_by = notice.title, notice.signer, notice.signer
    props.created = props.modified = created or datetime(2008, 5, 1)
    props.revision = 1
    document.add_paragraph(notice.issuer, style="发文机关标志")
    document.add_paragraph(notice.number or " ", style="发文字号")
    document.add_paragraph("", style="正文")
    document.add_paragraph(notice.title, style="标题")
    document.add_paragraph("", style="正文")
    document.add_paragraph(notice.addressee, style="Normal")
    for lead, body in notice.paragraphs:
        p = document.add_paragraph(style="正文")
        if lead:
            p.add_run(lead, style="小标题")
        p.add_run(body)
    document.add_paragraph("", style="正文")
    for n, t in enumerate(notice.attachments, start=1):
        prefix = "附件：" if n == 1 else "　　　"
        document.add_paragraph(f"{prefix}{n}．{t.title.split(' ', 1)[-1]}", style="正文")
    document.add_paragraph("", style="正文")
    document.add_paragraph(notice.signer, style="落款")
    document.add_paragraph(notice.day, style="落款")
    from cli.files.document import text

    for t in notice.attachments:
        document.add_paragraph("", style="Normal").add_run().add_break(WD_BREAK.PAGE)
        label, _, name = t.title.partition(" ")
        document.add_paragraph(label, style="附件标题")
        document.add_paragraph(name, style="标题")
        grid = document.add_table(rows=1 + len(t.rows), cols=len(t.columns))
        grid.style = "Table Grid"
        cell_style = document.styles["表格文字"]
        for row, values in zip(grid.rows, [t.headers, *t.rows], strict=True):
            for cell, value in zip(row.cells, values, strict=True):  # a row's cells at once: grid.cell is slow
                cell.paragraphs[0].style = cell_style
                cell.paragraphs[0].add_run(text(value))
    buf = io.BytesIO()
    document.save(buf)
    return fixed_zip(buf.getvalue())


def save_docx(views: Views, doc: dict[str, Any], out: str, number: str | None) -> None:
    """`report --out FILE.docx`: the 通报 of the report as it stands, dated today."""
    from cli.files.out import target, write_new, written

    path = target(out, (".docx",))
    assert path is not None
    # every stored text as `shown` prints it: a control character from the ledger never reaches the file
    notice = build(shown_all(doc), views.catalogue, shown(center_name(views)), number, datetime.now(CHINA).date())
    write_new(path, render(notice))
    written(path)
