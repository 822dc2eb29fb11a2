"""The projection's SQLite storage: one set of statements, whichever object runs them."""

from __future__ import annotations

from eventsourcing.sqlite import SQLiteDatastore, SQLiteTrackingRecorder

from projections.engine.sqlite_store import TRACKING_UPSERT


def test_the_shared_tracking_statement_is_eventsourcings_single_row_insert_word_for_word() -> None:
    datastore = SQLiteDatastore(":memory:")
    try:
        assert SQLiteTrackingRecorder(datastore).insert_tracking_statement == TRACKING_UPSERT
    finally:
        datastore.close()
