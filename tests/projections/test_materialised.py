"""The materialised projection: caught up from its tracked position, it equals a full replay."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projections.engine.materialised import QuarterProjection, replay
from projections.engine.stores import storage_for
from projections.scoring.derive import derive
from tests.projections.conftest import OPS, Center, all_results, run_ops, small_center
from tests.seal import SEAL_KEY


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(OPS, st.integers(1, 4), st.data())
def test_the_caught_up_projection_equals_a_full_replay(ops: list[tuple[str, int]], flush: int,
                                                        data: st.DataObject) -> None:
    with small_center() as c:
        ledger = c.ledger
        # a tiny flush interval and fact index force the storage and ledger-lookup paths
        factory = lambda: QuarterProjection(ledger, SEAL_KEY, index_limit=2)  # noqa: E731
        run_ops(c, ops, factory)
        caught_up = factory()
        state = caught_up.catch_up(spill_at=flush)
        full = replay(ledger)
        assert state.position == full.position
        assert all_results(ledger, state, projection=caught_up) == all_results(ledger, full)
        as_of = data.draw(st.integers(1, full.position))
        assert all_results(ledger, state, as_of, caught_up) == all_results(ledger, replay(ledger, upto=as_of))
        again = QuarterProjection(ledger, SEAL_KEY)
        rebuilt = again.rebuild()
        assert all_results(ledger, rebuilt, projection=again) == all_results(ledger, full)


def test_a_query_catches_up_only_from_the_tracked_position(center: Center) -> None:
    center.windows("W01")
    center.find("W1.1", window="W01")
    first = QuarterProjection(center.ledger, SEAL_KEY)
    st1 = first.catch_up()
    storage = storage_for(center.ledger)
    assert storage.max_tracking_id("kaoping.quarters") == st1.notification_id  # type: ignore[attr-defined]
    center.find("W1.2", window="W01")
    again = QuarterProjection(center.ledger, SEAL_KEY)
    loaded = again.load()
    assert loaded.position == st1.position  # resumes from the stored position …
    st2 = again.catch_up()
    assert st2.position == st1.position + 1  # … and folds only the one new event
    assert derive(again.quarter("2008Q2"), st2.registry, center.ledger.catalogue, "2008Q2").window(
        "W01").score == 96  # type: ignore[union-attr]
