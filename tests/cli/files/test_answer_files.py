"""`--out FILE` on the questions: every format read back by an independent reader holds the values of `--json`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.cli.files.conftest import Demo, csv_sections, html_tables, pdf_text, shown, stored, xlsx_sheets

WINDOW_KEYS = ["rank", "code", "name", "score", "bonus", "deductions", "shortlisted", "disqualified", "red_flag",
               "left"]
STAFF_KEYS = ["rank", "id", "name", "window", "score", "bonus", "deductions", "shortlisted", "disqualified",
              "decided_stars", "stars", "reward_yuan", "left"]
WINDOW_HEADERS = ["排名", "代码", "窗口", "得分", "加分", "扣分", "入围", "取消资格", "红旗窗口", "撤出日期",
                  "满意率", "评价数", "逾期整改"]


def _rows(doc_rows: list[dict[str, Any]], keys: list[str], as_cell: Any = shown) -> list[list[Any]]:
    return [[as_cell(r[k]) for k in keys] for r in doc_rows]


def test_the_report_as_csv_opens_in_excel_and_holds_every_row_of_the_json(demo: Demo) -> None:
    doc = demo.json("report", "2008Q3")
    r = demo("report", "2008Q3", "--out", "结果.csv")
    assert r.exit_code == 0, r.stderr
    assert "结果.csv" in r.stdout
    tables = csv_sections((demo.folder / "结果.csv").read_bytes())
    windows, staff = tables["红旗窗口考评"], tables["服务明星考评"]
    assert windows[0] == WINDOW_HEADERS
    assert [row[: len(WINDOW_KEYS)] for row in windows[1:]] == _rows(doc["windows"], WINDOW_KEYS)
    assert [row[: len(STAFF_KEYS)] for row in staff[1:]] == _rows(doc["staff"], STAFF_KEYS)


def test_the_report_as_a_workbook_keeps_numbers_as_numbers(demo: Demo) -> None:
    doc = demo.json("report", "2008Q3")
    assert demo("report", "2008Q3", "--out", "结果.xlsx").exit_code == 0
    sheets = xlsx_sheets(demo.folder / "结果.xlsx")
    assert sheets["说明"][0][0] == "2008年第3季度考评结果"
    windows, staff = sheets["红旗窗口考评"], sheets["服务明星考评"]
    assert windows[0][: len(WINDOW_HEADERS)] == WINDOW_HEADERS
    assert [row[: len(WINDOW_KEYS)] for row in windows[1:]] == _rows(doc["windows"], WINDOW_KEYS, stored)
    assert [row[: len(STAFF_KEYS)] for row in staff[1:]] == _rows(doc["staff"], STAFF_KEYS, stored)
    assert isinstance(staff[1][4], int), "a score is a number Excel can add up"


def test_the_report_as_a_page_is_self_contained_and_holds_every_row(demo: Demo) -> None:
    doc = demo.json("report", "2008Q3")
    assert demo("report", "2008Q3", "--out", "结果.html").exit_code == 0
    data = (demo.folder / "结果.html").read_bytes()
    for outside in (b"<script", b"http://", b"https://", b"@import", b"url("):
        assert outside not in data.replace(b'xmlns="http://www.w3.org/2000/svg"', b"")
    tables = html_tables(data)
    assert [row[: len(WINDOW_KEYS)] for row in tables["红旗窗口考评"][1:]] == _rows(doc["windows"], WINDOW_KEYS)
    assert [row[: len(STAFF_KEYS)] for row in tables["服务明星考评"][1:]] == _rows(doc["staff"], STAFF_KEYS)


def test_the_report_as_a_pdf_is_a4_with_the_chinese_text_embedded(demo: Demo) -> None:
    doc = demo.json("report", "2008Q3")
    assert demo("report", "2008Q3", "--out", "结果.pdf").exit_code == 0
    text = pdf_text(demo.folder / "结果.pdf")
    lines = text.splitlines()
    for p in doc["staff"]:
        assert any(p["id"] in line and p["name"] in line and f" {p['score']} " in f" {line} " for line in lines), p
    for w in doc["windows"]:
        assert any(w["code"] in line and w["name"] in line for line in lines), w
    import subprocess

    info = subprocess.run(["pdfinfo", str(demo.folder / "结果.pdf")], capture_output=True, text=True).stdout
    assert "842 x 595" in info or "841.89 x 595.28" in info or "595.28 x 841.89" in info, info  # A4
    fonts = subprocess.run(["pdffonts", str(demo.folder / "结果.pdf")], capture_output=True, text=True).stdout
    assert "CJK" in fonts and " yes yes " in fonts, fonts  # embedded (as a subset)


def test_an_explanation_workbook_lists_every_counted_fact_with_its_note(demo: Demo) -> None:
    doc = demo.json("explain", "--staff", "CX062", "2008Q3")
    assert demo("explain", "--staff", "CX062", "2008Q3", "--out", "说明.xlsx").exit_code == 0
    sheets = xlsx_sheets(demo.folder / "说明.xlsx")
    facts = sheets["扣分明细"]
    header = facts[0]
    expected = [f for c in doc["categories"] for f in c["facts"]]
    assert len(facts) - 1 == len(expected) == 5
    for row, f in zip(facts[1:], expected, strict=True):
        got = dict(zip(header, row, strict=True))
        assert got["编号"] == f["id"] and got["日期"] == f["date"] and got["扣分"] == f["points"]
        assert got["说明"] == f["note"] and got["说明"], "the finding's note travels with it"
        assert got["记录人/核实人"] == f["recorder"] and got["来源"] == f["source_name"]
    summary = {r[0]: r[1] for r in sheets["概要"][1:]}
    assert summary["总分"] == doc["score"] == 68
    assert summary["最终星级"] == doc["stars"]["final"]
    assert summary["应扣分（未封顶合计）"] == doc["deductions"] == 22


def test_the_audit_the_year_and_the_log_as_files_hold_the_json_values(demo: Demo) -> None:
    audit = demo.json("audit", "disqualifications", "--year", "2008")
    assert demo("audit", "disqualifications", "--year", "2008", "--out", "审计.csv").exit_code == 0
    tables = csv_sections((demo.folder / "审计.csv").read_bytes())
    dq = tables["取消评比资格"]
    keys = ["quarter", "year", "subject_type", "subject", "name", "kind", "kind_name", "scopes", "scope_names",
            "caused_by", "positions"]
    assert [row[: len(keys)] for row in dq[1:]] == _rows(audit["disqualifications"], keys)
    chain_events = sum(len(c["events"]) for d in audit["disqualifications"] for c in d["chain"])
    assert len(tables["事件链"]) - 1 == chain_events

    year = demo.json("year", "2008")
    assert demo("year", "2008", "--out", "年度.xlsx").exit_code == 0
    sheets = xlsx_sheets(demo.folder / "年度.xlsx")
    assert [r[:3] for r in sheets["各窗口红旗窗口季度"][1:]] == [
        [w["code"], w["name"], shown(w["red_flag_quarters"]) or None] for w in year["windows"]]

    log = demo.json("log", "--limit", "30")
    assert demo("log", "--limit", "30", "--out", "记录.html").exit_code == 0
    rows = html_tables((demo.folder / "记录.html").read_bytes())["事件"]
    assert rows[0][:3] == ["位置", "时间（UTC）", "操作人"]
    assert [r[:6] for r in rows[1:]] == _rows(log["events"], ["position", "time", "actor", "type", "type_name",
                                                               "summary"])


def test_out_with_json_writes_the_file_and_still_prints_the_document(demo: Demo) -> None:
    r = demo("report", "2008Q3", "--json", "--out", "结果.csv")
    assert r.exit_code == 0
    assert r.stdout.lstrip().startswith("{") and (demo.folder / "结果.csv").is_file()


@pytest.mark.parametrize("args", [
    ("report", "2008Q3"), ("explain", "--window", "WG", "2008Q3"), ("audit", "disqualifications"),
    ("year", "2008"), ("log",),
])
def test_an_existing_output_file_is_refused_and_left_as_it_was(demo: Demo, args: tuple[str, ...]) -> None:
    (demo.folder / "已有.csv").write_bytes(b"keep me")
    r = demo(*args, "--out", "已有.csv")
    assert r.exit_code == 2
    assert r.stderr.strip().startswith("错误：输出文件已存在") and len(r.stderr.strip().splitlines()) == 1
    assert (demo.folder / "已有.csv").read_bytes() == b"keep me"


@pytest.mark.parametrize("name", ["结果.txt", "结果", "结果.docx.bak"])
def test_an_unknown_extension_is_a_one_line_refusal_and_writes_nothing(demo: Demo, name: str) -> None:
    r = demo("explain", "--staff", "CX117", "2008Q3", "--out", name)
    assert r.exit_code == 2
    assert "不支持的输出格式" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert not (demo.folder / name).exists()


def test_the_docx_extension_is_only_for_the_report(demo: Demo) -> None:
    r = demo("year", "2008", "--out", "年度.docx")
    assert r.exit_code == 2 and "不支持的输出格式" in r.stderr
    assert not (demo.folder / "年度.docx").exists()


def test_a_failed_question_leaves_no_file_behind(demo: Demo) -> None:
    for args in (("explain", "--staff", "NOBODY", "2008Q3"), ("report", "2031Q1"), ("year", "1999")):
        r = demo(*args, "--out", "不该有.xlsx")
        assert r.exit_code == 2, args
        assert not (demo.folder / "不该有.xlsx").exists(), args


def test_a_pdf_without_a_chinese_font_is_refused_in_one_chinese_line(demo: Demo, monkeypatch: pytest.MonkeyPatch
                                                                     ) -> None:
    monkeypatch.setenv("KAOPING_CJK_FONT", str(demo.folder / "没有这个字体.ttf"))
    r = demo("report", "2008Q3", "--out", "结果.pdf")
    assert r.exit_code == 2 and "字体文件不存在" in r.stderr
    assert not (demo.folder / "结果.pdf").exists()
    monkeypatch.delenv("KAOPING_CJK_FONT")
    from cli.files import fonts

    monkeypatch.setattr(fonts, "candidates", lambda: [])
    r = demo("report", "2008Q3", "--out", "结果.pdf")
    assert r.exit_code == 2
    assert "没有找到中文字体" in r.stderr and "KAOPING_CJK_FONT" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert not (demo.folder / "结果.pdf").exists()


def test_the_installed_script_writes_a_workbook_too(demo: Demo) -> None:
    import subprocess

    from tests.conftest import kaoping_script

    p = subprocess.run([kaoping_script(), "--db", demo.db, "report", "2008Q3", "--out", "脚本.xlsx"],
                       capture_output=True, text=True, cwd=demo.folder, timeout=120)
    assert p.returncode == 0, p.stderr
    assert xlsx_sheets(Path(demo.folder / "脚本.xlsx"))["服务明星考评"][1][1] == "CX012"
