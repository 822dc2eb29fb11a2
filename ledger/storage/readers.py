"""Which light reader answers a question on the ledger at a `--db` URL: one model, two storages.

A SQLite file is read through the stdlib (ledger/storage/reader.py), a PostgreSQL database through psycopg alone
(ledger/storage/postgres_reader.py, imported only for a `postgresql://` URL). None whenever the full `Ledger`
must open it instead (it then refuses, or creates what is missing, as every other command does).
"""

from __future__ import annotations

from ledger.storage import reader
from ledger.storage.location import parse_url
from ledger.storage.reader import LedgerReader


def open_reader(url: str | None) -> LedgerReader | None:
    """A light reader of the ledger at a `--db` URL, or None when the full ledger must open it."""
    location = parse_url(url)
    if location.backend == "postgres":
        from ledger.storage.postgres_reader import open_postgres_reader  # psycopg: imported for PostgreSQL only

        return open_postgres_reader(location)
    return reader.open_reader(url)  # looked up when called: a test may turn the light path off there
