"""The center over time as pure decisions (RULES.md D21, D22, D24): a window added from a day, closed and reopened,
a person leaving, names changed or corrected — each event and each refusal, by hand."""

from __future__ import annotations

from datetime import date

import pytest

from ledger import events as ev
from ledger import ids
from ledger.catalogue import Catalogue
from ledger.commands import registry as decide
from ledger.commands import tenure
from ledger.commands.registry import PersonStream
from ledger.commands.stamp import Stamp
from ledger.commands.tenure import StandingFact
from ledger.errors import Conflict, InvalidInput, NotAllowed
from ledger.registry import STAFF_LEFT, WINDOW_CLOSED, Registry


def nothing(day: date) -> list[StandingFact]:
    return []


def person(registry: Registry, staff_id: str, version: int) -> PersonStream:
    return PersonStream(staff_id, Registry(people={staff_id: registry.people[staff_id]}), version)


def test_d21_a_window_added_from_a_day_carries_it_and_without_one_takes_the_default(
        cat: Catalogue, stamp: Stamp) -> None:
    e = decide.add_window(Registry(), cat, "W03", "公安窗口", "县公安局", "2008-08-01", date(2008, 5, 1), stamp)
    assert isinstance(e, ev.WindowRegistered) and e.since == date(2008, 8, 1)
    e = decide.add_window(Registry(), cat, "W03", "公安窗口", "", None, date(2008, 10, 1), stamp)
    assert isinstance(e, ev.WindowRegistered) and e.since == date(2008, 10, 1)


def test_d21_closing_a_window_refuses_while_anyone_is_assigned_to_it_then_or_later(
        registry: Registry, cat: Catalogue, stamp: Stamp) -> None:
    with pytest.raises(NotAllowed, match="^窗口 W02 在 2008-09-01 及以后仍有人员：S001（张三）、S002（李四）"):
        tenure.close_window(registry, cat, "W02", "2008-09-01", None, nothing, stamp, 1)
    with pytest.raises(NotAllowed, match="^窗口 W01 在 2008-05-20 及以后仍有人员：S001（张三）"):
        tenure.close_window(registry, cat, "W01", "2008-05-20", None, nothing, stamp, 1)  # S001 until 05-31
    e = tenure.close_window(registry, cat, "W01", "2008-06-01", "  撤出大厅 ", nothing, stamp, 1)
    assert isinstance(e, ev.WindowClosed)
    assert (e.originator_id, e.originator_version, e.code, e.since, e.reason) == (
        ids.window_id("W01"), 2, "W01", date(2008, 6, 1), "撤出大厅")


def test_d21_closing_a_window_refuses_while_its_own_facts_are_dated_then_naming_them(
        registry: Registry, cat: Catalogue, stamp: Stamp) -> None:
    def facts(day: date) -> list[StandingFact]:
        return [StandingFact(f"f{n}", "finding", "2008-07-0" + str(n)) for n in range(1, 8)]
    with pytest.raises(NotAllowed, match=r"检查记录 f1（2008-07-01）.*检查记录 f5（2008-07-05） 等 7 条"):
        tenure.close_window(registry, cat, "W01", "2008-06-01", None, facts, stamp, 1)


def test_d21_a_closed_window_returns_from_a_later_day_under_the_name_given(
        registry: Registry, cat: Catalogue, stamp: Stamp) -> None:
    registry.apply(WINDOW_CLOSED, {"code": "W01", "since": "2008-06-01"})
    with pytest.raises(NotAllowed, match="^窗口 W01（工商窗口）已于 2008-06-01 撤出中心$"):
        tenure.close_window(registry, cat, "W01", "2008-07-01", None, nothing, stamp, 2)
    with pytest.raises(NotAllowed, match="^重新进驻日期 2008-06-01 必须晚于撤出日期 2008-06-01$"):
        decide.add_window(registry, cat, "W01", "市场监管窗口", "", "2008-06-01", date(2008, 5, 1), stamp, 2)
    e = decide.add_window(registry, cat, "W01", "市场监管窗口", "县市场监督管理局", "2008-08-01", date(2008, 5, 1),
                          stamp, 2)
    assert isinstance(e, ev.WindowReopened)
    assert (e.originator_version, e.name, e.since) == (3, "市场监管窗口", date(2008, 8, 1))
    with pytest.raises(Conflict, match="^窗口代码已存在：W02$"):
        decide.add_window(registry, cat, "W02", "税务窗口", "", "2008-08-01", date(2008, 5, 1), stamp)


