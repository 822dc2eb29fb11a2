"""The Done-when story of issue 13, as a new user would try it: a quarter is decided and announced, a staff member
appeals a finding within the 公示, the 督查科 overturns it and the star changes, the quarter publishes only after."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

import ledger.runtime.zone
from ledger.calendar import quarter_bounds, quarter_of
from ledger.runtime.zone import center_today
from ledger.workdays import shipped
from tests.helpers import Checked as Kaoping


def last_ended_quarter(today: date) -> str:
    return quarter_of(quarter_bounds(quarter_of(today))[0] - timedelta(days=1))


def stars(doc: dict[str, Any], person: str) -> tuple[int, int]:
    row = next(p for p in doc["staff"] if p["id"] == person)
    return row["deductions"], row["stars"]


def test_an_appeal_within_the_announcement_overturned_changes_the_star_and_publication_waits(
        tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    k = Kaoping(f"sqlite:///{tmp_path / 'k.db'}")
    today = center_today()
    q = last_ended_quarter(today)
    first = quarter_bounds(q)[0]
    k("init", "--center", "长兴县行政服务中心")
    k("window", "add", "DS", "地税窗口")
    k("window", "add", "GT", "国土窗口")
    k("staff", "add", "0101", "张三", "--window", "DS", "--from", first.isoformat())
    k("staff", "add", "0201", "王五", "--window", "GT", "--from", first.isoformat())
    # 4 + 4 + 4 + 4 = 16 应扣分 ≥ 15: a five-star pick ends on four (D17)
    ids = [k("record", item, "--staff", "0101", "--date", (first + timedelta(days=n)).isoformat(), "--source",
             "weekly").strip() for n, item in enumerate(["S1.1", "S1.2", "S2.1", "S2.2"], 3)]
    k("shortlist", q, "--windows", "2", "--staff", "2")
    k("decide", q, "--five", "0101")
    assert stars(k.json("report", q), "0101") == (16, 4)
    assert k.json("report", q)["announced"] is None
    todo = k.json("todo")["items"]
    assert [(i["kind"], i["id"]) for i in todo] == [("announce", q)]

    shown = k("announce", q)
    span = shipped().span(today, 5)
    assert f"{span[0]} 至 {span[1]}" in shown
    report = k.json("report", q)
    assert report["status"] == "decided"
    assert (report["announced"]["from"], report["announced"]["to"]) == (span[0].isoformat(), span[1].isoformat())
    assert "正在公示" in k("publish", q, code=2)
    k("announce", q, code=2)  # once per decision

    appeal = k("appeal", "file", "--against", ids[3], "--date", today.isoformat(), "--text", "当日在岗").strip()
    assert "尚未复核" in k("appeal", "file", "--against", ids[3], "--date", today.isoformat(), "--text", "再诉",
                         code=2)
    assert "不是该检查记录的被考评对象" in k("appeal", "file", "--against", ids[2], "--date", today.isoformat(),
                                    "--text", "x", "--by", "GT", code=2)
    items = k.json("todo")["items"]
    assert [(i["kind"], i["id"], i["due"], i["overdue"]) for i in items] == [
        ("appeal", appeal.replace("-", "")[:8], span[1].isoformat(), False),
        ("publish", q, shipped().on_or_after(span[1] + timedelta(days=1)).isoformat(), False),
    ]

    k("appeal", "overturn", items[0]["id"], "--reason", "经查监控当日在岗")  # todo's short id is typed back
    assert "已撤销" in k("appeal", "uphold", appeal, "--reason", "再议", code=2)
    after = k.json("report", q)
    assert stars(after, "0101") == (12, 5)
    assert {(d["subject"], d["field"], d["before"], d["after"]) for d in after["before_review"]["differences"]
            if d["subject"] == "0101"} >= {("0101", "deductions", 16, 12), ("0101", "stars", 4, 5)}
    explain = k.json("explain", "--staff", "0101", q)
    assert [(a["against"], a["outcome"]) for a in explain["appeals"]] == [(ids[3], "overturned")]
    assert "正在公示" in k("publish", q, code=2)  # the appeal is decided, the 公示 still runs

    monkeypatch.setattr(ledger.runtime.zone, "center_today", lambda: span[1] + timedelta(days=1))
    k("publish", q)
    assert k.json("report", q)["status"] == "published"


def test_a_late_findings_appeal_is_due_for_review_five_working_days_after_filing_and_the_report_shows_review(
        tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    k = Kaoping(f"sqlite:///{tmp_path / 'k.db'}")
    today = center_today()
    q = last_ended_quarter(today)
    first, last = quarter_bounds(q)
    k("init", "--center", "长兴县行政服务中心")
    k("window", "add", "DS", "地税窗口", "--from", first.isoformat())
    k("staff", "add", "0101", "张三", "--window", "DS", "--from", first.isoformat())
    k("shortlist", q)
    k("decide", q, "--five", "0101")
    opened = shipped().on_or_after(last + timedelta(days=1))
    k("announce", q, "--date", opened.isoformat())  # a 公示 over before today's late finding
    span = shipped().span(opened, 5)
    assert span[1] < today
    late = k("record", "S2.1", "--staff", "0101", "--date", first.isoformat(), "--source", "weekly").strip()
    appeal = k("appeal", "file", "--against", late, "--date", today.isoformat(), "--text", "当天请假").strip()
    items = {i["kind"]: i for i in k.json("todo")["items"]}
    assert items["appeal"]["due"] == shipped().after(today, 5).isoformat()
    assert items["appeal"]["overdue"] is False

    k("appeal", "overturn", appeal, "--reason", "有请假条")
    shown = k("report", q)
    assert f"公示：{span[0]} 至 {span[1]}，5 个工作日" in shown
    assert "申诉与复核（1 件）" in shown and "复核撤销原认定（有请假条）" in shown
    assert "复核前后不同之处" in shown
    assert ["人员", "0101", "张三", "扣分", "4", "0"] in [line.split() for line in shown.splitlines()]
