"""PostgreSQL's recorder under other sessions' locks: an import whose COPY looks rows up on a second connection."""

from __future__ import annotations

import threading
import time

import pytest

from ledger.app import Ledger, open_ledger
from ledger.errors import LedgerBusy
from ledger.sheets.findings import parse_findings_csv

SHEET = ("date,window,staff,item,source,dq,note\n2008-06-02,TAX,,W2.2,duty,,迟到\n"
         "2008-06-03,TAX,,W2.2,duty,,早退\n").encode()


def test_an_import_looking_up_rows_inside_its_copy_gives_way_to_a_session_queued_for_the_whole_table(
        ledger: Ledger, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Inside the COPY (which holds the EXCLUSIVE lock) each later part's rows are looked up on the pool's other
    # connection; a session that asked meanwhile for ACCESS EXCLUSIVE (pg-setup's DROP TRIGGER, VACUUM FULL) queues
    # that lookup behind itself while it waits for the COPY's lock: neither could ever go on. The import must give
    # up within the ledger's lock timeout, storing nothing, and let the other session through.
    if not db_url.startswith("postgresql"):
        pytest.skip("a PostgreSQL lock queue")
    import psycopg

    from ledger.commands import sheet_rows
    from ledger.sheets import storing

    ledger.add_window("TAX", "地税窗口")
    monkeypatch.setattr(storing, "PART", 1)  # the second row is looked up inside the COPY
    monkeypatch.setenv("KAOPING_LOCK_TIMEOUT", "1")
    center = open_ledger(db_url, "测试员")
    table = f'"{center.recorder.datastore.schema}"."{center.recorder.events_table_name}"'
    outcome: list[str] = []

    def whole_table() -> None:
        with psycopg.connect(db_url, autocommit=True) as conn:
            conn.execute("SET lock_timeout = '30s'")
            try:
                with conn.transaction():
                    conn.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
                outcome.append("locked")
            except psycopg.errors.LockNotAvailable:
                outcome.append("gave up")

    other = threading.Thread(target=whole_table)
    part = sheet_rows.SheetRowsChecked.part
    calls = 0

    def queued_then_part(self: sheet_rows.SheetRowsChecked, rows: list) -> list:  # type: ignore[type-arg]
        nonlocal calls
        calls += 1
        if calls == 2:  # inside the COPY: the other session's request is queued before this part is looked up
            other.start()
            with psycopg.connect(db_url, autocommit=True) as conn:
                while not conn.execute("SELECT 1 FROM pg_locks WHERE NOT granted AND mode = 'AccessExclusiveLock' "
                                       "AND relation = %s::regclass", (table,)).fetchone():
                    time.sleep(0.05)
        return part(self, rows)

    monkeypatch.setattr(sheet_rows.SheetRowsChecked, "part", queued_then_part)
    before = len(list(center.notifications()))
    try:
        with pytest.raises(LedgerBusy):
            center.import_findings(parse_findings_csv(SHEET, "week.csv"))
    finally:
        other.join()
        center.close()
    assert outcome == ["locked"]  # it had its lock once the import gave up, not after waiting 30 s in vain
    assert len(list(ledger.notifications())) == before
