"""A small center to write quarter scenarios against, through the real ledger on every backend."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ledger.app import Ledger
from ledger.commands import quarter as lq
from projections.scoring.results import QuarterResult
from projections.views import Views


class Center:
    """Shorthand for recording facts in a test ledger and reading the quarter's results back."""

    def __init__(self, ledger: Ledger, tmp: Path) -> None:
        self.ledger = ledger
        self.evidence = tmp / "证书.pdf"
        self.evidence.write_bytes(b"%PDF evidence")

    def windows(self, *codes: str) -> None:
        for code in codes:
            self.ledger.add_window(code, f"窗口{code}")

    def staff(self, person: str, window: str, since: str = "2008-05-01") -> None:
        self.ledger.add_staff(person, f"人员{person}", window, since)

    def find(self, item: str, *, window: str | None = None, staff: str | None = None, day: str = "2008-05-10",
             source: str = "weekly", dq: str | None = None) -> str:
        return str(self.ledger.record_finding(item, window=window, staff=staff, day=day, source=source, dq=dq))

    def bonus(self, kind: str, *, window: str | None = None, staff: str | None = None, day: str = "2008-05-12",
              level: str | None = None, place: int | None = None, ref: str | None = None,
              verify: bool = True) -> str:
        cid = str(self.ledger.claim_bonus(kind, window=window, staff=staff, day=day, evidence_file=str(self.evidence),
                                          level=level, place=place, ref=ref))
        if verify:
            self.ledger.verify_bonus(cid)
        return cid

    def complaint(self, *, window: str | None = None, staff: str | None = None, day: str = "2008-05-15",
                  channel: str = "hotline-12345", item: str | None = None, dq: str | None = None) -> str:
        cid = str(self.ledger.record_complaint(window=window, staff=staff, day=day, channel=channel, text="群众反映"))
        if item is not None:
            self.ledger.verify_complaint(cid, item, dq)
        return cid

    def views(self) -> Views:
        return Views(self.ledger)

    def result(self, quarter: str = "2008Q2", as_of: int | None = None) -> QuarterResult:
        return self.views().result(quarter, as_of)

    def position(self) -> int:
        return self.views().state.position

    def shortlist(self, quarter: str = "2008Q2", n: int = 8, m: int = 20) -> tuple[list[str], list[str]]:
        w, s = self.views().shortlist(quarter, n, m)
        lq.freeze_shortlist(self.ledger, quarter, n, m, w, s)
        return w, s

    def decide(self, quarter: str = "2008Q2", red_flag: Any = (), five: Any = (), four: Any = ()) -> None:
        lq.record_decision(self.ledger, quarter, list(red_flag), list(five), list(four))


@pytest.fixture
def center(ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Center:
    """An initialised center on each backend, evidence files kept in the test's folder."""
    monkeypatch.chdir(tmp_path)
    return Center(ledger, tmp_path)
