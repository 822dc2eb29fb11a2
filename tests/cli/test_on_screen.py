"""What people read on screen: log in the center's time zone, filtered and no wider than 100 columns; help in
Chinese, in the order of the work, with an example for each command; a fact's evidence copied out."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from cli.main import COMMAND_MODULES
from cli.render import width
from tests.conftest import Kaoping


@pytest.fixture
def center(kp: Kaoping, tmp_path: Path) -> dict[str, Any]:
    (tmp_path / "证书.pdf").write_bytes(b"%PDF-1.4 certificate")
    (tmp_path / "照片.jpg").write_bytes(b"\xff\xd8 photo")
    for args in (["init"], ["window", "add", "DS", "地税窗口"], ["window", "add", "GT", "国土窗口"],
                 ["staff", "add", "0101", "张三", "--window", "DS", "--from", "2008-05-01"],
                 ["staff", "add", "0102", "李四", "--window", "GT", "--from", "2008-05-01"]):
        assert kp(*args).exit_code == 0
    ids = {
        "q2": kp("record", "W2.2", "--window", "DS", "--date", "2008-06-30", "--source", "weekly",
                 "--note", "迟到" * 40).stdout.strip(),
        "q3": kp("record", "S1.1", "--staff", "0102", "--date", "2008-07-01", "--source", "duty",
                 "--evidence", "照片.jpg").stdout.strip(),
        "claim": kp("bonus", "claim", "honour", "--staff", "0101", "--date", "2008-07-02", "--evidence", "证书.pdf",
                    "--level", "city", "--ref", "青年文明号").stdout.strip(),
    }
    assert kp("retract", ids["q3"], "--reason", "记错了人").exit_code == 0
    return {"kp": kp, **ids}


def events(kp: Kaoping, *args: str) -> list[dict[str, Any]]:
    r = kp("log", "--json", *args)
    assert r.exit_code == 0, r.stderr
    return orjson.loads(r.stdout)["events"]  # type: ignore[no-any-return]


def test_log_shows_beijing_time_by_default_and_the_zone_kaoping_tz_names(center: dict[str, Any],
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    kp = center["kp"]
    first = events(kp)[0]
    utc, local = datetime.fromisoformat(first["time"]), datetime.fromisoformat(first["local_time"])
    assert utc == local and utc.utcoffset().total_seconds() == 0 and local.utcoffset().total_seconds() == 8 * 3600
    table = kp("log").stdout
    assert "时间（北京时间）" in table and local.strftime("%Y-%m-%d %H:%M") in table
    monkeypatch.setenv("KAOPING_TZ", "Europe/Berlin")
    assert "时间（Europe/Berlin）" in kp("log").stdout
    monkeypatch.setenv("KAOPING_TZ", "Mars/Olympus")
    r = kp("log")
    assert r.exit_code == 2 and "未知的时区：Mars/Olympus" in r.stderr


def test_log_filters_by_type_subject_quarter_and_recording_day(center: dict[str, Any]) -> None:
    kp = center["kp"]
    assert [e["type"] for e in events(kp, "--type", "检查记录", "--type", "FindingRetracted")] == [
        "FindingRecorded", "FindingRecorded", "FindingRetracted"]
    about = events(kp, "--subject", "0102")
    assert [e["type"] for e in about] == ["StaffRegistered", "FindingRecorded", "FindingRetracted"]
    assert [e["id"] for e in events(kp, "--quarter", "2008Q3")] == [center["q3"], center["claim"], center["q3"]]
    assert [e["id"] for e in events(kp, "--quarter", "2008Q2", "--type", "FindingRecorded")] == [center["q2"]]
    today = events(kp)[0]["local_time"][:10]
    assert len(events(kp, "--from", today, "--to", today)) == len(events(kp))
    assert events(kp, "--to", "2008-12-31") == []
    assert events(kp, "--subject", "0102", "--limit", "1")[0]["type"] == "FindingRetracted"


@pytest.mark.parametrize(("args", "fragment"), [
    (["--type", "Bogus"], "未知的事件类型：Bogus"), (["--from", "2008/13/01"], "--from 日期格式应为 YYYY-MM-DD"),
    (["--quarter", "2008Q5"], "季度格式应为 YYYYQn"),
])
def test_a_bad_log_filter_is_refused_in_one_line(center: dict[str, Any], args: list[str], fragment: str) -> None:
    r = center["kp"]("log", *args)
    assert r.exit_code == 2 and r.stdout == "" and fragment in r.stderr and len(r.stderr.splitlines()) == 1


def test_the_log_table_fits_100_columns_and_wraps_a_long_summary_under_its_column(center: dict[str, Any]) -> None:
    lines = center["kp"]("log").stdout.splitlines()
    assert max(width(line) for line in lines) <= 100
    long_row = next(n for n, line in enumerate(lines) if "迟到迟到" in line)
    continued = lines[long_row + 1]
    assert continued.startswith(" " * 40) and "迟到" in continued


def test_evidence_get_copies_a_facts_files_under_their_names_and_never_overwrites(center: dict[str, Any],
                                                                                   tmp_path: Path) -> None:
    kp = center["kp"]
    r = kp("evidence", "get", center["claim"][:36], "--out", "取出")
    assert r.exit_code == 0, r.stderr
    assert (tmp_path / "取出" / "证书.pdf").read_bytes() == b"%PDF-1.4 certificate"
    doc = orjson.loads(kp("evidence", "get", center["q3"], "--out", "另一处", "--json").stdout)
    assert [f["name"] for f in doc["files"]] == ["照片.jpg"] and len(doc["files"][0]["sha256"]) == 64
    again = kp("evidence", "get", center["claim"], "--out", "取出")
    assert again.exit_code == 2 and "已有同名文件：证书.pdf" in again.stderr
    none = kp("evidence", "get", center["q2"], "--out", "空")
    assert none.exit_code == 2 and "没有证据文件" in none.stderr and not (tmp_path / "空").exists()


def test_evidence_changed_in_the_store_is_not_copied_out(center: dict[str, Any], tmp_path: Path) -> None:
    kp = center["kp"]
    stored = next(p for p in tmp_path.rglob("*") if p.is_file() and p.read_bytes() == b"%PDF-1.4 certificate"
                  and p.parent.parent.name.endswith("evidence"))  # the store: <ledger>.evidence/ab/abcd…
    stored.chmod(0o644)
    stored.write_bytes(b"%PDF-1.4 forged")
    r = kp("evidence", "get", center["claim"], "--out", "取出")
    assert r.exit_code == 2 and "与记录的哈希不符" in r.stderr and not (tmp_path / "取出").exists()


ENGLISH = ("Usage:", "Options:", "Commands:", "Show this message and exit.", "Show the version and exit.",
           "[required]", "default:")


def test_top_level_help_is_chinese_lists_commands_by_the_work_and_an_example_each(kp: Kaoping) -> None:
    text = kp("--help").stdout
    assert not [w for w in ENGLISH if w in text]
    assert text.startswith("用法：") and text.splitlines()[0].endswith(" [选项] 命令 [参数]...")
    order = [text.index(f"\n  {name} ") for name in ("init", "window", "staff", "import", "record", "retract",
                                                       "shortlist", "decide", "publish", "report", "verify")]
    assert order == sorted(order)
    for name in COMMAND_MODULES:
        at = text.index(f"\n  {name} ")
        assert text[at + 1:].splitlines()[1].strip().startswith("例：kaoping "), name
    assert "2008Q3" in text and "YYYYQn" in text


@pytest.mark.parametrize("command", [["import", "findings"], ["record"], ["bonus", "claim"], ["shortlist"],
                                     ["report"], ["log"], ["evidence", "get"], ["template", "findings"], ["verify"]])
def test_every_command_help_is_chinese_with_an_example(kp: Kaoping, command: list[str]) -> None:
    text = kp(*command, "--help").stdout
    assert not [w for w in ENGLISH if w in text], text
    assert text.startswith("用法：") and "选项：" in text and "显示本帮助并退出。" in text
    assert "\n例：\n  kaoping " + " ".join(command) in text
    if command[0] in ("shortlist", "report", "log"):
        assert "季度写作 YYYYQn" in text
    if command == ["record"]:
        assert "[必填]" in text


def test_the_version_is_chinese(kp: Kaoping) -> None:
    assert " 版本 0." in kp("--version").stdout


def test_display_width_counts_chinese_characters_twice_and_ascii_once() -> None:
    assert width("CX117") == 5
    assert width("王主任") == 6
    assert width("S3.3 上班迟到，") == 5 + 4 * 2 + 2
    assert width("") == 0
