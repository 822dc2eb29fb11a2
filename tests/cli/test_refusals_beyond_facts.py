"""A hostile user's sweep of the quarter, question, integrity, move and demo commands: every bad input is
refused in one Chinese line with exit 2, and nothing is written (rows, key, evidence or output files)."""

from __future__ import annotations

import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ledger.runtime.zone import center_today
from tests.helpers import Kaoping, Result, assert_refused, kaoping_script, one_per_command, run_script, runner_cases
from tests.snapshot import snapshot

UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"
NOWHERE_PG = "postgresql://kaoping:secret@127.0.0.1:1/kaoping"
_TODAY = center_today()
THIS_QUARTER = f"{_TODAY.year}Q{(_TODAY.month - 1) // 3 + 1}"

# name → (arguments with {placeholders}, a fragment the one-line message must contain)
QUARTER: dict[str, tuple[list[str], str]] = {
    "a fifth quarter": (["shortlist", "2008Q5"], "2008Q5"),
    "a two-digit year": (["shortlist", "08Q1"], "08Q1"),
    "a quarter before the rules": (["shortlist", "2008Q1"], "2008-05-01"),
    "a quarter not yet begun": (["shortlist", "2099Q1"], "尚未开始"),
    "a quarter not yet over": (["shortlist", THIS_QUARTER], "尚未结束"),
    "no windows on the shortlist": (["shortlist", "2008Q3", "--windows", "0"], "--windows"),
    "a negative staff count": (["shortlist", "2008Q3", "--staff", "-1"], "--staff"),
    "a count that is not a number": (["shortlist", "2008Q3", "--windows", "abc"], "abc"),
    "a count beyond any integer column": (["shortlist", "2008Q3", "--staff", "99999999999999999999999"], "--staff"),
    "a shortlist frozen twice": (["shortlist", "2008Q2"], "已确定入围"),
    "a decision before the shortlist": (["decide", "2008Q3", "--five", "P1"], "未确定入围"),
    "publishing before the decision": (["publish", "2008Q2"], "党组已决定"),
    "publishing a future quarter": (["publish", "2099Q1"], "尚未开始"),
    "an unknown red flag": (["decide", "2008Q2", "--red-flag", "NOPE"], "NOPE"),
    "a person as a red flag": (["decide", "2008Q2", "--red-flag", "P1"], "P1"),
    "a window as a five-star": (["decide", "2008Q2", "--five", "TAX"], "TAX"),
    "the same five-star twice": (["decide", "2008Q2", "--five", "P1,P1"], "P1"),
    "one person both five and four": (["decide", "2008Q2", "--five", "P1", "--four", "P1"], "P1"),
    "a duplicate red flag": (["decide", "2008Q2", "--red-flag", "TAX,TAX"], "TAX"),
}

QUESTIONS: dict[str, tuple[list[str], str]] = {
    "a report before the rules": (["report", "2008Q1"], "2008-05-01"),
    "a report of a future quarter": (["report", "2099Q1"], "尚未开始"),
    "a report as of position 0": (["report", "2008Q2", "--as-of", "0"], "0"),
    "a report as of a negative position": (["report", "2008Q2", "--as-of", "-5"], "-5"),
    "a report beyond the end": (["report", "2008Q2", "--as-of", "99999"], "99999"),
    "a report as of a word": (["report", "2008Q2", "--as-of", "abc"], "abc"),
    "an explanation of an unknown window": (["explain", "--window", "NOPE", "2008Q2"], "NOPE"),
    "an explanation of an unknown person": (["explain", "--staff", "NOBODY", "2008Q2"], "NOBODY"),
    "an explanation of a quarter before the rules": (["explain", "--window", "TAX", "2008Q1"], "2008-05-01"),
    "an explanation of nobody": (["explain", "2008Q2"], "--window"),
    "an explanation beyond the end": (["explain", "--window", "TAX", "2008Q2", "--as-of", "99999"], "99999"),
    "an audit of a year before the rules": (["audit", "disqualifications", "--year", "2007"], "2007"),
    "an audit of a future year": (["audit", "disqualifications", "--year", "2099"], "2099"),
    "an audit of a year that is a word": (["audit", "disqualifications", "--year", "abc"], "abc"),
    "an audit of an unknown kind": (["audit", "disqualifications", "--kind", "laziness"], "laziness"),
    "an audit kind without a value": (["audit", "disqualifications", "--kind"], "--kind"),
    "an audit without its subcommand": (["audit"], "disqualifications"),
    "a year before the rules": (["year", "2007"], "2007"),
    "a future year": (["year", "2099"], "2099"),
    "a rebuild with a stray argument": (["rebuild", "now"], "now"),
}

