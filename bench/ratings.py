"""Benchmark: import a month of 好差评 ratings (100,000 rows) through the real path, against a raw SQLite baseline.

Run:  .venv/bin/python bench/ratings.py [--rows 100000] [--seed 7] [--rounds 3]

Prints ratings/s of `import ratings` (CSV parse, validation in bulk, the 差评 complaints, encoding, insert in one
transaction) next to a raw baseline measured in the same run — the very same stored rows inserted with
`sqlite3.executemany` in one transaction into an identical table — and the ratio; then the time of a report of the
quarter after the import (the fold catching up with the month). Tests never assert timings.
"""

from __future__ import annotations

import argparse
import gc
import sqlite3
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cli.sample.ratings import ratings_csv, ratings_rows  # noqa: E402
from ledger.app import open_ledger  # noqa: E402
from ledger.commands import voice  # noqa: E402
from ledger.sheets.ratings import parse_ratings_csv  # noqa: E402
from projections.views import Views  # noqa: E402

MONTH = (date(2008, 7, 1), date(2008, 7, 31))


def fresh_ledger(folder: Path, staff_of: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    """A new SQLite ledger with 30 windows and their 150 staff registered."""
    app = open_ledger(f"sqlite:///{folder / 'kaoping.db'}", "bench", create=True)
    app.init("长兴县行政服务中心")
    for code, people in staff_of.items():
        app.add_window(code, f"窗口{code}")
        for person in people:
            app.add_staff(person, f"人员{person}", code, MONTH[0].isoformat())
    return app


def raw_baseline(folder: Path, rows: list[tuple[object, int, str, bytes]], schema: list[str]) -> float:
    """Seconds to insert the same rows with executemany in one transaction into an identical table."""
    conn = sqlite3.connect(folder / "raw.db", isolation_level=None)
    for statement in schema:
        conn.execute(statement)
    gc.collect()
    start = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO stored_events (originator_id, originator_version, topic, state) VALUES (?,?,?,?)",
                     rows)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=3, help="best of N (the machine is shared; noise is high)")
    args = parser.parse_args()
    staff_of = {f"W{w:02d}": [f"P{w:02d}{n}" for n in range(5)] for w in range(1, 31)}
    data = ratings_csv(ratings_rows(*MONTH, staff_of, args.rows, args.seed))
    real, raw, report = [], [], []
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory(prefix="kaoping-bench-") as tmp:
            folder = Path(tmp)
            app = fresh_ledger(folder, staff_of)
            before = app.max_notification_id()
            gc.collect()
            t0 = time.perf_counter()
            result = voice.import_ratings(app, parse_ratings_csv(data, "ratings.csv"))
            real.append(time.perf_counter() - t0)
            con = sqlite3.connect(folder / "kaoping.db")
            rows = con.execute("SELECT originator_id, originator_version, topic, state FROM stored_events "
                               "WHERE rowid > ? ORDER BY rowid", (before,)).fetchall()
            schema = [s for (s,) in con.execute("SELECT sql FROM sqlite_master WHERE name = 'stored_events'")]
            con.close()
            raw.append(raw_baseline(folder, rows, schema))
            t0 = time.perf_counter()
            Views(app).report("2008Q3")
            report.append(time.perf_counter() - t0)
            app.close()
    best, base = min(real), min(raw)
    print(f"ratings: {args.rows:,} rows, {result.added:,} added, {len(result.complaints):,} 差评 complaints")
    print(f"import ratings: {best:.2f} s ({args.rows / best:,.0f} ratings/s)")
    print(f"raw executemany of the same {len(rows):,} rows: {base:.2f} s ({len(rows) / base:,.0f} rows/s)")
    print(f"ratio import / raw: {best / base:.1f}x")
    print(f"first report of the quarter after the import (fold catch-up included): {min(report):.2f} s")


if __name__ == "__main__":
    main()
