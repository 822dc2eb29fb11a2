"""Bench: `kaoping report QUARTER` after one more event lands on a large ledger, as a user runs it.

Prints, from one run on one machine (best and median of --rounds):
- `python -c pass`: the interpreter alone, the floor of any command's start-up;
- `python -c "import cli.main, cli.commands.questions"`: start-up plus the imports the report command needs;
- `kaoping report QUARTER --json` as a subprocess, each time right after one more finding was recorded
  (aim < 150 ms: the materialised projection folds only the new event, it never replays the log);
- the same in-process: catch-up, then the report document (cached standings: only the subjects the new
  event touched are derived again, from their windows' part of the quarter);
- the realistic cases (issue 15 aim 3, < 5x the interpreter), each as a subprocess right after it happened:
  after a staff move (the registry changes), after a sheet of 1,500 findings, and the first report of an older
  quarter (no cached standings for it yet: each round asks a quarter not asked before).

    python bench/report_latency.py --db sqlite:////tmp/big.db [--generate 1000000] [--rounds 7]
    KAOPING_KEY=/tmp/big.key python bench/report_latency.py --db postgresql://…/big [--rounds 7]

On PostgreSQL (aim < 200 ms) the subprocess reads through the light reader (ledger/storage/postgres_reader.py);
`--full` also times it with the light path turned off (the full eventsourcing ledger, as before).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


CPU: dict[int, list[float]] = {}
"""CPU seconds (user + system) of each timed command's runs, by id of its argument list: on a loaded shared machine
the wall clock waits for other sessions, the CPU time much less."""


def timed(cmd: list[str], env: dict[str, str]) -> float:
    """Wall seconds of one subprocess run (which must succeed); its CPU seconds go to CPU."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.setdefault(id(cmd), []).append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return wall


