"""Decisions of the center over time: a window leaves the center (D21), a person leaves it (D22), a name changes or
is corrected (D24).

Pure, like every decision: the registry as the command read it, the catalogue, the stamp, and — for a leave — a
way to list the facts still standing from a day on (called only once everything else has passed), in; the event
or the refusal out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, NamedTuple

from ledger import events as ev
from ledger import ids
from ledger.calendar import quarter_bounds
from ledger.catalogue import Catalogue
from ledger.commands.checks import known_person, known_window, name_text
from ledger.commands.registry import PersonStream, since_date
from ledger.commands.stamp import Stamp
from ledger.errors import NotAllowed
from ledger.registry import Assignment, Registry
from ledger.storage.fact_scan import SCANNED, standing_facts
from ledger.storage.rows import decode_raw
from ledger.topics import topic

if TYPE_CHECKING:
    from ledger.storage.reader import ReadableLedger

SHOWN_FACTS = 5
"""How many of the facts that block a leave a refusal names (then how many more)."""


# A NamedTuple, not a frozen dataclass: every write imports this module, and a frozen dataclass costs ~1 ms to
# create (each generated method compiled), a NamedTuple a fifth of that (issue 15; ledger/catalogue.py).
class StandingFact(NamedTuple):
    """A fact about a window or person that still counts or waits (not retracted, rejected or dismissed)."""

    fact_id: str
    kind: str  # finding, claim or complaint
    day: str


FactsFrom = Callable[[date], Sequence[StandingFact]]
"""The standing facts about the subject dated on or after a day (the ledger scans for them)."""


SHORTLISTS = frozenset({topic("ShortlistFrozen")})
KINDS = {"finding": "检查记录", "claim": "加分申报", "complaint": "投诉"}


def _blocking(facts: Sequence[StandingFact], who: str, day: date) -> None:
    """Refuse a leave that facts dated on or after it contradict, naming them (D22)."""
    if not facts:
        return
    shown = "、".join(f"{KINDS.get(f.kind, f.kind)} {f.fact_id}（{f.day}）" for f in facts[:SHOWN_FACTS])
    more = f" 等 {len(facts)} 条" if len(facts) > SHOWN_FACTS else ""
    raise NotAllowed(f"{who}在 {day} 及以后还有记录：{shown}{more}；请先撤回或更正这些记录，或改用正确的日期")


def _reason(text: str | None) -> str:
    return name_text(text, "原因", empty=True)


def close_window(registry: Registry, cat: Catalogue, code: str, since: str, reason: str | None,
                 facts_from: FactsFrom, stamp: Stamp, version: int) -> ev.WindowClosed:
    """A window in the center leaves it from a day after it came (撤出, D21); refused while anyone is assigned to it
    on that day or later, or while facts about the window itself are dated then."""
    code = known_window(registry, code)
    day = since_date(cat, stamp.today, since, "撤出日期")
    why = _reason(reason)
    w = registry.windows[code]
    last = w["presence"][-1]
    if not last["open"]:
        raise NotAllowed(f"窗口 {code}（{w['name']}）已于 {last['since']} 撤出中心")
    if last["since"] is not None and day.isoformat() <= last["since"]:
        raise NotAllowed(f"撤出日期 {day} 必须晚于窗口进驻日期 {last['since']}")
    staying = sorted(pid for pid, p in registry.people.items() if _at_window_from(p["assignments"], code, day))
    if staying:
        names = "、".join(f"{pid}（{registry.people[pid]['name']}）" for pid in staying[:SHOWN_FACTS])
        more = f" 等 {len(staying)} 人" if len(staying) > SHOWN_FACTS else ""
        raise NotAllowed(f"窗口 {code} 在 {day} 及以后仍有人员：{names}{more}；请先办理轮换或离开"
                         "（kaoping staff move / staff leave）")
    _blocking(facts_from(day), f"窗口 {code}（{w['name']}）", day)
    return stamp.event(ev.WindowClosed, ids.window_id(code), version + 1, code=code, since=day, reason=why)


def _at_window_from(assignments: Sequence[Assignment], code: str, day: date) -> bool:
    """Whether a person's assignments (ordered by day) put them at the window on the day or any later day."""
    iso = day.isoformat()
    current = None
    for a in assignments:
        if a["since"] > iso:
            if a["window"] == code:
                return True
        else:
            current = a["window"]
    return current == code


