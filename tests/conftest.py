"""Shared fixtures: a fresh ledger on every backend (empty, or a copy of one built once), and the CLI against it."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ledger.app import Ledger, open_ledger
from tests import pg
from tests.helpers import Kaoping, KaopingScript
from tests.helpers import Result as Result  # re-exported: tests/ledger still imports these from here
from tests.helpers import kaoping_script as kaoping_script
from tests.templates import LedgerTemplates, Seed, copy_files, database_in

BACKENDS = ["sqlite", "postgres"]

# As installed: pip byte-compiles what it installs, but this project is installed editable and some machines (this
# sandbox, its CI) set PYTHONDONTWRITEBYTECODE=1, so every xdist worker and every run of the installed script would
# compile our modules from source again — twice the CPU of a `kaoping report` (0.25 against 0.12 s on the demo).
# Set before pytest-xdist starts its workers (this conftest is loaded first), so they and their subprocesses inherit it.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False

# Single tests that take a minute or more (a whole pytest run, or the README's quick start, in a subprocess): run
# first, so that under pytest-xdist (pyproject's addopts) no worker is left running one of them alone at the end.
LONGEST_FIRST = ("tests/test_windows_simulation.py", "tests/test_readme.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Put the LONGEST_FIRST modules' tests first; every other test keeps its order."""
    items.sort(key=lambda item: item.nodeid.split("::")[0] not in LONGEST_FIRST)


@pytest.fixture
def ledger_seed() -> Seed | None:
    """What a test's database starts as: empty here; a folder's conftest may name a template (tests/templates.py)."""
    return None


@pytest.fixture(params=BACKENDS)
def db_url(
    request: pytest.FixtureRequest, tmp_path: Path, ledger_seed: Seed | None, ledger_templates: LedgerTemplates
) -> Iterator[str]:
    """A URL of a ledger database on each backend (SQLite file, PostgreSQL database): empty, or a copy of the
    template `ledger_seed` names, with the template's files copied into the test's folder. A test marked
    `sqlite_only(reason)` is skipped on PostgreSQL before any database is made; on PostgreSQL the tests of a module
    marked `shares_database(reason)` share one copy per template (`module_databases`)."""
    only = request.node.get_closest_marker("sqlite_only")
    if only is not None and request.param != "sqlite":
        pytest.skip(only.args[0])
    template = ledger_templates.get(ledger_seed, request.param) if ledger_seed else None
    shares = request.param == "postgres" and request.node.get_closest_marker("shares_database") is not None
    if shares:  # the module's one copy of the template; the test still gets its own copy of the template's files
        shared: dict[str, str] = request.getfixturevalue("module_databases")
        name = template.folder.name if template else ""
        if name not in shared:
            shared[name] = pg.database_for(f"shared_{name}", template=template.db_url if template else None)
        copy_files(tmp_path, template)
        url = shared[name]
    else:
        url = database_in(tmp_path, request.param, template)
    if request.param == "sqlite":
        yield url
        return
    # Evidence of a PostgreSQL ledger goes to KAOPING_EVIDENCE_DIR; keep each test's apart.
    mp = pytest.MonkeyPatch()
    mp.setenv("KAOPING_EVIDENCE_DIR", str(tmp_path / pg.EVIDENCE_DIR))
    try:
        yield url
    finally:
        mp.undo()
        if not shares:
            pg.drop_database(url)


@pytest.fixture(scope="module")
def module_databases() -> Iterator[dict[str, str]]:
    """The PostgreSQL databases a module's tests marked `shares_database` share (one per template they start
    from), dropped when the module is done."""
    shared: dict[str, str] = {}
    yield shared
    for url in shared.values():
        pg.drop_database(url)


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


@pytest.fixture(scope="session")
def ledger_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LedgerTemplates]:
    """Ledgers built once per session (per backend) for fixtures that copy them into each test."""
    templates = LedgerTemplates(tmp_path_factory)
    yield templates
    templates.drop()


@pytest.fixture
def kp(db_url: str, tmp_path: Path) -> Kaoping:
    """The CLI in-process, on each backend, against an empty database."""
    return Kaoping(db_url, tmp_path)


@pytest.fixture
def kp_script(db_url: str, tmp_path: Path) -> KaopingScript:
    """The installed `kaoping` script as a subprocess, on each backend."""
    return KaopingScript(db_url, tmp_path)
