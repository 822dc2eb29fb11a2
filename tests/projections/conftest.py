"""A small center to write quarter scenarios against, through the real ledger on every backend, and random
command sequences to run against it (the property tests of the materialised projection and its caches)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st

from ledger.app import Ledger, open_ledger
from ledger.commands import quarter as lq
from ledger.commands import review
from ledger.errors import KaopingError
from ledger.runtime.zone import center_today
from projections.scoring.derive import derive
from projections.scoring.results import QuarterResult
from projections.views import Views
from tests.seal import SEAL_KEY


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

    def appeal(self, fact: str, *, by: str | None = None, day: str | None = None, text: str = "不服") -> str:
        return str(review.file_appeal(self.ledger, fact, day or center_today().isoformat(), text, by, None))

    def review(self, appeal: str, outcome: str = "overturned", reason: str = "经复核") -> None:
        review.decide_appeal(self.ledger, appeal, outcome, reason)

    def views(self) -> Views:
        return Views(self.ledger, SEAL_KEY)

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


QUARTERS = ("2008Q2", "2008Q3")


def all_results(ledger: Ledger, state: Any, as_of: int | None = None, projection: Any = None) -> dict[str, Any]:
    """Both quarters' results from a fold state (or from a projection's stored quarters)."""
    get = projection.quarter if projection is not None else state.quarters.get
    return {q: derive(get(q), state.registry, ledger.catalogue, q, as_of, position=state.position)
            for q in QUARTERS}


OPS = st.lists(
    st.tuples(
        st.sampled_from(["find", "find", "find", "retract", "claim", "verify", "complaint", "settle", "move",
                         "leave", "close", "reopen", "rename", "catch_up", "catch_up", "appeal", "review"]),
        st.integers(0, 1000),
    ),
    max_size=30,
)


@contextmanager
def small_center() -> Iterator[Center]:
    """A fresh SQLite center for property tests: windows W1, W2; P1 and P2 at W1, P3 at W2."""
    with tempfile.TemporaryDirectory() as tmp:
        ledger = open_ledger(f"sqlite:///{Path(tmp) / 'k.db'}", "测试", create=True)
        try:
            ledger.init("中心")
            c = Center(ledger, Path(tmp))
            c.windows("W1", "W2")
            for p, w in (("P1", "W1"), ("P2", "W1"), ("P3", "W2")):
                c.staff(p, w)
            yield c
        finally:
            ledger.close()


def run_ops(c: Center, ops: list[tuple[str, int]], projection_factory: Any) -> None:
    """Apply random ledger commands (skipping refused ones), catching the projection up now and then."""
    people = ["P1", "P2", "P3"]
    findings: list[str] = []
    claims: list[str] = []
    complaints: list[str] = []
    facts: list[str] = []
    appeals: list[str] = []
    for op, n in ops:
        day = f"2008-{5 + n % 4:02d}-{1 + n % 28:02d}"
        try:
            if op == "find":
                if n % 3 == 0:
                    findings.append(c.find(["W1.1", "W2.3", "W5.4"][n % 3], window=["W1", "W2"][n % 2], day=day,
                                           dq="gaming" if n % 7 == 0 else None))
                else:
                    item = ["S1.1", "S3.5", "S4.4", "S2.3"][n % 4]
                    dq = {"S3.5": "complaint", "S4.4": "corruption"}.get(item) if n % 5 == 0 else None
                    findings.append(c.find(item, staff=people[n % 3], day=day, dq=dq))
            elif op == "retract" and findings:
                c.ledger.retract(findings.pop(n % len(findings)), "录错")
            elif op == "claim":
                kind = ["article", "honour", "measure", "competition"][n % 4]
                level = {"article": "city", "honour": ["county", "province"][n % 2]}.get(kind)
                claims.append(c.bonus(kind, staff=people[n % 3], day=day, level=level,
                                      place=1 + n % 3 if kind == "competition" else None, ref=f"稿{n % 2}",
                                      verify=False))
            elif op == "verify" and claims:
                cid = claims.pop(n % len(claims))
                if n % 3:
                    c.ledger.verify_bonus(cid)
                else:
                    c.ledger.reject_bonus(cid, "不符")
                    facts.append(cid)
            elif op == "complaint":
                complaints.append(c.complaint(staff=people[n % 3], day=day))
            elif op == "settle" and complaints:
                cid = complaints.pop(n % len(complaints))
                if n % 2:
                    c.ledger.verify_complaint(cid, "S2.4", "complaint" if n % 3 == 0 else None)
                    facts.append(cid)
                else:
                    c.ledger.dismiss_complaint(cid, "不实")
            elif op == "move":  # also a return after a leave (D22), and often dated before facts entered (D23)
                c.ledger.move_staff(people[n % 3], ["W1", "W2"][n % 2], day)
            elif op == "leave":
                c.ledger.leave_staff(people[n % 3], day, "调离")
            elif op == "close":
                c.ledger.close_window(["W1", "W2"][n % 2], day, "撤出")
            elif op == "reopen":
                c.ledger.add_window(["W1", "W2"][n % 2], f"窗口{n}", since=day)
            elif op == "rename":
                since = day if n % 2 else None  # a new name from a day, or a correction (D24)
                if n % 3:
                    c.ledger.rename_window(["W1", "W2"][n % 2], f"更名窗口{n}", since=since)
                else:
                    c.ledger.rename_staff(people[n % 3], f"更名{n}", since=since)
            elif op == "appeal" and facts:
                appeals.append(c.appeal(facts[n % len(facts)], by=["W1", "W2", "P1", "P2", "P3", None][n % 6]))
            elif op == "review" and appeals:
                c.review(appeals.pop(n % len(appeals)), "overturned" if n % 3 else "upheld")
            elif op == "catch_up":
                projection_factory().catch_up()
        except KaopingError:
            pass
        if op == "find" and findings:
            facts.append(findings[-1])
