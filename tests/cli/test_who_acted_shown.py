"""Who acted, verified (D32), where the auditor reads it: `log`, `explain` and `audit` show each event's actor with
the role `verify` confirms (or say the signature does not hold), ledgers without actors read as before; and
`complaint show` (D34) is for an admin or clerk who proves it with their key."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import orjson
import pytest

from tests.helpers import Kaoping, Result, assert_refused

NAME, PHONE = "柯某某甲", "13957212345"


def _kp(folder: Path, actor: str, *args: str) -> Result:
    return Kaoping(f"sqlite:///{folder / 'kaoping.db'}", folder)(
        "--actor-key", str(folder / "keys" / f"{actor}.key"), *args, actor=actor)


def _ok(result: Result) -> str:
    assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
    return result.stdout.strip().splitlines()[0] if result.stdout.strip() else ""


@pytest.fixture(scope="module")
def center(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A center whose admin 张三 registered clerks 王芳 and 李明, 党组 周书记 and auditor 赵审计; 王芳 recorded a
    corruption finding (its disqualification) and a complaint naming its complainant, which 李明 verified."""
    folder = tmp_path_factory.mktemp("acted")
    (folder / "keys").mkdir()
    kp = Kaoping(f"sqlite:///{folder / 'kaoping.db'}", folder)
    _ok(kp("init", "--center", "长兴县行政服务中心"))
    _ok(kp("window", "add", "DS", "地税窗口", "--department", "县地税局"))  # before the first actor: unsigned
    _ok(kp("actor", "add", "张三", "--role", "admin", "--key-out", "keys/张三.key", actor="张三"))
    for name, role in (("王芳", "clerk"), ("李明", "clerk"), ("周书记", "party"), ("赵审计", "auditor")):
        _ok(_kp(folder, "张三", "actor", "add", name, "--role", role, "--key-out", f"keys/{name}.key"))
    _ok(_kp(folder, "张三", "staff", "add", "0101", "张一", "--window", "DS", "--from", "2008-05-01"))
    ids = {
        "F": _ok(_kp(folder, "王芳", "record", "S4.4", "--staff", "0101", "--date", "2008-07-06",
                     "--source", "weekly", "--dq", "corruption")),
        "M": _ok(_kp(folder, "王芳", "complaint", "record", "--staff", "0101", "--date", "2008-07-10",
                     "--channel", "hotline-12345", "--text", "态度冷漠", "--complainant", NAME, "--contact", PHONE)),
    }
    _ok(_kp(folder, "李明", "complaint", "verify", ids["M"], "--item", "S2.4"))
    return folder, ids


def _copy(center: tuple[Path, dict[str, str]], tmp_path: Path) -> Path:
    copy = tmp_path / "center"
    shutil.copytree(center[0], copy)
    for key in (copy / "keys").iterdir():
        key.chmod(0o600)
    return copy


def _log(folder: Path) -> list[dict[str, object]]:
    events: list[dict[str, object]] = orjson.loads(_ok_all(_kp(folder, "赵审计", "log", "--json")))["events"]
    return events


def _ok_all(result: Result) -> str:
    assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
    return result.stdout


def test_the_log_shows_each_events_verified_role_and_says_which_events_predate_the_first_actor(
        center: tuple[Path, dict[str, str]]) -> None:
    folder, ids = center
    events = _log(folder)
    by_type = {e["type"]: e for e in events}
    assert (by_type["WindowRegistered"]["role"], by_type["WindowRegistered"]["signed"]) == (None, "unsigned")
    finding = next(e for e in events if e["type"] == "FindingRecorded")
    assert (finding["actor"], finding["role"], finding["role_name"], finding["signed"]) == \
        ("王芳", "clerk", "督查科", "signed")
    assert (by_type["StaffRegistered"]["role"], by_type["StaffRegistered"]["signed_name"]) == ("admin", "已签名")
    first = next(i for i, e in enumerate(events) if e["type"] == "ActorAdded")
    assert {e["signed"] for e in events[:first]} == {"unsigned"}
    assert {e["signed"] for e in events[first:]} == {"signed"}  # from the first actor's registration on
    assert {"position", "time", "local_time", "actor", "type", "type_name", "id", "version", "summary"} <= set(finding)
    table = _ok_all(_kp(folder, "赵审计", "log"))
    assert "角色" in table.splitlines()[0]
    assert "未签名" in table and "督查科" in table and "管理员" in table


