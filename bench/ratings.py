"""Benchmark: import a month of 好差评 ratings (100,000 rows) through the real path, against a raw SQLite baseline.

Run:  .venv/bin/python bench/ratings.py [--rows 100000] [--seed 7] [--rounds 3]

Prints ratings/s of `import ratings` (validation in bulk, the 差评 complaints, encoding, insert in one transaction;
the CSV parse timed apart) next to a raw baseline measured in the same run — the very same stored rows inserted
with `sqlite3.executemany` in one transaction into an identical table (bench/baseline.py, as bench/import.py) —
and the ratios; then the time of a report of the quarter after the import (the fold catching up with the month).
Tests never assert timings.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.baseline import raw_baseline, stored_since  # noqa: E402
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=3, help="best of N (the machine is shared; noise is high)")
    args = parser.parse_args()
    staff_of = {f"W{w:02d}": [f"P{w:02d}{n}" for n in range(5)] for w in range(1, 31)}
    data = ratings_csv(ratings_rows(*MONTH, staff_of, args.rows, args.seed))
    parse, real, raw, report = [], [], [], []
    real_cpu: list[float] = []
    raw_cpu: list[float] = []
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory(prefix="kaoping-bench-") as tmp:
            folder = Path(tmp)
            app = fresh_ledger(folder, staff_of)
            before = app.max_notification_id()
            gc.collect()
            t0 = time.perf_counter()
            sheet = parse_ratings_csv(data, "ratings.csv")
            t1, c1 = time.perf_counter(), time.process_time()
            result = voice.import_ratings(app, sheet)
            t2, c2 = time.perf_counter(), time.process_time()
            parse.append(t1 - t0)
            real.append(t2 - t1)
            real_cpu.append(c2 - c1)
            del sheet
            rows, schema = stored_since(folder / "kaoping.db", before)
            wall, cpu = raw_baseline(rows, schema, folder)
            raw.append(wall)
            raw_cpu.append(cpu)
            t0 = time.perf_counter()
            Views(app).report("2008Q3")
            report.append(time.perf_counter() - t0)
            app.close()
    best, base, read = min(real), min(raw), min(parse)
    print(f"ratings: {args.rows:,} rows, {result.added:,} added, {len(result.complaints):,} 差评 complaints "
          f"(best of {args.rounds} rounds, each into a fresh ledger)")
    print(f"CSV parse                  {read:8.2f} s   ({args.rows / read:>10,.0f} rows/s)")
    print(f"import ratings (real)      {best:8.2f} s   ({args.rows / best:>10,.0f} ratings/s)   rounds: "
          + " ".join(f"{t:.2f}" for t in real))
    print(f"raw executemany baseline   {base:8.2f} s   ({len(rows) / base:>10,.0f} rows/s, {len(rows):,} rows)   "
          "rounds: " + " ".join(f"{t:.2f}" for t in raw))
    print(f"ratio real / raw           {best / base:8.2f} ×")
    print(f"ratio of CPU time          {min(real_cpu) / min(raw_cpu):8.2f} ×  "
          f"(real {min(real_cpu):.3f} s, raw {min(raw_cpu):.3f} s CPU)")
    print(f"CSV parse + import / raw   {(read + best) / base:8.2f} ×")
    print(f"first report of the quarter after the import (fold catch-up included): {min(report):.2f} s")


if __name__ == "__main__":
    main()
