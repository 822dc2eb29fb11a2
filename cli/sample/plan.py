"""The sample quarter's planning board: who acts, the calendar, dated steps and the registry they plan with."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from uuid import UUID

from cli.sample import data
from ledger.app import Ledger
from ledger.registry import STAFF_MOVED, STAFF_REGISTERED, WINDOW_REGISTERED, Registry

WEEKLY = "值周组 钱志强"
DUTY = "中心值班室 陆晓峰"
PATROL = "督查科 沈红梅"
OFFICE = "督查科 姚建华"
PARTY = "中心党组"


@dataclass(order=True)
class Action:
    """One dated step of the sample quarter; steps run in date order, then in the order written."""

    day: date
    seq: int
    actor: str = field(compare=False)
    run: Callable[[Ledger], object] = field(compare=False)



@dataclass
class Scenario:
    """The sample quarter as dated steps, the registry they plan with (D2 through `Registry.window_on`), and
    what the steps produced (ids by name)."""

    workdir: Path
    rng: random.Random
    actions: list[Action] = field(default_factory=list)
    ids: dict[str, UUID] = field(default_factory=dict)
    people: dict[str, list[str]] = field(default_factory=dict)  # window -> staff ids (from OPENED)
    registry: Registry = field(default_factory=Registry)
    _files: int = 0

    def at(self, day: date | str, actor: str, run: Callable[[Ledger], object]) -> None:
        """Schedule a step on a day."""
        d = day if isinstance(day, date) else date.fromisoformat(day)
        self.actions.append(Action(d, len(self.actions), actor, run))

    def evidence(self, title: str, body: str) -> str:
        """Write an evidence file (a scanned notice, in the sample) and return its path."""
        self._files += 1
        path = self.workdir / f"{self._files:03d}-{title}.txt"
        path.write_text(f"{title}\n\n{body}\n", encoding="utf-8")
        return str(path)


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(n) for n in range((last - first).days + 1)]


QUARTER_FIRST, QUARTER_LAST = date(2008, 7, 1), date(2008, 9, 30)
WORKDAYS = [d for d in _days(QUARTER_FIRST, QUARTER_LAST) if d.weekday() < 5]


def register_window(sc: Scenario, w: data.SampleWindow) -> None:
    """Plan a window's registration on the opening day."""
    sc.registry.apply(WINDOW_REGISTERED, {"code": w.code, "name": w.name, "department": w.department})
    sc.at(data.OPENED, OFFICE, lambda lg: lg.add_window(w.code, w.name, w.department))


def register_staff(sc: Scenario, person: str, name: str, window: str) -> None:
    """Plan a person's registration at a window from the opening day."""
    sc.registry.apply(STAFF_REGISTERED, {"staff_id": person, "name": name, "window": window, "since": data.OPENED})
    sc.at(data.OPENED, OFFICE, lambda lg: lg.add_staff(person, name, window, data.OPENED))


def registry(sc: Scenario) -> None:
    """Thirty windows of real county departments and about 150 people, all from the opening day."""
    names = iter(data.staff_names(sum(w.staff for w in data.WINDOWS)))
    n = 0
    for w in data.WINDOWS:
        register_window(sc, w)
        sc.people[w.code] = []
        for _ in range(w.staff):
            n += 1
            pid = f"CX{n:03d}"
            sc.people[w.code].append(pid)
            register_staff(sc, pid, next(names), w.code)


def move(sc: Scenario, person: str, window: str, day: str, entered: str | None = None) -> None:
    """Plan a rotation (轮换) from a day, entered that day or (`entered`) later, after facts it re-attributes."""
    sc.registry.apply(STAFF_MOVED, {"staff_id": person, "window": window, "since": day})
    sc.at(entered or day, OFFICE, lambda lg: lg.move_staff(person, window, day))
