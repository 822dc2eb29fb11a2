"""Sheets read as a clerk typed them: UTF-8 or GBK CSV, a Chinese or English header, Excel's dates and numbers."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
import xlsxwriter

from ledger.errors import InvalidInput
from ledger.sheets.cells import cell_text, date_text
from ledger.sheets.findings import CHINESE_HEADER, HEADER, SheetRow, parse_findings_csv
from ledger.sheets.reading import read_findings

ROW = "2008-06-02,DS,0101,S1.1,weekly,,未佩牌上岗\n"


def test_a_utf8_sheet_says_it_was_utf8_and_gives_its_rows_as_typed() -> None:
    sheet = parse_findings_csv((",".join(HEADER) + "\n" + ROW).encode(), "week.csv")
    assert (sheet.name, sheet.encoding) == ("week.csv", "UTF-8")
    assert sheet.rows == (SheetRow(2, "2008-06-02", "DS", "0101", "S1.1", "weekly", "", "未佩牌上岗"),)


def test_a_gbk_sheet_with_the_chinese_header_is_read_and_says_so() -> None:
    data = (",".join(CHINESE_HEADER) + "\r\n" + ROW).encode("gbk")
    sheet = parse_findings_csv(data, "week.csv")
    assert sheet.encoding == "GBK/GB18030"
    assert sheet.rows[0].note == "未佩牌上岗"


def test_bytes_in_no_known_encoding_are_refused_naming_the_line() -> None:
    data = (",".join(HEADER) + "\n" + ROW).encode("gbk") + b"\xff\xfe\n"
    with pytest.raises(InvalidInput, match="week.csv 第3行：既不是 UTF-8 也不是 GBK/GB18030 编码"):
        parse_findings_csv(data, "week.csv")


def test_a_header_names_each_column_in_either_language_and_empty_columns_after_it_are_ignored() -> None:
    mixed = "日期,window,人员,item,来源,dq,说明,,\n" + ROW.rstrip("\n") + ",,\n"
    assert len(parse_findings_csv(mixed.encode(), "week.csv")) == 1
    with pytest.raises(InvalidInput, match="第1行：表头应为 date,window,staff,item,source,dq,note 或 日期,窗口"):
        parse_findings_csv(("日期,窗口,条目,来源\n" + ROW).encode(), "week.csv")


def test_every_row_of_the_wrong_width_is_remembered_not_only_the_first() -> None:
    data = ",".join(HEADER) + "\n" + ROW + "2008-06-03,DS\n" + ROW + "2008-06-04,DS,,W2.2\n"
    sheet = parse_findings_csv(data.encode(), "week.csv")
    assert len(sheet.rows) == 2
    assert sheet.problems == ((3, "应有 7 列，实际 2 列"), (5, "应有 7 列，实际 4 列"))


@pytest.mark.parametrize(("typed", "iso"), [
    ("2008-06-02", "2008-06-02"), ("2008/6/2", "2008-06-02"), ("2008.6.2", "2008-06-02"),
    ("2008-6-2", "2008-06-02"), ("2008年6月2日", "2008-06-02"), ("2008/6/2 0:00", "2008-06-02"),
    ("2008/2/30", "2008-02-30"), ("6/2/2008", "6/2/2008"), ("２００８/6/2", "２００８/6/2"),
    (" 2008/06/02 ", "2008-06-02"),
])
def test_a_typed_date_is_made_iso_when_its_form_is_clear_and_left_as_typed_otherwise(typed: str, iso: str) -> None:
    assert date_text(typed) == iso


def test_excel_dates_and_numbers_become_the_text_a_clerk_meant() -> None:
    assert date_text(date(2008, 5, 27)) == "2008-05-27"
    assert date_text(datetime(2008, 5, 27)) == "2008-05-27"
    assert date_text(datetime(2008, 5, 27, 9, 30)) == "2008-05-27 09:30:00"  # refused later: not a day
    assert [cell_text(v) for v in (101.0, 7, 2.5, None, "  DS ", True)] == ["101", "7", "2.5", "", "DS", "TRUE"]


def workbook(path: Path, rows: list[list[object]], header: tuple[str, ...] = CHINESE_HEADER,
             title: str = "第23周") -> Path:
    """A workbook as Excel saves one typed by hand: real date cells, ids typed as numbers."""
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet(title)
    ws.write_row(0, 0, header)
    dated = book.add_format({"num_format": "yyyy/m/d"})
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, date):
                ws.write_datetime(r, c, datetime.combine(value, datetime.min.time()), dated)
            elif value is not None:
                ws.write(r, c, value)
    book.add_worksheet("备注").write(0, 0, "其他内容")
    book.close()
    return path


def test_a_workbook_gives_its_first_sheet_with_date_cells_as_iso_and_numbers_as_whole_numbers(tmp_path: Path) -> None:
    path = workbook(tmp_path / "week.xlsx", [
        [date(2008, 6, 2), "DS", 101, "S1.1", "weekly", None, "未佩牌上岗"],
        [],
        ["2008/6/3", 7, None, "W2.2", "duty", None, 15],
    ])
    sheet = read_findings(str(path))
    assert (sheet.name, sheet.encoding) == ("week.xlsx 工作表“第23周”", "Excel")
    assert sheet.rows == (
        SheetRow(2, "2008-06-02", "DS", "101", "S1.1", "weekly", "", "未佩牌上岗"),
        SheetRow(4, "2008-06-03", "7", "", "W2.2", "duty", "", "15"),
    )


def test_another_sheet_of_a_workbook_is_read_when_named_and_an_unknown_one_refused(tmp_path: Path) -> None:
    path = workbook(tmp_path / "week.xlsx", [["2008-06-02", "DS", "", "W2.2", "weekly", "", ""]])
    with pytest.raises(InvalidInput, match="week.xlsx 工作表“备注” 第1行：表头应为"):
        read_findings(str(path), "备注")
    with pytest.raises(InvalidInput, match="week.xlsx 里没有工作表“第24周”（有：第23周、备注）"):
        read_findings(str(path), "第24周")


def test_a_file_that_is_not_a_workbook_is_refused_in_one_line(tmp_path: Path) -> None:
    fake = tmp_path / "week.xlsx"
    fake.write_bytes(b"date,window\n")
    with pytest.raises(InvalidInput, match="week.xlsx 不是可读取的 Excel 工作簿"):
        read_findings(str(fake))
