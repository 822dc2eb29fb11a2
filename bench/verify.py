"""Verify throughput (events/s) against a raw baseline measured in the same run.

Baseline: read the same rows from SQLite and SHA-256 each stored state — the least any verifier must do; on a
ledger with actors (D32), plus as many raw Ed25519 verifications as it holds signed commands (cryptography's
Ed25519PublicKey.verify, one key, messages of a command signature's size).
Aim: verify within 1.5× of the baseline, and a million events verified in under 10 s.

The ledger is made by bench/generate.py (with a signing key recorded at init, as `kaoping init` does; `--actors`:
with actors registered and every command signed, bench/generate_actors.py).

    .venv/bin/python bench/verify.py [--events 1000000] [--db /tmp/kp-bench.db] [--keep] [--actors]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from hashlib import sha256
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate_actors import CAST, CLERKS, key_path  # noqa: E402
from bench.verify_peak import peak_rss  # noqa: E402
from ledger.app import open_ledger  # noqa: E402
from ledger.integrity import command_signature, leaves, signing, verification  # noqa: E402
from ledger.integrity.note import read_key_file  # noqa: E402
from ledger.storage.location import parse_url  # noqa: E402
from ledger.topics import SIGNATURE_TOPIC  # noqa: E402


def files(db: Path) -> list[Path]:
    """The ledger file, its SQLite companions and its key file (the evidence folder is `evidence_dir`)."""
    return [Path(f"{db}{suffix}") for suffix in ("", "-wal", "-shm")] + [db.with_suffix(".key")]


def evidence_dir(db: Path) -> Path:
    return parse_url(f"sqlite:///{db}").evidence_dir


def fresh_ledger(db: Path, events: int, actors: bool = False) -> str:
    """A generated ledger of `events` events (bench/generate.py) whose init recorded a signing key."""
    for path in files(db):
        path.unlink(missing_ok=True)
    shutil.rmtree(evidence_dir(db), ignore_errors=True)
    # In its own process, so the peak RSS printed below is the verifier's, not the generator's.
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "generate.py"), "--db", f"sqlite:///{db}", "--events", str(events),
         "--key", str(db.with_suffix(".key")), *(["--actors"] if actors else [])],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout
    return out.splitlines()[0]


def baseline(db: Path) -> tuple[float, int]:
    """Seconds to read every row in order and SHA-256 its state."""
    t = time.perf_counter()
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    cur = conn.execute(
        "SELECT rowid, originator_id, originator_version, topic, state FROM stored_events ORDER BY rowid"
    )
    n = 0
    while rows := cur.fetchmany(5000):
        for row in rows:
            sha256(row[4]).digest()
        n += len(rows)
    conn.close()
    return time.perf_counter() - t, n


def signed_commands(db: Path) -> int:
    """How many CommandSigned rows the ledger holds (0 without actors)."""
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM stored_events WHERE topic = ?", (SIGNATURE_TOPIC,)).fetchone()[0])


def raw_signatures(count: int) -> Callable[[], float]:
    """`count` raw Ed25519 verifications, timed: one public key, a pool of distinct messages the size of a command's
    (ledger/integrity/command_signature.py) signed beforehand."""
    private = Ed25519PrivateKey.generate()
    public = private.public_key()
    digest = bytes(32)
    pool = []
    for i in range(min(count, 1024)):
        message = command_signature.message("督查科 沈红梅", "clerk", f"{i:08x}", 1, digest)
        pool.append((private.sign(message), message))

    def timed() -> float:
        t = time.perf_counter()
        verify = public.verify
        for i in range(count):
            signature, message = pool[i & 1023]
            verify(signature, message)
        return time.perf_counter() - t
    return timed


def cpu() -> float:
    """CPU seconds used by this process and its finished children (the verify worker)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/kp-bench-verify.db"))
    parser.add_argument("--keep", action="store_true", help="reuse an existing generated ledger")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds of baseline and verify (best and median)")
    parser.add_argument("--one-process", action="store_true", help="never split the scan between two processes")
    parser.add_argument("--actors", action="store_true", help="generate the ledger with actors, every command signed")
    args = parser.parse_args()
    if args.one_process:
        leaves.PARALLEL_MIN = 1 << 62
    db: Path = args.db
    if not (args.keep and db.exists()):
        print(fresh_ledger(db, args.events, args.actors))
    key = db.with_suffix(".key")
    signatures = signed_commands(db)
    # on a ledger with actors the checkpoint is written as a clerk would (signed with their key)
    app = open_ledger(f"sqlite:///{db}", CLERKS[0] if signatures else "基准")
    if signatures:
        app.actor_key = str(key_path(key, CLERKS[0]))
    t = time.perf_counter()
    signing.make_checkpoint(app, key)
    print(f"checkpoint (verify + sign + record): {time.perf_counter() - t:.2f} s")
    signatures = signed_commands(db)  # the checkpoint's own too
    trusted = read_key_file(key).verifier
    base_s, verify_s, base_cpu, verify_cpu, sig_s = [], [], [], [], []
    ed25519 = raw_signatures(signatures)
    for _ in range(args.rounds):
        c = cpu()
        s, n = baseline(db)
        sig_s.append(ed25519() if signatures else 0.0)
        base_cpu.append(cpu() - c)
        base_s.append(s + sig_s[-1])
        c, t = cpu(), time.perf_counter()
        report = verification.check(app, trusted=trusted, key_source="key-file", whole_tree=False)
        verify_s.append(time.perf_counter() - t)
        verify_cpu.append(cpu() - c)
        assert report.ok, report.broken
    app.close()
    b, v = min(base_s), min(verify_s)
    bc, vc = min(base_cpu), min(verify_cpu)
    how = "one process" if args.one_process else "two processes above " + format(leaves.PARALLEL_MIN, ",")
    print(f"events                    {n:>12,}   ({how})")
    print(f"load average              {os.getloadavg()[0]:>9.2f}     "
          "(other work on this 2-core machine skews both figures)")
    if signatures:
        print(f"  of which Ed25519        {min(sig_s):>9.2f} s  ({signatures:,} raw verifications, one a signed "
              "command)")
    print(f"baseline read+sha256{'+ed' if signatures else '   '}   {b:>9.2f} s  {n / b:>12,.0f} events/s")
    print(f"kaoping verify            {v:>9.2f} s  {n / v:>12,.0f} events/s")
    print(f"ratio verify/baseline     {v / b:>9.2f} ×   (aim ≤ 1.5; wall clock, best of {args.rounds})")
    mb, mv = sorted(base_s)[len(base_s) // 2], sorted(verify_s)[len(verify_s) // 2]
    print(f"median                    {mb:>9.2f} s baseline, {mv:.2f} s verify: {mv / mb:.2f} ×")
    print(f"CPU seconds               {bc:>9.2f} s baseline, {vc:.2f} s verify (both processes): {vc / bc:.2f} ×")
    print(f"per million events        {v / n * 1e6:>9.2f} s   (aim < 10)")
    print(f"peak RSS (bench process)  {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:>9.0f} MB")
    mine, second = peak_rss(f"sqlite:///{db}", str(key))
    # both processes' peaks (pages the second shares with the first at the fork count twice)
    print(f"peak RSS of one verify    {mine + second:>9.0f} MB   (the verifying process {mine:.0f} MB, the scan's "
          f"second {second:.0f} MB: {(mine + second) * 1024 * 1024 / n:.0f} bytes an event)")
    if not args.keep:
        for path in files(db):
            path.unlink(missing_ok=True)
        shutil.rmtree(evidence_dir(db), ignore_errors=True)
        for name, _ in CAST if signatures else ():
            key_path(key, name).unlink(missing_ok=True)


if __name__ == "__main__":
    main()
