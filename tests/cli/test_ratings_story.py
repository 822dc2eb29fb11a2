"""Issue 13's Done-when for 好差评 and 整改, tried as a new user would: a month of ratings imports, 满意率 shows, a
verified 差评 deducts S3.5 (and W5.5 by D8), is rectified and called back; refusals write nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cli.sample.ratings import ratings_csv, ratings_rows
from tests.helpers import Checked as Kaoping


def row(doc: dict[str, Any], key: str, value: str) -> dict[str, Any]:
    return next(r for r in doc["windows" if key == "code" else "staff"] if r[key] == value)


@pytest.fixture
def k(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Kaoping:
    monkeypatch.chdir(tmp_path)
    k = Kaoping(f"sqlite:///{tmp_path / 'k.db'}")
    k("init")
    k("window", "add", "DS", "地税窗口")
    k("window", "add", "GT", "国土窗口")
    k("staff", "add", "0101", "张三", "--window", "DS", "--from", "2025-07-01")
    k("staff", "add", "0201", "王五", "--window", "GT", "--from", "2025-07-01")
    return k


HAND = """日期,窗口,人员,评价,渠道,办件编号
2025-09-01,DS,0101,非常满意,评价器,A1
2025-09-01,DS,0101,5,device,A2
2025-09-02,DS,,基本满意,二维码,A3
2025-09-02,DS,0101,不满意,网上,A 4
2025-09-03,GT,0201,满意,短信,B1
"""


def test_a_hand_made_sheet_shows_its_satisfaction_per_window_and_person_and_adds_nothing_again(
        k: Kaoping, tmp_path: Path) -> None:
    (tmp_path / "r.csv").write_text(HAND, encoding="utf-8")
    first = k.json("import", "ratings", "r.csv")
    assert (first["added"], first["skipped"], len(first["complaints"])) == (5, 0, 1)
    again = k.json("import", "ratings", "r.csv")
    assert (again["added"], again["skipped"], again["complaints"]) == (0, 5, [])
    doc = k.json("report", "2025Q3")
    # DS: A1, A2, A3 satisfied of 4 (its staff's ratings count for it, D2); 张三: A1, A2 of 3; 王五 1 of 1
    assert (row(doc, "code", "DS")["satisfaction"], row(doc, "code", "DS")["ratings"]) == (0.75, 4)
    assert (row(doc, "id", "0101")["satisfaction"], row(doc, "id", "0101")["ratings"]) == (0.6667, 3)
    assert (row(doc, "id", "0201")["satisfaction"], row(doc, "code", "GT")["satisfaction"]) == (1.0, 1.0)
    assert row(doc, "code", "DS")["overdue_rectifications"] == 0
    empty = k.json("report", "2025Q2")
    assert all(r["satisfaction"] is None and r["ratings"] == 0 for r in empty["windows"] + empty["staff"])
    lines = [line.split() for line in k("report", "2025Q3").splitlines()]
    assert [h for h in lines if h[:1] == ["排名"]][0][-2:] == ["满意率", "评价数"]
    assert next(r for r in lines if r[1:2] == ["DS"])[-2:] == ["75.00%", "4"]
    assert next(r for r in lines if r[1:2] == ["0101"])[-2:] == ["66.67%", "3"]
    assert "满意率" not in k("report", "2025Q2")  # no ratings in that quarter: no columns


def test_every_bad_row_of_a_ratings_sheet_is_named_and_nothing_is_written(k: Kaoping, tmp_path: Path) -> None:
    (tmp_path / "r.csv").write_text(HAND, encoding="utf-8")
    k("import", "ratings", "r.csv")
    before = k.json("log")
    (tmp_path / "bad.csv").write_text(
        "date,window,staff,level,channel,ref\n"
        "2025-09-04,DS,0101,很好,评价器,C1\n"
        "2025-09-04,XX,,5,device,C2\n"
        "2025-09-04,DS,0999,3,二维码,C3\n"
        "2025-09-04,DS,0101,2,fax,C4\n"
        "2025-09-01,DS,0101,1,评价器,A1\n"
        "2025-09-04,GT,0101,5,评价器,C5\n"
        "2025-09-04,DS,0101,5,评价器,C6\n", encoding="utf-8")
    out = k("import", "ratings", "bad.csv", code=2)
    for line, reason in ((2, "未知的评价：很好"), (3, "未登记的窗口：XX"), (4, "未登记的人员：0999"),
                         (5, "未知的评价渠道：fax"), (6, "办件编号 A1 已导入"),
                         (7, "0101（张三）在 2025-09-04 属于窗口 DS，不是窗口 GT")):
        assert f"第{line}行：{reason}" in out
    assert "第8行" not in out
    assert k.json("log") == before


def test_a_verified_bad_rating_deducts_s3_5_and_w5_5_is_rectified_on_working_days_and_called_back(
        k: Kaoping, tmp_path: Path) -> None:
    (tmp_path / "r.csv").write_text(HAND, encoding="utf-8")
    bad = k.json("import", "ratings", "r.csv")["complaints"][0]
    assert any(i["kind"] == "complaint" and i["id"] == bad[:8] for i in k.json("todo")["items"])
    assert "尚未核实" in k("complaint", "rectify", bad, "--date", "2025-09-30", "--text", "x", code=2)
    assert "尚未核实" in k("complaint", "callback", bad, "--date", "2025-09-30", "--result", "satisfied", code=2)
    assert "只能认定为 S3.5" in k("complaint", "verify", bad, "--item", "S3.1", code=2)
    assert "只能由 kaoping import ratings" in k("complaint", "record", "--window", "DS", "--date", "2025-09-02",
                                              "--channel", "rating", "--text", "x", code=2)
    k("complaint", "verify", bad, "--date", "2025-09-26")
    doc = k.json("report", "2025Q3")
    assert row(doc, "id", "0101")["deductions"] == 4  # S3 deducts 4 per violation
    assert row(doc, "code", "DS")["deductions"] == 6  # W5.5 by D8, W5 deducts 6
    # 15 working days after Friday 2025-09-26 across National Day: the 调休 Sunday 9-28 and Saturday 10-11 count,
    # 10-01 … 10-08 do not: due 2025-10-23, long past today
    rectify = next(i for i in k.json("todo")["items"] if i["kind"] == "rectify")
    assert (rectify["id"], rectify["due"], rectify["overdue"]) == (bad[:8], "2025-10-23", True)
    assert row(doc, "code", "DS")["overdue_rectifications"] == 1
    assert "待整改，不能回访" in k("complaint", "callback", bad, "--date", "2025-10-09", "--result", "satisfied",
                                 code=2)
    k("complaint", "rectify", bad, "--date", "2025-10-09", "--text", "当面致歉，加强业务培训")
    assert row(k.json("report", "2025Q3"), "code", "DS")["overdue_rectifications"] == 0
    assert [i["kind"] for i in k.json("todo")["items"] if i["id"] == bad[:8]] == ["callback"]
    k("complaint", "callback", bad, "--date", "2025-10-10", "--result", "unsatisfied", "--note", "仍不满意")
    reopened = next(i for i in k.json("todo")["items"] if i["kind"] == "rectify")
    assert reopened["due"] == "2025-10-30"  # 15 working days after 2025-10-10, the 调休 Saturday 10-11 counted
    k("complaint", "rectify", bad, "--date", "2025-10-13", "--text", "更换窗口人员")
    k("complaint", "callback", bad, "--date", "2025-10-14", "--result", "satisfied")
    assert not [i for i in k.json("todo")["items"] if i["id"] == bad[:8]]
    assert "整改完毕" in k("complaint", "rectify", bad, "--date", "2025-10-15", "--text", "x", code=2)
    assert row(k.json("report", "2025Q3"), "id", "0101")["deductions"] == 4  # rectified, still deducted


def test_a_month_of_generated_ratings_imports_and_its_bad_ratings_wait_as_complaints(
        k: Kaoping, tmp_path: Path) -> None:
    rows = ratings_rows(date(2025, 9, 1), date(2025, 9, 30), {"DS": ["0101"], "GT": ["0201"]}, 3000, seed=3)
    (tmp_path / "month.csv").write_bytes(ratings_csv(rows))
    result = k.json("import", "ratings", "month.csv")
    bad = sum(1 for r in rows if r[3] in ("不满意", "非常不满意"))
    assert (result["added"], len(result["complaints"])) == (3000, bad)
    doc = k.json("report", "2025Q3")
    ds = [r for r in rows if r[1] == "DS"]
    good = sum(1 for r in ds if r[3] in ("非常满意", "满意", "基本满意"))
    assert row(doc, "code", "DS")["satisfaction"] == round(good / len(ds), 4)
    assert row(doc, "code", "DS")["ratings"] == len(ds)


def test_explain_shows_the_satisfaction_of_a_window_and_a_person_in_text_and_json(
        k: Kaoping, tmp_path: Path) -> None:
    (tmp_path / "r.csv").write_text(HAND, encoding="utf-8")
    k("import", "ratings", "r.csv")
    ds = k.json("explain", "--window", "DS", "2025Q3")
    assert (ds["satisfaction"], ds["ratings"]) == (0.75, 4)
    zhang = k.json("explain", "--staff", "0101", "2025Q3")
    assert (zhang["satisfaction"], zhang["ratings"]) == (0.6667, 3)
    assert "好差评满意率：75.00%（评价 4 条），不计分" in k("explain", "--window", "DS", "2025Q3")
    assert "好差评满意率：66.67%（评价 3 条），不计分" in k("explain", "--staff", "0101", "2025Q3")
    none = k.json("explain", "--staff", "0201", "2025Q4")
    assert (none["satisfaction"], none["ratings"]) == (None, 0)
    assert "好差评满意率：本季度没有评价" in k("explain", "--staff", "0201", "2025Q4")


def test_the_bulletin_shows_each_windows_satisfaction_and_publish_check_makes_it_again(
        k: Kaoping, tmp_path: Path) -> None:
    (tmp_path / "r.csv").write_text(HAND, encoding="utf-8")
    bad = k.json("import", "ratings", "r.csv")["complaints"][0]
    k("complaint", "verify", bad, "--date", "2025-09-26")  # its rectification stays open, overdue today
    k("shortlist", "2025Q3")
    k("decide", "2025Q3", "--red-flag", "GT", "--five", "0201")
    k("publish", "2025Q3", "--out", "公布")
    page = (tmp_path / "公布" / "网站公布.html").read_text(encoding="utf-8")
    section = page[page.index('<section id="satisfaction">'):]
    section = section[:section.index("</section>")]
    assert "好差评满意率" in section
    assert "地税窗口<small> 75.00%（4条）</small>" in section and "国土窗口<small> 100.00%（1条）</small>" in section
    k("publish", "--check", "公布")  # made again: the same bytes


def test_a_window_rating_on_a_day_the_window_was_not_in_the_center_is_refused_as_its_findings_are(
        k: Kaoping, tmp_path: Path) -> None:
    k("window", "add", "FG", "发改窗口", "--from", "2025-09-15")
    (tmp_path / "early.csv").write_text("date,window,staff,level,channel,ref\n"
                                        "2025-09-16,FG,,5,评价器,F2\n"
                                        "2025-09-10,FG,,5,评价器,F1\n", encoding="utf-8")
    why = "窗口 FG（发改窗口）在 2025-09-10 不在中心（2025-09-15 起参加考评）"
    assert k("import", "ratings", "early.csv", code=2).strip() == f"错误：early.csv 第3行：{why}"
    assert k("record", "W2.2", "--window", "FG", "--date", "2025-09-10", "--source", "weekly",
             code=2).strip() == f"错误：{why}"
