"""A sheet's rows checked as pure functions: each row as one finding is checked, the sheet all or none."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.catalogue import Catalogue
from ledger.commands.sheet_rows import SheetChecker, check_sheet
from ledger.errors import InvalidInput, NotAllowed, NotFound
from ledger.registry import STAFF_MOVED, STAFF_REGISTERED, WINDOW_CLOSED, WINDOW_REGISTERED, Registry
from ledger.sheets.findings import Sheet, SheetRow

TODAY = date(2008, 10, 15)


def row(line: int, day: str = "2008-07-08", window: str = "W02", staff: str = "S001", item: str = "S4.1",
        source: str = "weekly", dq: str = "", note: str = "") -> SheetRow:
    return SheetRow(line, day, window, staff, item, source, dq, note)


def sheet(rows: list[SheetRow]) -> Sheet:
    return Sheet("week.csv", "UTF-8", tuple(rows))


def test_a_good_row_gives_its_date(registry: Registry, cat: Catalogue) -> None:
    check = SheetChecker(registry, cat, TODAY)
    assert check(row(2)).day == date(2008, 7, 8)
    assert check(row(3, window="W01", staff="", item="W2.3", dq="gaming")).day == date(2008, 7, 8)


@pytest.mark.parametrize(("bad", "refusal", "message"), [
    ({"item": "W2.3"}, InvalidInput, r"^条目 W2\.3 是窗口考评条目，不能记在人员名下（请用 --window）$"),
    ({"day": "2008-10-16"}, InvalidInput, "^日期 2008-10-16 在今天之后$"),
    ({"source": "rumour"}, InvalidInput, "^未知的检查记录来源：rumour"),
    ({"dq": "gaming"}, InvalidInput, r"^条目 S4\.1 不能认定为取消资格类型 gaming"),
    ({"window": ""}, InvalidInput, "^缺少窗口代码$"),
    ({"window": "W09"}, NotFound, "^未登记的窗口：W09$"),
    ({"staff": "S009"}, NotFound, "^未登记的人员：S009$"),
    ({"window": "W01"}, NotAllowed, "^S001（张三）在 2008-07-08 属于窗口 W02，不是窗口 W01$"),
    ({"staff": "S002", "day": "2008-06-10"}, NotAllowed, "^S002（李四）在 2008-06-10 属于任何窗口，不是窗口 W02$"),
])
def test_a_row_is_refused_as_its_finding_would_be_and_the_same_row_again_the_same_way(
    registry: Registry, cat: Catalogue, bad: dict[str, str], refusal: type[Exception], message: str
) -> None:
    check = SheetChecker(registry, cat, TODAY)
    for line in (2, 3):  # the second time from what the checker remembers
        with pytest.raises(refusal, match=message):
            check(row(line, **bad))


def test_a_sheet_with_bad_rows_is_refused_naming_the_sheet_the_first_and_every_other_bad_row(
    registry: Registry, cat: Catalogue
) -> None:
    rows = [row(2), row(3, window="W09"), row(4), row(5, item="S9.9")]
    every = "^week.csv 第3行：未登记的窗口：W09；另有 1 行有误：第5行：未知的考评条目代码：S9.9$"
    with pytest.raises(InvalidInput, match=every):
        check_sheet(sheet(rows), SheetChecker(registry, cat, TODAY))
    with pytest.raises(InvalidInput, match="^week.csv 第3行：未登记的窗口：W09$"):
        check_sheet(sheet(rows[:3]), SheetChecker(registry, cat, TODAY))


def test_a_good_sheet_gives_every_row_with_its_date_and_reports_progress_by_the_thousand(
    registry: Registry, cat: Catalogue
) -> None:
    rows = [row(n) for n in range(2, 2502)]
    told: list[int] = []
    checked = check_sheet(sheet(rows), SheetChecker(registry, cat, TODAY), told.append)
    assert [r.line for r in checked] == [r.line for r in rows] and {r.day for r in checked} == {date(2008, 7, 8)}
    assert told == [1000, 1000, 500]


CELLS = {  # mostly good cells, a few bad, so that rows repeat them: the checker then answers from what it remembers
    "day": ["2008-07-08", "2008-06-10", "2008-07-08", "2008-05-20", "2008-10-16", "07/08"],
    "window": ["W01", "W02", "W01", "W02", "W03", "W09", "W02 工商窗口"],
    "staff": ["", "S001", "S002", "", "S001", "S001 李四"],
    "item": ["S4.1", "W2.3", "S4.1", "W2.3", "S9.9"],
    "source": ["weekly", "weekly", "weekly", "rumour"],
    "dq": ["", "", "", "gaming"],
    "note": ["", "", "", "两行\n说明"],
}


def _outcome(check: SheetChecker, r: SheetRow) -> object:
    try:
        return check.values(r)
    except (InvalidInput, NotFound, NotAllowed) as exc:
        return type(exc), str(exc)


@given(st.lists(st.fixed_dictionaries({k: st.sampled_from(v) for k, v in CELLS.items()}), min_size=1, max_size=40))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_row_checked_from_remembered_verdicts_is_what_a_fresh_checker_makes_of_it_or_the_same_refusal(
    cat: Catalogue, rows: list[dict[str, str]]
) -> None:
    registry = Registry()  # conftest's two windows and two people, and W03 质监窗口 that left the center on 2008-07-01
    registry.apply(WINDOW_REGISTERED, {"code": "W01", "name": "工商窗口", "department": "县市场监督管理局"})
    registry.apply(WINDOW_REGISTERED, {"code": "W02", "name": "税务窗口", "department": "县税务局"})
    registry.apply(WINDOW_REGISTERED, {"code": "W03", "name": "质监窗口", "department": "县质监局"})
    registry.apply(WINDOW_CLOSED, {"code": "W03", "since": "2008-07-01"})
    registry.apply(STAFF_REGISTERED, {"staff_id": "S001", "name": "张三", "window": "W01", "since": "2008-05-01"})
    registry.apply(STAFF_MOVED, {"staff_id": "S001", "window": "W02", "since": "2008-06-01"})
    registry.apply(STAFF_REGISTERED, {"staff_id": "S002", "name": "李四", "window": "W02", "since": "2008-06-15"})
    shared = SheetChecker(registry, cat, TODAY)  # remembers every verdict: the fast path from the second time on
    for line, cells in enumerate(rows + rows, start=2):  # the second time round every cell has been seen
        r = row(line, **cells)
        assert _outcome(shared, r) == _outcome(SheetChecker(registry, cat, TODAY), r)
