"""Decisions of the registry's streams: the center's initialisation, a window (and its return), a person and their
rotations (a return to the center is one too).

Each takes the registry as far as the command read it (`Ledger.registry_of`), the catalogue and the stamp,
and returns the event to append or raises the refusal; they read and write nothing themselves.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from ledger import events as ev
from ledger import ids, text
from ledger.calendar import parse_date
from ledger.catalogue import Catalogue
from ledger.commands.checks import known_person, known_window, name_text, window_from
from ledger.commands.stamp import Stamp
from ledger.errors import Conflict, InvalidInput, NotAllowed
from ledger.registry import Registry


# A NamedTuple, not a frozen dataclass: every write imports this module, and a frozen dataclass costs ~1 ms to
# create (each generated method compiled), a NamedTuple a fifth of that (issue 15; ledger/catalogue.py).
class PersonStream(NamedTuple):
    """One person's stream as a command sees it: folded into the registry (empty when unregistered), and its
    version for the next event."""

    person: str
    registry: Registry
    version: int

    @property
    def name(self) -> str:
        """The registered name ("" when not registered)."""
        entry = self.registry.people.get(self.person)
        return entry["name"] if entry else ""

    @property
    def assignments(self) -> list[tuple[date, str | None]]:
        """(from, window) of every assignment, by day (window None: out of the center from that day)."""
        entry = self.registry.people.get(self.person)
        return [(date.fromisoformat(a["since"]), a["window"]) for a in entry["assignments"]] if entry else []


def since_date(cat: Catalogue, today: date, value: str, what: str = "起始日期") -> date:
    """The first day of an assignment (or of a window's time in the center, a leave, a new name): a real date from
    the rules' start to today."""
    day = parse_date(value, what)
    if day < cat.effective:
        raise InvalidInput(f"{what} {day} 早于考评办法施行日期 {cat.effective}")
    if day > today:
        # an assignment cannot be retracted, and a later one must follow it: a mistyped year would lock the person
        raise InvalidInput(f"{what} {day} 在今天之后（请在当天或之后登记）" if what != "起始日期"
                           else f"起始日期 {day} 在今天之后（请在到岗当天或之后登记）")
    return day


def initialise(center: Registry, cat: Catalogue, name: str, stamp: Stamp) -> ev.CenterInitialised:
    """The center adopts a catalogue, pinned by its hash; a second initialisation is refused."""
    name = text.line(name, "中心名称")
    if not name:
        raise InvalidInput("中心名称不能为空")
    if center.center is not None:
        raise Conflict("账本已经初始化过，不能重复初始化")
    return stamp.event(ev.CenterInitialised, ids.center_id(), 1, center=name, rules=cat.id,
                       rules_revision=cat.revision, rules_sha256=cat.sha256)


def register_window(registry: Registry, code: str, name: str, department: str, stamp: Stamp,
                    since: date | None = None) -> ev.WindowRegistered:
    """A window under a code not used before, taking part from `since` (D21)."""
    code = text.code(code, "窗口代码")
    name = text.line(name, "窗口名称")
    if not name:
        raise InvalidInput("窗口名称不能为空")
    if code in registry.windows:
        raise Conflict(f"窗口代码已存在：{code}")
    return stamp.event(ev.WindowRegistered, ids.window_id(code), 1, code=code, name=name,
                       department=text.line(department, "部门名称"), since=since)


def add_window(registry: Registry, cat: Catalogue, code: str, name: str, department: str, since: str | None,
               default: date, stamp: Stamp, version: int = 0) -> ev.WindowRegistered | ev.WindowReopened:
    """`window add`: a new window from `since` (default: `default`, the first day no frozen quarter holds, D21),
    or a window that left the center coming back from `since` (its stream at `version`)."""
    name, department = name_text(name, "窗口名称"), name_text(department, "部门名称", empty=True)
    day = since_date(cat, stamp.today, since, "进驻日期") if since else default
    code = text.code(code, "窗口代码")
    w = registry.windows.get(code)
    if w is None:
        return register_window(registry, code, name, department, stamp, day)
    last = w["presence"][-1]
    if last["open"]:
        raise Conflict(f"窗口代码已存在：{code}")
    if not since:
        raise NotAllowed(f"窗口 {code} 已于 {last['since']} 撤出中心；重新进驻请用 --from 指定日期")
    if day.isoformat() <= (last["since"] or ""):
        raise NotAllowed(f"重新进驻日期 {day} 必须晚于撤出日期 {last['since']}")
    return stamp.event(ev.WindowReopened, ids.window_id(code), version + 1, code=code, name=name,
                       department=department, since=day)


def register_staff(registry: Registry, cat: Catalogue, person: str, name: str, window: str, since: str,
                   stamp: Stamp) -> ev.StaffRegistered:
    """A person under an id not used before, with their first assignment to a registered window."""
    person = text.code(person, "人员编号")
    name = name_text(name, "姓名")  # D27: one line, nothing invisible
    day = since_date(cat, stamp.today, since)
    window_from(registry, window, day)
    if person in registry.people:
        raise Conflict(f"人员编号已存在：{person}")
    return stamp.event(ev.StaffRegistered, ids.staff_id(person), 1, staff_id=person, name=name, window=window,
                       since=day)


def move_staff(person: PersonStream, windows: Registry, cat: Catalogue, window: str, since: str,
               stamp: Stamp) -> ev.StaffMoved:
    """A rotation (轮换) to another window in the center, from a day after the person's last assignment; for a
    person who left the center, their return (D22)."""
    day = since_date(cat, stamp.today, since)
    known_window(windows, window)
    entry = known_person(person.registry, person.person)
    window_from(windows, window, day)
    last = entry["assignments"][-1]
    last_since = date.fromisoformat(last["since"])
    if day <= last_since:
        doing = "回到中心的日期" if last["window"] is None else "轮换日期"
        raise NotAllowed(f"{doing} {day} 必须晚于上次{'离开' if last['window'] is None else '分配'}日期 {last_since}")
    if window == last["window"]:
        raise NotAllowed(f"{person.person}（{entry['name']}）已在窗口 {window}")
    return stamp.event(ev.StaffMoved, ids.staff_id(person.person), person.version + 1, staff_id=person.person,
                       window=window, since=day)
