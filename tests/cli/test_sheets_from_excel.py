"""A week typed in Excel imports without re-saving: the template, the workbook, what the import prints, and a
refusal that names every bad row with the sheet — through the CLI, on both backends."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import orjson
import pytest

from tests.conftest import Kaoping
from tests.snapshot import snapshot


@pytest.fixture
def center(kp: Kaoping) -> Kaoping:
    for args in (["init"], ["window", "add", "DS", "地税窗口"], ["window", "add", "GT", "国土窗口"],
                 ["staff", "add", "0101", "张三", "--window", "DS", "--from", "2008-05-01"],
                 ["staff", "add", "0102", "李四", "--window", "GT", "--from", "2008-05-01"]):
        assert kp(*args).exit_code == 0
    return kp


def test_the_template_opens_in_openpyxl_with_its_header_lists_and_text_id_columns(center: Kaoping) -> None:
    r = center("template", "findings", "--out", "第28周.xlsx")
    assert r.exit_code == 0, r.stderr
    assert "第28周.xlsx" in r.stdout
    book = openpyxl.load_workbook(center.cwd / "第28周.xlsx")
    assert book.sheetnames == ["检查记录", "代码表"] and book["代码表"].sheet_state == "hidden"
    sheet, codes = book["检查记录"], book["代码表"]
    assert [c.value for c in sheet[1]] == ["日期", "窗口", "人员", "条目", "来源", "取消资格", "说明"]
    lists = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    assert lists["A2:A1001"].type == "date"
    for column, letter in zip("BCDEF", "ABCDE", strict=True):
        assert lists[f"{column}2:{column}1001"].type == "list"
        assert lists[f"{column}2:{column}1001"].formula1.startswith(f"'代码表'!${letter}$2:${letter}$")
    column_of = {codes.cell(1, c).value: [codes.cell(r, c).value for r in range(2, codes.max_row + 1)
                                          if codes.cell(r, c).value] for c in range(1, 6)}
    assert column_of["窗口"] == ["DS 地税窗口", "GT 国土窗口"]
    assert column_of["人员"] == ["0101 张三", "0102 李四"]
    assert "weekly 值周检查记录表" in column_of["来源"] and column_of["条目"][0].startswith("W1.1 ")
    assert [d.split()[0] for d in column_of["取消资格"]] == ["gaming", "corruption", "complaint", "discipline",
                                                          "consultation"]
    for column in "BCDEF":
        assert sheet.column_dimensions[column].number_format == "@"


def test_the_template_is_never_written_over_an_existing_file(center: Kaoping) -> None:
    (center.cwd / "week.xlsx").write_bytes(b"keep")
    r = center("template", "findings", "--out", "week.xlsx")
    assert r.exit_code == 2 and "已存在" in r.stderr
    assert (center.cwd / "week.xlsx").read_bytes() == b"keep"


def fill(path: Path, rows: list[list[object]]) -> Path:
    """The template filled in as a clerk would in Excel (openpyxl saves it like Excel: cells typed)."""
    book = openpyxl.load_workbook(path)
    sheet = book["检查记录"]
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(r, c, value)
    book.save(path)
    return path


def test_a_filled_template_imports_prints_the_new_ids_and_imports_nothing_twice(center: Kaoping) -> None:
    assert center("template", "findings", "--out", "week.xlsx").exit_code == 0
    fill(center.cwd / "week.xlsx", [
        [date(2008, 6, 2), "DS 地税窗口", "0101 张三", "S1.1", "weekly 值周检查记录表", None, "未佩牌上岗"],
        [datetime(2008, 6, 3), "GT", 102, "S4.2", "patrol", "gaming", "QQ聊天"],
        ["2008/6/4", "DS", None, "W2.2", "duty", None, None],
    ])
    r = center("import", "findings", "week.xlsx")
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert lines[0] == "week.xlsx 工作表“检查记录”（Excel）：导入 3 条，已存在跳过 0 条"
    ids = lines[2:]
    assert len(ids) == 3 and all(len(i) == 36 for i in ids)
    log = orjson.loads(center("log", "--json", "--type", "FindingRecorded").stdout)["events"]
    assert [e["id"] for e in log] == ids
    assert "人员 0102（窗口 GT）" in log[1]["summary"]
    again = orjson.loads(center("import", "findings", "week.xlsx", "--json").stdout)
    assert again == {"added": 0, "skipped": 3, "ids": [], "matched": [], "sheet": "week.xlsx 工作表“检查记录”",
                     "encoding": "Excel"}


def test_a_gbk_csv_says_so_and_is_the_same_sheet_as_its_workbook(center: Kaoping) -> None:
    text = "日期,窗口,人员,条目,来源,取消资格,说明\n2008-06-02,DS,0101,S1.1,weekly,,未佩牌上岗\n"
    (center.cwd / "week.csv").write_bytes(text.encode("gbk"))
    first = center("import", "findings", "week.csv")
    assert first.stdout.startswith("week.csv（GBK/GB18030）：导入 1 条")
    assert center("template", "findings", "--out", "week.xlsx").exit_code == 0
    fill(center.cwd / "week.xlsx", [[date(2008, 6, 2), "DS", 101, "S1.1", "weekly", None, "未佩牌上岗"]])
    assert "导入 0 条，已存在跳过 1 条" in center("import", "findings", "week.xlsx").stdout


def test_a_workbook_with_bad_rows_is_refused_naming_the_sheet_and_every_bad_row(center: Kaoping,
                                                                              db_url: str) -> None:
    assert center("template", "findings", "--out", "week.xlsx").exit_code == 0
    fill(center.cwd / "week.xlsx", [
        [date(2008, 6, 2), "DS", "0101", "S1.1", "weekly", None, None],
        [date(2008, 6, 3), "XX", None, "W2.2", "weekly", None, None],
        ["2008/2/30", "DS", None, "W2.2", "weekly", None, None],
        [date(2008, 6, 4), "DS", "0101 李四", "S1.1", "weekly", None, None],
        [date(2008, 6, 5), "XX", None, "W2.1", "duty", None, None],
    ])
    before = snapshot(db_url, center.cwd)
    r = center("import", "findings", "week.xlsx")
    assert r.exit_code == 2 and r.stdout == ""
    line = r.stderr.strip()
    assert "\n" not in line
    assert line.startswith("错误：week.xlsx 工作表“检查记录” 第3、6行：未登记的窗口：XX；另有 2 行有误：")
    assert "第4行：日期不存在：2008-02-30" in line and "第5行：人员 0101 是“张三”，不是“李四”" in line
    assert snapshot(db_url, center.cwd) == before


def test_a_csv_with_bad_rows_is_refused_naming_every_one(center: Kaoping) -> None:
    rows = ["2008-06-02,DS,,W2.2,weekly,,\n", "2008-06-02,DS,,W9.9,weekly,,\n", "2008-06-02,DS\n",
            "2099-01-01,DS,,W2.2,weekly,,\n"]
    (center.cwd / "week.csv").write_text("date,window,staff,item,source,dq,note\n" + "".join(rows), encoding="utf-8")
    r = center("import", "findings", "week.csv")
    assert r.exit_code == 2
    assert r.stderr.startswith("错误：week.csv 第3行：未知的考评条目代码：W9.9；另有 2 行有误：")
    assert "第4行：应有 7 列，实际 2 列" in r.stderr and "第5行：日期 2099-01-01 在今天之后" in r.stderr


def test_a_row_like_a_recorded_finding_is_named_and_as_new_records_it(center: Kaoping) -> None:
    by_hand = center("record", "W2.2", "--window", "DS", "--date", "2008-06-02", "--source", "weekly",
                     "--note", "迟到").stdout.strip()
    (center.cwd / "week.csv").write_text("date,window,staff,item,source,dq,note\n2008-06-02,DS,,W2.2,weekly,,迟到\n",
                                         encoding="utf-8")
    r = center("import", "findings", "week.csv")
    assert r.exit_code == 0
    assert "与已录入的记录相同未录入 1 条" in r.stdout and f"第2行 与已录入的记录 {by_hand} 相同" in r.stdout
    doc = orjson.loads(center("import", "findings", "week.csv", "--as-new", "--json").stdout)
    assert doc["added"] == 1 and doc["matched"] == []
