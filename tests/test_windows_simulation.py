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
    # the publication bundle written into its folder and checked (documents, fonts, the signed checkpoint); the
    # bundle's other cases are about its contents, the same everywhere, and each makes the bundle again (seconds)
    "tests/cli/files/test_bundle.py::test_publishing_with_out_writes_every_file_of_the_bundle",
    "tests/cli/files/test_bundle.py::test_check_proves_an_untouched_bundle",
    "tests/cli/files/test_bundle.py::test_a_bundle_into_a_folder_that_is_not_empty_is_refused_before_publishing",
    "tests/cli/files/test_bundle.py::test_publish_without_out_prints_what_it_always_printed",
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
