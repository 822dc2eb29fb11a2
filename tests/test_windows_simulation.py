"""The suite's portable part passes as on Windows: run again under tests/windows.py (no os.fchmod, os.fork,
os.getuid, fcntl or pwd; files protected by ACLs, keys in the user's profile) in a fresh interpreter."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PORTABLE = (
    "tests/ledger/test_note.py",  # the key file: written, read, refused
    "tests/ledger/test_fork.py",  # the second process falls back to this one
    "tests/cli/test_setup_and_files.py",  # init, racing inits, key handling, evidence
    "tests/cli/test_daily_work.py",  # a quarter of facts recorded and read back, the OS user as actor
    "tests/cli/files/test_bundle.py",  # the publication bundle: documents, fonts, the signed checkpoint
    "tests/cli/test_first_release_ledger.py",  # a ledger the first release wrote, brought with its key
)


def test_the_portable_part_of_the_suite_passes_where_the_posix_only_calls_do_not_exist(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "KAOPING_TEST_PG"}
    # -n 0: the portable part runs in this one interpreter (the outer run's workers already use the cores)
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.windows", "-p", "no:cacheprovider", "-n", "0", "-v",
         "--basetemp", str(tmp_path / "run"), *PORTABLE],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800,
    )
    tail = "\n".join(run.stdout.splitlines()[-30:])
    assert run.returncode == 0, f"{tail}\n{run.stderr[-2000:]}"
    assert "Windows stand-in" in run.stdout  # the plugin really ran
