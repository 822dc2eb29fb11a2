"""A clerk process for the many-writers test: wait for the start signal, then record N findings one by one."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from ledger.app import open_ledger


def main(url: str, clerk: int, count: int, go: str) -> None:
    """Record `count` findings against window W01, each its own transaction, noted `clerk-i-j`."""
    ledger = open_ledger(url, f"窗口科员{clerk}")
    ledger.catalogue  # noqa: B018 - load before the start signal so all clerks write at once
    deadline = time.monotonic() + 60
    while not Path(go).exists():
        if time.monotonic() > deadline:
            raise SystemExit("no start signal")
        time.sleep(0.005)
    for j in range(count):
        ledger.record_finding(
            "W2.3", window="W01", day="2024-02-05", source="weekly", note=f"clerk-{clerk}-{j}"
        )
    ledger.close()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
