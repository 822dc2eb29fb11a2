"""A sheet's rows checked as pure functions: each row as one finding is checked, the sheet all or none."""

from __future__ import annotations

from datetime import date

import pytest

from ledger.catalogue import Catalogue
from ledger.commands.sheet_rows import SheetChecker, check_sheet
from ledger.errors import InvalidInput, NotAllowed, NotFound
from ledger.registry import Registry
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
