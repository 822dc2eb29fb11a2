"""The tamper suite's fixtures (tests/ledger/tamper.py), shared by its test modules."""

from tests.ledger.tamper import base, rows, sqlite_base, sqlite_rows

__all__ = ["base", "rows", "sqlite_base", "sqlite_rows"]
