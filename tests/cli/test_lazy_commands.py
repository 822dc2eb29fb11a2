"""The CLI imports a command's module only when that command runs or shows its help, so commands start fast and
`kaoping --help` imports none of them."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import import_module, metadata
from pathlib import Path

import click
import pytest

from cli.help import SUMMARIES
from cli.main import COMMAND_MODULES, cli
from cli.render import width
from tests.helpers import Kaoping

ROOT = Path(__file__).resolve().parents[2]


def test_the_lazy_command_table_names_exactly_what_each_module_registers() -> None:
    found: dict[str, str] = {}
    for module_name in set(COMMAND_MODULES.values()):
        group = click.Group()
        import_module(f"cli.commands.{module_name}").register(group)
        found.update({name: module_name for name in group.commands})
    assert found == COMMAND_MODULES


def test_help_lists_every_command() -> None:
    ctx = click.Context(cli)
    assert set(COMMAND_MODULES) <= set(cli.list_commands(ctx))


def test_running_report_imports_neither_cryptography_nor_the_demo_nor_migration(tmp_path: Path) -> None:
    code = (
        "import sys; from cli.main import cli; from click.testing import CliRunner; from ledger.app import open_ledger;"
        f"a = open_ledger('sqlite:///{tmp_path / 'k.db'}', 'x', create=True); a.init('中心'); a.close();"
        f"r = CliRunner().invoke(cli, ['--db', 'sqlite:///{tmp_path / 'k.db'}', 'report', '2008Q3']);"
        "assert r.exit_code == 0, r.output;"
        "print(sorted({m.split('.')[0] if m.startswith('cryptography') else m for m in sys.modules"
        " if m.startswith(('cryptography', 'cli.commands.demo', 'cli.commands.integrity', 'ledger.backup',"
        " 'hypothesis', 'multiprocessing', 'eventsourcing.postgres'))}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


def _modules_after(*args: str, cwd: Path = ROOT) -> tuple[str, set[str]]:
    """What a fresh `kaoping ARGS` process prints, and the modules it has imported by the time it exits."""
    code = (
        "import sys\n"
        f"sys.argv = ['kaoping', *{list(args)!r}]\n"
        "from cli.main import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('\\n'.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    return out.stdout, set(out.stderr.split())


HEAVY = ("cli.commands", "ledger.app", "eventsourcing", "cryptography")


def _under(module: str, names: tuple[str, ...]) -> bool:
    """Whether a module is one of `names` or a part of one (`ledger.app` covers `ledger.app_tenure`, which it splits
    off, but not `ledger.appeal_names`)."""
    return any(module == n or module.startswith((f"{n}.", f"{n}_")) for n in names)


def test_the_top_level_help_imports_no_command_nor_the_ledger_nor_cryptography() -> None:
    shown, loaded = _modules_after("--help")
    assert "kaoping" in shown and "例：kaoping report" in shown
    assert sorted(m for m in loaded if _under(m, HEAVY)) == []


def test_a_commands_help_imports_only_that_commands_module() -> None:
    shown, loaded = _modules_after("report", "--help")
    assert "例：\n  kaoping report" in shown
    assert sorted(m for m in loaded if m.startswith("cli.commands.")) == ["cli.commands.questions"]
    assert not [m for m in loaded if _under(m, ("cryptography", "ledger.app"))]


def test_every_command_has_one_summary_that_fits_and_is_its_short_help() -> None:
    assert set(SUMMARIES) == set(COMMAND_MODULES)
    ctx = click.Context(cli)
    for name, summary in SUMMARIES.items():
        assert summary.endswith("。") and "\n" not in summary and width(summary) <= 76, name
        command = cli.get_command(ctx, name)
        assert command is not None and command.short_help == summary, name


@pytest.mark.sqlite_only("the light read path is SQLite's; PostgreSQL opens the full ledger")
@pytest.mark.parametrize(("command", "answer"), [
    (["report", "2008Q2"], "TAX"), (["todo"], "2008年第2季度待确定入围名单"), (["window", "list"], "地税窗口"),
])
def test_the_questions_on_a_sqlite_ledger_never_import_eventsourcing(
    command: list[str], answer: str, kp: Kaoping, db_url: str, tmp_path: Path,
) -> None:
    # init writes the key beside the ledger, and the first question keeps the projection: then the light path reads
    for args in (["init", "--center", "长兴县行政服务中心"], ["window", "add", "TAX", "地税窗口"],
                 ["record", "W2.2", "--window", "TAX", "--date", "2008-06-02", "--source", "weekly"],
                 ["report", "2008Q2"]):
        assert kp(*args).exit_code == 0, args
    shown, loaded = _modules_after("--db", db_url, *command, cwd=tmp_path)
    assert answer in shown
    assert f"cli.commands.{COMMAND_MODULES[command[0]]}" in loaded
    assert sorted(m for m in loaded if _under(m, ("eventsourcing", "ledger.app", "ledger.events"))) == []


# What each command group must not import (issue 15: a command pays at start-up only for its own code). Each entry:
# the command, a line its answer shows, and module prefixes that must stay unloaded.
NOT_IMPORTED = [
    # a report from the cached standings derives nothing, reads no 公示 or calendar, checks no digest (unpublished)
    (["report", "2008Q2"], "TAX", ("projections.scoring.explain", "projections.scoring.steps", "projections.todo",
                                   "projections.fact_notes", "cli.files.document", "tempfile", "cryptography",
                                   "projections.review_view", "projections.scoring.derive",
                                   "projections.scoring.publication", "ledger.storage.review_rows", "ledger.workdays",
                                   "projections.scoring.role_text", "ledger.storage.postgres_reader",
                                   "projections.engine.postgres_store")),
    (["explain", "--window", "TAX", "2008Q2"], "TAX", ("projections.todo", "projections.engine.standings_cache",
                                                       "cli.files.document", "cryptography", "cli.report_text",
                                                       "projections.scoring.publication")),
    (["todo"], "2008年第2季度待确定入围名单", ("projections.scoring.explain", "projections.engine.standings_cache",
                                            "cli.files.document", "cryptography", "projections.scoring.derive",
                                            "projections.scoring.rows", "projections.scoring.publication",
                                            "projections.voice_view", "cli.report_text")),
    (["window", "list"], "地税窗口", ("projections", "eventsourcing", "ledger.app", "cryptography")),
    (["record", "W2.3", "--window", "TAX", "--date", "2008-06-03", "--source", "weekly"], "",
     ("cryptography", "ledger.privacy.keystore", "ledger.commands.voice", "ledger.sheets.reading",
      "ledger.sheets.ratings", "csv", "projections", "ledger.events.quarter", "ledger.events.integrity",
      "ledger.events.appeals", "ledger.events.actors", "ledger.events.voice", "ledger.events.claims",
      "ledger.events.complaints", "ledger.events.registry_changes", "ledger.events.people", "tempfile",
      "shutil")),
    (["log", "--limit", "2"], "检查记录", ("cryptography", "projections.scoring", "projections.engine",
                                         "ledger.commands.voice", "ledger.sheets.reading", "eventsourcing",
                                         "ledger.app", "ledger.events")),
]


@pytest.mark.sqlite_only("the light read path is SQLite's; PostgreSQL opens the full ledger")
@pytest.mark.parametrize(("command", "answer", "unwanted"), NOT_IMPORTED, ids=lambda v: " ".join(v)[:40])
def test_each_command_group_imports_only_its_own_code(
    command: list[str], answer: str, unwanted: tuple[str, ...], kp: Kaoping, db_url: str, tmp_path: Path,
) -> None:
    for args in (["init", "--center", "长兴县行政服务中心"], ["window", "add", "TAX", "地税窗口"],
                 ["record", "W2.2", "--window", "TAX", "--date", "2008-06-02", "--source", "weekly"],
                 ["report", "2008Q2"]):
        assert kp(*args).exit_code == 0, args
    shown, loaded = _modules_after("--db", db_url, *command, cwd=tmp_path)
    assert answer in shown
    assert f"cli.commands.{COMMAND_MODULES[command[0]]}" in loaded
    assert sorted(m for m in loaded if _under(m, unwanted)) == []


def test_the_console_script_loads_the_command_line_with_the_collector_off_and_frozen() -> None:
    # a collection while cli.main is only partly executed (its `main` not yet defined) would be one the start-up
    # pays for nothing; the command (here loading report's module for its help) runs with the collector on, its
    # first collection finding cli.main's objects already frozen
    code = (
        "import gc, sys\n"
        "during, after = [], []\n"
        "def seen(phase, info):\n"
        "    loading = sys.modules.get('cli.main')\n"
        "    if phase == 'start' and loading is not None:\n"
        "        (after if hasattr(loading, 'main') else during).append(gc.get_freeze_count())\n"
        "gc.callbacks.append(seen)\n"
        "sys.argv = ['kaoping', 'report', '--help']\n"
        "from cli.start import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(len(during), after[0] > 10_000, gc.isenabled(), file=sys.stderr)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stderr.split() == ["0", "True", "True"]
    entry = [e for e in metadata.entry_points(group="console_scripts") if e.name == "kaoping"]
    assert [e.value for e in entry] == ["cli.start:main"]
