"""The materialised projection: caught up from its tracked position, it equals a full replay."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.app import Ledger, open_ledger
from ledger.errors import KaopingError
from projections.engine.materialised import QuarterProjection, replay
from projections.engine.storage import storage_for
from projections.scoring.derive import derive
from tests.projections.conftest import Center

QUARTERS = ("2008Q2", "2008Q3")


def all_results(ledger: Ledger, state: Any, as_of: int | None = None, projection: Any = None) -> dict[str, Any]:
    get = projection.quarter if projection is not None else state.quarters.get
    return {q: derive(get(q), state.registry, ledger.catalogue, q, as_of, position=state.position)
            for q in QUARTERS}


OPS = st.lists(
    st.tuples(
        st.sampled_from(["find", "find", "find", "retract", "claim", "verify", "complaint", "settle", "move",
                         "catch_up", "catch_up"]),
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
                c.ledger.verify_bonus(cid) if n % 3 else c.ledger.reject_bonus(cid, "不符")
            elif op == "complaint":
                complaints.append(c.complaint(staff=people[n % 3], day=day))
            elif op == "settle" and complaints:
                cid = complaints.pop(n % len(complaints))
                if n % 2:
                    c.ledger.verify_complaint(cid, "S2.4", "complaint" if n % 3 == 0 else None)
                else:
                    c.ledger.dismiss_complaint(cid, "不实")
            elif op == "move":
                c.ledger.move_staff(people[n % 3], ["W1", "W2"][n % 2], day)
            elif op == "catch_up":
                projection_factory().catch_up()
        except KaopingError:
            pass


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(OPS, st.integers(1, 4), st.data())
def test_the_caught_up_projection_equals_a_full_replay(ops: list[tuple[str, int]], flush: int,
                                                        data: st.DataObject) -> None:
    with small_center() as c:
        ledger = c.ledger
        # a tiny flush interval and fact index force the storage and ledger-lookup paths
        factory = lambda: QuarterProjection(ledger, index_limit=2)  # noqa: E731
        run_ops(c, ops, factory)
        caught_up = factory()
        state = caught_up.catch_up(spill_at=flush)
        full = replay(ledger)
        assert state.position == full.position
        assert all_results(ledger, state, projection=caught_up) == all_results(ledger, full)
        as_of = data.draw(st.integers(1, full.position))
        assert all_results(ledger, state, as_of, caught_up) == all_results(ledger, replay(ledger, upto=as_of))
        again = QuarterProjection(ledger)
        rebuilt = again.rebuild()
        assert all_results(ledger, rebuilt, projection=again) == all_results(ledger, full)


def test_a_query_catches_up_only_from_the_tracked_position(center: Center) -> None:
    center.windows("W01")
    center.find("W1.1", window="W01")
    first = QuarterProjection(center.ledger)
    st1 = first.catch_up()
    storage = storage_for(center.ledger)
    assert storage.max_tracking_id("kaoping.quarters") == st1.notification_id  # type: ignore[attr-defined]
    center.find("W1.2", window="W01")
    again = QuarterProjection(center.ledger)
    loaded = again.load()
    assert loaded.position == st1.position  # resumes from the stored position …
    st2 = again.catch_up()
    assert st2.position == st1.position + 1  # … and folds only the one new event
    assert derive(again.quarter("2008Q2"), st2.registry, center.ledger.catalogue, "2008Q2").window(
        "W01").score == 96  # type: ignore[union-attr]
