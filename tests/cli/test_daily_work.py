"""The 督查科's daily work through the CLI, and `kaoping log` showing exactly what was recorded by whom."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.helpers import kaoping_script

HEADER = "date,window,staff,item,source,dq,note\n"


def ok(result: Any) -> str:
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    return result.stdout.strip()


def log(run: Callable[..., Any]) -> list[dict[str, Any]]:
    return orjson.loads(ok(run("log", "--json")))["events"]


def test_a_quarter_of_facts_is_recorded_and_the_log_shows_each_with_its_actor(
    run: Callable[..., Any], tmp_path: Path
) -> None:
    ok(run("init", "--center", "长兴县行政服务中心", actor="管理员"))
    ok(run("window", "add", "TAX", "地税窗口", "--department", "县地税局"))
    ok(run("window", "add", "LAND", "国土窗口"))
    ok(run("staff", "add", "P1", "张三", "--window", "TAX", "--from", "2008-05-01"))
    ok(run("staff", "move", "P1", "--window", "LAND", "--from", "2008-07-01"))
    f = ok(run("record", "S4.2", "--staff", "P1", "--date", "2008-06-02", "--source", "weekly",
               "--dq", "gaming", "--note", "QQ聊天", actor="值周人员"))
    (tmp_path / "证书.pdf").write_bytes(b"certificate")
    c = ok(run("bonus", "claim", "honour", "--staff", "P1", "--date", "2008-08-01", "--evidence", "证书.pdf",
               "--level", "city", "--ref", "市级文明标兵"))
    ok(run("bonus", "verify", c, actor="督查科长"))
    q = ok(run("complaint", "record", "--window", "TAX", "--date", "2008-06-05", "--channel", "hotline-12345",
               "--text", "推诿扯皮"))
    ok(run("complaint", "verify", q, "--item", "W5.1", "--dq", "complaint"))
    ok(run("retract", f, "--reason", "误记"))
    events = log(run)
    assert [e["position"] for e in events] == list(range(1, 13))
    assert [(e["type"], e["actor"]) for e in events] == [
        ("CenterInitialised", "管理员"),
        ("SigningKeyRecorded", "管理员"),
        ("WindowRegistered", "督查科"),
        ("WindowRegistered", "督查科"),
        ("StaffRegistered", "督查科"),
        ("StaffMoved", "督查科"),
        ("FindingRecorded", "值周人员"),
        ("BonusClaimed", "督查科"),
        ("BonusVerified", "督查科长"),
        ("ComplaintReceived", "督查科"),
        ("ComplaintVerified", "督查科"),
        ("FindingRetracted", "督查科"),
    ]
    finding = events[6]
    assert finding["id"] == f
    assert "P1" in finding["summary"] and "TAX" in finding["summary"] and "S4.2" in finding["summary"]
    assert "QQ聊天" in finding["summary"] and "取消资格：上班时间玩电脑游戏" in finding["summary"]
    assert events[7]["id"] == c and "市级" in events[7]["summary"] and "LAND" in events[7]["summary"]
    assert events[11]["id"] == f and events[11]["version"] == 2 and "误记" in events[11]["summary"]
    table = ok(run("log"))
    assert "值周人员" in table and "撤回" in table


def test_commands_that_create_print_their_id_and_json_wraps_it(run: Callable[..., Any]) -> None:
    assert len(ok(run("init"))) == 36
    doc = orjson.loads(ok(run("window", "add", "TAX", "地税窗口", "--json")))
    assert set(doc) == {"id"} and len(doc["id"]) == 36


def test_a_sheet_imported_twice_and_then_extended_adds_only_new_rows(run: Callable[..., Any], tmp_path: Path) -> None:
    ok(run("init"))
    ok(run("window", "add", "TAX", "地税窗口"))
    ok(run("staff", "add", "P1", "张三", "--window", "TAX", "--from", "2008-05-01"))
    rows = ["2008-06-02,TAX,P1,S1.1,weekly,,未佩牌\n", "2008-06-02,TAX,P1,S1.1,weekly,,未佩牌\n",
            "2008-06-03,TAX,,W2.2,duty,,\n"]
    (tmp_path / "week.csv").write_text(HEADER + "".join(rows), encoding="utf-8")
    first = orjson.loads(ok(run("import", "findings", "week.csv", "--json")))
    assert first["added"] == 3 and first["skipped"] == 0 and len(first["ids"]) == 3
    assert "导入 0 条" in ok(run("import", "findings", "week.csv"))
    (tmp_path / "week.csv").write_text(HEADER + "".join(rows) + "2008-06-04,TAX,,W3.1,patrol,,\n", encoding="utf-8")
    third = orjson.loads(ok(run("import", "findings", "week.csv", "--json")))
    assert third["added"] == 1 and third["skipped"] == 3
    assert [e["type"] for e in log(run)].count("FindingRecorded") == 4


def test_window_and_staff_lists_show_the_registry(run: Callable[..., Any]) -> None:
    ok(run("init"))
    ok(run("window", "add", "TAX", "地税窗口"))
    ok(run("staff", "add", "P1", "张三", "--window", "TAX", "--from", "2008-05-01"))
    staff = orjson.loads(ok(run("staff", "list", "--json")))["staff"]
    assert staff == [{"id": "P1", "name": "张三", "assignments": [{"window": "TAX", "from": "2008-05-01", "to": None}],
                      "left": None, "names": [{"name": "张三", "from": None}]}]
    assert "地税窗口" in ok(run("window", "list"))


def test_rules_show_prints_the_catalogue(run: Callable[..., Any]) -> None:
    text = ok(run("rules", "show"))
    assert "部门项目进“中心”窗口办理的达80%以上" in text
    assert "本中心1分、县级2分、市级3分、省级4分、国家级5分" in text and "第1名3分" in text and "{'" not in text
    doc = orjson.loads(ok(run("rules", "show", "--json")))
    assert doc["id"] == "changxing-2008"


def test_the_script_takes_the_actor_from_kaoping_actor_and_else_the_os_user(db_url: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("KAOPING_ACTOR", "KAOPING_DB")}

    def script(*args: str, **extra: str) -> str:
        p = subprocess.run([kaoping_script(), "--db", db_url, *args], capture_output=True, text=True,
                           cwd=tmp_path, env={**env, **extra}, timeout=60)
        assert p.returncode == 0, p.stderr
        return p.stdout

    import getpass

    script("init")
    script("window", "add", "TAX", "地税窗口", KAOPING_ACTOR="王主任")
    script("window", "add", "LAND", "国土窗口", KAOPING_ACTOR="王主任")
    script("--as", "李科长", "window", "add", "HOUSE", "房管窗口", KAOPING_ACTOR="王主任")
    actors = [e["actor"] for e in orjson.loads(script("log", "--json"))["events"]]
    assert actors == [getpass.getuser(), getpass.getuser(), "王主任", "王主任", "李科长"]


def test_the_db_option_falls_back_to_kaoping_db_and_then_to_kaoping_db_in_the_current_folder(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("KAOPING_ACTOR", "KAOPING_DB")}
    p = subprocess.run([kaoping_script(), "init"], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60)
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "kaoping.db").exists()
    other = tmp_path / "other.db"
    p = subprocess.run([kaoping_script(), "init"], capture_output=True, text=True, cwd=tmp_path,
                       env={**env, "KAOPING_DB": f"sqlite:///{other}"}, timeout=60)
    assert p.returncode == 0, p.stderr
    assert other.exists()


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_is_shown_in_chinese(flag: str, kp: Any) -> None:
    r = kp(flag)
    assert r.exit_code == 0 and "考评" in r.stdout