def test_d22_a_leave_follows_the_last_assignment_and_is_refused_twice(
        registry: Registry, cat: Catalogue, stamp: Stamp) -> None:
    with pytest.raises(NotAllowed, match="^离开日期 2008-06-01 必须晚于上次分配日期 2008-06-01$"):
        tenure.leave_staff(person(registry, "S001", 2), cat, "2008-06-01", None, nothing, stamp)
    e = tenure.leave_staff(person(registry, "S001", 2), cat, "2008-08-15", "借调期满", nothing, stamp)
    assert isinstance(e, ev.StaffLeft)
    assert (e.originator_id, e.originator_version, e.since, e.reason) == (
        ids.staff_id("S001"), 3, date(2008, 8, 15), "借调期满")
    registry.apply(STAFF_LEFT, {"staff_id": "S001", "since": "2008-08-15"})
    with pytest.raises(NotAllowed, match="^S001（张三）已于 2008-08-15 离开中心$"):
        tenure.leave_staff(person(registry, "S001", 3), cat, "2008-09-01", None, nothing, stamp)
    back = decide.move_staff(person(registry, "S001", 3), registry, cat, "W01", "2008-09-01", stamp)
    assert (back.window, back.since) == ("W01", date(2008, 9, 1))


@pytest.mark.parametrize(("since", "message"), [
    ("2008-04-30", "^离开日期 2008-04-30 早于考评办法施行日期 2008-05-01$"),
    ("2008-10-16", "^离开日期 2008-10-16 在今天之后"),
    ("2008/08/15", "^离开日期格式应为 YYYY-MM-DD"),
])
def test_d22_a_leave_dated_before_the_rules_or_after_today_is_refused(
        registry: Registry, cat: Catalogue, stamp: Stamp, since: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        tenure.leave_staff(person(registry, "S001", 2), cat, since, None, nothing, stamp)


def test_d22_a_late_leave_is_refused_naming_the_facts_dated_on_or_after_it(
        registry: Registry, cat: Catalogue, stamp: Stamp) -> None:
    asked: list[date] = []

    def facts(day: date) -> list[StandingFact]:
        asked.append(day)
        return [StandingFact("abc", "complaint", "2008-08-20")]
    with pytest.raises(NotAllowed, match="^S001（张三）在 2008-08-15 及以后还有记录：投诉 abc（2008-08-20）；"):
        tenure.leave_staff(person(registry, "S001", 2), cat, "2008-08-15", None, facts, stamp)
    assert asked == [date(2008, 8, 15)]


def test_d24_a_rename_from_a_day_must_follow_the_last_one_and_a_correction_carries_no_day(
        registry: Registry, cat: Catalogue, stamp: Stamp) -> None:
    e = tenure.rename_window(registry, cat, "W01", "市场监管窗口", None, "2008-07-01", stamp, 1)
    assert (e.name, e.department, e.since) == ("市场监管窗口", "县市场监督管理局", date(2008, 7, 1))
    registry.apply("ledger.events:WindowRenamed", {"code": "W01", "name": e.name, "department": e.department,
                                                    "since": "2008-07-01"})
    with pytest.raises(NotAllowed, match="^新名称的启用日期 2008-06-01 必须晚于上次更名日期 2008-07-01$"):
        tenure.rename_window(registry, cat, "W01", "工商局窗口", None, "2008-06-01", stamp, 2)
    fix = tenure.rename_window(registry, cat, "W01", "市场监督窗口", "", None, stamp, 2)
    assert (fix.name, fix.department, fix.since) == ("市场监督窗口", "", None)
    assert registry.window_name("W01", "2008-06-30") == ("工商窗口", "县市场监督管理局")
    s = tenure.rename_staff(person(registry, "S001", 2), cat, " 张叁 ", None, stamp)
    assert (s.originator_version, s.name, s.since) == (3, "张叁", None)
    with pytest.raises(NotAllowed, match="^S001 的姓名已是「张三」，无需更改$"):
        tenure.rename_staff(person(registry, "S001", 2), cat, "张三", "2008-08-01", stamp)
