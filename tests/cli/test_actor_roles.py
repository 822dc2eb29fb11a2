"""Who acts (D32) through the CLI: every role × every writing command, from the roles table; separation of duties;
keys that do not match, retired actors, and a ledger that verifies who did what."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import orjson
import pytest

from ledger import roles, topics
from ledger.runtime.zone import center_today
from tests.helpers import Kaoping, Result, assert_refused, run_script

TODAY = center_today().isoformat()
ACTORS = {"admin": "张三", "clerk": "李明", "party": "周书记", "auditor": "赵审计"}
"""Who plays each role in the matrix (the facts are recorded by 王芳, another clerk)."""
RECORDER = "王芳"


def t(*names: str) -> tuple[str, ...]:
    return tuple(topics.topic(n) for n in names)


Step = tuple[str, Sequence[str]]  # (actor, args): a command run before the case, its stdout kept as {name}
CASES: dict[str, tuple[Sequence[str], tuple[str, ...], Sequence[tuple[str, str, Sequence[str]]]]] = {
    # case: (args, the topics it stores, steps before it as (key, actor, args))
    "window add": (["window", "add", "JY", "就业窗口", "--department", "县就业局"], t("WindowRegistered"), ()),
    "staff add": (["staff", "add", "0103", "王三", "--window", "DS", "--from", "2008-05-01"],
                  t("StaffRegistered"), ()),
    "staff move": (["staff", "move", "0101", "--window", "GT", "--from", "2008-08-01"], t("StaffMoved"), ()),
    "rules adopt": (["rules", "adopt", "changxing-2008@1", "--from", "2009Q1"], t("RulesAdopted"), ()),
    "calendar add": (["calendar", "add", "2027", "--holidays", "2027-01-01", "--source", "国办发明电"],
                     t("CalendarYearAdded"), ()),
    "record": (["record", "S1.1", "--staff", "0101", "--date", "2008-07-07", "--source", "weekly"],
               t("FindingRecorded"), ()),
    "retract": (["retract", "{F}", "--reason", "录入有误"], t("FindingRetracted"), ()),
    "bonus claim": (["bonus", "claim", "article", "--window", "DS", "--date", "2008-07-03", "--evidence", "cert.pdf",
                     "--level", "county"],
                    t("BonusClaimed"), ()),
    "bonus verify": (["bonus", "verify", "{C}"], t("BonusVerified"), ()),
    "bonus reject": (["bonus", "reject", "{C}", "--reason", "材料不全"], t("BonusRejected"), ()),
    "complaint record": (["complaint", "record", "--staff", "0102", "--date", "2008-07-11", "--channel",
                          "hotline-12345", "--text", "态度冷漠"], t("ComplaintReceived"), ()),
    "complaint verify": (["complaint", "verify", "{M}", "--item", "S2.4"], t("ComplaintVerified"), ()),
    "complaint dismiss": (["complaint", "dismiss", "{M}", "--reason", "经查当时在岗"], t("ComplaintDismissed"), ()),
    "shortlist": (["shortlist", "2008Q3"], t("ShortlistFrozen"), ()),
    "decide": (["decide", "2008Q3"], t("DecisionRecorded"), [("_", RECORDER, ["shortlist", "2008Q3"])]),
    "announce": (["announce", "2008Q3", "--date", "2008-10-08"], t("QuarterAnnounced"),
                 [("_", RECORDER, ["shortlist", "2008Q3"]), ("_", "周书记", ["decide", "2008Q3"])]),
    "publish": (["publish", "2008Q3"], t("QuarterPublished"),
                [("_", RECORDER, ["shortlist", "2008Q3"]), ("_", "周书记", ["decide", "2008Q3"])]),
    "appeal file": (["appeal", "file", "--against", "{F}", "--date", TODAY, "--text", "当日在岗"],
                    t("AppealFiled"), ()),
    "appeal uphold": (["appeal", "uphold", "{A}", "--reason", "有监控为证"], t("AppealUpheld"),
                      [("A", RECORDER, ["appeal", "file", "--against", "{F}", "--date", TODAY, "--text", "在岗"])]),
    "appeal overturn": (["appeal", "overturn", "{A}", "--reason", "经查当日在岗"], t("AppealOverturned"),
                        [("A", RECORDER, ["appeal", "file", "--against", "{F}", "--date", TODAY,
                                          "--text", "在岗"])]),
    "checkpoint": (["checkpoint"], t("CheckpointRecorded"), ()),
    "actor add": (["actor", "add", "钱七", "--role", "clerk", "--key-out", "keys/钱七.key"], t("ActorAdded"), ()),
    "actor retire": (["actor", "retire", RECORDER, "--reason", "调离督查科"], t("ActorRetired"), ()),
    "actor rotate-key": (["actor", "rotate-key", RECORDER, "--key-out", "keys/王芳-新.key"], t("ActorKeyRotated"), ()),
}


def _kp(folder: Path, actor: str, *args: str) -> Result:
    return Kaoping(f"sqlite:///{folder / 'kaoping.db'}", folder)(
        "--actor-key", str(folder / "keys" / f"{actor}.key"), *args, actor=actor)


def _ok(result: Result) -> str:
    assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
    return result.stdout.strip().splitlines()[0] if result.stdout.strip() else ""


def _rows(folder: Path) -> list[tuple[str, bytes]]:
    with sqlite3.connect(folder / "kaoping.db") as conn:
        return list(conn.execute("SELECT topic, state FROM stored_events ORDER BY rowid"))


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A center with an admin, two clerks, a 党组 member and an auditor, and one finding, claim and complaint that
    王芳 recorded."""
    folder = tmp_path_factory.mktemp("actors")
    (folder / "keys").mkdir()
    (folder / "cert.pdf").write_bytes(b"%PDF-1.4 certificate")
    kp = Kaoping(f"sqlite:///{folder / 'kaoping.db'}", folder)
    _ok(kp("init", "--center", "长兴县行政服务中心"))
    _ok(kp("actor", "add", "张三", "--role", "admin", "--key-out", "keys/张三.key", actor="张三"))
    for name, role in ((RECORDER, "clerk"), ("李明", "clerk"), ("周书记", "party"), ("赵审计", "auditor")):
        _ok(_kp(folder, "张三", "actor", "add", name, "--role", role, "--key-out", f"keys/{name}.key"))
    _ok(_kp(folder, "张三", "window", "add", "DS", "地税窗口", "--department", "县地税局"))
    _ok(_kp(folder, "张三", "window", "add", "GT", "国土窗口", "--department", "县国土局"))
    _ok(_kp(folder, "张三", "staff", "add", "0101", "张一", "--window", "DS", "--from", "2008-05-01"))
    _ok(_kp(folder, "张三", "staff", "add", "0102", "李二", "--window", "GT", "--from", "2008-05-01"))
    ids = {
        "F": _ok(_kp(folder, RECORDER, "record", "S1.1", "--staff", "0101", "--date", "2008-07-06",
                     "--source", "weekly")),
        "C": _ok(_kp(folder, RECORDER, "bonus", "claim", "article", "--window", "DS", "--date", "2008-07-02",
                     "--evidence", "cert.pdf", "--level", "county")),
        "M": _ok(_kp(folder, RECORDER, "complaint", "record", "--staff", "0102", "--date", "2008-07-10",
                     "--channel", "hotline-12345", "--text", "态度冷漠")),
    }
    return folder, ids


