"""The projection's storage: one set of statements, whichever object runs them."""

from __future__ import annotations

from pathlib import Path

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


def test_the_light_readers_projection_commits_without_waiting_for_the_disk_and_its_events_with_it(
        tmp_path: Path) -> None:
    from ledger.app import open_ledger
    from ledger.storage.reader import open_reader
    from projections.engine.sealed import SealedStorage
    from projections.engine.stores import storage_for

    url = f"sqlite:///{tmp_path / 'k.db'}"
    full = open_ledger(url, "测试", create=True)
    full.init("中心")
    storage_for(full)  # the full ledger creates the projection's table
    reader = open_reader(url)
    assert reader is not None
    try:
        raw = storage_for(reader)
        SealedStorage(raw, SEAL_KEY).put({"q:2008Q2:a": b"A"})
        with raw.transaction(commit=False) as c:  # the projection's own connection: NORMAL (1), atomic in WAL
            assert c.execute("PRAGMA synchronous").fetchone()[0] == 1
        assert reader.connect().execute("PRAGMA synchronous").fetchone()[0] == 2  # any other: SQLite's FULL
        assert SealedStorage(storage_for(reader), SEAL_KEY).load("q:2008Q2:a") == b"A"
    finally:
        reader.close()
        full.close()
