"""Bench: full rebuild of the quarter projection vs a raw read of the same rows, and `report` after one more event.

Prints, from one run on one machine:
- raw baseline: read every stored event row (sqlite3) and orjson-decode its state — best of N;
- rebuild: `QuarterProjection.rebuild()` (drop, fold every event, store) as `kaoping rebuild` runs it — kept in
  the database under a seal key (the ledger's own when its key file is found, else a fixed bench key: before
  this, the bench built the projection without one, i.e. folded and kept it in memory in one process, which is
  what a machine without the key does, not a rebuild) — best of N, its ratio to the baseline (aim ≤ 2×) and its
  peak RSS (aim < 200 MB; each measured in its own subprocess), in wall time and in CPU time (steadier on a
  shared machine). The rebuild folds in two processes: its CPU is both processes' (writer threads included) and
  its peak RSS is the sum of both processes' peaks (an overestimate: the forked child shares the parent's pages
  until either writes them).
The ledger comes from bench/generate.py. `report` after one more event: bench/report_latency.py.

    python bench/rebuild.py --db sqlite:////tmp/big.db [--generate 1000000] [--rounds 2] [--key FILE]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHILD = r"""
import resource, sys, time
sys.path.insert(0, {root!r})
what, path, key = sys.argv[1], sys.argv[2], sys.argv[3] or None
import hashlib, sqlite3, orjson
if what != "raw":  # imported before the clock starts: the figures compare work, not start-up
    from ledger.app import open_ledger
    from ledger.integrity.seal import seal_key
    from projections.engine.materialised import QuarterProjection
t = time.perf_counter()
c = time.process_time()
if what == "raw":
    con = sqlite3.connect(path)
    n = 0
    for (state,) in con.execute("SELECT state FROM stored_events ORDER BY rowid"):
        orjson.loads(state)
        n += 1
else:
    ledger = open_ledger("sqlite:///" + path)
    seal = seal_key(ledger.location, key) or hashlib.sha256(b"kaoping bench seal").digest()
    n = QuarterProjection(ledger, seal).rebuild().position
    ledger.close()
wall = time.perf_counter() - t
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(n, wall, me.ru_maxrss + kids.ru_maxrss, time.process_time() - c + kids.ru_utime + kids.ru_stime)
"""


def child(what: str, path: str, key: str = "") -> tuple[int, float, float, float]:
    """Run one measurement in a fresh interpreter: (events, seconds, peak RSS in MB, CPU seconds).

    RSS and CPU include the measurement's own children (the rebuild's forked second process).
    """
    out = subprocess.run([sys.executable, "-c", CHILD.format(root=str(ROOT)), what, path, key],
                         capture_output=True, text=True, check=True).stdout.split()
    return int(out[0]), float(out[1]), int(out[2]) / 1024, float(out[3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="sqlite:///path of a generated ledger")
    parser.add_argument("--generate", type=int, default=0,
                        help="generate this many events first if the file is missing")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--key", default="", help="the ledger's signing key file (default: KAOPING_KEY or beside it)")
    args = parser.parse_args()
    path = args.db.removeprefix("sqlite:///")
    if not Path(path).exists():
        if not args.generate:
            sys.exit(f"no ledger at {path}: pass --generate N")
        from bench.generate import generate

        print(generate(args.db, args.generate).line())

    load_before = os.getloadavg()[0]
    raw_times, rebuild_times, raw_cpu, rebuild_cpu, raw_rss, rebuild_rss = [], [], [], [], 0.0, 0.0
    events = 0
    for _ in range(args.rounds):
        events, t, rss, cpu = child("raw", path)
        raw_times.append(t)
        raw_cpu.append(cpu)
        raw_rss = max(raw_rss, rss)
        _, t, rss, cpu = child("rebuild", path, args.key)
        rebuild_times.append(t)
        rebuild_cpu.append(cpu)
        rebuild_rss = max(rebuild_rss, rss)
    raw, rebuild = min(raw_times), min(rebuild_times)
    runs = lambda xs: ", ".join(f"{x:.2f}" for x in xs)  # noqa: E731
    print(f"events                    {events:,}   (load average before {load_before:.2f}, "
          f"after {os.getloadavg()[0]:.2f}; 2-core shared machine)")
    print(f"raw read + orjson decode  {raw:6.2f} s   peak RSS {raw_rss:5.0f} MB   "
          f"(runs: {runs(raw_times)}; CPU {runs(raw_cpu)})")
    print(f"projection rebuild        {rebuild:6.2f} s   peak RSS {rebuild_rss:5.0f} MB   "
          f"(runs: {runs(rebuild_times)}; CPU {runs(rebuild_cpu)})")
    print(f"rebuild / raw             {rebuild / raw:6.2f} ×  wall, {min(rebuild_cpu) / min(raw_cpu):.2f} × CPU  "
          "(aim ≤ 2×; peak aim < 200 MB)")

if __name__ == "__main__":
    main()
