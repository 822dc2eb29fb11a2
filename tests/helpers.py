"""What several test modules share: ways to run the CLI, the refusal check, and which cases go through the script."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import orjson
import pytest
from click.testing import CliRunner

from cli.main import cli


@dataclass(frozen=True)
class Result:
    """What a CLI run returned."""

    exit_code: int
    stdout: str
    stderr: str


class Kaoping:
    """Runs `kaoping` against one database, through click's CliRunner (in-process)."""

    def __init__(self, db: str, cwd: Path) -> None:
        self.db = db
        self.cwd = cwd

    def __call__(self, *args: str, actor: str = "督查科", input: str | None = None) -> Result:
        runner = CliRunner()
        old = os.getcwd()
        os.chdir(self.cwd)
        try:
            r = runner.invoke(cli, ["--db", self.db, "--as", actor, *args], input=input, catch_exceptions=False)
        finally:
            os.chdir(old)
        return Result(r.exit_code, r.stdout, r.stderr)


class Checked:
    """Runs `kaoping` in-process against one database and checks its exit code on the spot (a refusal must be one
    line with no traceback): the stories read as a list of commands, each returning what it printed."""

    def __init__(self, db: str) -> None:
        self.db = db
        self.runner = CliRunner()

    def __call__(self, *args: str, code: int = 0) -> str:
        result = self.runner.invoke(cli, ["--db", self.db, "--as", "督查科", *args])
        assert result.exit_code == code, (args, result.output, result.exception)
        if code == 2:
            assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
        return result.output

    def json(self, *args: str) -> Any:
        """What the command printed with --json, parsed."""
        return orjson.loads(self(*args, "--json"))


def kaoping_script() -> str:
    """Path of the installed `kaoping` console script (beside this interpreter)."""
    candidate = Path(sys.executable).with_name("kaoping")
    found = str(candidate) if candidate.exists() else shutil.which("kaoping")
    if not found:
        pytest.fail("the kaoping console script is not installed: pip install -e '.[dev]'")
    return found


def run_script(args: Sequence[str], cwd: Path, input: str | None = None, timeout: float = 120) -> Result:
    """The installed `kaoping` script run once as a subprocess with `args`."""
    p = subprocess.run([kaoping_script(), *args], capture_output=True, text=True, cwd=cwd, input=input, timeout=timeout)
    return Result(p.returncode, p.stdout, p.stderr)


class KaopingScript:
    """Runs the installed `kaoping` script against one database, as a subprocess (what a user runs)."""

    def __init__(self, db: str, cwd: Path) -> None:
        self.db = db
        self.cwd = cwd

    def __call__(self, *args: str, actor: str = "督查科", input: str | None = None) -> Result:
        return run_script(["--db", self.db, "--as", actor, *args], self.cwd, input=input)


def assert_refused(result: Result, fragment: str) -> None:
    """Exit 2, one Chinese line on stderr that names `fragment`, no traceback and nothing on stdout."""
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    line = result.stderr.strip()
    assert "\n" not in line, result.stderr
    assert line.startswith("错误："), line
    assert "Traceback" not in result.stderr
    assert fragment in line, (fragment, line)
    assert result.stdout == ""


def command_of(args: Sequence[str]) -> str:
    """The command words `args` start with, as the CLI resolves them ("bonus claim"; "" for global options)."""
    ctx = click.Context(cli)
    command: click.Command = cli
    words: list[str] = []
    for arg in args:
        sub = command.get_command(ctx, arg) if isinstance(command, click.Group) else None
        if sub is None:
            break
        command, words = sub, [*words, arg]
    return " ".join(words)


def one_per_command(cases: Mapping[str, tuple[Sequence[str], str]]) -> set[str]:
    """The first case (by name) of each command the cases call: the refusals also run through the installed
    script, whose edge is the same for every case of one command — one each keeps that path covered, not 600 runs."""
    first: dict[str, str] = {}
    for name in sorted(cases):
        first.setdefault(command_of(cases[name][0]), name)
    return set(first.values())


def runner_cases(
    every: Iterable[str], through_script: Iterable[str], sqlite_only: Iterable[str] = ()
) -> list[pytest.ParameterSet]:
    """(case, runner) parameters for `run`: every case in-process (kp), and those named through the script too;
    the `sqlite_only` cases are marked so (tests/conftest.py skips them on PostgreSQL)."""
    script, only = set(through_script), set(sqlite_only)
    missing = (script | only) - set(every)
    assert not missing, f"cases named that do not exist: {sorted(missing)}"
    pairs = [(c, "kp") for c in sorted(every)] + [(c, "kp_script") for c in sorted(script)]
    return [
        pytest.param(c, r, marks=[pytest.mark.sqlite_only("about SQLite files")] if c in only else []) for c, r in pairs
    ]


def backend_cases(every: Iterable[str], on_postgres: Iterable[str]) -> list[pytest.ParameterSet]:
    """(case, db_url) parameters (use with indirect=["db_url"]): every case on SQLite, and only the named
    representative subset on PostgreSQL too — for sweeps whose refusals are decided before the ledger is read,
    where the backend matters only to the check that nothing was written (one case of each kind keeps it honest)."""
    pg_cases = set(on_postgres)
    missing = pg_cases - set(every)
    assert not missing, f"cases named that do not exist: {sorted(missing)}"
    return [pytest.param(c, b, id=f"{b}-{c}") for c in sorted(every) for b in ("sqlite", "postgres")
            if b == "sqlite" or c in pg_cases]
