"""Who acts (D32) through the CLI: every role × every writing command, from the roles table; separation of duties;
keys that do not match, retired actors, and a ledger that verifies who did what."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

import orjson
import pytest

from ledger import roles, topics
from ledger.app import open_ledger
from ledger.runtime.zone import center_today
from tests.helpers import Kaoping, Result, assert_refused, run_script

TODAY = center_today().isoformat()
ACTORS = {"admin": "张三", "clerk": "李明", "party": "周书记", "auditor": "赵审计"}
"""Who plays each role in the matrix (the facts are recorded by 王芳, another clerk)."""
RECORDER = "王芳"


def t(*names: str) -> tuple[str, ...]:
    return tuple(topics.topic(n) for n in names)


def _backup(folder: Path) -> None:
    """Keep a backup of the ledger as it stands (SQLite's online backup, as an operator's nightly copy)."""
    with sqlite3.connect(folder / "kaoping.db") as live, sqlite3.connect(folder / "backup.db") as copy:
        live.backup(copy)


def _restore(folder: Path) -> None:
    """Put the older backup back in place of the ledger (the server's disk was lost)."""
    with sqlite3.connect(folder / "backup.db") as old, sqlite3.connect(folder / "kaoping.db") as live:
        old.backup(live)


Step = tuple[str, str, Sequence[str]] | Callable[[Path], None]
"""A set-up step before a case: (key, actor, args), a command whose stdout's first word is kept as {key} — or a
change to the center's files themselves (a backup restored)."""
CASES: dict[str, tuple[Sequence[str], tuple[str, ...], Sequence[Step]]] = {
    # case: (args, the topics it stores, steps before it)
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
    "window close": (["window", "close", "JY", "--from", "2008-08-01", "--reason", "部门撤出大厅"], t("WindowClosed"),
                     [("_", "张三", ["window", "add", "JY", "就业窗口", "--from", "2008-05-01"])]),
    "window reopen": (["window", "add", "JY", "就业窗口", "--from", "2008-09-01"], t("WindowReopened"),
                      [("_", "张三", ["window", "add", "JY", "就业窗口", "--from", "2008-05-01"]),
                       ("_", "张三", ["window", "close", "JY", "--from", "2008-07-01"])]),
    "window rename": (["window", "rename", "DS", "税务窗口", "--department", "县税务局", "--from", "2008-09-01"],
                      t("WindowRenamed"), ()),
    "staff leave": (["staff", "leave", "0102", "--from", "2008-08-15", "--reason", "借调期满"], t("StaffLeft"), ()),
    "staff rename": (["staff", "rename", "0101", "张壹"], t("StaffRenamed"), ()),
    "complaint erase-contact": (["complaint", "erase-contact", "{P}", "--reason", "投诉人要求删除"],
                                t("ComplainantErased"),
                                [("P", RECORDER, ["complaint", "record", "--staff", "0102", "--date", "2008-07-12",
                                                  "--channel", "hotline-12345", "--text", "推诿",
                                                  "--complainant", "陈女士", "--contact", "13800000000"])]),
    "shortlist --amend": (["shortlist", "2008Q3", "--amend", "--reason", "党组要求扩大名额"], t("ShortlistAmended"),
                          [("_", RECORDER, ["shortlist", "2008Q3"])]),
    "decide --amend": (["decide", "2008Q3", "--amend", "--reason", "会议纪要笔误"], t("DecisionAmended"),
                       [("_", RECORDER, ["shortlist", "2008Q3"]), ("_", "周书记", ["decide", "2008Q3"])]),
    "checkpoint --after-restore": (["checkpoint", "--after-restore", "--reason", "服务器硬盘损坏，恢复了较早的备份"],
                                   t("SignedRangeLost", "CheckpointRecorded"),
                                   [_backup, ("_", RECORDER, ["checkpoint"]), _restore,
                                    ("_", RECORDER, ["record", "S1.1", "--staff", "0101", "--date", "2008-07-08",
                                                     "--source", "weekly"])]),
    "witness record": (["witness", "record", "cos.txt", "--witness", "{W}"], t("CosignatureRecorded"),
                       [("_", RECORDER, ["checkpoint", "--out", "cp.txt"]),
                        ("W", RECORDER, ["witness", "new", "jw.changxing.example/witness", "--key-out", "jw.key"]),
                        ("_", RECORDER, ["witness", "cosign", "cp.txt", "--key", "jw.key", "--state", "jw.json",
                                         "--out", "cos.txt"])]),
    "import ratings": (["import", "ratings", "ratings.csv"], t("RatingRecorded"), ()),
    "complaint rectify": (["complaint", "rectify", "{M}", "--date", TODAY, "--text", "已约谈并整改"],
                          t("RectificationRecorded"),
                          [("_", "李明", ["complaint", "verify", "{M}", "--item", "S2.4"])]),
    "complaint callback": (["complaint", "callback", "{M}", "--date", TODAY, "--result", "satisfied", "--note", "满意"],
                           t("CallbackRecorded"),
                           [("_", "李明", ["complaint", "verify", "{M}", "--item", "S2.4"]),
                            ("_", RECORDER, ["complaint", "rectify", "{M}", "--date", TODAY, "--text", "已整改"])]),
    "key rotate": (["key", "rotate", "--key-out", "新.key", "--reason", "密钥文件疑似被盗"], t("SigningKeyRotated"),
                   ()),
    # on a ledger written before the center's key was recorded (the `keyless` base): the first command that signs
    # records the key, and a refused one must not (receipt signs a checkpoint when none covers the fact)
    "checkpoint, the key not yet recorded": (["checkpoint"], t("SigningKeyRecorded", "CheckpointRecorded"), ()),
    "receipt, the key not yet recorded": (["receipt", "{F}"], t("SigningKeyRecorded", "CheckpointRecorded"), ()),
    "key rotate, the key not yet recorded": (["key", "rotate", "--key-out", "新.key", "--reason", "定期更换"],
                                             t("SigningKeyRecorded", "SigningKeyRotated"), ()),
}
KEYLESS = {"checkpoint, the key not yet recorded", "receipt, the key not yet recorded",
           "key rotate, the key not yet recorded"}
"""Cases on the `keyless` base."""


def _kp(folder: Path, actor: str, *args: str) -> Result:
    return Kaoping(f"sqlite:///{folder / 'kaoping.db'}", folder)(
        "--actor-key", str(folder / "keys" / f"{actor}.key"), *args, actor=actor)


def _ok(result: Result) -> str:
    assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
    return result.stdout.strip().splitlines()[0] if result.stdout.strip() else ""


def _rows(folder: Path) -> list[tuple[str, bytes]]:
    with sqlite3.connect(folder / "kaoping.db") as conn:
        return list(conn.execute("SELECT topic, state FROM stored_events ORDER BY rowid"))


def _center(folder: Path, *, key_recorded: bool = True) -> tuple[Path, dict[str, str]]:
    """A center with an admin, two clerks, a 党组 member and an auditor, and one finding, claim and complaint that
    王芳 recorded; without `key_recorded`, a ledger set up before `init` recorded the center's key (a first-release
    ledger: its key is recorded by the first command that signs)."""
    (folder / "keys").mkdir()
    (folder / "cert.pdf").write_bytes(b"%PDF-1.4 certificate")
    (folder / "ratings.csv").write_text("date,window,staff,level,channel,ref\n2008-07-08,DS,0101,5,评价器,BJ-0001\n",
                                        encoding="utf-8")
    kp = Kaoping(f"sqlite:///{folder / 'kaoping.db'}", folder)
    if key_recorded:
        _ok(kp("init", "--center", "长兴县行政服务中心"))
    else:
        app = open_ledger(f"sqlite:///{folder / 'kaoping.db'}", "张三", create=True)
        try:
            app.init("长兴县行政服务中心")
        finally:
            app.close()
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


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The center every case starts from (copied for each)."""
    return _center(tmp_path_factory.mktemp("actors"))


@pytest.fixture(scope="module")
def keyless(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The same center on a ledger that does not yet record the center's key (the KEYLESS cases)."""
    return _center(tmp_path_factory.mktemp("keyless"), key_recorded=False)


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
    for step in steps:
        if callable(step):
            step(folder)
            continue
        key, actor, words = step
        out = _ok(_kp(folder, actor, *_filled(words, ids)))
        ids[key] = out.split()[0] if out else ""
    return folder, _filled(args, ids)


def test_the_matrix_names_every_role_and_every_act_the_roles_table_holds() -> None:
    stored = {topic for _, topics_of, _ in CASES.values() for topic in topics_of}
    acts = {topics.topic(n) for names in roles.ACTS.values() for n in names}
    # `init` stores the center (CenterInitialised) before any actor can exist: `actor add` needs the center, and
    # `init` refuses a ledger that has one — so no role is ever asked at the CLI; that it is an admin's act is
    # checked where it can be, by `verify` over stored events (tests/ledger/integrity/test_actor_check.py)
    untested = {"CenterInitialised"}
    assert acts - stored == {topics.topic(n) for n in untested}
    assert set(ACTORS) == set(roles.ROLES)
    assert KEYLESS <= set(CASES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_writing_command_is_done_only_by_the_roles_the_table_allows(
        request: pytest.FixtureRequest, tmp_path: Path, case: str) -> None:
    folder, args = _prepared(request.getfixturevalue("keyless" if case in KEYLESS else "base"), tmp_path, case)
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
    assert orjson.loads(verified.stdout)["signed_from"] == (2 if case in KEYLESS else 3)


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
