"""A fast generator of a large, plausible ledger for the projection benches (direct batched inserts).

Events are the real classes of ledger/events.py, encoded by the ledger's own mapper and inserted in
batches by its recorder, without the per-command validation reads. Facts are spread over consecutive
quarters from 2008Q3 (about 25,000 events a quarter), with retractions, verified and rejected claims,
verified and dismissed complaints, a few disqualifications, a shortlist and a decision per closed quarter,
and some late amendments to earlier quarters.

    python bench/generate_ledger.py --db sqlite:///big.db --events 1000000
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ledger import events as ev  # noqa: E402
from ledger import ids  # noqa: E402
from ledger.app import Ledger, open_ledger  # noqa: E402
from ledger.calendar import quarter_bounds  # noqa: E402

PER_QUARTER = 25_000
WINDOWS = 30
STAFF = 150
W_ITEMS = [f"W{c}.{i}" for c, n in ((1, 7), (2, 6), (3, 7), (4, 6), (5, 5)) for i in range(1, n + 1)]
S_ITEMS = [f"S{c}.{i}" for c, n in ((1, 4), (2, 4), (3, 7), (4, 4)) for i in range(1, n + 1)]
SOURCES = ["weekly", "duty", "patrol"]
CHANNELS = ["efficiency-office", "civilization-office", "hotline-12345"]


class Generator:
    """Builds events in ledger order and inserts them in batches."""

    def __init__(self, ledger: Ledger, seed: int = 7) -> None:
        self.ledger = ledger
        self.rng = random.Random(seed)
        self.batch: list[ev.Fact] = []
        self.count = 0
        self.clock = datetime(2008, 7, 1, tzinfo=timezone.utc)
        self.person_window: dict[str, str] = {}

    def emit(self, cls: type[ev.Fact], stream: UUID, version: int = 1, **fields: Any) -> None:
        self.clock += timedelta(seconds=30)
        self.batch.append(cls(originator_id=stream, originator_version=version, timestamp=self.clock,  # type: ignore[call-arg]
                              actor="督查科", **fields))
        self.count += 1
        if len(self.batch) >= 5000:
            self.flush()

    def flush(self) -> None:
        if self.batch:
            to_stored = self.ledger.mapper.to_stored_event
            self.ledger.recorder.insert_events([to_stored(e) for e in self.batch])
            self.batch = []

    def registry(self) -> None:
        from ledger import catalogue as rules

        cat = rules.load()
        self.emit(ev.CenterInitialised, ids.center_id(), center="长兴县行政服务中心", rules=cat.id,
                  rules_revision=cat.revision, rules_sha256=cat.sha256)
        for w in range(1, WINDOWS + 1):
            code = f"W{w:02d}"
            self.emit(ev.WindowRegistered, ids.window_id(code), code=code, name=f"窗口{w:02d}", department="")
        for p in range(1, STAFF + 1):
            pid = f"P{p:03d}"
            window = f"W{1 + (p - 1) % WINDOWS:02d}"
            self.person_window[pid] = window
            self.emit(ev.StaffRegistered, ids.staff_id(pid), staff_id=pid, name=f"人员{p:03d}", window=window,
                      since=date(2008, 5, 1))

    def quarter(self, quarter: str, budget: int, earlier: list[str]) -> None:
        first, last = quarter_bounds(quarter)
        span = (last - first).days
        rng = self.rng
        open_facts: list[tuple[str, UUID]] = []
        start = self.count
        while self.count - start < budget:
            r = rng.random()
            q = quarter
            day = first + timedelta(days=rng.randint(0, span))
            if r < 0.01 and earlier:  # a late amendment to an earlier quarter
                q = rng.choice(earlier)
                f, lst = quarter_bounds(q)
                day = f + timedelta(days=rng.randint(0, (lst - f).days))
            if open_facts and r > 0.88:
                kind, stream = open_facts.pop(rng.randrange(len(open_facts)))
                if kind == "finding":
                    self.emit(ev.FindingRetracted, stream, 2, reason="录入错误")
                elif kind == "claim":
                    if rng.random() < 0.8:
                        self.emit(ev.BonusVerified, stream, 2)
                    else:
                        self.emit(ev.BonusRejected, stream, 2, reason="证明材料不全")
                elif rng.random() < 0.6:
                    item = rng.choice(["S2.4", "S3.1", "S3.5"])
                    self.emit(ev.ComplaintVerified, stream, 2, item=item,
                              dq="complaint" if rng.random() < 0.05 else None)
                else:
                    self.emit(ev.ComplaintDismissed, stream, 2, reason="经查不属实")
                continue
            person = f"P{rng.randint(1, STAFF):03d}" if rng.random() < 0.6 else None
            window = self.person_window[person] if person else f"W{rng.randint(1, WINDOWS):02d}"
            stream = uuid4()
            if r < 0.80:
                item = rng.choice(S_ITEMS if person else W_ITEMS)
                dq = None
                if rng.random() < 0.001:
                    dq = {"S4.2": "gaming", "W2.3": "gaming", "S4.4": "corruption", "W3.7": "corruption"}.get(item)
                self.emit(ev.FindingRecorded, stream, item=item, window=window, staff=person, date=day,
                          source=rng.choice(SOURCES), dq=dq, note="", evidence=None, row_key=None)
                if rng.random() < 0.3:
                    open_facts.append(("finding", stream))
            elif r < 0.85:
                kind = rng.choice(["article", "competition", "measure", "honour", "suggestion"])
                level = rng.choice(["county", "city", "province"]) if kind in ("article", "honour") else None
                self.emit(ev.BonusClaimed, stream, kind=kind, window=window, staff=person, date=day,
                          evidence={"sha256": "0" * 64, "name": "证明.pdf", "size": 10}, level=level,
                          place=rng.randint(1, 3) if kind == "competition" else None,
                          ref=f"稿{rng.randint(1, 50)}" if kind == "article" else None)
                open_facts.append(("claim", stream))
            elif person is not None:
                self.emit(ev.ComplaintReceived, stream, window=window, staff=person, date=day,
                          channel=rng.choice(CHANNELS), text="办事群众反映服务态度问题")
                open_facts.append(("complaint", stream))
        qid = ids.quarter_id(quarter)
        windows = [f"W{w:02d}" for w in rng.sample(range(1, WINDOWS + 1), 8)]
        staff = [f"P{p:03d}" for p in rng.sample(range(1, STAFF + 1), 20)]
        self.emit(ev.ShortlistFrozen, qid, quarter=quarter, windows_n=8, staff_m=20, windows=windows, staff=staff)
        self.emit(ev.DecisionRecorded, qid, 2, quarter=quarter, red_flag=windows[:3], five=staff[:5],
                  four=staff[5:20])


def quarters_from(year: int, q: int) -> Any:
    while True:
        yield f"{year}Q{q}"
        q += 1
        if q == 5:
            year, q = year + 1, 1


def generate(url: str, total: int, per_quarter: int = PER_QUARTER) -> int:
    """Create a ledger of about `total` events at `url`; returns the number written."""
    ledger = open_ledger(url, "督查科", create=True)
    try:
        g = Generator(ledger)
        g.registry()
        done: list[str] = []
        for quarter in quarters_from(2008, 3):
            left = total - g.count
            if left <= 0:
                break
            g.quarter(quarter, min(per_quarter, max(0, left - 2)), done)
            done.append(quarter)
        g.flush()
        return g.count
    finally:
        ledger.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args()
    t = time.perf_counter()
    n = generate(args.db, args.events)
    print(f"generated {n} events in {time.perf_counter() - t:.1f} s")


if __name__ == "__main__":
    main()
