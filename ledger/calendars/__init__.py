"""The shipped working-day calendars (package data, ledger/workdays.py)."""
