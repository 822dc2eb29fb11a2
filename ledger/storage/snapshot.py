"""A SQLite ledger on a read-only medium (an auditor's CD), read for `verify` without writing beside it.

SQLite reads a WAL-mode file only with its -shm beside it, which it creates; in a folder or of a file it may not
write, that fails. `verify` then reads a private copy of the file — with its -wal, if a crash or a full disk left
one, whose committed events SQLite replays into the copy — and nothing is created next to the original.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from ledger.errors import InvalidInput
from ledger.storage.location import Location


def _writable(path: Path) -> bool:
    """Whether SQLite may write the file and beside it: permitted, and not marked read-only (as a CD's files are;
    the mode bits are asked too, since the superuser is permitted to write anything)."""
    folder = path.parent if str(path.parent) else Path(".")
    return all(os.access(p, os.W_OK) and p.stat().st_mode & 0o222 for p in (path, folder))


@contextmanager
def readable_url(location: Location) -> Iterator[str | None]:
    """The `--db` URL `verify` opens: the ledger itself, or a private copy where it cannot be written beside."""
    path = location.sqlite_path
    if path is None or not path.is_file() or _writable(path):
        yield location.url
        return
    with tempfile.TemporaryDirectory(prefix="kaoping-verify-") as folder:
        copy = Path(folder) / "ledger.db"
        try:
            shutil.copyfile(path, copy)
            wal = path.with_name(path.name + "-wal")
            if wal.is_file():
                shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
        except OSError as exc:
            raise InvalidInput(f"无法读取只读的账本 {path}：{exc.strerror or exc}") from None
        yield f"sqlite:///{quote(str(copy))}"