INTEGRITY: dict[str, tuple[list[str], str]] = {
    "a missing checkpoint file": (["verify", "--checkpoint", "missing.txt"], "missing.txt"),
    "a folder as the checkpoint file": (["verify", "--checkpoint", "adir"], "adir"),
    "a malformed checkpoint file": (["verify", "--checkpoint", "old.txt"], "检查点"),
    "a missing public key file": (["verify", "--public-key", "missing.pub"], "missing.pub"),
    "a checkpoint into a folder": (["checkpoint", "--out", "adir"], "adir"),
    "a checkpoint over an existing file": (["checkpoint", "--out", "old.txt"], "old.txt"),
    "a checkpoint into a missing folder": (["checkpoint", "--out", "nodir/cp.txt"], "nodir"),
    "a receipt for a malformed id": (["receipt", "2008Q2"], "2008Q2"),
    "a receipt for an unknown id": (["receipt", UNKNOWN_ID], UNKNOWN_ID),
    "a receipt over an existing file": (["receipt", "{finding}", "--out", "old.txt"], "old.txt"),
    "a receipt into a folder": (["receipt", "{finding}", "--out", "adir"], "adir"),
    "a missing receipt file": (["verify-receipt", "missing.json"], "missing.json"),
    "a receipt that is not JSON": (["verify-receipt", "old.txt"], "old.txt"),
    "a JSON file that is not a receipt": (["verify-receipt", "empty.json"], "收据"),
    "a receipt checked against a missing key file": (
        ["verify-receipt", "empty.json", "--public-key", "no.pub"], "no.pub"),
    "a public key over an existing file": (["public-key", "--out", "old.txt"], "old.txt"),
    "a public key into a folder": (["public-key", "--out", "adir"], "adir"),
    "an empty output file name": (["checkpoint", "--out", ""], "--out"),
}

MOVE: dict[str, tuple[list[str], str]] = {
    "a migration onto itself": (["migrate", "--to", "{db}"], "同一个"),
    "a migration to an unsupported database": (["migrate", "--to", "mysql://x/y"], "mysql"),
    "a migration to an unreachable server": (["migrate", "--to", NOWHERE_PG], "127.0.0.1:1"),
    "a demo into a ledger with records": (["demo"], "演示"),
    "an unsupported --db scheme": (["--db", "mysql://x/y", "log"], "mysql"),
    "a --db in a missing folder": (["--db", "sqlite:///nodir/k.db", "init"], "nodir"),
    "an unreachable PostgreSQL --db": (["--db", NOWHERE_PG, "init"], "127.0.0.1:1"),
    "a PostgreSQL port that is not a number": (["--db", "postgresql://u:pw@host:port/db", "log"], "端口"),
    "a migration to a port out of range": (["migrate", "--to", "postgresql://u:pw@host:99999/db"], "端口"),
    "an empty --db": (["--db", "", "log"], "--db"),
    "a person who starts work in 2099": (
        ["staff", "add", "P9", "王五", "--window", "TAX", "--from", "2099-01-01"], "2099-01-01"),
    "a rotation in 2099": (["staff", "move", "P2", "--window", "TAX", "--from", "2099-01-01"], "2099-01-01"),
    "a blank actor": (["--as", " ", "window", "add", "NEW", "新窗口"], "--as"),
    "an empty actor": (
        ["--as", "", "record", "W2.3", "--window", "TAX", "--date", "2008-06-01", "--source", "weekly"], "--as"),
}

SQLITE_ONLY: dict[str, tuple[list[str], str]] = {
    "a backup over an existing file": (["backup", "old.txt"], "old.txt"),
    "a backup into a folder": (["backup", "adir"], "adir"),
    "a backup whose evidence folder exists": (["backup", "taken.db"], "taken.evidence"),
    "a backup into a missing folder": (["backup", "nodir/b.db"], "nodir"),
    "a backup with no file name": (["backup", ""], "备份文件名"),
    "a migration onto a non-empty ledger": (["migrate", "--to", "sqlite:///other-ledger.db"], "不是空的"),
}

CASES = {**QUARTER, **QUESTIONS, **INTEGRITY, **MOVE, **SQLITE_ONLY}
# Every case runs in-process (CliRunner); through the installed script, the first case of each command and the
# cases whose failure is in reaching the database (a URL, a server, a folder) rather than in the command.
SCRIPT_CASES = one_per_command(CASES) | {
    "an unsupported --db scheme", "a --db in a missing folder", "an unreachable PostgreSQL --db", "an empty actor",
    "a count that is not a number",
}


def _fill(text: str, values: dict[str, str]) -> str:
    return text.format(**values) if "{" in text else text


@pytest.mark.shares_database("each case proves it writes nothing, so on PostgreSQL they share one database")
@pytest.mark.parametrize(("case", "run"), runner_cases(CASES, SCRIPT_CASES, SQLITE_ONLY), indirect=["run"])
def test_a_bad_quarter_question_integrity_or_move_command_is_refused_and_writes_nothing(
    case: str, hostile: dict[str, str], run: Callable[..., Any], db_url: str, tmp_path: Path
) -> None:
    args, fragment = CASES[case]
    before = snapshot(db_url, tmp_path)
    result = run(*[_fill(a, hostile) for a in args])
    assert_refused(result, _fill(fragment, hostile))
    assert snapshot(db_url, tmp_path) == before


