"""Benchmark: import a generated 100,000-finding sheet through the real path, against a raw baseline.

Run:  .venv/bin/python bench/import.py [--rows 100000] [--seed 7] [--pg postgresql://user@host:port]

With `--pg` (a server URL; each round makes and drops its own databases) the ledger is PostgreSQL and the raw
baseline is `COPY … FROM STDIN (FORMAT BINARY)` of the same rows, in one transaction, into an identical table
(`CREATE TABLE … (LIKE kaoping_events INCLUDING ALL)`: the same columns, sequence default and indexes).

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
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.baseline import raw_baseline, stored_since  # noqa: E402
from ledger.app import open_ledger  # noqa: E402
from ledger.catalogue import load  # noqa: E402
from ledger.sheets.findings import HEADER, parse_findings_csv  # noqa: E402

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


def pg_raw_baseline(url: str, rows: list[tuple[Any, int, str, bytes]]) -> tuple[float, float]:
    """Wall and CPU seconds to COPY the same rows in one transaction into a table like the ledger's."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE raw_events (LIKE kaoping_events INCLUDING ALL)")
        gc.collect()
        start, cpu = time.perf_counter(), time.process_time()
        with conn.transaction(), conn.cursor() as cur:
            with cur.copy("COPY raw_events (originator_id, originator_version, topic, state) FROM STDIN "
                          "(FORMAT BINARY)") as copy:
                copy.set_types(["uuid", "int8", "text", "bytea"])
                for row in rows:
                    copy.write_row(row)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    return elapsed, cpu


def pg_database(server: str) -> str:
    """A new empty database on the server, its URL."""
    import uuid

    import psycopg

    name = f"kp_bench_import_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(urlsplit(server)._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlsplit(server)._replace(path=f"/{name}").geturl()


def pg_drop(url: str) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(urlsplit(url)._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def fresh_ledger(folder: Path, windows: list[str], staff: dict[str, str], url: str | None = None):  # type: ignore[no-untyped-def]
    """A new ledger (SQLite in the folder, or the PostgreSQL database at `url`) with the center, windows and staff
    registered."""
    app = open_ledger(url or f"sqlite:///{folder / 'kaoping.db'}", "bench", create=True)
    app.init("长兴县行政服务中心")
    for code in windows:
        app.add_window(code, f"窗口{code}")
    for person, window in staff.items():
        app.add_staff(person, f"人员{person}", window, QUARTER[0].isoformat())
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=3, help="best of N (the machine is shared; noise is high)")
    parser.add_argument("--pg", default=None, metavar="URL",
                        help="a PostgreSQL server (postgresql://user@host:port): ledger and COPY baseline there")
    args = parser.parse_args()
    n = args.rows

    windows, staff, data = generate(n, args.seed)
    parse_times, real_times, raw_times, skip_times = [], [], [], []
    real_cpu: list[float] = []
    raw_cpus: list[float] = []
    rss_before = peak_rss_mb()
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory(prefix="kaoping-bench-") as tmp:
            folder = Path(tmp)
            url = pg_database(args.pg) if args.pg else None
            app = fresh_ledger(folder, windows, staff, url)
            before = app.max_notification_id()
            gc.collect()
            t0 = time.perf_counter()
            sheet = parse_findings_csv(data, "bench.csv")
            t1, c1 = time.perf_counter(), time.process_time()
            result = app.import_findings(sheet)
            t2, c2 = time.perf_counter(), time.process_time()
            assert len(result.added) == n, (len(result.added), result.skipped)
            again = app.import_findings(sheet)
            t3 = time.perf_counter()
            assert again.added == [] and again.skipped == n
            del sheet, result, again
            app.close()
            if url is not None:
                import psycopg

                with psycopg.connect(url) as pg:
                    pg_rows = pg.execute("SELECT originator_id, originator_version, topic, state FROM kaoping_events "
                                         "WHERE notification_id > %s ORDER BY notification_id", (before,)).fetchall()
                assert len(pg_rows) == n
                raw, raw_cpu = pg_raw_baseline(url, pg_rows)
                del pg_rows
                pg_drop(url)
            else:
                rows, schema = stored_since(folder / "kaoping.db", before)
                assert len(rows) == n
                raw, raw_cpu = raw_baseline(rows, schema, folder)
                del rows
        parse_times.append(t1 - t0)
        real_times.append(t2 - t1)
        skip_times.append(t3 - t2)
        raw_times.append(raw)
        real_cpu.append(c2 - c1)
        raw_cpus.append(raw_cpu)

    real, raw, parse = min(real_times), min(raw_times), min(parse_times)
    where = "PostgreSQL" if args.pg else "SQLite"
    print(f"findings imported          {n:,}  (best of {args.rounds} rounds, each into a fresh {where} ledger; "
          f"load average {os.getloadavg()[0]:.2f})")
    print(f"CSV parse                  {parse:8.3f} s   ({n / parse:>10,.0f} rows/s)")
    print(f"import_findings (real)     {real:8.3f} s   ({n / real:>10,.0f} events/s)   rounds: "
          + " ".join(f"{t:.2f}" for t in real_times))
    baseline = "raw binary COPY baseline " if args.pg else "raw executemany baseline "
    print(f"{baseline:<26} {raw:8.3f} s   ({n / raw:>10,.0f} events/s)   rounds: "
          + " ".join(f"{t:.2f}" for t in raw_times))
    median = statistics.median(real_times) / statistics.median(raw_times)
    print(f"ratio real / raw           {real / raw:8.2f} ×  (median {median:.2f} ×)")
    print(f"ratio of CPU time          {min(real_cpu) / min(raw_cpus):8.2f} ×  "
          f"(real {min(real_cpu):.3f} s, raw {min(raw_cpus):.3f} s CPU)")
    print(f"CSV parse + import / raw   {(parse + real) / raw:8.2f} ×")
    print(f"re-import (all skipped)    {min(skip_times):8.3f} s")
    print(f"peak RSS                   {peak_rss_mb():8.1f} MB (before the first import {rss_before:.1f} MB)")


if __name__ == "__main__":
    main()
