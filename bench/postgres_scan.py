"""Bench: rebuild and verify on a PostgreSQL ledger against raw baselines read from the same server (issue 15 aim 4).

- raw read + decode: every stored state, in ledger order, through one psycopg server-side cursor (binary rows),
  each parsed by orjson — the least a rebuild must do; then `QuarterProjection.rebuild()` through the full ledger
  (drop, fold every event, store under the seal key). Aim: rebuild ≤ 2× the raw read.
- raw read + sha256: every row, in order, each state hashed — the least a verifier must do; then
  `verification.check` with the key file's public key, as `kaoping verify` runs it. Aim: verify ≤ 1.5× the raw read.

Wall and CPU time (this process and its forked child; PostgreSQL's own work is the server's), best of
--rounds.

    KAOPING_KEY=/tmp/big.key python bench/postgres_scan.py --db postgresql://…/big [--rounds 2] [--only verify]

`--only verify` reads and never writes (the rebuild writes the projection: run it on a copy). The peak RSS of one
verification is measured apart, in a fresh interpreter (both processes, where it forks).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from hashlib import sha256
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.verify_peak import peak_rss  # noqa: E402


def median(values: list[float]) -> float:
    """The middle value (the upper of the two middle ones)."""
    return sorted(values)[len(values) // 2]


def cpu() -> float:
    """CPU seconds (user + system) of this process and of its children that have ended: a rebuild folds half the
    ledger in a forked child (projections/engine/parallel.py), whose time `process_time` alone would leave out."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def timed(work):  # type: ignore[no-untyped-def]
    """(wall, CPU) seconds of one call (CPU: this process and the children it waited for)."""
    t, c = time.perf_counter(), cpu()
    work()
    return time.perf_counter() - t, cpu() - c


def raw(url: str, columns: str, each) -> int:  # type: ignore[no-untyped-def]
    """Every stored row in ledger order through one server-side binary cursor, `each` applied to its state."""
    import psycopg

    n = 0
    with psycopg.connect(url) as conn, conn.cursor(name="bench_raw", binary=True) as cur:
        cur.itersize = 5000
        cur.execute(f"SELECT {columns} FROM kaoping_events ORDER BY notification_id")  # type: ignore[arg-type]
        while rows := cur.fetchmany(5000):
            for row in rows:
                each(row[-1])
            n += len(rows)
    return n


def main() -> None:
    import orjson

    from ledger.app import open_ledger
    from ledger.integrity import verification
    from ledger.integrity.note import read_key_file
    from ledger.integrity.seal import seal_key
    from projections.engine.materialised import QuarterProjection

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="postgresql://… URL of a generated ledger")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--only", choices=["verify"], help="only the verification and its raw baseline")
    args = parser.parse_args()
    key = os.environ.get("KAOPING_KEY")
    if not key:
        sys.exit("set KAOPING_KEY to the ledger's signing key file (bench/generate.py --key)")
    load = os.getloadavg()[0]
    ledger = open_ledger(args.db, "基准")
    seal = seal_key(ledger.location)
    trusted = read_key_file(Path(key)).verifier
    figures: dict[str, list[tuple[float, float]]] = {"raw read + decode": [], "rebuild": [],
                                                     "raw read + sha256": [], "verify": []}
    if args.only:
        del figures["raw read + decode"], figures["rebuild"]
    for _ in range(args.rounds):
        if not args.only:
            figures["raw read + decode"].append(timed(lambda: raw(args.db, "originator_id, topic, state",
                                                                  orjson.loads)))
            figures["rebuild"].append(timed(lambda: QuarterProjection(ledger, seal).rebuild()))
        figures["raw read + sha256"].append(timed(lambda: raw(
            args.db, "notification_id, originator_id, originator_version, topic, state", lambda s: sha256(s).digest())))
        figures["verify"].append(timed(lambda: verification.check(ledger, trusted=trusted, key_source="key-file",
                                                                  whole_tree=False)))  # as `kaoping verify`
    events = ledger.max_notification_id()
    ledger.close()
    print(f"{events:,} events on PostgreSQL; load average {load:.2f} before, {os.getloadavg()[0]:.2f} after")
    for name, runs in figures.items():
        print(f"{name:<20} wall best {min(w for w, _ in runs):7.2f} s   CPU best {min(c for _, c in runs):7.2f} s   "
              f"runs: {' '.join(f'{w:.2f}' for w, _ in runs)}   median {median([w for w, _ in runs]):.2f} s")
    best = {name: (min(w for w, _ in runs), min(c for _, c in runs)) for name, runs in figures.items()}
    for work, base, aim in (("rebuild", "raw read + decode", 2.0), ("verify", "raw read + sha256", 1.5)):
        if work not in best:
            continue
        print(f"{work} / {base}: {best[work][0] / best[base][0]:.2f}× wall, {best[work][1] / best[base][1]:.2f}× CPU "
              f"(aim ≤ {aim}×)")
    mine, second = peak_rss(args.db, key)
    print(f"peak RSS of one verify {mine + second:.0f} MB (this process {mine:.0f} MB, a second {second:.0f} MB; "
          f"the bench process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")


if __name__ == "__main__":
    main()
