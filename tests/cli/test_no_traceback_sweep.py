"""The "no traceback, ever" sweep: every command, each of its values in turn wrong (wrong codes, unknown people,
impossible dates, out-of-calendar quarters, binary or missing files, folders), answers or refuses in one line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from cli.main import _register, cli
from tests.conftest import Kaoping


@pytest.fixture
def db_url(tmp_path: Path) -> Iterator[str]:
    """SQLite only: both backends run the same command code, and the sweep is long (the backends' own refusals are
    tested in test_refusals and test_no_traceback)."""
    yield f"sqlite:///{tmp_path / 'kaoping.db'}"



GOOD = {"quarter": "2008Q2", "item": "W2.3", "code": "TAX", "staff_id": "P9", "name": "王五", "kind": "measure",
        "file": "cert.pdf", "fact_id": "{finding}", "claim_id": "{claim}", "complaint_id": "{complaint}",
        "year": "2008", "old_file": "cert.pdf", "new_file": "cert.pdf", "proof_file": "cert.pdf", "window": "TAX",
        "since": "2008-06-01", "day": "2008-06-11", "source": "weekly", "reason": "录错", "evidence_file": "cert.pdf",
        "channel": "hotline-12345", "text": "态度冷漠", "out": "out.json", "target": "sqlite:///copy.db"}
WRONG = ["NOPE", "P404", "2008-02-30", "0000Q1", "-1", "99999999999999999999", "", "binary.bin", "folder",
         "/no/such/place/x.csv", "00000000-0000-4000-8000-000000000000", "2008Q5"]
SKIP = {("demo",), ("migrate",)}  # demo builds a whole center; migrate is swept by tests/cli/test_migrate_and_backup


def _commands() -> list[tuple[tuple[str, ...], click.Command]]:
    _register()
    out: list[tuple[tuple[str, ...], click.Command]] = []

    def walk(cmd: click.Command, path: tuple[str, ...]) -> None:
        if isinstance(cmd, click.Group):
            for name, sub in sorted(cmd.commands.items()):
                walk(sub, (*path, name))
        elif path not in SKIP:
            out.append((path, cmd))

    walk(cli, ())
    return out


def _arguments(cmd: click.Command, fuzzed: click.Parameter, value: str) -> list[str]:
    args: list[str] = []
    for p in cmd.params:
        if isinstance(p, click.Option) and p.is_flag:
            continue
        given = value if p is fuzzed else GOOD.get(p.name or "", "x") if p.required else None
        if given is None:
            continue
        args += [given] if isinstance(p, click.Argument) else [p.opts[-1], given]
    return args


@pytest.mark.parametrize("path", [p for p, _ in _commands()], ids=" ".join)
def test_every_command_given_wrong_values_answers_or_refuses_without_a_traceback(
    path: tuple[str, ...], world: dict[str, str], kp: Kaoping, tmp_path: Path
) -> None:
    (tmp_path / "binary.bin").write_bytes(bytes(range(256)))
    (tmp_path / "folder").mkdir(exist_ok=True)
    cmd = dict(_commands())[path]
    tried = 0
    for p in cmd.params:
        if isinstance(p, click.Option) and p.is_flag:
            continue
        for wrong in WRONG:
            args = [a.format(**world) for a in _arguments(cmd, p, wrong)]
            result = kp(*path, *args)  # an exception here is a traceback: CliRunner re-raises it
            tried += 1
            assert result.exit_code in (0, 1, 2), (path, args, result.exit_code, result.stderr)
            if result.exit_code:
                assert len(result.stderr.strip().splitlines()) == 1, (path, args, result.stderr)
                assert "Traceback" not in result.stderr
    assert tried or not [p for p in cmd.params if not (isinstance(p, click.Option) and p.is_flag)]
