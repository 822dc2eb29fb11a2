"""Every refusal of issue 2: exit 2, one Chinese line naming the problem, and nothing written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import Kaoping, assert_refused, one_per_command, runner_cases
from tests.snapshot import snapshot

HEADER = "date,window,staff,item,source,dq,note\n"
GOOD_ROW = "2008-06-11,TAX,P1,S1.1,weekly,,迟到\n"

# name → (arguments with {placeholders}, a fragment the one-line message must contain)
REFUSALS: dict[str, tuple[list[str], str]] = {
    # unknown codes
    "unknown item code": (["record", "X9.9", "--window", "TAX", "--date", "2008-06-01", "--source", "weekly"], "X9.9"),
    "a W-item on a person": (["record", "W2.3", "--staff", "P1", "--date", "2008-06-01", "--source", "weekly"], "W2.3"),
    "an S-item on a window": (
        ["record", "S4.2", "--window", "TAX", "--date", "2008-06-01", "--source", "weekly"], "S4.2"),
    "both window and staff": (
        ["record", "S4.2", "--window", "TAX", "--staff", "P1", "--date", "2008-06-01", "--source", "weekly"],
        "--window"),
    "neither window nor staff": (["record", "S4.2", "--date", "2008-06-01", "--source", "weekly"], "--staff"),
    "unknown window": (["record", "W2.3", "--window", "NOPE", "--date", "2008-06-01", "--source", "weekly"], "NOPE"),
    "unknown person": (["record", "S2.1", "--staff", "NOBODY", "--date", "2008-06-01", "--source", "weekly"], "NOBODY"),
    "a person before their first assignment": (
        ["record", "S2.1", "--staff", "P2", "--date", "2008-05-20", "--source", "weekly"], "P2"),
    "unknown source": (["record", "W2.3", "--window", "TAX", "--date", "2008-06-01", "--source", "radio"], "radio"),
    # dates
    "a date that does not exist": (
        ["record", "W2.3", "--window", "TAX", "--date", "2008-02-30", "--source", "weekly"], "2008-02-30"),
    "a thirteenth month": (
        ["record", "W2.3", "--window", "TAX", "--date", "2008-13-01", "--source", "weekly"], "2008-13-01"),
    "a date not in YYYY-MM-DD": (
        ["record", "W2.3", "--window", "TAX", "--date", "2008/6/1", "--source", "weekly"], "YYYY-MM-DD"),
    "a date before the rules took effect": (
        ["record", "W2.3", "--window", "TAX", "--date", "2008-04-30", "--source", "weekly"], "2008-05-01"),
    "a date in the future": (
        ["record", "W2.3", "--window", "TAX", "--date", "2099-01-01", "--source", "weekly"], "2099-01-01"),
    "a complaint dated in the future": (
        ["complaint", "record", "--window", "TAX", "--date", "2099-01-01", "--channel", "hotline-12345", "--text", "x"],
        "2099"),
    "a bonus dated before the rules": (
        ["bonus", "claim", "measure", "--window", "TAX", "--date", "2007-12-31", "--evidence", "cert.pdf"],
        "2008-05-01"),
    "a staff assignment on an impossible date": (
        ["staff", "add", "P9", "王五", "--window", "TAX", "--from", "2008-06-31"], "2008-06-31"),
    # disqualification kinds
    "unknown disqualification kind": (
        ["record", "W2.3", "--window", "TAX", "--date", "2008-06-01", "--source", "weekly", "--dq", "laziness"],
        "laziness"),
    "gaming on an item that may not carry it": (
        ["record", "W2.1", "--window", "TAX", "--date", "2008-06-01", "--source", "weekly", "--dq", "gaming"], "W2.1"),
    "corruption on a staff item outside S4.4": (
        ["record", "S4.2", "--staff", "P1", "--date", "2008-06-01", "--source", "weekly", "--dq", "corruption"],
        "S4.2"),
    "consultation on an inspection finding": (
        ["record", "S4.2", "--staff", "P1", "--date", "2008-06-01", "--source", "weekly", "--dq", "consultation"],
        "consultation"),
    "complaint kind on a complaint verified as W2.1": (
        ["complaint", "verify", "{complaint_window}", "--item", "W2.1", "--dq", "complaint"], "W2.1"),
    "a W-item on a complaint about a person": (["complaint", "verify", "{complaint}", "--item", "W5.1"], "W5.1"),
    "consultation kind from the hotline": (
        ["complaint", "verify", "{complaint}", "--item", "S2.4", "--dq", "consultation"], "consultation"),
    # registry duplicates and states
    "a duplicate window code": (["window", "add", "TAX", "另一个窗口"], "TAX"),
    "a duplicate staff id": (["staff", "add", "P1", "张三三", "--window", "LAND", "--from", "2008-06-01"], "P1"),
    "a second init": (["init"], "初始化"),
    "a move to the window the person is at": (
        ["staff", "move", "P2", "--window", "LAND", "--from", "2008-08-01"], "LAND"),
    "a move dated before the last assignment": (
        ["staff", "move", "P1", "--window", "TAX", "--from", "2008-06-15"], "2008-07-01"),
    "a staff member at an unknown window": (
        ["staff", "add", "P9", "王五", "--window", "NOPE", "--from", "2008-06-01"], "NOPE"),
    "a window code with a space": (["window", "add", "A B", "窗口"], "A B"),
    # retract / verify states
    "retracting twice": (["retract", "{retracted}", "--reason", "again"], "{retracted}"),
    "retracting a bonus claim": (["retract", "{claim}", "--reason", "x"], "{claim}"),
    "retracting a complaint": (["retract", "{complaint}", "--reason", "x"], "{complaint}"),
    "retracting an unknown id": (["retract", "00000000-0000-4000-8000-000000000000", "--reason", "x"], "00000000"),
    "retracting a malformed id": (["retract", "12345", "--reason", "x"], "12345"),
    "retracting with an empty reason": (["retract", "{finding}", "--reason", " "], "理由"),
    "verifying a rejected claim": (["bonus", "verify", "{rejected}"], "{rejected}"),
    "rejecting a verified claim": (["bonus", "reject", "{verified}", "--reason", "x"], "{verified}"),
    "verifying a verified claim": (["bonus", "verify", "{verified}"], "{verified}"),
    "verifying a finding as a claim": (["bonus", "verify", "{finding}"], "{finding}"),
    "verifying a verified complaint": (
        ["complaint", "verify", "{complaint_done}", "--item", "W5.2"], "{complaint_done}"),
    "dismissing a verified complaint": (
        ["complaint", "dismiss", "{complaint_done}", "--reason", "x"], "{complaint_done}"),
    "verifying a dismissed complaint": (["complaint", "verify", "{dismissed}", "--item", "W5.2"], "{dismissed}"),
    "verifying a claim as a complaint": (["complaint", "verify", "{claim}", "--item", "W5.2"], "{claim}"),
    # bonus kinds, levels, places, channels
    "unknown bonus kind": (
        ["bonus", "claim", "lottery", "--window", "TAX", "--date", "2008-06-01", "--evidence", "cert.pdf"], "lottery"),
    "unknown level": (
        ["bonus", "claim", "article", "--window", "TAX", "--date", "2008-06-01", "--evidence", "cert.pdf", "--level",
         "galaxy"], "galaxy"),
    "a level the kind does not have": (
        ["bonus", "claim", "honour", "--window", "TAX", "--date", "2008-06-01", "--evidence", "cert.pdf", "--level",
         "center"], "center"),
    "an article without a level": (
        ["bonus", "claim", "article", "--window", "TAX", "--date", "2008-06-01", "--evidence", "cert.pdf"], "--level"),
    "a fourth place": (
        ["bonus", "claim", "competition", "--staff", "P1", "--date", "2008-06-01", "--evidence", "cert.pdf", "--place",
         "4"], "4"),
    "a training bonus for a person": (
        ["bonus", "claim", "training", "--staff", "P1", "--date", "2008-06-01", "--evidence", "cert.pdf"], "training"),
    "unknown channel": (
        ["complaint", "record", "--window", "TAX", "--date", "2008-06-01", "--channel", "wechat", "--text", "x"],
        "wechat"),
    "an empty complaint": (
        ["complaint", "record", "--window", "TAX", "--date", "2008-06-01", "--channel", "hotline-12345", "--text", ""],
        "--text"),
    # evidence
    "a missing evidence file on a finding": (
        ["record", "W2.3", "--window", "TAX", "--date", "2008-06-01", "--source", "weekly", "--evidence", "photo.jpg"],
        "photo.jpg"),
    "a missing evidence file on a claim": (
        ["bonus", "claim", "measure", "--window", "TAX", "--date", "2008-06-01", "--evidence", "nope.pdf"], "nope.pdf"),
    "an empty evidence file": (
        ["bonus", "claim", "measure", "--window", "TAX", "--date", "2008-06-01", "--evidence", "empty.pdf"],
        "empty.pdf"),
    # usage
    "a missing required option": (["retract", "{finding}"], "--reason"),
    "an unknown option": (["record", "W2.3", "--windw", "TAX"], "--windw"),
    "an unknown command": (["erase"], "erase"),
    "a place that is not a number": (
        ["bonus", "claim", "competition", "--staff", "P1", "--date", "2008-06-01", "--evidence", "cert.pdf", "--place",
         "first"], "--place"),
}

# name → (file bytes, fragment of the message)
SHEETS: dict[str, tuple[bytes, str]] = {
    "a wrong header": (b"date,window,item,source\n2008-06-11,TAX,W2.1,weekly\n", "第1行"),
    # GBK/GB18030 is read since the second release (tests/cli/test_sheets_again.py); bytes in no encoding are not
    "bytes neither UTF-8 nor GBK": ((HEADER + GOOD_ROW).encode("gbk") + b"\xff\xff\n", "UTF-8"),
    "an empty file": (b"", "空"),
    "a header and nothing else": (HEADER.encode(), "没有记录"),
    "a ragged row": ((HEADER + GOOD_ROW + "2008-06-12,TAX,P1,S1.1,weekly\n").encode(), "第3行"),
    "an unterminated quote": ((HEADER + '2008-06-12,TAX,P1,S1.1,weekly,,"oops\n').encode(), "第2行"),
    "an unknown item in row 3": ((HEADER + GOOD_ROW + "2008-06-12,TAX,,W9.9,weekly,,\n").encode(), "第3行"),
    "a person at the wrong window in row 2": (
        (HEADER + "2008-07-02,TAX,P1,S1.1,weekly,,\n" + GOOD_ROW).encode(), "第2行"),
    "an impossible date in row 4": (
        (HEADER + GOOD_ROW + GOOD_ROW + "2008-06-31,TAX,,W2.1,weekly,,\n").encode(), "第4行"),
    "a future date in row 2": ((HEADER + "2099-06-01,TAX,,W2.1,weekly,,\n").encode(), "第2行"),
    "an unknown source in row 2": ((HEADER + "2008-06-01,TAX,,W2.1,fax,,\n").encode(), "第2行"),
    "a disallowed dq in row 2": ((HEADER + "2008-06-01,TAX,,W2.1,weekly,gaming,\n").encode(), "第2行"),
    "an unknown window in row 2": ((HEADER + "2008-06-01,NOPE,,W2.1,weekly,,\n").encode(), "第2行"),
    "an S-item on a window row": ((HEADER + "2008-06-01,TAX,,S2.1,weekly,,\n").encode(), "第2行"),
}


# Every case runs in-process (CliRunner). Through the installed script: the first case of each command, and one
# of each other kind of failure at the edge (click's own usage errors, a malformed value, a missing file).
SCRIPT_CASES = one_per_command(REFUSALS) | {
    "an unknown option", "a date not in YYYY-MM-DD", "a missing evidence file on a claim", "an empty evidence file",
}
SHEET_SCRIPT_CASES = {"bytes neither UTF-8 nor GBK", "a ragged row", "an unknown item in row 3"}


def _fill(text: str, world: dict[str, str]) -> str:
    return text.format(**world) if "{" in text else text


@pytest.mark.shares_database("each case proves it writes nothing, so on PostgreSQL they share one database")
@pytest.mark.parametrize(("case", "run"), runner_cases(REFUSALS, SCRIPT_CASES), indirect=["run"])
def test_a_bad_command_is_refused_in_one_line_and_writes_nothing(
    case: str, world: dict[str, str], run: Callable[..., Any], db_url: str, tmp_path: Path
) -> None:
    (tmp_path / "empty.pdf").write_bytes(b"")
    args, fragment = REFUSALS[case]
    before = snapshot(db_url, tmp_path)
    result = run(*[_fill(a, world) for a in args])
    assert_refused(result, _fill(fragment, world))
    assert snapshot(db_url, tmp_path) == before


def test_a_complaint_verified_with_a_window_kind_on_its_window_item_is_accepted(world, kp) -> None:  # type: ignore[no-untyped-def]
    # counter-check for the refusals above: the same commands with allowed values succeed
    c = kp("complaint", "record", "--window", "TAX", "--date", "2008-06-01", "--channel", "hotline-12345",
           "--text", "x")
    assert c.exit_code == 0
    assert kp("complaint", "verify", c.stdout.strip(), "--item", "W5.1", "--dq", "complaint").exit_code == 0


@pytest.mark.shares_database("each case proves it writes nothing, so on PostgreSQL they share one database")
@pytest.mark.parametrize(("case", "run"), runner_cases(SHEETS, SHEET_SCRIPT_CASES), indirect=["run"])
def test_a_malformed_or_wrong_sheet_is_refused_naming_the_row_and_imports_nothing(
    case: str, world: dict[str, str], run: Callable[..., Any], db_url: str, tmp_path: Path
) -> None:
    data, fragment = SHEETS[case]
    (tmp_path / "week.csv").write_bytes(data)
    before = snapshot(db_url, tmp_path)
    result = run("import", "findings", "week.csv")
    assert_refused(result, fragment)
    assert snapshot(db_url, tmp_path) == before


def test_importing_a_file_that_does_not_exist_is_refused(world, run, db_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    before = snapshot(db_url, tmp_path)
    assert_refused(run("import", "findings", "missing.csv"), "missing.csv")
    assert snapshot(db_url, tmp_path) == before


@pytest.mark.parametrize(
    "args",
    [
        ["window", "add", "TAX", "地税窗口"],
        ["record", "W2.3", "--window", "TAX", "--date", "2008-06-01", "--source", "weekly"],
        ["log"],
        ["init", "--center", " "],
        ["init", "--rules", "changxing-1999"],
    ],
)
@pytest.mark.sqlite_only("about SQLite files")
def test_a_failed_command_on_a_fresh_folder_creates_no_database_file(  # type: ignore[no-untyped-def]
    args: list[str], kp_script, kp, db_url, tmp_path
) -> None:
    result = kp(*args)
    assert result.exit_code == 2, result.stderr
    assert not any(tmp_path.glob("kaoping.db*"))
    result = kp_script(*args)
    assert result.exit_code == 2, result.stderr
    assert "\n" not in result.stderr.strip()
    assert not any(tmp_path.glob("kaoping.db*"))


def test_a_file_that_is_not_a_ledger_is_refused_and_left_alone(sqlite_url: str, tmp_path: Path) -> None:
    (tmp_path / "notes.db").write_text("not a database")
    kp = Kaoping(f"sqlite:///{tmp_path / 'notes.db'}", tmp_path)
    result = kp("log")
    assert_refused(result, "notes.db")
    assert (tmp_path / "notes.db").read_text() == "not a database"
