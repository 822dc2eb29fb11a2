"""Bench: how long each command takes to start and answer on the demo ledger, against the bare interpreter.

Each round runs `python -c pass` and then every command below once, as a user runs them (the installed
`kaoping` script, a new process each time), so the interpreter's time and the commands' are measured side by
side under the same load. Prints best and median per command, the ratio of the medians to the interpreter's
(aims, issue 15: reads within 3x, writes within 4x) and the load average before and after. Tests never assert
timings; this only prints them.

    python bench/startup.py [--rounds 9] [--dir /tmp/kaoping-startup] [--kaoping OTHER/.venv/bin/kaoping]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# (label, arguments after `kaoping --db URL`, is it a write)
COMMANDS: tuple[tuple[str, tuple[str, ...], bool], ...] = (
    ("--help", ("--help",), False),
    ("window list", ("window", "list"), False),
    ("report 2008Q3", ("report", "2008Q3"), False),
    ("explain --staff CX117 2008Q3", ("explain", "--staff", "CX117", "2008Q3"), False),
    ("log --quarter 2008Q3", ("log", "--quarter", "2008Q3"), False),
    ("todo", ("todo",), False),
    ("record (a write)", ("record", "W2.2", "--window", "GS", "--date", "2008-07-14", "--source", "weekly",
                          "--note", "上班迟到"), True),
    ("claim file (a write)", ("bonus", "claim", "article", "--window", "GS", "--date", "2008-07-15",
                              "--level", "county", "--evidence", "cert.txt", "--ref", "基准"), True),
)


# As installed: byte-compiled modules cached (pip compiles them; this sandbox sets PYTHONDONTWRITEBYTECODE, which
# would recompile every module of ours on every run, ~1.5x a command's time); the warm-up run writes the caches.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one subprocess run (which must succeed)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, env=ENV)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def load() -> str:
    """The load average over 1, 5 and 15 minutes."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--dir", type=Path, default=None, help="where the demo ledger is made (default: a temp dir)")
    parser.add_argument("--kaoping", default=str(Path(sys.executable).parent / "kaoping"),
                        help="the installed script to time (another checkout's, for a before/after)")
    args = parser.parse_args()
    kaoping = args.kaoping
    where = args.dir or Path(tempfile.mkdtemp(prefix="kaoping-startup-"))
    where.mkdir(parents=True, exist_ok=True)
    db = f"sqlite:///{where / 'demo.db'}"
    (where / "cert.txt").write_text("证明材料（基准）\n", encoding="utf-8")  # the claim's evidence file
    if not (where / "demo.db").exists():
        subprocess.run([kaoping, "demo", "--db", db], cwd=where, check=True, stdout=subprocess.DEVNULL, env=ENV)
    bare = [sys.executable, "-c", "pass"]
    runs: dict[str, list[tuple[float, float]]] = {"python -c pass": []}
    runs.update({label: [] for label, _, _ in COMMANDS})
    for cmd in [bare] + [[kaoping, "--db", db, *a] for _, a, _ in COMMANDS]:
        timed(cmd, where)  # warm-up: the page cache and the projection are in place before counting
    before = load()
    for _ in range(args.rounds):
        runs["python -c pass"].append(timed(bare, where))
        for label, a, _ in COMMANDS:
            runs[label].append(timed([kaoping, "--db", db, *a], where))
    after = load()
    floor = [statistics.median(r[i] for r in runs["python -c pass"]) for i in (0, 1)]
    print(f"python {sys.version.split()[0]}, {args.rounds} rounds, load average {before} before, {after} after")
    print(f"{'':<30}{'wall best':>10}{'median ms':>10}{'x python':>9}{'cpu best':>10}{'median ms':>10}{'x python':>9}"
          "  aim")
    for label, measured in runs.items():
        cells = ""
        for i in (0, 1):
            ms = [r[i] * 1000 for r in measured]
            cells += f"{min(ms):>10.0f}{statistics.median(ms):>10.0f}{statistics.median(ms) / 1000 / floor[i]:>9.1f}"
        aim = "" if label == "python -c pass" else ("4x" if label.endswith("(a write)") else "3x")
        print(f"{label:<30}{cells}  {aim}")


if __name__ == "__main__":
    main()
