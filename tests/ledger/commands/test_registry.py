"""The registry's decisions as pure functions: the center, a window, a person, a rotation — each event and refusal."""

from __future__ import annotations

from datetime import date

import pytest

from ledger import events as ev
from ledger import ids
from ledger.catalogue import Catalogue
from ledger.commands import registry as decide
from ledger.commands.registry import PersonStream
from ledger.commands.stamp import Stamp
from ledger.errors import Conflict, InvalidInput, NotAllowed, NotFound
from ledger.registry import CENTER_INITIALISED, Registry


def person(registry: Registry, staff_id: str, version: int) -> PersonStream:
    """The person's stream as the ledger would read it: only their own entry, and its version."""
    own = Registry(people={staff_id: registry.people[staff_id]}) if staff_id in registry.people else Registry()
    return PersonStream(staff_id, own, version)


def test_initialising_a_center_adopts_the_catalogue_pinned_by_its_hash(cat: Catalogue, stamp: Stamp) -> None:
    e = decide.initialise(Registry(), cat, "  长兴县行政服务中心 ", stamp)
    assert isinstance(e, ev.CenterInitialised)
    assert (e.originator_id, e.originator_version, e.timestamp, e.actor) == (ids.center_id(), 1, stamp.at, stamp.actor)
    assert (e.center, e.rules, e.rules_revision) == ("长兴县行政服务中心", "changxing-2008", 1)
    assert e.rules_sha256 == cat.sha256


def test_a_center_without_a_name_is_refused(cat: Catalogue, stamp: Stamp) -> None:
    with pytest.raises(InvalidInput, match="^中心名称不能为空$"):
        decide.initialise(Registry(), cat, "   ", stamp)


def test_a_second_initialisation_is_refused(cat: Catalogue, stamp: Stamp) -> None:
    center = Registry()
    center.apply(CENTER_INITIALISED, {"center": "中心", "rules": cat.id, "rules_sha256": cat.sha256})
    with pytest.raises(Conflict, match="^账本已经初始化过，不能重复初始化$"):
        decide.initialise(center, cat, "中心", stamp)


def test_registering_a_window_trims_its_code_name_and_department(stamp: Stamp) -> None:
    e = decide.register_window(Registry(), " W03 ", " 公安窗口 ", " 县公安局 ", stamp)
    assert isinstance(e, ev.WindowRegistered)
    assert (e.originator_id, e.originator_version) == (ids.window_id("W03"), 1)
    assert (e.code, e.name, e.department) == ("W03", "公安窗口", "县公安局")


@pytest.mark.parametrize("code", ["", "W 3", "W3,W4", "W\t3"])
def test_a_window_code_that_is_empty_or_holds_a_space_or_comma_is_refused(code: str, stamp: Stamp) -> None:
    with pytest.raises(InvalidInput, match="^窗口代码不能为空，且不能含空格或逗号："):
        decide.register_window(Registry(), code, "窗口", "", stamp)


def test_a_window_without_a_name_is_refused(stamp: Stamp) -> None:
    with pytest.raises(InvalidInput, match="^窗口名称不能为空$"):
        decide.register_window(Registry(), "W03", " ", "", stamp)


def test_a_window_code_already_registered_is_refused(registry: Registry, stamp: Stamp) -> None:
    with pytest.raises(Conflict, match="^窗口代码已存在：W01$"):
        decide.register_window(registry, "W01", "又一个工商窗口", "", stamp)


def test_registering_a_person_assigns_them_to_a_registered_window_from_a_day(
    registry: Registry, cat: Catalogue, stamp: Stamp
) -> None:
    e = decide.register_staff(registry, cat, " S003 ", " 王五 ", "W01", "2008-09-01", stamp)
    assert isinstance(e, ev.StaffRegistered)
    assert (e.originator_id, e.originator_version) == (ids.staff_id("S003"), 1)
    assert (e.staff_id, e.name, e.window, e.since) == ("S003", "王五", "W01", date(2008, 9, 1))


@pytest.mark.parametrize(("args", "refusal", "message"), [
    (("S 3", "王五", "W01", "2008-09-01"), InvalidInput, "^人员编号不能为空，且不能含空格或逗号：'S 3'$"),
    (("S003", "", "W01", "2008-09-01"), InvalidInput, "^姓名不能为空$"),
    (("S003", "王五", "W01", "2008/09/01"), InvalidInput, "^起始日期格式应为 YYYY-MM-DD：'2008/09/01'$"),
    (("S003", "王五", "W01", "2008-04-30"), InvalidInput, "^起始日期 2008-04-30 早于考评办法施行日期 2008-05-01$"),
    (("S003", "王五", "W01", "2008-10-16"), InvalidInput, "^起始日期 2008-10-16 在今天之后（请在到岗当天或之后登记）$"),
    (("S003", "王五", "", "2008-09-01"), InvalidInput, "^缺少窗口代码$"),
    (("S003", "王五", "W09", "2008-09-01"), NotFound, "^未登记的窗口：W09$"),
    (("S001", "张三", "W01", "2008-09-01"), Conflict, "^人员编号已存在：S001$"),
])
def test_registering_a_person_refuses_each_bad_argument_in_turn(
    registry: Registry, cat: Catalogue, stamp: Stamp, args: tuple[str, str, str, str], refusal: type[Exception],
    message: str
) -> None:
    with pytest.raises(refusal, match=message):
        decide.register_staff(registry, cat, *args, stamp)


def test_a_rotation_is_the_next_version_of_the_persons_stream(registry: Registry, cat: Catalogue,
                                                              stamp: Stamp) -> None:
    e = decide.move_staff(person(registry, "S001", 2), registry, cat, "W01", "2008-08-01", stamp)
    assert isinstance(e, ev.StaffMoved)
    assert (e.originator_id, e.originator_version) == (ids.staff_id("S001"), 3)
    assert (e.staff_id, e.window, e.since) == ("S001", "W01", date(2008, 8, 1))


@pytest.mark.parametrize(("who", "window", "since", "refusal", "message"), [
    ("S001", "W01", "2008-10-16", InvalidInput, "^起始日期 2008-10-16 在今天之后"),
    ("S001", "W09", "2008-08-01", NotFound, "^未登记的窗口：W09$"),
    ("S009", "W01", "2008-08-01", NotFound, "^未登记的人员：S009$"),
    ("", "W01", "2008-08-01", InvalidInput, "^缺少人员编号$"),
    ("S001", "W01", "2008-06-01", NotAllowed, "^轮换日期 2008-06-01 必须晚于上次分配日期 2008-06-01$"),
    ("S001", "W02", "2008-08-01", NotAllowed, "^S001（张三）已在窗口 W02$"),
])
def test_a_rotation_refuses_a_bad_day_window_or_person_and_a_move_that_is_no_move(
    registry: Registry, cat: Catalogue, stamp: Stamp, who: str, window: str, since: str, refusal: type[Exception],
    message: str
) -> None:
    with pytest.raises(refusal, match=message):
        decide.move_staff(person(registry, who, 2), registry, cat, window, since, stamp)


def test_a_persons_stream_shows_their_name_and_assignments_by_day(registry: Registry) -> None:
    st = person(registry, "S001", 2)
    assert st.name == "张三"
    assert st.assignments == [(date(2008, 5, 1), "W01"), (date(2008, 6, 1), "W02")]
    assert (person(registry, "S009", 0).name, person(registry, "S009", 0).assignments) == ("", [])
