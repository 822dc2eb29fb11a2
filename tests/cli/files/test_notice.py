"""`report QUARTER --out FILE.docx`: the 通报, read back with python-docx."""

from __future__ import annotations

import docx
from docx.oxml.ns import qn

from tests.cli.files.conftest import Demo


def test_the_notice_names_the_red_flag_windows_and_the_stars_of_the_report(demo: Demo) -> None:
    doc = demo.json("report", "2008Q3")
    r = demo("report", "2008Q3", "--out", "通报.docx", "--number", "长行服〔2008〕12号")
    assert r.exit_code == 0, r.stderr
    notice = docx.Document(str(demo.folder / "通报.docx"))
    paragraphs = [p.text for p in notice.paragraphs]
    assert paragraphs[0] == "长兴县行政服务中心文件"
    assert paragraphs[1] == "长行服〔2008〕12号"
    assert "关于2008年第3季度红旗窗口、服务明星考评结果的通报" in paragraphs
    body = "\n".join(paragraphs)
    flags = [w["name"] for w in doc["windows"] if w["red_flag"]]
    assert f"一、红旗窗口（{len(flags)}个）：{'、'.join(flags)}" in body
    for p in doc["staff"]:
        if p["stars"] in (4, 5):
            assert p["name"] in body
    total = sum(p["reward_yuan"] for p in doc["staff"])
    assert f"共计{total}元" in body

    first, second, third = notice.tables
    assert [c.text for c in first.rows[0].cells] == ["排名", "窗口代码", "窗口名称", "得分"]
    assert [[c.text for c in row.cells] for row in first.rows[1:]] == [
        [str(w["rank"]), w["code"], w["name"], str(w["score"])] for w in doc["windows"] if w["red_flag"]]
    starred = sorted((p for p in doc["staff"] if p["stars"] in (4, 5)), key=lambda p: (-p["stars"], p["rank"]))
    assert [row.cells[1].text for row in second.rows[1:]] == [p["id"] for p in starred]
    assert [row.cells[5].text for row in second.rows[1:]] == [str(p["reward_yuan"]) for p in starred]
    # a person who left before the quarter's end takes no star at all (D22): not a reduction
    reduced = [p for p in doc["staff"] if p["stars"] is not None and p["stars"] < (p["decided_stars"] or 3)]
    assert [row.cells[0].text for row in third.rows[1:]] == [p["id"] for p in reduced]


def test_every_style_of_the_notice_names_its_east_asian_font(demo: Demo) -> None:
    assert demo("report", "2008Q3", "--out", "通报.docx").exit_code == 0
    notice = docx.Document(str(demo.folder / "通报.docx"))
    for p in notice.paragraphs:
        style = p.style
        fonts = style.element.rPr.rFonts if style.element.rPr is not None else None
        assert fonts is not None and fonts.get(qn("w:eastAsia")), style.name
    issuer = notice.styles["发文机关标志"]
    assert str(issuer.font.color.rgb) == "FF0000", "the 发文机关标志 is red"
    section = notice.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
