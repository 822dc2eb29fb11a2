"""The materialised quarter projection: fold state kept in storage, caught up from its tracked position.

A query opens the stored state, folds only the events recorded since the last tracked notification,
writes back the quarters those events touched together with the new tracking row, and answers from
there — it never replays the whole log. `rebuild()` drops the stored state and folds everything again.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from uuid import UUID

import orjson

from ledger.app import Ledger
from ledger.calendar import quarter_of
from projections.quarter import FOLD_VERSION, HANDLERS, QuarterState, RegistryState, State
from projections.store import ProjectionStorage, storage_for

META = "meta"
REGISTRY = "registry"
QUARTER_PREFIX = "q:"


class StoredQuarters(MutableMapping[str, QuarterState]):
    """Quarter states loaded from storage on first use and cached; the fold sees a plain mapping."""

    def __init__(self, storage: ProjectionStorage) -> None:
        self.storage = storage
        self.cache: dict[str, QuarterState] = {}

    def __getitem__(self, quarter: str) -> QuarterState:
        q = self.cache.get(quarter)
        if q is None:
            blob = self.storage.load(QUARTER_PREFIX + quarter)
            if blob is None:
                raise KeyError(quarter)
            q = QuarterState.from_json(orjson.loads(blob))
            self.cache[quarter] = q
        return q

    def __setitem__(self, quarter: str, value: QuarterState) -> None:
        self.cache[quarter] = value

    def __delitem__(self, quarter: str) -> None:
        raise TypeError("quarter states are never deleted")

    def __iter__(self) -> Iterator[str]:
        stored = [k[len(QUARTER_PREFIX):] for k in self.storage.keys(QUARTER_PREFIX)]
        return iter(sorted(set(stored) | set(self.cache)))

    def __len__(self) -> int:
        return len(list(iter(self)))

    def evict(self, keep: set[str]) -> None:
        """Forget cached quarters except `keep` (they are reloaded on demand)."""
        for k in list(self.cache):
            if k not in keep:
                del self.cache[k]


class BoundedIndex(dict):  # type: ignore[type-arg]
    """The fact→quarter index of recent facts; older ones are looked up in the ledger instead."""

    def __init__(self, limit: int = 200_000) -> None:
        super().__init__()
        self.limit = limit

    def __setitem__(self, key: str, value: str) -> None:
        if len(self) >= self.limit:
            self.clear()
        super().__setitem__(key, value)


class QuarterProjection:
    """The quarter fold state of one ledger, materialised in its database."""

    def __init__(self, ledger: Ledger, storage: ProjectionStorage | None = None, index_limit: int = 200_000) -> None:
        self.ledger = ledger
        self.storage = storage or storage_for(ledger)
        self.index_limit = index_limit
        self.state: State | None = None

    # --- loading and saving ---------------------------------------------------------------------

    def _fact_quarter(self, fact_id: str) -> str | None:
        """The quarter of a fact not in the recent index: read its first event from the ledger."""
        try:
            stored = self.ledger.recorder.select_events(UUID(fact_id), lte=1, limit=1)
        except ValueError:
            return None
        if not stored:
            return None
        first = self.ledger.mapper.to_domain_event(stored[0])
        day = getattr(first, "date", None)
        return quarter_of(day) if day is not None else None

    def _fresh(self) -> State:
        return State(StoredQuarters(self.storage), BoundedIndex(self.index_limit), RegistryState(), lookup=self._fact_quarter)

    def load(self) -> State:
        """The stored state (empty when missing or written by another fold version)."""
        st = self._fresh()
        meta_blob = self.storage.load(META)
        if meta_blob is None:
            return st
        meta = orjson.loads(meta_blob)
        if meta.get("fold") != FOLD_VERSION:
            self.storage.clear()
            return self._fresh()
        reg = self.storage.load(REGISTRY)
        if reg is not None:
            st.registry = RegistryState.from_json(orjson.loads(reg))
        st.position = meta["position"]
        st.notification_id = meta["notification_id"]
        return st

    def _flush(self, st: State) -> bool:
        quarters = st.quarters
        assert isinstance(quarters, StoredQuarters)
        blobs: dict[str, bytes] = {
            QUARTER_PREFIX + k: orjson.dumps(quarters[k].to_json()) for k in sorted(st.touched)
        }
        if st.registry_touched:
            blobs[REGISTRY] = orjson.dumps(st.registry.to_json())
        blobs[META] = orjson.dumps(
            {"fold": FOLD_VERSION, "position": st.position, "notification_id": st.notification_id}
        )
        ok = self.storage.save(blobs, st.notification_id)
        st.touched.clear()
        st.registry_touched = False
        return ok

    # --- catching up ------------------------------------------------------------------------------

    def catch_up(self, flush_every: int = 100_000) -> State:
        """Fold every event recorded since the tracked position and store the result; return the state."""
        st = self.state or self.load()
        self.state = st
        get = HANDLERS.get
        n = 0
        for r in self.ledger.read(after=(st.position, st.notification_id)):
            handler = get(type(r.event))
            if handler is not None:
                handler(st, r.position, r.event)
            st.position = r.position
            st.notification_id = r.notification_id
            n += 1
            if n % flush_every == 0:
                keep = set(st.touched)
                self._flush(st)
                assert isinstance(st.quarters, StoredQuarters)
                st.quarters.evict(keep)
        if n % flush_every:
            # False means another process stored the same events first: its state equals ours.
            self._flush(st)
        return st

    def rebuild(self) -> State:
        """Drop the stored state and fold the whole ledger again."""
        self.storage.clear()
        self.state = None
        return self.catch_up()

    def quarter(self, quarter: str) -> QuarterState | None:
        """A quarter's state from the caught-up projection."""
        st = self.state or self.catch_up()
        return st.quarters.get(quarter)

    def quarters(self) -> list[str]:
        """Every quarter that has facts or decisions."""
        st = self.state or self.catch_up()
        return list(st.quarters)


def replay(ledger: Ledger, upto: int | None = None, only: str | None = None) -> State:
    """A fold of the ledger from scratch in memory (for checks and tests), optionally up to a position."""
    st = State(only=only)
    get = HANDLERS.get
    for r in ledger.read(upto=upto):
        handler = get(type(r.event))
        if handler is not None:
            handler(st, r.position, r.event)
        st.position = r.position
        st.notification_id = r.notification_id
    return st