@pytest.mark.parametrize("picks", [["--red-flag", "NOPE"], ["--five", "P1,P1"], ["--five", "P1", "--four", "P1"]])
def test_a_refused_decision_writes_nothing_even_while_the_projection_lags(  # type: ignore[no-untyped-def]
    picks: list[str], world, kp, kp_script, db_url, tmp_path
) -> None:
    assert kp("shortlist", "2008Q2").exit_code == 0  # the projection has not yet seen the shortlist event
    before = snapshot(db_url, tmp_path)
    assert_refused(kp("decide", "2008Q2", *picks), picks[1].split(",")[0])
    assert_refused(kp_script("decide", "2008Q2", *picks), picks[1].split(",")[0])
    assert snapshot(db_url, tmp_path) == before


def test_an_existing_output_file_is_never_overwritten_but_a_new_one_is_written(hostile, kp, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # counter-check: the refusals above are about the file, not the command
    assert kp("checkpoint", "--out", "cp-new.txt").exit_code == 0
    assert (tmp_path / "cp-new.txt").read_text().count("\n") >= 4
    assert kp("receipt", hostile["finding"], "--out", "r-new.json").exit_code == 0
    assert kp("public-key", "--out", "k-new.pub").exit_code == 0
    assert kp("checkpoint", "--out", "cp-new.txt").exit_code == 2
    assert (tmp_path / "old.txt").read_text(encoding="utf-8").startswith("an earlier checkpoint")


def test_a_receipt_that_is_not_a_receipt_is_bad_input_but_a_tampered_one_fails_verification(  # type: ignore[no-untyped-def]
    hostile, kp, tmp_path
) -> None:
    import orjson

    assert kp("receipt", hostile["finding"], "--out", "r.json").exit_code == 0
    doc = orjson.loads((tmp_path / "r.json").read_bytes())
    doc["size"] = doc["size"] + 1
    (tmp_path / "tampered.json").write_bytes(orjson.dumps(doc))
    pub = kp("public-key").stdout.strip()  # the trusted key is required (never the one a receipt carries)
    assert kp("verify-receipt", "r.json", "--public-key", pub).exit_code == 0
    assert kp("verify-receipt", "tampered.json", "--public-key", pub).exit_code == 1
    assert kp("verify-receipt", "empty.json", "--public-key", pub).exit_code == 2


def _script(db: str, cwd: Path, *args: str) -> Result:
    return run_script(["--db", db, *args], cwd)


@pytest.mark.parametrize(
    "args",
    [["log"], ["init"], ["demo"], ["verify"], ["checkpoint"], ["report", "2008Q2"], ["window", "add", "A", "窗"],
     ["backup", "copy.db"], ["migrate", "--to", "sqlite:///copy.db"], ["rebuild"], ["public-key"], ["year", "2008"]],
)
def test_a_sqlite_database_of_another_program_is_refused_and_left_byte_for_byte(
    args: list[str], tmp_path: Path
) -> None:
    conn = sqlite3.connect(tmp_path / "accounts.db")
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount INTEGER)")
    conn.execute("INSERT INTO invoices (amount) VALUES (100)")
    conn.commit()
    conn.close()
    url = f"sqlite:///{tmp_path / 'accounts.db'}"
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    for result in (Kaoping(url, tmp_path)(*args), _script(url, tmp_path, *args)):
        assert_refused(result, "accounts.db")
        assert "kaoping 账本" in result.stderr
        assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_kaoping_without_a_command_shows_its_help(tmp_path: Path) -> None:
    p = subprocess.run([kaoping_script()], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert p.returncode == 0 and "shortlist" in p.stdout and p.stderr == ""
    assert not any(tmp_path.iterdir())


def test_a_demo_whose_output_is_cut_short_keeps_its_complete_ledger(tmp_path: Path) -> None:
    # `kaoping demo | head -1`: the ledger is complete before printing starts, so a closed pipe must not delete it
    p = subprocess.Popen([kaoping_script(), "demo", "--db", "d.db"], cwd=tmp_path, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL)
    assert p.stdout is not None
    p.stdout.readline()
    p.stdout.close()
    p.wait(timeout=120)
    log = _script("d.db", tmp_path, "log", "--limit", "1")
    assert log.exit_code == 0 and log.stdout.strip()
    assert (tmp_path / "d.key").exists() and (tmp_path / "d.evidence").is_dir()


@pytest.mark.sqlite_only("moves a SQLite ledger")
def test_a_migration_with_the_evidence_folder_set_as_the_readme_says_still_copies_the_evidence(  # type: ignore[no-untyped-def]
    world, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sqlite_url = db_url
    # README: export KAOPING_EVIDENCE_DIR=… then kaoping migrate --from sqlite:///kaoping.db --to …
    beside = [p.name for p in (tmp_path / "kaoping.evidence").rglob("*") if p.is_file()]
    assert beside
    monkeypatch.setenv("KAOPING_EVIDENCE_DIR", str(tmp_path / "shared-evidence"))
    target = f"sqlite:///{tmp_path / 'moved.db'}"
    r = Kaoping(sqlite_url, tmp_path)("migrate", "--from", sqlite_url, "--to", target, "--json")
    assert r.exit_code == 0, r.stderr
    moved = [p.name for p in (tmp_path / "shared-evidence").rglob("*") if p.is_file()]
    assert sorted(moved) == sorted(beside)
