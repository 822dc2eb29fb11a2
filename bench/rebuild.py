"""Bench: full rebuild of the quarter projection vs a raw read of the same rows, and `report` after one more event.

Prints, from one run on one machine:
- raw baseline: read every stored event row (sqlite3) and orjson-decode its state — best of N;
- rebuild: `QuarterProjection.rebuild()` (drop, fold every event, store) — best of N, its ratio to the
  baseline (aim ≤ 2×) and its peak RSS (aim < 300 MB; each measured in its own subprocess);
- report: after one more finding lands, the wall time of `kaoping report QUARTER --json` as a
  subprocess, and the in-process time of catch-up + report (aim < 150 ms: only the new event is folded).

    python bench/rebuild.py --db sqlite:////tmp/big.db [--generate 1000000] [--rounds 2]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHILD = r"""
import resource, sys, time
sys.path.insert(0, {root!r})
what, path = sys.argv[1], sys.argv[2]
t = time.perf_counter()
if what == "raw":
    import sqlite3, orjson
    con = sqlite3.connect(path)
    n = 0
    for (state,) in con.execute("SELECT state FROM stored_events ORDER BY rowid"):
        orjson.loads(state)
        n += 1
else:
    from ledger.app import open_ledger
    from projections.materialised import QuarterProjection
    ledger = open_ledger("sqlite:///" + path)
    n = QuarterProjection(ledger).rebuild().position
    ledger.close()
print(n, time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def child(what: str, path: str) -> tuple[int, float, float]:
    """Run one measurement in a fresh interpreter: (events, seconds, peak RSS in MB)."""
    out = subprocess.run([sys.executable, "-c", CHILD.format(root=str(ROOT)), what, path],
                         capture_output=True, text=True, check=True).stdout.split()
    return int(out[0]), float(out[1]), int(out[2]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="sqlite:///path of a generated ledger")
    parser.add_argument("--generate", type=int, default=0, help="generate this many events first if the file is missing")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    path = args.db.removeprefix("sqlite:///")
    if not Path(path).exists():
        if not args.generate:
            sys.exit(f"no ledger at {path}: pass --generate N")
        from bench.generate_ledger import generate

        t = time.perf_counter()
        n = generate(args.db, args.generate)
        print(f"generated {n:,} events in {time.perf_counter() - t:.1f} s")

    raw_times, rebuild_times, raw_rss, rebuild_rss = [], [], 0.0, 0.0
    events = 0
    for _ in range(args.rounds):
        events, t, rss = child("raw", path)
        raw_times.append(t)
        raw_rss = max(raw_rss, rss)
        _, t, rss = child("rebuild", path)
        rebuild_times.append(t)
        rebuild_rss = max(rebuild_rss, rss)
    raw, rebuild = min(raw_times), min(rebuild_times)
    print(f"events                    {events:,}")
    print(f"raw read + orjson decode  {raw:6.2f} s   peak RSS {raw_rss:5.0f} MB   (runs: {', '.join(f'{x:.2f}' for x in raw_times)})")
    print(f"projection rebuild        {rebuild:6.2f} s   peak RSS {rebuild_rss:5.0f} MB   (runs: {', '.join(f'{x:.2f}' for x in rebuild_times)})")
    print(f"rebuild / raw             {rebuild / raw:6.2f} ×  (aim ≤ 2×; peak aim < 300 MB)")

    from ledger.app import open_ledger
    from projections.views import Views

    ledger = open_ledger(args.db, "bench")
    views = Views(ledger)
    last = views.state
    quarter = max(views.projection.quarters())
    first_day = f"{quarter[:4]}-{(int(quarter[-1]) - 1) * 3 + 1:02d}-02"
    window = next(iter(last.registry.windows))
    ledger.record_finding("W1.1", window=window, day=first_day, source="weekly", note="bench")
    # As installed: byte-compiled modules cached (this sandbox sets PYTHONDONTWRITEBYTECODE, which
    # would otherwise recompile every module on every run); one warm-up run writes the caches.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["KAOPING_DB"] = args.db
    script = str(Path(sys.executable).with_name("kaoping"))
    subprocess.run([script, "report", quarter, "--json"], env=env, check=True, capture_output=True)
    walls = []
    for n in range(3):
        if n:
            ledger.record_finding("W1.2", window=window, day=first_day, source="weekly", note="bench")
        t = time.perf_counter()
        subprocess.run([script, "report", quarter, "--json"], env=env, check=True, capture_output=True)
        walls.append(time.perf_counter() - t)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import cli.main"], check=True, cwd=ROOT, env=env)
    startup = time.perf_counter() - t
    ledger.record_finding("W1.3", window=window, day=first_day, source="weekly", note="bench")
    t = time.perf_counter()
    fresh = Views(ledger)
    before = fresh.projection.load().position
    doc = fresh.report(quarter)
    inproc = time.perf_counter() - t
    ledger.close()
    print(f"report {quarter} after one more event (subprocess wall): "
          f"{', '.join(f'{w * 1000:.0f}' for w in walls)} ms   (interpreter + imports alone: {startup * 1000:.0f} ms)")
    print(f"report in-process after one more event: {inproc * 1000:.0f} ms, folded {doc['position'] - before} event(s) "
          f"(aim < 150 ms; the log is not replayed)")


if __name__ == "__main__":
    main()
