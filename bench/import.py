"""Benchmark: import a generated 100,000-finding sheet through the real path, against a raw SQLite baseline.

Run:  .venv/bin/python bench/import.py [--rows 100000] [--seed 7]

Prints events/s of `Ledger.import_findings` (validation + event construction + transcoding + insert, in
one transaction) next to a raw baseline measured in the same run: the very same stored-event rows
inserted with `sqlite3.executemany` in one transaction into an identical table, and the ratio. Also prints
the CSV parse time and the peak memory (resident set size) of the process.
"""

from __future__ import annotations

import argparse
import csv
import gc
import io
import random
import resource
import sqlite3
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ledger.app import open_ledger  # noqa: E402
from ledger.catalogue import load  # noqa: E402
from ledger.sheet import HEADER, parse_findings_csv  # noqa: E402

QUARTER = (date(2008, 7, 1), date(2008, 9, 30))
NOTES = ["", "", "", "未佩牌", "迟到五分钟", "串岗聊天", "桌面杂乱", "电话私聊影响办件", "未一次性告知", "态度生硬"]


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(rows: int, seed: int) -> tuple[list[str], dict[str, str], bytes]:
    """~30 windows, ~150 staff, all three sources, valid dates in one quarter; returns the CSV bytes."""
    rnd = random.Random(seed)
    cat = load()
    windows = [f"W{n:02d}" for n in range(1, 31)]
    staff = {f"P{n:03d}": windows[n % len(windows)] for n in range(150)}
    people = list(staff)
    w_items = [i.code for c in cat.window_categories for i in c.items]
    s_items = [i.code for c in cat.staff_categories for i in c.items]
    sources = list(cat.sources)
    days = (QUARTER[1] - QUARTER[0]).days
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for _ in range(rows):
        day = (QUARTER[0] + timedelta(days=rnd.randrange(days + 1))).isoformat()
        source = rnd.choice(sources)
        note = rnd.choice(NOTES)
        if rnd.random() < 0.6:
            person = rnd.choice(people)
            item = rnd.choice(s_items)
            dq = "gaming" if item == "S4.2" and rnd.random() < 0.1 else ""
            writer.writerow([day, staff[person], person, item, source, dq, note])
        else:
            item = rnd.choice(w_items)
            dq = "gaming" if item == "W2.3" and rnd.random() < 0.1 else ""
            writer.writerow([day, rnd.choice(windows), "", item, source, dq, note])
    return windows, staff, out.getvalue().encode("utf-8")


def raw_baseline(rows: list[tuple[str, int, str, bytes]], schema: list[str], folder: Path) -> float:
    """Seconds to insert the same rows with executemany in one transaction into an identical table."""
    conn = sqlite3.connect(folder / "raw.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    for statement in schema:
        conn.execute(statement)
    gc.collect()
    start = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO stored_events (originator_id, originator_version, topic, state) VALUES (?,?,?,?)", rows)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    windows, staff, data = generate(args.rows, args.seed)
    with tempfile.TemporaryDirectory(prefix="kaoping-bench-") as tmp:
        folder = Path(tmp)
        app = open_ledger(f"sqlite:///{folder / 'kaoping.db'}", "bench", create=True)
        app.init("长兴县行政服务中心")
        for code in windows:
            app.add_window(code, f"窗口{code}")
        for person, window in staff.items():
            app.add_staff(person, f"人员{person}", window, QUARTER[0].isoformat())
        before = max(n.id for n in app.notifications())

        rss_before = peak_rss_mb()
        gc.collect()
        t0 = time.perf_counter()
        sheet = parse_findings_csv(data, "bench.csv")
        t1 = time.perf_counter()
        result = app.import_findings(sheet)
        t2 = time.perf_counter()
        rss_after = peak_rss_mb()
        assert len(result.added) == args.rows, (len(result.added), result.skipped)

        t3 = time.perf_counter()
        again = app.import_findings(sheet)
        t4 = time.perf_counter()
        assert again.added == [] and again.skipped == args.rows

        db = sqlite3.connect(folder / "kaoping.db")
        schema = [s for (s,) in db.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid")]
        rows = db.execute(
            "SELECT originator_id, originator_version, topic, state FROM stored_events "
            "WHERE rowid > ? ORDER BY rowid",
            (before,),
        ).fetchall()
        db.close()
        app.close()
        assert len(rows) == args.rows
        raw = raw_baseline(rows, schema, folder)

    n = args.rows
    real = t2 - t1
    print(f"findings imported          {n:,}")
    print(f"CSV parse                  {t1 - t0:8.3f} s   ({n / (t1 - t0):>10,.0f} rows/s)")
    print(f"import_findings (real)     {real:8.3f} s   ({n / real:>10,.0f} events/s)")
    print(f"raw executemany baseline   {raw:8.3f} s   ({n / raw:>10,.0f} events/s)")
    print(f"ratio real / raw           {real / raw:8.2f} ×")
    print(f"re-import (all skipped)    {t4 - t3:8.3f} s")
    print(f"peak RSS                   {rss_after:8.1f} MB (before import {rss_before:.1f} MB)")


if __name__ == "__main__":
    main()
