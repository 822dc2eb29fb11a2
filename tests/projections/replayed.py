"""What the engine's tests compare a projection with: a full replay of the same ledger, entry for entry."""

from __future__ import annotations

from typing import Any

from ledger.app import Ledger
from projections.engine.materialised import QuarterProjection, replay
from tests.projections.conftest import all_results


def same_state(ledger: Ledger, projection: QuarterProjection, state: Any) -> None:
    """The projection's stored quarters, registry and position are those of a replay, entry for entry."""
    full = replay(ledger)
    assert state.position == full.position
    assert state.registry.to_json() == full.registry.to_json()
    for q in sorted(set(full.quarters) | set(projection.quarters())):
        assert projection.quarter(q) == full.quarters.get(q), q
    assert all_results(ledger, state, projection=projection) == all_results(ledger, full)
