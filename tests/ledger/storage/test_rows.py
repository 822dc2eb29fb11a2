"""The one paging loop and the registry as it stands, from stored rows: by hand, then through a real ledger."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

import orjson
import pytest

from ledger.app import Ledger
from ledger.errors import LedgerUnreadable, NotAllowed
from ledger.registry import STAFF_MOVED, STAFF_REGISTERED, WINDOW_REGISTERED
from ledger.storage.reader import open_reader
from ledger.storage.rows import Row, paged, position_of, registry_from, select_rows
from ledger.topics import FINDING_TOPIC, REGISTRY_TOPICS
from tests.seal import SEAL_KEY


def fetcher(ids: Sequence[int], calls: list[tuple[int, int]]):  # type: ignore[no-untyped-def]
    def fetch(after: int, limit: int) -> list[tuple[int]]:
        calls.append((after, limit))
        return [(i,) for i in ids if i > after][:limit]

    return fetch


def test_paging_asks_after_the_last_id_of_each_full_page_and_stops_at_a_short_one() -> None:
    calls: list[tuple[int, int]] = []
    pages = list(paged(fetcher([1, 2, 5, 9, 10], calls), 0, 2))
    assert pages == [[(1,), (2,)], [(5,), (9,)], [(10,)]]
    assert calls == [(0, 2), (2, 2), (9, 2)]


def test_paging_stops_at_an_empty_page_after_full_ones_and_resumes_after_an_id() -> None:
    calls: list[tuple[int, int]] = []
    assert list(paged(fetcher([3, 4], calls), 2, 2)) == [[(3,), (4,)]]
    assert calls == [(2, 2), (4, 2)]
    assert list(paged(fetcher([], []), 0, 5)) == []


def test_paging_follows_the_id_an_item_names() -> None:
    calls: list[tuple[int, int]] = []
    items = {1: "a", 2: "b", 3: "c"}

    def fetch(after: int, limit: int) -> list[tuple[str, int]]:
        calls.append((after, limit))
        return [(v, k) for k, v in items.items() if k > after][:limit]

    assert [p for page in paged(fetch, 0, 2, lambda item: item[1]) for p in page] == [("a", 1), ("b", 2), ("c", 3)]
    assert calls == [(0, 2), (2, 2)]


def rows(*events: tuple[int, str, dict[str, object]]) -> list[Row]:
    return [(nid, "x", 1, topic, orjson.dumps(fields)) for nid, topic, fields in events]


def test_a_position_is_the_rows_ordinal_whatever_the_ids() -> None:
    stored = [rows((3, FINDING_TOPIC, {}), (7, FINDING_TOPIC, {})), rows((8, FINDING_TOPIC, {}))]
    assert [position_of(stored, nid) for nid in (3, 7, 8)] == [1, 2, 3]


def test_the_registry_folds_its_rows_with_dates_still_tagged() -> None:
    since = {"_type_": "date_iso", "_data_": "2008-05-01"}
    stored = [rows(
        (1, WINDOW_REGISTERED, {"code": "W01", "name": "工商窗口", "department": "县市场监督管理局"}),
        (2, STAFF_REGISTERED, {"staff_id": "S001", "name": "张三", "window": "W01", "since": since}),
        (4, STAFF_MOVED, {"staff_id": "S001", "window": "W02", "since": "2008-06-01"}),
    )]
    reg = registry_from(stored, lambda nid: 0)
    assert reg.windows == {"W01": {
        "name": "工商窗口", "department": "县市场监督管理局", "p": 0,
        "presence": [{"since": None, "open": True, "p": 0}],  # the first release's window: from the rules' start
        "names": [{"since": None, "name": "工商窗口", "department": "县市场监督管理局", "p": 0}],
    }}
    assert reg.people["S001"]["assignments"] == [{"since": "2008-05-01", "window": "W01", "p": 0},
                                                 {"since": "2008-06-01", "window": "W02", "p": 0}]
    assert reg.window_on("S001", "2008-05-31") == "W01"


def test_a_registry_row_that_does_not_decode_is_refused_naming_its_position() -> None:
    garbled: list[Row] = [(6, "x", 1, WINDOW_REGISTERED, b"{not json")]
    with pytest.raises(LedgerUnreadable, match="^账本位置 4 的事件无法解读"):
        registry_from([garbled], lambda nid: {6: 4}[nid])
    fieldless = rows((6, WINDOW_REGISTERED, {"code": "W01"}))
    with pytest.raises(LedgerUnreadable, match="^账本位置 4 的事件无法解读（KeyError）"):
        registry_from([fieldless], lambda nid: 4)


def test_sqlite_rows_can_be_asked_for_some_topics_only() -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE stored_events (originator_id, originator_version, topic, state)")
    topics = [FINDING_TOPIC, WINDOW_REGISTERED, FINDING_TOPIC, STAFF_REGISTERED]
    conn.executemany("INSERT INTO stored_events VALUES ('x', 1, ?, x'7b7d')", [(t,) for t in topics])
    picked = select_rows(conn.cursor(), 0, 10, topics=REGISTRY_TOPICS)
    assert [(r[0], r[3]) for r in picked] == [(2, WINDOW_REGISTERED), (4, STAFF_REGISTERED)]
    assert [r[0] for r in select_rows(conn.cursor(), 1, 2)] == [2, 3]


@pytest.fixture
def center(ledger: Ledger) -> Ledger:
    ledger.add_window("W01", "工商窗口", "县市场监督管理局")
    ledger.add_window("W02", "税务窗口")
    ledger.add_staff("S001", "张三", "W01", "2008-05-01")
    ledger.record_finding("W2.3", window="W01", day="2008-05-10", source="weekly")
    ledger.move_staff("S001", "W02", "2008-06-01")
    ledger.add_staff("S002", "李四", "W02", "2008-06-15")
    return ledger


def test_the_registry_as_it_stands_holds_every_window_and_person_in_the_order_registered(center: Ledger) -> None:
    reg = center.registry()
    assert reg.center is not None and reg.center["center"] == "长兴县行政服务中心"
    assert list(reg.windows) == ["W01", "W02"] and reg.windows["W02"]["name"] == "税务窗口"
    assert list(reg.people) == ["S001", "S002"]
    assert [(a["since"], a["window"]) for a in reg.people["S001"]["assignments"]] == [("2008-05-01", "W01"),
                                                                                     ("2008-06-01", "W02")]
    assert reg.window_on("S001", "2008-06-01") == "W02"


def test_the_light_reader_reads_the_same_registry_as_the_ledger(center: Ledger) -> None:
    if center.location.sqlite_path is None:
        pytest.skip("the light reader reads SQLite files")
    from projections.views import Views

    Views(center, SEAL_KEY).result("2008Q2")  # the projection's tables: what makes a file readable without the ledger
    reader = open_reader(center.location.url)
    assert reader is not None
    try:
        assert reader.registry() == center.registry()
    finally:
        reader.close()


def test_the_registry_of_a_ledger_not_yet_initialised_is_refused(db_url: str) -> None:
    from ledger.app import open_ledger

    app = open_ledger(db_url, create=True)
    try:
        with pytest.raises(NotAllowed, match="^账本尚未初始化，请先运行 kaoping init$"):
            app.registry()
    finally:
        app.close()


def test_a_registry_row_whose_field_has_the_wrong_type_is_refused_naming_its_position() -> None:
    wrong = rows((6, WINDOW_REGISTERED, {"code": 7, "name": "工商窗口", "department": "县局"}))
    with pytest.raises(LedgerUnreadable, match="^账本位置 4 的事件无法解读（ValueError）"):
        registry_from([wrong], lambda nid: 4)