def leave_staff(person: PersonStream, cat: Catalogue, since: str, reason: str | None, facts_from: FactsFrom,
                stamp: Stamp) -> ev.StaffLeft:
    """A person in the center leaves it from a day after their last assignment (调离/离职, D22); refused while facts
    about them are dated on or after it (the refusal names them)."""
    day = since_date(cat, stamp.today, since, "离开日期")
    why = _reason(reason)
    entry = known_person(person.registry, person.person)
    last = entry["assignments"][-1]
    if last["window"] is None:
        raise NotAllowed(f"{person.person}（{entry['name']}）已于 {last['since']} 离开中心")
    if day.isoformat() <= last["since"]:
        raise NotAllowed(f"离开日期 {day} 必须晚于上次分配日期 {last['since']}")
    _blocking(facts_from(day), f"{person.person}（{entry['name']}）", day)
    return stamp.event(ev.StaffLeft, ids.staff_id(person.person), person.version + 1, staff_id=person.person,
                       since=day, reason=why)


def _new_name_day(cat: Catalogue, stamp: Stamp, since: str | None, latest: str | None) -> date | None:
    """The day a new name takes effect (None: a correction), after the latest name's own day."""
    if not since:
        return None
    day = since_date(cat, stamp.today, since, "启用日期")
    if latest is not None and day.isoformat() <= latest:
        raise NotAllowed(f"新名称的启用日期 {day} 必须晚于上次更名日期 {latest}")
    return day


def rename_window(registry: Registry, cat: Catalogue, code: str, name: str, department: str | None,
                  since: str | None, stamp: Stamp, version: int) -> ev.WindowRenamed:
    """A window's new name (and department) from a day on, or, without a day, its name corrected (D24)."""
    code = known_window(registry, code)
    w = registry.windows[code]
    name = name_text(name, "窗口名称")
    latest = w["names"][-1]
    dept = latest["department"] if department is None else name_text(department, "部门名称", empty=True)
    day = _new_name_day(cat, stamp, since, latest["since"])
    if (name, dept) == (latest["name"], latest["department"]):
        raise NotAllowed(f"窗口 {code} 的名称和部门已是「{name}」「{dept}」，无需更改")
    return stamp.event(ev.WindowRenamed, ids.window_id(code), version + 1, code=code, name=name, department=dept,
                       since=day)


def rename_staff(person: PersonStream, cat: Catalogue, name: str, since: str | None,
                 stamp: Stamp) -> ev.StaffRenamed:
    """A person's new name from a day on, or, without a day, their name corrected (D24)."""
    entry = known_person(person.registry, person.person)
    name = name_text(name, "姓名")
    latest = entry["names"][-1]
    day = _new_name_day(cat, stamp, since, latest["since"])
    if name == latest["name"]:
        raise NotAllowed(f"{person.person} 的姓名已是「{name}」，无需更改")
    return stamp.event(ev.StaffRenamed, ids.staff_id(person.person), person.version + 1, staff_id=person.person,
                       name=name, since=day)


# --- what the steps read through a ledger -------------------------------------------------------------


def unfrozen_from(ledger: ReadableLedger) -> date:
    """D21's default first day of a new window: the first day after the last quarter already shortlisted (so a
    registration changes no frozen, decided or published quarter), or the rules' effective date."""
    frozen = [decode_raw(row[4])["quarter"] for page in ledger.pages(topics=SHORTLISTS) for row in page]
    if not frozen:
        return ledger.catalogue.effective
    return quarter_bounds(max(frozen))[1] + timedelta(days=1)  # YYYYQn sorts by time


def facts_from(ledger: ReadableLedger, *, window: str | None = None, staff: str | None = None) -> FactsFrom:
    """The standing facts about a window itself or a person from a day on, as the ledger holds them when asked."""
    def scan(day: date) -> list[StandingFact]:
        rows = ledger.pages(topics=SCANNED)
        return [StandingFact(*f) for f in standing_facts(rows, window=window, staff=staff, day=day.isoformat())]
    return scan
