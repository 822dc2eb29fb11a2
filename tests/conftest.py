"""Shared fixtures: a fresh ledger on every backend, and ways to run the CLI against it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from ledger.app import Ledger, open_ledger

BACKENDS = ["sqlite", "postgres"]


def _postgres_url(tmp_name: str) -> str:
    """A fresh PostgreSQL database for one test, or a skip (a failure under CI) when no server is set."""
    base = os.environ.get("KAOPING_TEST_PG")
    if not base:
        reason = "PostgreSQL tests need KAOPING_TEST_PG=postgresql://user:pass@host:port (scripts/pg-dev start)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(reason)
        pytest.skip(reason)
    from tests.pg import fresh_database  # imported lazily: psycopg is slow to import

    return fresh_database(base, tmp_name)


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty ledger database on each backend (SQLite file, PostgreSQL database)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'kaoping.db'}"
        return
    url = _postgres_url(tmp_path.name)
    # Evidence of a PostgreSQL ledger goes to KAOPING_EVIDENCE_DIR; keep each test's apart.
    mp = pytest.MonkeyPatch()
    mp.setenv("KAOPING_EVIDENCE_DIR", str(tmp_path / "kaoping-evidence"))
    try:
        yield url
    finally:
        mp.undo()
        from tests.pg import drop_database

        drop_database(url)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A URL of an empty SQLite ledger (for tests about SQLite itself)."""
    return f"sqlite:///{tmp_path / 'kaoping.db'}"


@pytest.fixture
def ledger(db_url: str) -> Iterator[Ledger]:
    """An initialised ledger on each backend."""
    app = open_ledger(db_url, "测试员", create=True)
    app.init("长兴县行政服务中心")
    yield app
    app.close()


@dataclass
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


@pytest.fixture
def kp(db_url: str, tmp_path: Path) -> Kaoping:
    """The CLI in-process, on each backend, against an empty database."""
    return Kaoping(db_url, tmp_path)


def kaoping_script() -> str:
    """Path of the installed `kaoping` console script (beside this interpreter)."""
    candidate = Path(sys.executable).with_name("kaoping")
    found = str(candidate) if candidate.exists() else shutil.which("kaoping")
    if not found:
        pytest.fail("the kaoping console script is not installed: pip install -e '.[dev]'")
    return found


@pytest.fixture
def kp_script(db_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    """The installed `kaoping` script as a subprocess, on each backend."""

    def run(*args: str, actor: str = "督查科", input: str | None = None) -> Result:
        p = subprocess.run(
            [kaoping_script(), "--db", db_url, "--as", actor, *args],
            capture_output=True, text=True, cwd=tmp_path, input=input, timeout=120,
        )
        return Result(p.returncode, p.stdout, p.stderr)

    return run
