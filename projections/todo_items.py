"""What `todo` lists (projections/todo.py) and what its sources read: apart, so a source in its own module (整改 and
回访, projections/rectify_todo.py) builds items without importing the list that gathers it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from ledger.catalogue import Catalogue
from ledger.registry import Registry
from ledger.workdays import WorkCalendar
from projections.fold.state import QuarterState


@dataclass(frozen=True)
class TodoItem:
    """One thing waiting: its kind, short id, subject, a Chinese summary, due date (None: no deadline), and
    `age`, the ledger position it has waited since (what orders the undated); `quarter` for `publish`'s warning."""

    kind: str
    id: str
    subject: str
    summary: str
    due: date | None
    quarter: str
    age: int

    def overdue(self, today: date) -> bool:
        """Whether its due date has passed."""
        return self.due is not None and today > self.due

    def to_json(self, today: date) -> dict[str, Any]:
        """The item as `todo --json` prints it (CLI.md)."""
        return {"kind": self.kind, "id": self.id, "subject": self.subject, "summary": self.summary,
                "due": self.due.isoformat() if self.due else None, "overdue": self.overdue(today)}


@dataclass(frozen=True)
class TodoContext:
    """What a source reads: each quarter's fold state, the registry, the rules, the working-day calendar, today."""

    quarters: dict[str, QuarterState]
    registry: Registry
    catalogue: Catalogue
    calendar: WorkCalendar
    today: date


TodoSource = Callable[[TodoContext], Iterable[TodoItem]]
"""A kind of 待办: name facts by their full id (`display_id`), in `id` and `summary`; `todo` shortens them."""

