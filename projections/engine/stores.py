"""Which store a ledger's quarter projection lives in: beside its events, in the same database."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from ledger.storage.reader import LedgerReader
from projections.engine.sqlite_store import SQLiteProjectionStorage

if TYPE_CHECKING:
    from ledger.storage.reader import ReadableLedger
    from projections.engine.storage import ProjectionStorage


def storage_for(ledger: ReadableLedger) -> ProjectionStorage:
    """The projection storage beside this ledger's events (creating its tables when the full ledger opens it)."""
    # A PostgreSQL reader exists only once its module is loaded (ledger/storage/readers.py imports it for a
    # postgresql:// URL): a SQLite question never imports the PostgreSQL reader and store (~0.5 ms of its start).
    pg_reader = sys.modules.get("ledger.storage.postgres_reader")
    if pg_reader is not None and isinstance(ledger, pg_reader.PostgresLedgerReader):
        from projections.engine.postgres_store import PostgresProjectionStorage

        return PostgresProjectionStorage.on_connection(ledger.connect(), ledger.schema, ledger.tracking_table)
    if isinstance(ledger, LedgerReader):
        return SQLiteProjectionStorage.on_connection(ledger.connect())
    factory: Any = ledger.factory  # type: ignore[attr-defined]
    if ledger.location.backend == "sqlite":
        from eventsourcing.sqlite import SQLiteTrackingRecorder

        # eventsourcing creates (or migrates) `tracking`; the store runs in its datastore's transactions
        recorder = factory.tracking_recorder(SQLiteTrackingRecorder)
        store = SQLiteProjectionStorage(recorder.datastore.transaction)
        if factory.env_create_table():
            store.create()
        return store
    from eventsourcing.postgres import PostgresTrackingRecorder

    from projections.engine.postgres_store import PostgresProjectionStorage

    # the same on PostgreSQL: eventsourcing creates (or migrates) its tracking table, the store runs on its pool
    tracking = factory.tracking_recorder(PostgresTrackingRecorder)
    pg_store = PostgresProjectionStorage.on_datastore(tracking.datastore, tracking.tracking_table_name)
    if factory.env_create_table():
        pg_store.create()
    return pg_store
