"""The projection's storage: one set of statements, whichever object runs them."""

from __future__ import annotations

import pytest
from eventsourcing.sqlite import SQLiteDatastore, SQLiteTrackingRecorder

from ledger.app import Ledger
from projections.engine.sqlite_store import TRACKING_UPSERT
from tests.seal import SEAL_KEY


def test_the_shared_tracking_statement_is_eventsourcings_single_row_insert_word_for_word() -> None:
    datastore = SQLiteDatastore(":memory:")
    try:
        assert SQLiteTrackingRecorder(datastore).insert_tracking_statement == TRACKING_UPSERT
    finally:
        datastore.close()


def test_several_blobs_are_read_in_one_go_in_the_order_asked_only_those_stored_and_sealed(ledger: Ledger) -> None:
    from projections.engine.sealed import ProjectionTampered, SealedStorage
    from projections.engine.stores import storage_for

    raw = storage_for(ledger)
    sealed = SealedStorage(raw, SEAL_KEY)
    sealed.put({"q:2008Q2:a": b"A", "q:2008Q2:b": b"B", "q:2008Q2:c": b"C"})
    asked = ["q:2008Q2:c", "q:2008Q2:missing", "q:2008Q2:a"]
    assert raw.load_each(asked) == [("q:2008Q2:c", b"C"), ("q:2008Q2:a", b"A")]
    assert sealed.load_each(asked) == [("q:2008Q2:c", b"C"), ("q:2008Q2:a", b"A")]
    assert sealed.load_each([]) == []
    storage_for(ledger).put({"q:2008Q2:a": b"edited outside kaoping"})  # a store without the seal key
    with pytest.raises(ProjectionTampered, match="q:2008Q2:a"):
        sealed.load_each(asked)