def _copy(base: tuple[Path, dict[str, str]], tmp_path: Path) -> tuple[Path, dict[str, str]]:
    folder, ids = base
    copy = tmp_path / "center"
    shutil.copytree(folder, copy)
    for key in (copy / "keys").iterdir():
        key.chmod(0o600)
    return copy, dict(ids)


def _filled(args: Sequence[str], ids: dict[str, str]) -> list[str]:
    return [a.format(**ids) if "{" in a else a for a in args]


def _prepared(base: tuple[Path, dict[str, str]], tmp_path: Path, case: str) -> tuple[Path, list[str]]:
    folder, ids = _copy(base, tmp_path)
    args, _, steps = CASES[case]
    for key, actor, step in steps:
        out = _ok(_kp(folder, actor, *_filled(step, ids)))
        ids[key] = out.split()[0] if out else ""
    return folder, _filled(args, ids)


def test_the_matrix_names_every_role_and_every_act_the_roles_table_holds() -> None:
    stored = {topic for _, topics_of, _ in CASES.values() for topic in topics_of}
    acts = {topics.topic(n) for names in roles.ACTS.values() for n in names}
    untested = {"CenterInitialised", "SigningKeyRecorded", "WindowClosed", "WindowReopened", "WindowRenamed",
                "StaffLeft", "StaffRenamed", "ComplainantErased", "ShortlistAmended", "DecisionAmended",
                "SignedRangeLost", "CosignatureRecorded", "RatingRecorded", "RectificationRecorded",
                "CallbackRecorded",
                "SigningKeyRotated"}  # acts whose commands need a longer story: the same table, checked in the ledger
    # (the center key's rotation by each role: tests/cli/test_center_key_rotation.py)
    assert acts - stored == {topics.topic(n) for n in untested}
    assert set(ACTORS) == set(roles.ROLES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_writing_command_is_done_only_by_the_roles_the_table_allows(
        base: tuple[Path, dict[str, str]], tmp_path: Path, case: str) -> None:
    folder, args = _prepared(base, tmp_path, case)
    allowed = [r for r in roles.ROLES if all(roles.may(r, topic) for topic in CASES[case][1])]
    assert allowed, case
    before = _rows(folder)
    for role in [r for r in roles.ROLES if r not in allowed]:
        assert_refused(_kp(folder, ACTORS[role], *args), f"的角色（{roles.role_name(role)}）不能")
        assert _rows(folder) == before, f"{role} wrote something"
    role = allowed[0]
    _ok(_kp(folder, ACTORS[role], *args))
    after = _rows(folder)[len(before):]
    assert after[-1][0] == topics.SIGNATURE_TOPIC
    signatures = [orjson.loads(state) for topic, state in after if topic == topics.SIGNATURE_TOPIC]
    assert {(s["actor"], s["role"]) for s in signatures} == {(ACTORS[role], role)}
    assert sum(s["events"] for s in signatures) == len(after) - len(signatures)
    assert {topic for topic, _ in after[:-1]} >= set(CASES[case][1])
    verified = _kp(folder, "赵审计", "verify", "--json")
    assert verified.exit_code == 0, verified.stdout
    assert orjson.loads(verified.stdout)["signed_from"] == 3


@pytest.mark.parametrize("case", ["record", "decide", "actor add"])
def test_a_role_is_refused_through_the_installed_script_too(base: tuple[Path, dict[str, str]], tmp_path: Path,
                                                             case: str) -> None:
    folder, args = _prepared(base, tmp_path, case)
    wrong = "auditor" if case != "decide" else "clerk"
    before = _rows(folder)
    result = run_script(["--db", f"sqlite:///{folder / 'kaoping.db'}", "--as", ACTORS[wrong], "--actor-key",
                         str(folder / "keys" / f"{ACTORS[wrong]}.key"), *args], folder)
    assert_refused(result, f"的角色（{roles.role_name(wrong)}）不能")
    assert _rows(folder) == before


@pytest.mark.parametrize("case", ["bonus verify", "bonus reject", "complaint verify", "complaint dismiss",
                                  "appeal uphold", "appeal overturn"])
def test_the_clerk_who_recorded_a_fact_may_not_verify_it_or_decide_its_appeal(
        base: tuple[Path, dict[str, str]], tmp_path: Path, case: str) -> None:
    folder, args = _prepared(base, tmp_path, case)
    before = _rows(folder)
    assert_refused(_kp(folder, RECORDER, *args), "职责分离")
    assert _rows(folder) == before
    _ok(_kp(folder, "李明", *args))


def test_once_an_actor_exists_a_write_without_a_key_or_with_another_persons_key_is_refused(
        base: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    folder, _ = _copy(base, tmp_path)
    kp = Kaoping(f"sqlite:///{folder / 'kaoping.db'}", folder)
    args = ["record", "S1.1", "--staff", "0101", "--date", "2008-07-07", "--source", "weekly"]
    before = _rows(folder)
    assert_refused(kp(*args, actor="李明"), "--actor-key")
    assert_refused(kp("--actor-key", str(folder / "keys" / f"{RECORDER}.key"), *args, actor="李明"), "不符")
    assert_refused(kp("--actor-key", str(folder / "keys" / "李明.key"), *args, actor="无名氏"), "未登记")
    assert _rows(folder) == before


def test_a_retired_actor_and_an_old_key_after_rotation_are_refused(base: tuple[Path, dict[str, str]],
                                                                    tmp_path: Path) -> None:
    folder, _ = _copy(base, tmp_path)
    args = ["record", "S1.1", "--staff", "0101", "--date", "2008-07-07", "--source", "weekly"]
    _ok(_kp(folder, "张三", "actor", "rotate-key", "李明", "--key-out", "keys/李明-新.key"))
    assert_refused(_kp(folder, "李明", *args), "不符")
    fresh = Kaoping(f"sqlite:///{folder / 'kaoping.db'}", folder)
    _ok(fresh("--actor-key", str(folder / "keys" / "李明-新.key"), *args, actor="李明"))
    _ok(_kp(folder, "张三", "actor", "retire", RECORDER, "--reason", "密钥丢失"))
    assert_refused(_kp(folder, RECORDER, *args), "已停用")
    listed = orjson.loads(_kp(folder, "赵审计", "actor", "list", "--json").stdout)["actors"]
    assert {a["name"]: a["retired"] for a in listed}[RECORDER] is True


def test_the_first_actor_must_be_an_admin_and_the_last_admin_cannot_be_retired(tmp_path: Path) -> None:
    kp = Kaoping(f"sqlite:///{tmp_path / 'kaoping.db'}", tmp_path)
    _ok(kp("init", "--center", "长兴县行政服务中心"))
    assert_refused(kp("actor", "add", "王芳", "--role", "clerk", "--key-out", "wf.key"), "第一个操作人必须是管理员")
    assert not (tmp_path / "wf.key").exists()
    _ok(kp("actor", "add", "张三", "--role", "admin", "--key-out", "zs.key"))
    assert_refused(kp("--actor-key", "zs.key", "actor", "retire", "张三", "--reason", "调离", actor="张三"),
                   "最后一名在用的管理员")
    report = orjson.loads(kp("verify", "--json").stdout)
    assert (report["ok"], report["signed_from"], report["signed_commands"]) == (True, 3, 1)
