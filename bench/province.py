"""Bench: a province on one PostgreSQL server — ten centers' ledgers, a database each (issue 15 aim 6).

1. Generates the first center (bench/generate.py), publishes its first decided quarter as `kaoping publish` does
   (results from the events, the digest, a signed checkpoint), asks for its report once (which keeps the published
   rows), then times its `kaoping report` after one more event: the center alone on the server.
2. Generates and publishes the other nine, then times the first center's report again, and checks every center's
   report is the one it gave on its own (each ledger is its own database: nothing of another center is read).
3. Times `kaoping province report QUARTER --db … ×10 --public-key …` (aim < 2 s), and prints its list.

    python bench/province.py --pg postgresql://postgres@127.0.0.1:5432 [--centers 10] [--events 50000] [--rounds 5]
    python bench/province.py --pg … --keep      # leaves the databases (kp_province_NN) for another run

Every database it makes is named kp_province_NN and dropped at the end unless --keep.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ENTRY = "import sys; from cli.start import main; sys.exit(main())"


def admin(server: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(urlsplit(server)._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(statement)  # type: ignore[arg-type]


CPU: list[float] = []
"""CPU seconds (user + system) of every `run`, in order: on a loaded machine the wall clock waits for others."""


def run(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    """Wall seconds of one `kaoping` run as a new process, and what it printed (it must succeed)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "-c", ENTRY, *args], env=env, cwd=ROOT, check=True, capture_output=True,
                       text=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return wall, p.stdout


def figures(label: str, seconds: list[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return f"{label:<48} best {min(ms):7.0f} ms   median {statistics.median(ms):7.0f} ms   ({len(ms)} runs)"


def make_center(server: str, n: int, events: int, folder: Path) -> tuple[str, Path, str]:
    """Generate center n, publish its first quarter; its URL, key file and the published quarter."""
    from bench.generate import generate
    from ledger.app import open_ledger
    from ledger.commands import quarter as lq
    from ledger.integrity import signing
    from projections.scoring import publication
    from projections.views import Views

    url = urlsplit(server)._replace(path=f"/kp_province_{n:02d}").geturl()
    key = folder / f"center{n:02d}.key"
    admin(server, f"DROP DATABASE IF EXISTS kp_province_{n:02d} WITH (FORCE)")
    admin(server, f"CREATE DATABASE kp_province_{n:02d}")
    generate(url, events, seed=n, key=key)
    ledger = open_ledger(url, "基准")
    try:
        quarter = "2008Q3"  # bench/generate.py's first quarter, decided whenever a later one exists
        assert lq.quarter_stream(ledger, quarter).status == "decided", "generate more events: one quarter is open"
        res = Views(ledger).result(quarter)  # from the events, as `kaoping publish` does
        checkpoint = signing.make_checkpoint(ledger, key)
        lq.publish_quarter(ledger, quarter, res.position, publication.digest(res), checkpoint)
    finally:
        ledger.close()
    return url, key, quarter


def one_more(url: str, quarter: str) -> None:
    """One more finding in the published quarter (a late one, as a clerk may still record it)."""
    from ledger.app import open_ledger

    ledger = open_ledger(url, "基准")
    try:
        window = next(iter(ledger.registry().windows))
        ledger.record_finding("W1.1", window=window, day=f"{quarter[:4]}-{int(quarter[-1]) * 3:02d}-10",
                              source="patrol", note="基准：再记一条")
    finally:
        ledger.close()


def pinned(doc: dict[str, object]) -> tuple[object, ...]:
    """What a report says of its publication that no later event may change: the digest, the results position and
    whether the rows as they stood then still hash to it (the late findings `one_more` adds change only the
    differences listed beside it)."""
    pub = doc["published"]
    assert isinstance(pub, dict)
    return pub["digest"], pub["results_position"], pub["digest_matches"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", required=True, help="a PostgreSQL server URL (postgresql://user@host:port)")
    parser.add_argument("--centers", type=int, default=10)
    parser.add_argument("--events", type=int, default=50_000, help="events per center")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="kaoping-province-") as tmp:
        folder = Path(tmp)
        env["KAOPING_EVIDENCE_DIR"] = str(folder / "evidence")
        centers: list[tuple[str, Path, str]] = []
        try:
            t = time.perf_counter()
            centers.append(make_center(args.pg, 1, args.events, folder))
            print(f"center 01: {args.events:,} events, published {centers[0][2]} ({time.perf_counter() - t:.0f} s)")
            url, key, quarter = centers[0]
            alone_env = {**env, "KAOPING_KEY": str(key)}
            run(["--db", url, "report", quarter, "--json"], alone_env)  # keeps the published rows
            alone = []
            for _ in range(args.rounds):
                one_more(url, quarter)
                alone.append(run(["--db", url, "report", quarter, "--json"], alone_env)[0])
            docs = {1: json.loads(run(["--db", url, "report", quarter, "--json"], alone_env)[1])}
            for n in range(2, args.centers + 1):
                t = time.perf_counter()
                centers.append(make_center(args.pg, n, args.events, folder))
                c_url, c_key, c_quarter = centers[-1]
                docs[n] = json.loads(run(["--db", c_url, "report", c_quarter, "--json"],
                                         {**env, "KAOPING_KEY": str(c_key)})[1])
                print(f"center {n:02d}: published {c_quarter} ({time.perf_counter() - t:.0f} s)")
            beside = []
            for _ in range(args.rounds):
                one_more(url, quarter)
                beside.append(run(["--db", url, "report", quarter, "--json"], alone_env)[0])
            same = all(pinned(json.loads(run(["--db", u, "report", q, "--json"], {**env, "KAOPING_KEY": str(k)})[1]))
                       == pinned(docs[i + 1]) for i, (u, k, q) in enumerate(centers))
            keys = folder / "keys"
            keys.mkdir()
            province = ["province", "report", quarter]
            for i, (u, k, _) in enumerate(centers):
                public = run(["--db", u, "public-key"], {**env, "KAOPING_KEY": str(k)})[1]
                (keys / f"{i + 1:02d}.txt").write_text(public)
                province += ["--db", u, "--public-key", str(keys / f"{i + 1:02d}.txt")]
            run(province, env)  # warm-up
            listed, listed_cpu = [], []
            for _ in range(args.rounds):
                listed.append(run(province, env))
                listed_cpu.append(CPU[-1])
            bare = []
            for _ in range(args.rounds):
                t = time.perf_counter()
                subprocess.run([sys.executable, "-c", "pass"], env=env, check=True)
                bare.append(time.perf_counter() - t)
            print(f"\nload average {load:.2f} before, {os.getloadavg()[0]:.2f} after (2-core shared machine)")
            print(figures("center 01 report after one event, alone", alone))
            print(figures(f"center 01 report after one event, beside {args.centers - 1} others", beside))
            print(f"every center's published result the same as it gave before the others were added: {same}")
            print(figures("python -c pass", bare))
            print(figures(f"kaoping province report {quarter} ({len(centers)} centers)", [s for s, _ in listed]))
            print(figures("  its CPU (user + system)", listed_cpu))
            print(f"(aim < 2 s; the quarter {quarter} is what each generated center published first)\n")
            print(listed[-1][1])
        finally:
            if not args.keep:
                for n in range(1, len(centers) + 1):
                    admin(args.pg, f"DROP DATABASE IF EXISTS kp_province_{n:02d} WITH (FORCE)")


if __name__ == "__main__":
    main()
