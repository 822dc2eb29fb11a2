"""D23 as a property: the same dated registry facts and findings give the same results whatever order they were
entered in (a move or leave entered after the facts it re-attributes counts exactly as one entered before them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.projections.conftest import Center, small_center

START = date(2008, 5, 1)
LAST = date(2008, 9, 30)
JOINS = "2008-06-01"  # W3 takes part from this day on
PEOPLE = ("P1", "P2", "P3")


@dataclass(frozen=True)
class Step:
    """One dated entry; steps of one `chain` (a person's registry, a subject's names) keep their date order."""

    chain: str
    day: str
    kind: str
    args: tuple[Any, ...]

    def run(self, c: Center) -> None:
        lg = c.ledger
        if self.kind == "move":
            lg.move_staff(self.args[0], self.args[1], self.day)
        elif self.kind == "leave":
            lg.leave_staff(self.args[0], self.day, "借调期满")
        elif self.kind == "rename-window":
            lg.rename_window(self.args[0], self.args[1], since=self.day)
        elif self.kind == "rename-staff":
            lg.rename_staff(self.args[0], self.args[1], since=self.day)
        elif self.kind == "find-staff":
            c.find(self.args[0], staff=self.args[1], day=self.day)
        elif self.kind == "find-window":
            c.find(self.args[0], window=self.args[1], day=self.day)
        else:
            c.bonus(self.args[0], staff=self.args[1], day=self.day, level=self.args[2])


def iso(n: int) -> str:
    return (START + timedelta(days=n)).isoformat()


SPAN = (LAST - START).days


@st.composite
def dated_entries(draw: st.DrawFn) -> list[Step]:
    """Moves, one leave, renames from a day, findings and verified claims, each valid in any order of entry."""
    steps: list[Step] = []
    leave_on: dict[str, int] = {}
    for person in PEOPLE:
        at = "W2" if person == "P3" else "W1"  # small_center's first assignments
        days = sorted(draw(st.sets(st.integers(1, SPAN), max_size=3)))
        leaves = person == "P3" and days and draw(st.booleans())
        for i, n in enumerate(days):
            if leaves and i == len(days) - 1:
                steps.append(Step(person, iso(n), "leave", (person,)))
                leave_on[person] = n
            else:
                open_then = ["W1", "W2", "W3"] if iso(n) >= JOINS else ["W1", "W2"]
                at = draw(st.sampled_from([w for w in open_then if w != at]))
                steps.append(Step(person, iso(n), "move", (person, at)))
    for n, name in enumerate(sorted(draw(st.sets(st.integers(1, SPAN), max_size=2)))):
        steps.append(Step("W1", iso(name), "rename-window", ("W1", f"窗口一{n}")))
    for n, name in enumerate(sorted(draw(st.sets(st.integers(1, SPAN), max_size=1)))):
        steps.append(Step("P1", iso(name), "rename-staff", ("P1", f"人员一{n}")))
    for _ in range(draw(st.integers(0, 10))):
        n = draw(st.integers(0, SPAN))
        kind = draw(st.sampled_from(["find-staff", "find-staff", "find-window", "claim"]))
        if kind == "find-window":
            window = draw(st.sampled_from(["W1", "W2", "W3"] if iso(n) >= JOINS else ["W1", "W2"]))
            steps.append(Step(f"fact{len(steps)}", iso(n), kind, (draw(st.sampled_from(["W1.1", "W2.5"])), window)))
            continue
        person = draw(st.sampled_from(PEOPLE))
        if person in leave_on and n >= leave_on[person]:
            n = leave_on[person] - 1
        if kind == "claim":
            level = draw(st.sampled_from([None, "county"]))
            steps.append(Step(f"fact{len(steps)}", iso(n), kind, ("honour" if level else "measure", person, level)))
        else:
            steps.append(Step(f"fact{len(steps)}", iso(n), kind,
                              (draw(st.sampled_from(["S1.1", "S2.4", "S3.1", "S4.1"])), person)))
    return steps


def interleave(steps: list[Step], order: list[int]) -> list[Step]:
    """The steps in a drawn order, each chain's own steps put back in date order into the places it holds."""
    placed = [steps[i] for i in order]
    by_chain: dict[str, list[Step]] = {}
    for s in placed:
        by_chain.setdefault(s.chain, []).append(s)
    for chain in by_chain.values():
        chain.sort(key=lambda s: s.day)
    taken = {k: iter(v) for k, v in by_chain.items()}
    return [next(taken[s.chain]) for s in placed]


def results_after(steps: list[Step]) -> dict[str, Any]:
    with small_center() as c:
        c.ledger.add_window("W3", "窗口W3", since=JOINS)
        for s in steps:
            s.run(c)
        views = c.views()
        return {q: views.report(q) for q in ("2008Q2", "2008Q3", "2008Q4")}


@settings(max_examples=15, deadline=None)
@given(dated_entries(), st.data())
def test_the_results_do_not_depend_on_the_order_dated_registry_facts_and_findings_were_entered_in(
        steps: list[Step], data: st.DataObject) -> None:
    by_date = sorted(steps, key=lambda s: s.day)  # as if everything had been entered on its day
    shuffled = interleave(steps, data.draw(st.permutations(range(len(steps)))))
    assert results_after(shuffled) == results_after(by_date)
