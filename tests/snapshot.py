"""What a ledger holds, byte for byte, so a test can prove a refused command wrote nothing."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ledger.app import open_ledger


@dataclass(frozen=True)
class Snapshot:
    """Every stored event row, and every file under a folder with its hash."""

    rows: tuple[tuple[int, str, int, str, bytes], ...]
    files: dict[str, str]


def files_under(folder: Path) -> dict[str, str]:
    """Relative path → sha256 of every file below `folder` (folders themselves count too)."""
    out: dict[str, str] = {}
    for p in sorted(folder.rglob("*")):
        rel = str(p.relative_to(folder))
        if rel.startswith(".hypothesis"):
            continue
        out[rel] = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "<dir>"
    return out


def snapshot(db_url: str, folder: Path) -> Snapshot:
    """The raw stored rows of the ledger at `db_url` and the files under `folder`."""
    files = files_under(folder)  # before opening: opening SQLite adds -wal/-shm files while open
    rows: tuple[tuple[int, str, int, str, bytes], ...] = ()
    path = db_url[len("sqlite:///"):] if db_url.startswith("sqlite:///") else None
    if path is None or Path(path).exists():
        app = open_ledger(db_url, "snapshot")
        try:
            rows = tuple(
                (n.id, str(n.originator_id), n.originator_version, n.topic, bytes(n.state))
                for n in app.notifications()
            )
        finally:
            app.close()
    return Snapshot(rows=rows, files=files)
