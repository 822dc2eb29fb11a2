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
        stored = QuarterProjection(ledger, SEAL_KEY).load().registry  # its head and parts, read back
        assert stored == full.registry and list(stored.people) == list(full.registry.people)
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


def test_a_move_stores_the_registrys_head_and_the_one_part_holding_that_person_again(center: Center) -> None:
    from projections.engine.materialised import REGISTRY, registry_part

    center.windows("W1", "W2")
    people = [f"P{n}" for n in range(40)]
    for person in people:
        center.staff(person, "W1")
    proj = QuarterProjection(center.ledger, SEAL_KEY)
    proj.catch_up()
    before = dict(proj.storage.items(REGISTRY))
    assert len(before) > 2  # the head and several parts
    center.ledger.move_staff("P7", "W2", "2008-06-01")
    again = QuarterProjection(center.ledger, SEAL_KEY)
    saved = again.storage.save
    written: list[str] = []
    again.storage.save = lambda blobs, nid: written.extend(blobs) or saved(blobs, nid)  # type: ignore[method-assign]
    again.catch_up()
    assert sorted(k for k in written if k.startswith(REGISTRY)) == [REGISTRY, registry_part("P7")]
    after = dict(again.storage.items(REGISTRY))
    assert {k for k in after if after[k] != before.get(k)} == {registry_part("P7")}  # the head is as it was
    assert again.load().registry == replay(center.ledger).registry
