"""The center over time through the CLI (RULES.md D21–D24, CLI.md "The center over time"): windows that join, leave
and return, staff who leave, renames, the lists with their history, and every refusal writing nothing."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from tests.conftest import Kaoping


def ok(result: Any) -> str:
    assert result.exit_code == 0, result.stderr
    return str(result.stdout.strip())


def refused(result: Any, *words: str) -> str:
    assert result.exit_code == 2, result.stdout
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    for w in words:
        assert w in result.stderr
    return str(result.stderr)


def count(kp: Kaoping) -> int:
    return len(orjson.loads(ok(kp("log", "--json")))["events"])


def center(kp: Kaoping) -> None:
    ok(kp("init"))
    ok(kp("window", "add", "TAX", "地税窗口", "--department", "县地税局"))
    ok(kp("window", "add", "LAND", "国土窗口"))
    ok(kp("staff", "add", "P1", "张三", "--window", "TAX", "--from", "2008-05-01"))
    ok(kp("staff", "add", "P2", "李四", "--window", "LAND", "--from", "2008-05-01"))


def report(kp: Kaoping, quarter: str) -> dict[str, Any]:
    return orjson.loads(ok(kp("report", quarter, "--json")))


def test_a_window_joins_leaves_and_returns_and_window_list_shows_its_time_in_the_center(kp: Kaoping) -> None:
    center(kp)
    ok(kp("window", "add", "GH", "规划窗口", "--from", "2008-08-01"))
    ok(kp("staff", "move", "P2", "--window", "TAX", "--from", "2008-08-10"))
    ok(kp("window", "close", "LAND", "--from", "2008-08-10", "--reason", "部门撤出大厅"))
    ok(kp("window", "add", "LAND", "国土资源窗口", "--from", "2008-11-01"))
    docs = {w["code"]: w for w in orjson.loads(ok(kp("window", "list", "--json")))["windows"]}
    assert docs["GH"]["from"] == "2008-08-01" and docs["GH"]["left"] is None
    assert docs["LAND"]["periods"] == [{"from": "2008-05-01", "to": "2008-08-09"}, {"from": "2008-11-01", "to": None}]
    assert docs["LAND"]["name"] == "国土资源窗口"
    assert docs["TAX"] == {"code": "TAX", "name": "地税窗口", "department": "县地税局", "from": "2008-05-01",
                           "left": None, "periods": [{"from": "2008-05-01", "to": None}],
                           "names": [{"name": "地税窗口", "department": "县地税局", "from": None}]}
    text = ok(kp("window", "list"))
    assert "2008-05-01 至 2008-08-09；2008-11-01 起" in text
    assert [w["code"] for w in report(kp, "2008Q2")["windows"]] == ["LAND", "TAX"]
    q3 = {w["code"]: w for w in report(kp, "2008Q3")["windows"]}
    assert sorted(q3) == ["GH", "LAND", "TAX"] and q3["LAND"]["left"] == "2008-08-10"
    assert "季度结束前撤出中心的窗口（列出但不入围）：LAND" in ok(kp("report", "2008Q3"))
    assert q3["LAND"]["name"] == "国土窗口"  # it came back under a new name, from 2008-11-01 (D24)
    q4 = {w["code"]: w for w in report(kp, "2008Q4")["windows"]}
    assert (q4["LAND"]["name"], q4["LAND"]["left"]) == ("国土资源窗口", None)


def test_a_person_seconded_back_is_listed_without_a_star_in_that_quarter_and_gone_in_the_next(kp: Kaoping) -> None:
    center(kp)
    ok(kp("staff", "leave", "P2", "--from", "2008-08-15", "--reason", "借调期满回原单位"))
    p2 = next(p for p in report(kp, "2008Q3")["staff"] if p["id"] == "P2")
    assert (p2["window"], p2["stars"], p2["reward_yuan"], p2["left"]) == ("LAND", None, 0, "2008-08-15")
    assert next(p for p in report(kp, "2008Q3")["staff"] if p["id"] == "P1")["left"] is None
    assert "P2" not in {p["id"] for p in report(kp, "2008Q4")["staff"]}
    assert "季度结束前离开中心的人员（列出但不入围、不授星）：P2 李四（2008-08-15 起离开）" in ok(
        kp("report", "2008Q3"))
    assert "不授星" in ok(kp("explain", "--staff", "P2", "2008Q3"))
    listed = {p["id"]: p for p in orjson.loads(ok(kp("staff", "list", "--json")))["staff"]}
    assert listed["P2"] == {"id": "P2", "name": "李四", "left": "2008-08-15",
                            "assignments": [{"window": "LAND", "from": "2008-05-01", "to": "2008-08-14"}],
                            "names": [{"name": "李四", "from": None}]}
    ok(kp("staff", "move", "P2", "--window", "TAX", "--from", "2008-10-08"))  # back in the center
    assert orjson.loads(ok(kp("staff", "list", "--json")))["staff"][1]["left"] is None


def test_staff_list_at_a_day_shows_who_was_where_that_day_with_the_names_then(kp: Kaoping) -> None:
    center(kp)
    ok(kp("staff", "move", "P1", "--window", "LAND", "--from", "2008-07-01"))
    ok(kp("staff", "leave", "P2", "--from", "2008-08-15"))
    ok(kp("staff", "rename", "P1", "张三丰", "--from", "2008-09-01"))
    ok(kp("window", "rename", "LAND", "国土资源窗口", "--from", "2008-09-01"))
    day = orjson.loads(ok(kp("staff", "list", "--at", "2008-08-01", "--json")))
    assert day == {"date": "2008-08-01", "staff": [
        {"id": "P1", "name": "张三", "window": "LAND", "window_name": "国土窗口"},
        {"id": "P2", "name": "李四", "window": "LAND", "window_name": "国土窗口"}]}
    later = orjson.loads(ok(kp("staff", "list", "--at", "2008-09-01", "--json")))["staff"]
    assert later == [{"id": "P1", "name": "张三丰", "window": "LAND", "window_name": "国土资源窗口"}]
    assert "2008-09-01 在中心的人员 1 名" in ok(kp("staff", "list", "--at", "2008-09-01"))
    refused(kp("staff", "list", "--at", "2008-13-01"), "日期")


def test_renames_correct_everywhere_or_take_effect_from_a_day_and_the_lists_show_them(kp: Kaoping) -> None:
    center(kp)
    ok(kp("window", "rename", "TAX", "税务窗口", "--department", "县税务局", "--from", "2008-07-01"))
    ok(kp("staff", "rename", "P1", "张叁"))  # a typo corrected
    q2, q3 = report(kp, "2008Q2"), report(kp, "2008Q3")
    assert [w["name"] for w in q2["windows"] if w["code"] == "TAX"] == ["地税窗口"]
    assert [w["name"] for w in q3["windows"] if w["code"] == "TAX"] == ["税务窗口"]
    assert {p["name"] for q in (q2, q3) for p in q["staff"] if p["id"] == "P1"} == {"张叁"}
    tax = next(w for w in orjson.loads(ok(kp("window", "list", "--json")))["windows"] if w["code"] == "TAX")
    assert tax["names"] == [{"name": "地税窗口", "department": "县地税局", "from": None},
                            {"name": "税务窗口", "department": "县税务局", "from": "2008-07-01"}]
    assert "地税窗口 → 税务窗口（2008-07-01 起）" in ok(kp("window", "list"))
    p1 = orjson.loads(ok(kp("staff", "list", "--json")))["staff"][0]
    assert p1["names"] == [{"name": "张叁", "from": None}]


@pytest.mark.parametrize("args,words", [
    (("staff", "leave", "P1", "--from", "2008-04-30"), ("早于考评办法施行日期",)),
    (("staff", "leave", "P1", "--from", "2099-01-01"), ("在今天之后",)),
    (("staff", "leave", "P1", "--from", "2008-05-01"), ("必须晚于上次分配日期",)),
    (("staff", "leave", "NOBODY", "--from", "2008-08-01"), ("NOBODY",)),
    (("window", "close", "LAND", "--from", "2008-04-30"), ("早于考评办法施行日期",)),
    (("window", "close", "LAND", "--from", "2099-01-01"), ("在今天之后",)),
    (("window", "close", "LAND", "--from", "2008-08-01"), ("仍有人员", "P2")),
    (("window", "rename", "TAX", ""), ("窗口名称不能为空",)),
    (("window", "rename", "TAX", "地税\u200b窗口"), ("不可见字符", "U+200B")),
    (("window", "rename", "TAX", "地税\u202e窗口"), ("U+202E",)),
    (("staff", "rename", "P1", "  "), ("姓名不能为空",)),
    (("staff", "rename", "P1", "张\u200d三"), ("U+200D",)),
    (("staff", "rename", "P1", "张三"), ("无需更改",)),
    (("window", "add", "GH", "规划\x07窗口"), ("U+0007",)),
    (("window", "add", "TAX", "地税窗口", "--from", "2008-09-01"), ("窗口代码已存在",)),
])
def test_each_refusal_of_the_center_over_time_exits_2_with_one_line_and_writes_nothing(
        kp: Kaoping, args: tuple[str, ...], words: tuple[str, ...]) -> None:
    center(kp)
    before = count(kp)
    refused(kp(*args), *words)
    assert count(kp) == before


def test_facts_after_a_leave_or_a_close_are_refused_and_a_late_leave_names_the_facts_after_it(kp: Kaoping) -> None:
    center(kp)
    fid = ok(kp("record", "S1.1", "--staff", "P1", "--date", "2008-08-20", "--source", "weekly"))
    ok(kp("staff", "move", "P2", "--window", "TAX", "--from", "2008-07-01"))
    ok(kp("window", "close", "LAND", "--from", "2008-07-01"))
    before = count(kp)
    refused(kp("staff", "leave", "P1", "--from", "2008-08-15"), fid, "2008-08-15 及以后还有记录")
    refused(kp("record", "W1.1", "--window", "LAND", "--date", "2008-07-02", "--source", "duty"), "不在中心")
    ok(kp("staff", "leave", "P2", "--from", "2008-08-01"))
    before = count(kp)
    refused(kp("record", "S1.1", "--staff", "P2", "--date", "2008-08-01", "--source", "duty"), "离开中心")
    refused(kp("complaint", "record", "--staff", "P2", "--date", "2008-09-01", "--channel", "hotline-12345",
               "--text", "态度差"), "离开中心")
    assert count(kp) == before


def test_a_pick_who_left_before_the_quarters_end_is_refused_in_the_decision(kp: Kaoping) -> None:
    center(kp)
    ok(kp("shortlist", "2008Q3", "--windows", "2", "--staff", "2"))
    ok(kp("staff", "leave", "P2", "--from", "2008-09-20"))
    before = count(kp)
    refused(kp("decide", "2008Q3", "--red-flag", "TAX", "--five", "P2"), "P2", "已离开中心")
    assert count(kp) == before
    ok(kp("decide", "2008Q3", "--red-flag", "TAX", "--five", "P1"))


def test_a_late_move_moves_the_window_deduction_through_the_installed_script(kp_script: Any) -> None:
    def run(*args: str) -> str:
        r = kp_script(*args)
        assert r.exit_code == 0, r.stderr
        return str(r.stdout)

    run("init")
    run("window", "add", "TAX", "地税窗口")
    run("window", "add", "LAND", "国土窗口")
    run("staff", "add", "P1", "张三", "--window", "TAX", "--from", "2008-05-01")
    run("record", "S1.1", "--staff", "P1", "--date", "2008-06-10", "--source", "weekly")
    before = {w["code"]: w["score"] for w in orjson.loads(run("report", "2008Q2", "--json"))["windows"]}
    run("staff", "move", "P1", "--window", "LAND", "--from", "2008-06-01")
    after = {w["code"]: w["score"] for w in orjson.loads(run("report", "2008Q2", "--json"))["windows"]}
    assert (before, after) == ({"TAX": 97, "LAND": 100}, {"TAX": 100, "LAND": 97})


def test_registering_a_person_under_a_lookalike_name_is_refused_and_writes_nothing(kp: Kaoping) -> None:
    center(kp)
    before = count(kp)
    refused(kp("staff", "add", "P3", "王\u200b五", "--window", "TAX", "--from", "2008-05-01"), "U+200B")
    assert count(kp) == before


def test_the_log_names_each_change_of_the_center_in_chinese(kp: Kaoping) -> None:
    center(kp)
    ok(kp("window", "add", "GH", "规划窗口", "--from", "2008-08-01"))
    ok(kp("staff", "move", "P2", "--window", "TAX", "--from", "2008-08-10"))
    ok(kp("window", "close", "LAND", "--from", "2008-08-10", "--reason", "撤出大厅"))
    ok(kp("window", "add", "LAND", "国土资源窗口", "--from", "2008-11-01"))
    ok(kp("window", "rename", "TAX", "税务窗口", "--from", "2008-09-01"))
    ok(kp("staff", "leave", "P1", "--from", "2008-08-15", "--reason", "借调期满"))
    ok(kp("staff", "rename", "P2", "李肆"))
    events = orjson.loads(ok(kp("log", "--json")))["events"]
    assert [e["type"] for e in events[-7:]] == ["WindowRegistered", "StaffMoved", "WindowClosed", "WindowReopened",
                                                "WindowRenamed", "StaffLeft", "StaffRenamed"]
    text = ok(kp("log"))
    for line in ("窗口 GH 规划窗口，自 2008-08-01 起参加考评", "窗口撤出",
                 "窗口 LAND 自 2008-08-10 起撤出中心（撤出大厅）", "窗口重新进驻", "窗口更名",
                 "自 2008-09-01 起更名为「税务窗口」", "人员离开", "P1 自 2008-08-15 起离开中心（借调期满）",
                 "人员更名", "P2 姓名更正为「李肆」"):
        assert line in text, line
