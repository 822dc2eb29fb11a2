"""Peak memory of one `kaoping verify` as the command runs it (chunked tree), in a fresh interpreter, on any backend:
shared by bench/verify.py (SQLite) and bench/postgres_scan.py (PostgreSQL)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PEAK = r"""
import resource, sys
from pathlib import Path
sys.path.insert(0, {root!r})
from ledger.app import open_ledger
from ledger.integrity import verification
from ledger.integrity.note import read_key_file
app = open_ledger(sys.argv[1], "基准")
report = verification.check(app, trusted=read_key_file(Path(sys.argv[2])).verifier, key_source="key-file",
                            whole_tree=False)
assert report.ok, report.broken
# this process's own peak: its ru_maxrss would count the bench process it was spawned from (Linux keeps the
# spawning process's high-water mark across exec); the forked child's counts the pages it shares at the fork
me = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(me, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def peak_rss(url: str, key: str) -> tuple[float, float]:
    """Peak RSS in MB of one verification of the ledger at `url` in a fresh interpreter: (that process, its second
    process).

    Measured apart from the timed rounds, whose process also holds the previous round's report (and the
    checkpoint's signing) when the next one forks: the second process's RSS counts every page it shares with
    its parent at the fork, so there it measures the bench, not the verification.
    """
    out = subprocess.run([sys.executable, "-c", PEAK.format(root=str(ROOT)), url, key],
                         capture_output=True, text=True, check=True).stdout.split()
    return int(out[0]) / 1024, int(out[1]) / 1024
