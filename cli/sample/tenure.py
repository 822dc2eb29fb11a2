"""The sample quarter's center over time (D21–D24): a window that joins in August, one that leaves in September, a
person seconded back in August, a rename, a name corrected, and a move entered late that moves a window deduction.

Planned on the scenario's registry before any fact is, so the random facts of the quarter keep to the days each
window and person was in the center (findings.py steers them, drawing nothing more from the random source: the rest
of the sample stays as it was before these steps were added).
"""

from __future__ import annotations

from functools import partial

from cli.sample.findings import record_finding
from cli.sample.plan import OFFICE, Scenario, move
from ledger.app import Ledger
from ledger.registry import (
    STAFF_LEFT,
    STAFF_REGISTERED,
    STAFF_RENAMED,
    WINDOW_CLOSED,
    WINDOW_REGISTERED,
    WINDOW_RENAMED,
)

JOINS = ("RF", "人防窗口", "县人民防空办公室", "2008-08-01")
NEWCOMERS = (("CX201", "钟丽萍"), ("CX202", "戴海波"))
LEAVES = ("QX", "2008-09-01", "防雷装置审核业务划转县气象局直接办理，窗口撤出中心")
RENAMED = ("JM", "商务窗口", "县商务局", "2008-09-01")  # 县经贸委 reorganised as 县商务局
LATE_MOVE = ("HZ", "2008-07-28", "2008-08-11")  # to 户政窗口 from 07-28, entered on 08-11 when the papers came


def tenure(sc: Scenario) -> None:
    """Plan the registry's changes of the quarter and the facts that show them."""
    p = sc.people
    cast = {"seconded": p["GJJ"][3], "late_moved": p["CG"][4], "corrected": p["WS"][0],
            "withdrawn1": p["QX"][0], "withdrawn2": p["QX"][1]}

    _joins(sc)
    _seconded_back(sc, cast["seconded"])
    _withdrawn(sc, cast["withdrawn1"], cast["withdrawn2"])
    _renamed(sc, cast["corrected"])
    _late_move(sc, cast["late_moved"])


def _joins(sc: Scenario) -> None:
    """A department moves its window into the hall on 08-01, with two people; listed from 2008Q3 on (D21)."""
    code, name, department, since = JOINS
    sc.registry.apply(WINDOW_REGISTERED, {"code": code, "name": name, "department": department, "since": since})
    sc.at(since, OFFICE, lambda lg: lg.add_window(code, name, department, since))
    for pid, person in NEWCOMERS:
        sc.registry.apply(STAFF_REGISTERED, {"staff_id": pid, "name": person, "window": code, "since": since})
        sc.at(since, OFFICE, partial(Ledger.add_staff, person=pid, name=person, window=code, since=since))
    record_finding(sc, None, "2008-08-20", "W4.3", "duty", window=code, note="便民用品缺少老花镜")



def _seconded_back(sc: Scenario, seconded: str) -> None:
    """借调期满: worked July and half of August, then went back to their department (listed in Q3, no star, D22)."""
    sc.registry.apply(STAFF_LEFT, {"staff_id": seconded, "since": "2008-08-18"})
    sc.at("2008-08-18", OFFICE, lambda lg: lg.leave_staff(seconded, "2008-08-18", "借调期满，回县住房公积金管理中心"))



def _withdrawn(sc: Scenario, *people: str) -> None:
    """A window leaves the center: its people go back first, then the window closes (D21)."""
    code, since, reason = LEAVES
    for who in people:
        sc.registry.apply(STAFF_LEFT, {"staff_id": who, "since": since})
        sc.at(since, OFFICE, partial(Ledger.leave_staff, person=who, since=since, reason="随防雷窗口撤出，回县气象局"))
    sc.registry.apply(WINDOW_CLOSED, {"code": code, "since": since})
    sc.at(since, OFFICE, lambda lg: lg.close_window(code, since, reason))



def _renamed(sc: Scenario, corrected: str) -> None:
    """A department reorganised gives its window a new name from a day; a slip in a person's name is corrected
    (D24)."""
    code, name, department, since = RENAMED
    sc.registry.apply(WINDOW_RENAMED, {"code": code, "name": name, "department": department, "since": since})
    sc.at(since, OFFICE, lambda lg: lg.rename_window(code, name, department, since))
    new_name = sc.registry.people[corrected]["name"][:1] + "晓雯"
    sc.registry.apply(STAFF_RENAMED, {"staff_id": corrected, "name": new_name, "since": None})
    sc.at("2008-07-03", OFFICE, lambda lg: lg.rename_staff(corrected, new_name))  # a slip in the registration



def _late_move(sc: Scenario, late: str) -> None:
    """A rotation whose papers came late: the 值班 finding of 08-05 was recorded against 车管窗口, and counts for
    户政窗口 once the move dated 07-28 is entered (D23)."""
    record_finding(sc, None, "2008-08-05", "S1.2", "duty", staff=late, note="接待办事群众语气生硬")
    window, since, entered = LATE_MOVE
    move(sc, late, window, since, entered=entered)
