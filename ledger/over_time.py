"""The ledger's commands of the center over time (D21–D24): a window added from a day or back, a window closed or
renamed, a person leaving or renamed. A part of `ledger.app.Ledger` kept in its own module; the decisions are in
ledger/commands/registry.py and ledger/commands/tenure.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar, cast
from uuid import UUID

from ledger.commands import registry as decide
from ledger.commands import tenure

if TYPE_CHECKING:
    from ledger import events as ev
    from ledger.catalogue import Catalogue
    from ledger.commands.registry import PersonStream
    from ledger.commands.stamp import Stamp
    from ledger.registry import Registry
    from ledger.storage.reader import ReadableLedger

T = TypeVar("T")


class CenterOverTime:
    """`Ledger`'s registry commands over time; every other method named here is the `Ledger`'s own."""

    if TYPE_CHECKING:
        @property
        def catalogue(self) -> Catalogue: ...  # noqa: D102
        def center(self) -> ev.CenterInitialised: ...  # noqa: D102
        def registry(self) -> Registry: ...  # noqa: D102
        def window(self, code: str) -> tuple[Registry, int]: ...  # noqa: D102
        def staff(self, person: str) -> PersonStream: ...  # noqa: D102
        def stamp(self) -> Stamp: ...  # noqa: D102
        def retrying(self, attempt: Callable[[], T]) -> T: ...
        def append_one(self, event: ev.Fact) -> UUID: ...

    def _reading(self) -> ReadableLedger:
        return cast("ReadableLedger", self)

    def add_window(self, code: str, name: str, department: str = "", since: str | None = None) -> UUID:
        """Register a window under a new code, taking part from `since` (default: the first day no frozen quarter
        holds, D21), or bring back a window that left the center."""
        self.center()
        default = self.catalogue.effective if since else tenure.unfrozen_from(self._reading())

        def attempt() -> UUID:
            registry, version = self.window(code)
            return self.append_one(decide.add_window(registry, self.catalogue, code, name, department, since,
                                                    default, self.stamp(), version))
        return self.retrying(attempt)

    def close_window(self, code: str, since: str, reason: str | None = None) -> UUID:
        """A window leaves the center from a day (撤出, D21): refused while anyone is assigned to it then."""
        self.center()
        facts = tenure.facts_from(self._reading(), window=code)

        def attempt() -> UUID:
            version = self.window(code)[1]  # read first: a change after it makes the append conflict, and retry
            return self.append_one(tenure.close_window(self.registry(), self.catalogue, code, since, reason, facts,
                                                      self.stamp(), version))
        return self.retrying(attempt)

    def rename_window(self, code: str, name: str, department: str | None = None, since: str | None = None) -> UUID:
        """A window's new name from a day, or its name corrected everywhere (D24)."""
        self.center()

        def attempt() -> UUID:
            registry, version = self.window(code)
            return self.append_one(tenure.rename_window(registry, self.catalogue, code, name, department, since,
                                                       self.stamp(), version))
        return self.retrying(attempt)

    def leave_staff(self, person: str, since: str, reason: str | None = None) -> UUID:
        """A person leaves the center from a day (调离/离职, D22); refused while facts about them are dated then."""
        self.center()
        facts = tenure.facts_from(self._reading(), staff=person)
        return self.retrying(lambda: self.append_one(
            tenure.leave_staff(self.staff(person), self.catalogue, since, reason, facts, self.stamp())))

    def rename_staff(self, person: str, name: str, since: str | None = None) -> UUID:
        """A person's new name from a day, or their name corrected everywhere (D24)."""
        self.center()
        return self.retrying(lambda: self.append_one(
            tenure.rename_staff(self.staff(person), self.catalogue, name, since, self.stamp())))
