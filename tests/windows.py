"""A pytest plugin that stands in for Windows: the POSIX-only calls and modules are taken away before kaoping is
imported, and files are protected by ACLs rather than mode bits (ledger/storage/files.POSIX is False).

Load it with `python -m pytest -p tests.windows …` (tests/test_windows_simulation.py runs the suite's portable
part that way, so CI runs it too). What it cannot stand in for — drive letters, backslashes, mandatory file
locks — needs a real Windows machine; the README says so.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

POSIX_ONLY_CALLS = (
    "fchmod", "fchown", "chown", "lchown", "lchmod", "getuid", "geteuid", "getgid", "getegid", "getgroups",
    "fork", "forkpty", "killpg", "setsid", "getpgid", "setpgid", "statvfs", "fstatvfs", "sync", "mkfifo",
    "getloadavg", "sched_getaffinity",
)
"""Functions of `os` that Windows' Python does not have (os.fchmod arrived there only in 3.13)."""

POSIX_ONLY_MODULES = ("fcntl", "pwd", "grp", "resource", "termios", "pty", "posix")
"""Modules that do not exist on Windows: importing one raises ImportError."""

POSIX_ONLY_FLAGS = ("O_NOFOLLOW", "O_DIRECTORY", "O_NOCTTY", "O_NONBLOCK", "O_SYNC", "O_DSYNC")
"""`os.open` flags Windows does not define."""

def _take_away() -> tuple[dict[str, object], dict[str, object]]:
    """Remove the POSIX-only calls, flags and modules; return what was there, to put back."""
    calls = {name: getattr(os, name) for name in POSIX_ONLY_CALLS + POSIX_ONLY_FLAGS if hasattr(os, name)}
    for name in calls:
        delattr(os, name)
    modules = {name: sys.modules.get(name) for name in POSIX_ONLY_MODULES}
    for name in POSIX_ONLY_MODULES:
        sys.modules[name] = None  # type: ignore[assignment]  # `import name` now raises ImportError
    return calls, modules


def _put_back(calls: dict[str, object], modules: dict[str, object]) -> None:
    for name, value in calls.items():
        setattr(os, name, value)
    for name, module in modules.items():
        if module is None:
            sys.modules.pop(name, None)
        else:
            sys.modules[name] = module  # type: ignore[assignment]


def pytest_configure(config: pytest.Config) -> None:
    """For the whole run: keys in a stand-in user profile, the user named in USERNAME (getpass must not need pwd)."""
    profile = Path(tempfile.mkdtemp(prefix="kaoping-windows-profile-"))
    config.add_cleanup(lambda: shutil.rmtree(profile, ignore_errors=True))
    os.environ["LOCALAPPDATA"] = str(profile)
    os.environ.pop("USER", None)
    os.environ.pop("LOGNAME", None)
    os.environ.setdefault("USERNAME", "督查科")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> object:
    """Run each test's body as on Windows: without the POSIX-only calls and modules, files protected by ACLs (no
    mode bits; new keys in the user's profile). Only the body: pytest itself (its temporary folders) needs
    os.getuid on this machine, and the shared fixtures build their ledgers as elsewhere, keys beside them — so
    the body also meets a ledger that arrived with its key beside it, as one copied from another PC does."""
    from ledger.storage import files

    calls, modules = _take_away()
    files.POSIX = False
    try:
        return (yield)
    finally:
        files.POSIX = True
        _put_back(calls, modules)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that run the installed script start a real (POSIX) interpreter, and tests about POSIX permissions
    or fork check what Windows has no notion of: both are left to the ordinary run, as is PostgreSQL (a center's
    PC runs the embedded SQLite default)."""
    skip = pytest.mark.skip(reason="not part of the Windows stand-in (subprocess or POSIX permissions)")
    sqlite_only = pytest.mark.skip(reason="the Windows stand-in runs on the embedded SQLite default")
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "kp_script" in fixtures or "script" in item.name or item.get_closest_marker("posix_only"):
            item.add_marker(skip)
        elif "postgres" in getattr(getattr(item, "callspec", None), "params", {}).values():
            item.add_marker(sqlite_only)


def pytest_report_header(config: pytest.Config) -> str:
    """Say in the run's header that this is the Windows stand-in, and what it took away."""
    return (f"Windows stand-in in every test's body: os without {', '.join(POSIX_ONLY_CALLS)}; "
            f"no {', '.join(POSIX_ONLY_MODULES)} modules; files.POSIX = False")
