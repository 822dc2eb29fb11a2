"""Files that must be whole and private: made under a temporary name and put in place without replacing anything,
readable by their owner only — by POSIX mode bits where there are any, by the folder's ACL on Windows.

On Windows (no POSIX permissions, no `os.fchmod` before Python 3.13) a file's protection is the ACL it inherits from
its folder; a key is therefore kept by default in the user's own profile (`%LOCALAPPDATA%\\kaoping\\keys`), which only
the user (and the machine's administrators) can open. `POSIX` is read at every call so tests can stand in for a
machine without POSIX permissions.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

POSIX = os.name == "posix"
"""Whether mode bits protect files here (POSIX) or only ACLs do (Windows)."""

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def owner_only(path: Path) -> bool:
    """True when no one but the owner can read or write the file (always, where only ACLs protect files)."""
    if not POSIX:
        return True
    return not path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO)


def kept_private(path: Path) -> bool:
    """True when a file (followed through symlinks) is not readable by group or others: its copies stay private."""
    if not POSIX:
        return False
    return not os.stat(path).st_mode & (stat.S_IRGRP | stat.S_IROTH)


def restrict(fd: int, mode: int) -> None:
    """Set a new file's mode exactly (the umask may only have narrowed it); nothing to do without POSIX modes."""
    if POSIX and hasattr(os, "fchmod"):
        os.fchmod(fd, mode)


def claim_new(path: Path, mode: int = PRIVATE_FILE) -> bool:
    """Create `path` empty and with `mode` if nobody has: True when this call made it (another process's file is
    never claimed twice, so only its maker may remove it)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), mode)
    except FileExistsError:
        return False
    try:
        restrict(fd, mode)
    finally:
        os.close(fd)
    return True


def put_in_place(temp: Path, path: Path) -> None:
    """Give a finished file its name, never replacing one (FileExistsError when `path` exists): a hard link where
    the file system has them; else a rename, which Windows refuses over an existing file (on a POSIX file system
    without hard links a file made between the check and the rename would be replaced: the one gap left)."""
    try:
        os.link(temp, path)
    except FileExistsError:
        raise
    except OSError:
        if POSIX and path.exists():
            raise FileExistsError(errno.EEXIST, "File exists", str(path)) from None
        os.rename(temp, path)
        return
    temp.unlink(missing_ok=True)


def write_whole(path: Path, data: bytes, mode: int = PRIVATE_FILE) -> None:
    """Write a file that must not exist yet, whole or not at all: written and flushed under a temporary name in the
    same folder, then put in place — a racing writer finds no file or a whole one, never a key half written.
    FileExistsError when the file exists; any other OSError as it comes, with nothing left behind."""
    temp = _written_beside(path, data, mode)
    try:
        put_in_place(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def replace_whole(path: Path, data: bytes, mode: int = PRIVATE_FILE) -> None:
    """Replace a file (or make it) whole, for state that changes (a witness's state, the contact key store): written
    and flushed under a temporary name in the same folder, then renamed over the old one — a crash leaves the old
    file or the new, never half of one. Any OSError as it comes, with nothing left behind."""
    temp = _written_beside(path, data, mode)
    try:
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def _written_beside(path: Path, data: bytes, mode: int) -> Path:
    """A temporary file in `path`'s folder holding `data`, flushed to disk, with `mode`; removed again on failure."""
    import tempfile  # here, not at the top: it pulls in shutil, random, bz2 and lzma, which a question never needs

    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".new")
    temp = Path(tmp)
    try:
        try:
            restrict(fd, mode)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def make_dirs(path: Path, mode: int = 0o777) -> list[Path]:
    """Create a folder and its missing parents with `mode` (0700 for private ones); the folders this call made,
    outermost first, so a failed command can take them back."""
    missing: list[Path] = []
    p = path
    while not p.exists() and p != p.parent:
        missing.append(p)
        p = p.parent
    made: list[Path] = []
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=mode)
        except FileExistsError:
            continue
        made.append(folder)
    return made


def profile_folder() -> Path:
    """Where a Windows user's own files live (%LOCALAPPDATA%, protected by the profile's ACL)."""
    local = os.environ.get("LOCALAPPDATA", "").strip()
    return Path(local) if local else Path.home() / "AppData" / "Local"
