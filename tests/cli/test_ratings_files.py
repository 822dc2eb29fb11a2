"""`import ratings` takes a rating system's export in every form it comes in — GBK CSV, UTF-8 CSV with a BOM, an
XLSX workbook; levels as 5…1 or their five Chinese names — and records the same ratings from each; a hostile
file is refused in one clear line and writes nothing (D31, D27)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.helpers import Checked as Kaoping

NAMES = ("非常满意", "满意", "基本满意", "不满意", "非常不满意")
ROWS = [
    ("2025-09-01", "DS", "0101", "非常满意", "评价器", "330522-202509-000001"),
    ("2025-09-01", "DS", "", "满意", "二维码", "330522-202509-000002"),
    ("2025-09-02", "GT", "0201", "基本满意", "网上", "330522-202509-000003"),
    ("2025-09-02", "DS", "0101", "不满意", "短信", "330522-202509-000004"),
    ("2025-09-03", "GT", "0201", "非常不满意", "电话", "330522-202509-000005"),
    ("2025-09-03", "GT", "", "满意", "评价器", "330522-202509-000006"),
]
HEADER = "日期,窗口,人员,评价,渠道,办件编号"


def center(folder: Path) -> Kaoping:
    folder.mkdir(exist_ok=True)
    k = Kaoping(f"sqlite:///{folder / 'k.db'}")
    k("init")
    k("window", "add", "DS", "地税窗口")
    k("window", "add", "GT", "国土窗口")
    k("staff", "add", "0101", "张三", "--window", "DS", "--from", "2025-07-01")
    k("staff", "add", "0201", "王五", "--window", "GT", "--from", "2025-07-01")
    return k


@pytest.fixture
def k(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Kaoping:
    monkeypatch.chdir(tmp_path)
    return center(tmp_path / "center")


def csv_text(rows: list[tuple[str, ...]]) -> str:
    return HEADER + "\r\n" + "".join(",".join(r) + "\r\n" for r in rows)


def workbook(path: Path, rows: list[tuple[str, ...]]) -> Path:
    """The rows as Excel keeps them: date cells, a person's id typed as a number (its leading zero lost)."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER.split(","))
    for d, w, s, lv, ch, ref in rows:
        sheet.append([date.fromisoformat(d), w, int(s) if s else None, lv, ch, ref])
    book.save(path)
    return path


def figures(k: Kaoping) -> list[tuple[str, Any, int]]:
    doc = k.json("report", "2025Q3")
    return ([(w["code"], w["satisfaction"], w["ratings"]) for w in doc["windows"]]
            + [(p["id"], p["satisfaction"], p["ratings"]) for p in doc["staff"]])


def test_a_gbk_csv_a_utf8_csv_with_a_bom_and_a_workbook_record_the_same_ratings(tmp_path: Path) -> None:
    files = {"gbk": tmp_path / "gbk.csv", "bom": tmp_path / "bom.csv", "xlsx": tmp_path / "九月.xlsx"}
    files["gbk"].write_bytes(csv_text(ROWS).encode("gbk"))
    files["bom"].write_bytes(csv_text(ROWS).encode("utf-8-sig"))
    workbook(files["xlsx"], ROWS)
    seen = {}
    for form, path in files.items():
        k = center(tmp_path / form)
        result = k.json("import", "ratings", str(path))
        assert (result["added"], result["skipped"], len(result["complaints"])) == (6, 0, 2), form
        seen[form] = (result["encoding"], figures(k), sorted(i["summary"] for i in k.json("todo")["items"]
                                                              if i["kind"] == "complaint"))
        for other in files.values():  # each other form is the same ratings: it adds nothing, and is not refused
            again = k.json("import", "ratings", str(other))
            assert (again["added"], again["skipped"], again["complaints"]) == (0, 6, []), (form, other)
    assert [seen[f][0] for f in files] == ["GBK/GB18030", "UTF-8", "Excel"]
    assert seen["gbk"][1:] == seen["bom"][1:] == seen["xlsx"][1:]
    assert ("DS", 0.6667, 3) in seen["gbk"][1] and ("0201", 0.5, 2) in seen["gbk"][1]


def test_levels_written_5_to_1_are_the_five_chinese_levels(tmp_path: Path) -> None:
    by_name = center(tmp_path / "names")
    (tmp_path / "names.csv").write_text(csv_text(ROWS), encoding="utf-8")
    by_digit = center(tmp_path / "digits")
    digits = [(*r[:3], str(5 - NAMES.index(r[3])), *r[4:]) for r in ROWS]
    (tmp_path / "digits.csv").write_text(csv_text(digits), encoding="utf-8")
    assert len(by_name.json("import", "ratings", str(tmp_path / "names.csv"))["complaints"]) == 2
    assert len(by_digit.json("import", "ratings", str(tmp_path / "digits.csv"))["complaints"]) == 2
    assert figures(by_name) == figures(by_digit)
    assert by_name.json("import", "ratings", str(tmp_path / "digits.csv"))["skipped"] == 6  # the same levels


GOOD = ROWS[0]
HOSTILE: dict[str, tuple[str, str]] = {
    "a formula for a 办件编号": (csv_text([GOOD, (*GOOD[:5], "=1+1")]), "第3行：办件编号不能以 = 开头"),
    "an @ formula": (csv_text([(*GOOD[:5], "@SUM(A1)")]), "第2行：办件编号不能以 @ 开头"),
    "an ESC sequence in a 办件编号": (csv_text([(*GOOD[:5], "A1\x1b[2J")]), "第2行：办件编号含有不允许的字符"),
    "a bidi override in a window": (csv_text([("2025-09-01", "\u202eDS", *GOOD[2:])]), "第2行：未登记的窗口"),
    "a control character in a level": (csv_text([(*GOOD[:3], "满意\x07", *GOOD[4:])]), "第2行：未知的评价"),
    "a huge cell": (csv_text([(*GOOD[:5], "9" * 50_000)]), "第2行：“办件编号”一格有 50000 个字符"),
    "the findings header": ("date,window,staff,item,source,dq,note\n2025-09-01,DS,0101,S1.1,weekly,,\n",
                            "第1行：表头应为 date,window,staff,level,channel,ref"),
    "a column missing": ("日期,窗口,人员,评价,办件编号\n2025-09-01,DS,0101,5,R1\n", "第1行：表头应为"),
    "a row too short": (csv_text([GOOD, GOOD[:4]]), "第3行：应有 6 列，实际 4 列"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_ratings_file_is_refused_in_one_clear_line_and_writes_nothing(
        case: str, k: Kaoping, tmp_path: Path) -> None:
    text, reason = HOSTILE[case]
    (tmp_path / "r.csv").write_text(text, encoding="utf-8")
    before = k.json("log")
    out = k("import", "ratings", "r.csv", code=2)
    assert reason in out and "\x1b" not in out and "\u202e" not in out and len(out) < 500, out
    assert k.json("log") == before


def test_a_formula_cell_of_a_workbook_is_refused_as_a_missing_ref_and_writes_nothing(
        k: Kaoping, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER.split(","))
    sheet.append([date(2025, 9, 1), "DS", "0101", 5, "评价器", '=HYPERLINK("http://x","y")'])
    book.save(tmp_path / "r.xlsx")
    before = k.json("log")
    assert "第2行：缺少办件编号" in k("import", "ratings", "r.xlsx", code=2)
    assert k.json("log") == before