def figures(label: str, seconds: list[float], cmd: list[str] | None = None, warmed: bool = True) -> str:
    ms = [s * 1000 for s in seconds]
    cpu = [c * 1000 for c in CPU.get(id(cmd), [])[1 if warmed else 0:]] if cmd is not None else []  # [0]: warm-up
    extra = f"   CPU best {min(cpu):5.0f} median {statistics.median(cpu):5.0f} ms" if cpu else ""
    return f"{label:<44} best {min(ms):6.0f} ms   median {statistics.median(ms):6.0f} ms{extra}   ({len(ms)} runs)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="sqlite:///path or postgresql://… URL of a generated ledger")
    parser.add_argument("--generate", type=int, default=0,
                        help="generate this many events first if the file is missing")
    parser.add_argument("--quarter", default=None, help="the quarter to report (default: the latest)")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--cases", action="store_true",
                        help="also the realistic cases: after a staff move, after a 1,500-row sheet, an older quarter")
    parser.add_argument("--full", action="store_true", help="also time the report through the full ledger")
    args = parser.parse_args()
    path = Path(args.db.removeprefix("sqlite:///"))
    if args.db.startswith("sqlite:///") and not path.exists():
        if not args.generate:
            sys.exit(f"no ledger at {path}: pass --generate N")
        from bench.generate import generate

        print(generate(args.db, args.generate).line())

    from ledger.app import open_ledger
    from projections.views import Views

    ledger = open_ledger(args.db, "基准")
    t = time.perf_counter()
    views = Views.for_key_file(ledger)  # the projection kept under the seal key (KAOPING_KEY), as the CLI keeps it
    state = views.state  # catch up once (a first run after generation folds the whole ledger)
    print(f"ledger: {state.position:,} events; projection caught up in {time.perf_counter() - t:.1f} s")
    quarter = args.quarter or max(views.projection.quarters())
    first_day = f"{quarter[:4]}-{(int(quarter[-1]) - 1) * 3 + 1:02d}-02"
    window = next(iter(state.registry.windows))

    def one_more() -> None:
        ledger.record_finding("W1.1", window=window, day=first_day, source="patrol", note="基准：再记一条")

    windows = list(state.registry.windows)
    # people still in the center, with their last assignment: each round moves the next one to another window, on
    # the day after their last assignment or the quarter's first, whichever is later
    last = {pid: e["assignments"][-1] for pid, e in state.registry.people.items()
            if e["assignments"] and e["assignments"][-1]["window"] is not None}
    movable = sorted(last, key=lambda pid: last[pid]["since"])
    moves = iter(range(10_000))

    def a_move() -> None:
        from datetime import date, timedelta

        n = next(moves)
        person = movable[n]
        now = last[person]
        target = next(w for w in windows[n % len(windows):] + windows if w != now["window"])
        day = max(date.fromisoformat(now["since"]) + timedelta(days=1), date.fromisoformat(first_day))
        ledger.move_staff(person, target, day.isoformat())

    from ledger.sheets.findings import Sheet, SheetRow

    sheets = iter(range(10_000))

    def a_sheet() -> None:
        # 1,500 new findings over the quarter's windows (a note unique to the round: none repeats an earlier row)
        n = next(sheets)
        rows = tuple(SheetRow(i + 2, first_day, windows[i % len(windows)], "", "W1.1", "patrol", "", f"基准表{n}-{i}")
                     for i in range(1500))
        ledger.import_findings(Sheet("基准.csv", "utf-8", rows), as_new=True)  # rows like one_more's, on purpose

    older = iter(sorted(q for q in views.projection.quarters() if q != quarter))

    # As installed: byte-compiled modules cached (this sandbox sets PYTHONDONTWRITEBYTECODE, which would
    # otherwise recompile every module on every run); one warm-up run of each writes the caches.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["KAOPING_DB"] = args.db
    bare = [sys.executable, "-c", "pass"]
    imports = [sys.executable, "-c", "import cli.main, cli.commands.questions"]
    # What the installed `kaoping` script runs, taken from this checkout (cwd = ROOT comes first on sys.path).
    entry = "import sys; from cli.start import main; sys.exit(main())"
    report = [sys.executable, "-c", entry, "report", quarter, "--json"]
    heavy_entry = ("import sys, ledger.storage.readers as r; r.open_reader = lambda url: None\n"
                   "from cli.start import main; sys.exit(main())")
    heavy = [sys.executable, "-c", heavy_entry, "report", quarter, "--json"]
    for cmd in (bare, imports, report, *([heavy] if args.full else [])):
        timed(cmd, env)
    load = os.getloadavg()[0]
    bare_s, import_s, report_s, heavy_s = [], [], [], []
    cases: dict[str, list[float]] = {"after a staff move": [], "after a 1,500-row sheet": [],
                                     "first report of an older quarter": []}
    # each case its own argument list: CPU is kept by the list's id, and the one-event row's must not mix with them
    case_cmd = {name: list(report) for name in cases}
    for _ in range(args.rounds):
        bare_s.append(timed(bare, env))
        import_s.append(timed(imports, env))
        one_more()
        report_s.append(timed(report, env))
        if args.cases:
            a_move()
            cases["after a staff move"].append(timed(case_cmd["after a staff move"], env))
            a_sheet()
            cases["after a 1,500-row sheet"].append(timed(case_cmd["after a 1,500-row sheet"], env))
            old = next(older, None)
            if old is not None:
                older_cmd = case_cmd["first report of an older quarter"]
                older_cmd[-2] = old
                cases["first report of an older quarter"].append(timed(older_cmd, env))
        if args.full:
            one_more()
            heavy_s.append(timed(heavy, env))

    parts: dict[str, list[float]] = {"catch-up": [], "standings + report document": []}
    total = []
    for _ in range(args.rounds):
        one_more()
        t0 = time.perf_counter()
        fresh = Views.for_key_file(ledger)
        before = fresh.projection.load().position
        fresh.state  # noqa: B018
        t1 = time.perf_counter()
        doc = fresh.report(quarter)
        t2 = time.perf_counter()
        assert doc["position"] == before + 1, "only the new event is folded"
        parts["catch-up"].append(t1 - t0)
        parts["standings + report document"].append(t2 - t1)
        total.append(t2 - t0)
    ledger.close()

    print(f"report {quarter} after one more event; load average {load:.2f} before, {os.getloadavg()[0]:.2f} after "
          "(2-core shared machine)")
    print(figures("python -c pass (interpreter start-up)", bare_s, bare))
    print(figures("python -c 'import cli.main, cli.commands.questions'", import_s, imports))
    print(figures(f"kaoping report {quarter} --json (subprocess)", report_s, report))
    floor = statistics.median(bare_s)
    print(f"{'':<44} = {statistics.median(report_s) / floor:.1f}x the interpreter (median; aim < 3x)")
    cpu_floor = statistics.median(CPU[id(bare)][1:])
    print(f"{'':<44} CPU: {statistics.median(CPU[id(report)][1:]) / cpu_floor:.1f}x the interpreter's (median)")
    if heavy_s:
        print(figures("  the same through the full ledger", heavy_s, heavy))
    for name, secs in cases.items():
        if secs:
            cpu = statistics.median(CPU[id(case_cmd[name])]) / cpu_floor
            print(figures(f"  {name}", secs, case_cmd[name], warmed=False)
                  + f"   = {statistics.median(secs) / floor:.1f}x (CPU {cpu:.1f}x; aim < 5x)")
    print(figures("in-process: catch-up + report", total))
    for name, secs in parts.items():
        print(figures(f"  {name}", secs))
    print(f"imports alone ≈ {(statistics.median(import_s) - statistics.median(bare_s)) * 1000:.0f} ms over the bare "
          f"interpreter (median); subprocess / interpreter "
          f"{statistics.median(report_s) / statistics.median(bare_s):.1f}× "
          f"(median); aims: SQLite < 3× the interpreter, PostgreSQL < 200 ms")


if __name__ == "__main__":
    main()
