"""The raw baseline every import bench measures against: the very rows an import stored, inserted again with
`sqlite3.executemany` in one transaction into an identical table (same schema, same WAL journal)."""

from __future__ import annotations

import gc
import sqlite3
import time
from pathlib import Path

StoredRow = tuple[object, int, str, bytes]
"""(originator_id, originator_version, topic, state) as the ledger's table holds it."""


def stored_since(db: Path, after: int) -> tuple[list[StoredRow], list[str]]:
    """The stored rows after a notification id (what one import wrote), and the database's schema statements."""
    conn = sqlite3.connect(db)
    try:
        schema = [s for (s,) in conn.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid")]
        rows = conn.execute("SELECT originator_id, originator_version, topic, state FROM stored_events "
                            "WHERE rowid > ? ORDER BY rowid", (after,)).fetchall()
    finally:
        conn.close()
    return rows, schema


def raw_baseline(rows: list[StoredRow], schema: list[str], folder: Path) -> tuple[float, float]:
    """Wall and CPU seconds to insert the rows with executemany in one transaction into an identical table."""
    path = folder / "raw.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    for statement in schema:
        conn.execute(statement)
    gc.collect()
    start, cpu = time.perf_counter(), time.process_time()
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO stored_events (originator_id, originator_version, topic, state) VALUES (?,?,?,?)", rows
    )
    conn.execute("COMMIT")
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    conn.close()
    return elapsed, cpu