def test_a_ledger_without_actors_shows_its_log_as_before_without_a_role_column(tmp_path: Path) -> None:
    kp = Kaoping(f"sqlite:///{tmp_path / 'kaoping.db'}", tmp_path)
    _ok(kp("init", "--center", "长兴县行政服务中心"))
    _ok(kp("window", "add", "DS", "地税窗口"))
    table = _ok_all(kp("log"))
    assert "角色" not in table.splitlines()[0]
    events = orjson.loads(_ok_all(kp("log", "--json")))["events"]
    assert {(e["role"], e["signed"]) for e in events} == {(None, "unsigned")}


def test_an_edited_actor_is_shown_as_a_signature_verify_refuses_never_as_the_name_it_claims(
        center: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    folder = _copy(center, tmp_path)
    with sqlite3.connect(folder / "kaoping.db") as conn:
        rowid, state = conn.execute("SELECT rowid, state FROM stored_events WHERE topic = ? ORDER BY rowid",
                                    ("ledger.events:FindingRecorded",)).fetchone()
        conn.execute("UPDATE stored_events SET state = ? WHERE rowid = ?",
                     (state.replace("王芳".encode(), "周书记".encode()), rowid))
    finding = next(e for e in _log(folder) if e["type"] == "FindingRecorded")
    assert (finding["actor"], finding["role"], finding["signed"]) == ("周书记", None, "unverified")
    assert "签名未通过校验" in _ok_all(_kp(folder, "赵审计", "log", "--type", "检查记录"))
    assert _kp(folder, "赵审计", "verify").exit_code == 1


def test_explain_names_each_facts_recorder_with_the_verified_role(center: tuple[Path, dict[str, str]]) -> None:
    folder, ids = center
    doc = orjson.loads(_ok_all(_kp(folder, "赵审计", "explain", "2008Q3", "--staff", "0101", "--json")))
    facts = {f["id"]: f for c in doc["categories"] for f in c["facts"]}
    finding = next(f for f in facts.values() if f["origin"] == "finding")
    complaint = next(f for f in facts.values() if f["origin"] == "complaint")
    assert (finding["recorder"], finding["recorder_role"], finding["recorder_signed"]) == ("王芳", "clerk", "signed")
    assert (complaint["recorder"], complaint["recorder_role"]) == ("李明", "clerk")  # its verifier
    text = _ok_all(_kp(folder, "赵审计", "explain", "2008Q3", "--staff", "0101"))
    assert "记录人 王芳（督查科）" in text and "核实人 李明（督查科）" in text


def test_the_audit_shows_who_recorded_and_who_verified_each_link_with_role(
        center: tuple[Path, dict[str, str]]) -> None:
    folder, _ = center
    doc = orjson.loads(_ok_all(_kp(folder, "赵审计", "audit", "disqualifications", "--json")))
    links = [e for d in doc["disqualifications"] for c in d["chain"] for e in c["events"]]
    assert {(e["type"], e["actor"], e["role"], e["signed"]) for e in links} == {
        ("FindingRecorded", "王芳", "clerk", "signed")}
    text = _ok_all(_kp(folder, "赵审计", "audit", "disqualifications"))
    assert "操作人 王芳（督查科）" in text


def test_complaint_show_is_for_an_admin_or_clerk_who_proves_it_with_their_key(
        center: tuple[Path, dict[str, str]]) -> None:
    folder, ids = center
    for who in ("王芳", "张三"):
        shown = orjson.loads(_ok_all(_kp(folder, who, "complaint", "show", ids["M"], "--json")))
        assert (shown["complainant"], shown["contact"]) == (NAME, PHONE)
    for who, role in (("周书记", "党组"), ("赵审计", "审计")):
        refused = _kp(folder, who, "complaint", "show", ids["M"])
        assert_refused(refused, f"{who} 的角色（{role}）不能查看投诉人信息")
        assert PHONE not in refused.stdout + refused.stderr
    kp = Kaoping(f"sqlite:///{folder / 'kaoping.db'}", folder)
    assert_refused(kp("complaint", "show", ids["M"], actor="王芳"), "--actor-key")
    assert_refused(kp("--actor-key", str(folder / "keys" / "李明.key"), "complaint", "show", ids["M"], actor="王芳"),
                   "不符")
    assert_refused(kp("--actor-key", str(folder / "keys" / "李明.key"), "complaint", "show", ids["M"],
                      actor="无名氏"), "未登记")
