"""A ratings file in every form a rating system or Excel saves it — GBK CSV, UTF-8 CSV with a BOM, an XLSX
workbook — reads into the same rows; a hostile file is refused in one clear line (D31, D27)."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from ledger.errors import InvalidInput
from ledger.sheets.ratings import CHINESE_HEADER, HEADER, RatingRow, parse_ratings_csv, read_ratings
from ledger.sheets.table import MAX_CELL

ROWS = [
    ("2025-09-01", "DS", "0101", "非常满意", "评价器", "330522-202509-000001"),
    ("2025-09-01", "DS", "", "满意", "二维码", "330522-202509-000002"),
    ("2025-09-02", "GT", "0201", "基本满意", "网上", "330522-202509-000003"),
    ("2025-09-02", "DS", "0101", "不满意", "短信", "330522-202509-000004"),
    ("2025-09-03", "GT", "0201", "非常不满意", "电话", "330522-202509-000005"),
]
EXPECTED = tuple(RatingRow(n, *r) for n, r in enumerate(ROWS, start=2))


def csv_text(rows: list[tuple[str, ...]], header: tuple[str, ...] = CHINESE_HEADER) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # as Excel writes it
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def xlsx(path: Path, rows: list[list[object]], header: tuple[str, ...] = CHINESE_HEADER) -> Path:
    """A workbook as Excel saves one: real date cells, a person's id typed as a number."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "九月"
    sheet.append(list(header))
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_a_gbk_csv_a_utf8_csv_with_a_bom_and_a_workbook_read_into_the_same_rows(tmp_path: Path) -> None:
    text = csv_text(ROWS)
    (tmp_path / "gbk.csv").write_bytes(text.encode("gbk"))
    (tmp_path / "bom.csv").write_bytes(text.encode("utf-8-sig"))
    cells = [[date.fromisoformat(d), w, s, lv, ch, ref] for d, w, s, lv, ch, ref in ROWS]
    book = xlsx(tmp_path / "九月.xlsx", cells)
    gbk, bom, excel = (read_ratings(str(tmp_path / name)) for name in ("gbk.csv", "bom.csv", "九月.xlsx"))
    assert (gbk.encoding, bom.encoding, excel.encoding) == ("GBK/GB18030", "UTF-8", "Excel")
    assert excel.name == "九月.xlsx 工作表“九月”"
    assert gbk.rows == bom.rows == excel.rows == EXPECTED
    assert read_ratings(str(book), "九月").rows == EXPECTED


def test_the_english_header_and_a_tab_separated_file_read_the_same_rows() -> None:
    tabbed = "\t".join(HEADER) + "\n" + "".join("\t".join(r) + "\n" for r in ROWS)
    assert parse_ratings_csv(tabbed.encode(), "r.txt").rows == EXPECTED
    assert parse_ratings_csv(csv_text(ROWS, HEADER).encode(), "r.csv").rows == EXPECTED


def test_levels_typed_as_numbers_in_a_workbook_read_as_the_digits_a_clerk_typed(tmp_path: Path) -> None:
    book = xlsx(tmp_path / "r.xlsx", [[date(2025, 9, 1), "DS", 101, level, "评价器", f"R{level}"]
                                      for level in (5, 4, 3, 2, 1)])
    assert [(r.staff, r.level) for r in read_ratings(str(book)).rows] == [("101", str(n)) for n in (5, 4, 3, 2, 1)]


def refusal(tmp_path: Path, name: str, data: bytes) -> str:
    (tmp_path / name).write_bytes(data)
    with pytest.raises(InvalidInput) as caught:
        read_ratings(str(tmp_path / name))
    message = str(caught.value)
    assert "\n" not in message and len(message) < 400, message
    return message


def test_a_findings_header_or_a_missing_column_is_refused_naming_the_header(tmp_path: Path) -> None:
    findings = "date,window,staff,item,source,dq,note\n2025-09-01,DS,0101,S1.1,weekly,,\n"
    assert refusal(tmp_path, "r.csv", findings.encode()).startswith(
        "r.csv 第1行：表头应为 date,window,staff,level,channel,ref 或 日期,窗口,人员,评价,渠道,办件编号，实际为 date,")
    short = "日期,窗口,评价,渠道,办件编号"
    assert f"实际为 {short}" in refusal(tmp_path, "r.csv", f"{short}\n".encode())


def test_a_huge_cell_is_refused_by_its_row_and_column_and_never_echoed(tmp_path: Path) -> None:
    huge = "A" * (MAX_CELL * 10)
    sheet = parse_ratings_csv(csv_text([ROWS[0], (*ROWS[1][:5], huge)]).encode(), "r.csv")
    assert sheet.rows == EXPECTED[:1]
    assert sheet.problems == ((3, f"“办件编号”一格有 {MAX_CELL * 10} 个字符，超过 {MAX_CELL} 个"),)
    flood = "A" * 200_000  # past what Python's csv reads as one field at all
    assert "第3行：CSV 格式错误" in refusal(tmp_path, "r.csv", csv_text([ROWS[0], (*ROWS[1][:5], flood)]).encode())
    header = "日期," + "x" * 100_000
    message = refusal(tmp_path, "r.csv", (header + "\n").encode())
    assert "表头应为" in message and "x" * 41 not in message


def test_a_workbook_formula_reads_as_an_empty_cell_never_as_its_text(tmp_path: Path) -> None:
    book = xlsx(tmp_path / "r.xlsx", [[date(2025, 9, 1), "DS", "0101", 5, "评价器", "=HYPERLINK(\"http://x\",\"y\")"]])
    assert read_ratings(str(book)).rows[0].ref == ""  # then refused as 缺少办件编号 (tests/cli/test_ratings_files.py)


def test_bytes_in_no_known_encoding_are_refused_naming_the_line(tmp_path: Path) -> None:
    data = csv_text(ROWS).encode("utf-8") + b"\xff\xfe\xfd\n"
    assert "第7行：既不是 UTF-8 也不是 GBK/GB18030 编码" in refusal(tmp_path, "r.csv", data)
