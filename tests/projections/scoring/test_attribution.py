"""D23's attribution as the standings count it (one bisection per fact) is the registry's `window_on`."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from ledger.registry import STAFF_LEFT, STAFF_MOVED, STAFF_REGISTERED, Registry
from projections.scoring.standings import attribution

DAYS = st.dates(date(2008, 1, 1), date(2010, 12, 31)).map(date.isoformat)
EVENTS = st.lists(st.tuples(st.sampled_from(["P1", "P2"]), st.sampled_from(["W1", "W2", None]), DAYS), max_size=12)


@given(EVENTS, st.lists(st.tuples(st.sampled_from(["P1", "P2", "P3"]), DAYS), min_size=1, max_size=20),
       st.one_of(st.none(), st.integers(0, 14)))
def test_the_window_a_persons_fact_counts_for_is_the_registrys_window_on_that_day(
        events: list[tuple[str, str | None, str]], asked: list[tuple[str, str]], as_of: int | None) -> None:
    registry = Registry()
    for p, (person, window, day) in enumerate(events, 1):
        if person not in registry.people:  # P3 is never registered: no window on any day
            registry.apply(STAFF_REGISTERED, {"staff_id": person, "name": person, "window": window or "W1",
                                              "since": day}, p)
        elif window is None:
            registry.apply(STAFF_LEFT, {"staff_id": person, "since": day}, p)
        else:  # moves entered in any order of their days, as late entries are (D23)
            registry.apply(STAFF_MOVED, {"staff_id": person, "window": window, "since": day}, p)
    window_of = attribution(registry, as_of)
    for person, day in asked:
        assert window_of(person, day) == registry.window_on(person, day, as_of)
