"""A long fold keeps a bounded resident state: what it holds after N quarters does not grow with N."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from ledger.calendar import quarter_bounds
from projections.engine import materialised
from projections.engine.materialised import QuarterProjection
from projections.engine.rows import quarter_lookup
from projections.engine.spill import Spiller
from projections.fold.state import State
from tests.projections.conftest import Center, small_center
from tests.projections.replayed import same_state
from tests.seal import SEAL_KEY

SPILL_AT = 6
INDEX_LIMIT = 8


def quarters_from(first: str, n: int) -> list[str]:
    """n consecutive quarters from `first`."""
    year, q = int(first[:4]), int(first[-1])
    out = []
    for _ in range(n):
        out.append(f"{year}Q{q}")
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)
    return out


@pytest.fixture
def center() -> Iterator[Center]:
    with small_center() as c:
        yield c


def fill(c: Center, quarters: list[str]) -> None:
    """The same shape in every quarter: a few findings and a claim, each quarter's first finding retracted in the
    next quarter (a follow-up of a past quarter's fact) and a complaint verified a quarter later too."""
    pending: list[tuple[str, str]] = []
    for quarter in quarters:
        first, _ = quarter_bounds(quarter)
        day = first.replace(day=10).isoformat()
        for fid, kind in pending:
            if kind == "finding":
                c.ledger.retract(fid, "录错")
            else:
                c.ledger.verify_complaint(fid, "S2.4", None)
        pending = [(c.find("S1.1", staff="P1", day=day), "finding")]
        for n in range(4):
            c.find(["W1.1", "W2.3"][n % 2], window=["W1", "W2"][n % 2], day=day)
        c.bonus("measure", staff="P2", day=day)
        pending.append((c.complaint(staff="P3", day=day), "complaint"))


def resident_peaks(c: Center, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int, int]:
    """A rebuild's largest resident state, counted before each spill: unsaved entries, quarters, indexed facts."""
    peaks = [0, 0, 0]
    spill = Spiller.spill

    def counting(self: Spiller, st: State, at_least: int) -> None:
        held = (sum(q.size for q in st.quarters.values()), len(st.quarters),
                len(st.fact_quarter) + len(st.older_facts))
        peaks[:] = [max(a, b) for a, b in zip(peaks, held, strict=True)]
        spill(self, st, at_least)

    with monkeypatch.context() as m:
        m.setattr(Spiller, "spill", counting)
        projection = QuarterProjection(c.ledger, SEAL_KEY, index_limit=INDEX_LIMIT, parallel_at=10**9)
        projection.storage.clear()
        state = projection.catch_up(spill_at=SPILL_AT)
    same_state(c.ledger, projection, state)  # bounded, and still every entry a replay has
    return peaks[0], peaks[1], peaks[2]


def test_a_rebuilds_resident_entries_quarters_and_fact_index_do_not_grow_with_the_quarters_folded(
        monkeypatch: pytest.MonkeyPatch) -> None:
    peaks: dict[int, tuple[int, int, int]] = {}
    for n in (2, 8):
        with small_center() as c:
            fill(c, quarters_from("2008Q3", n))
            peaks[n] = resident_peaks(c, monkeypatch)
    # a page of SPILL_AT rows (each adds at most one entry, one indexed fact) on top of what was under the limits
    for entries, quarters, indexed in peaks.values():
        assert entries < 2 * SPILL_AT
        assert quarters <= 2  # the current quarter and the one before it (its follow-ups)
        assert indexed < INDEX_LIMIT + 2 * SPILL_AT  # two generations, each aged once past half the limit


def test_follow_ups_of_facts_the_aged_index_forgot_are_found_through_the_ledger(
        center: Center, monkeypatch: pytest.MonkeyPatch) -> None:
    fill(center, quarters_from("2008Q3", 4))
    looked_up: list[str] = []

    def counting(ledger: Any) -> Callable[[str], str | None]:
        lookup = quarter_lookup(ledger)

        def counted(fid: str) -> str | None:
            looked_up.append(fid)
            return lookup(fid)

        return counted

    with monkeypatch.context() as m:
        m.setattr(materialised, "quarter_lookup", counting)
        projection = QuarterProjection(center.ledger, SEAL_KEY, index_limit=2, parallel_at=10**9)
        projection.storage.clear()
        state = projection.catch_up(spill_at=SPILL_AT)
    assert looked_up  # the index was aged past the retracted and verified facts …
    same_state(center.ledger, projection, state)  # … and their follow-ups still landed in their quarters
