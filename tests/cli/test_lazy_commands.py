"""The CLI imports a command's module only when that command runs, so `kaoping report` starts fast."""

from __future__ import annotations

import subprocess
import sys
from importlib import import_module
from pathlib import Path

import click

from cli.main import COMMAND_MODULES, cli

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
