"""THE roster of actors (D32): who may act, with which public key and role, folded from the actors' stream's
stored fields — the same fold for the write-time check and for `verify`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ledger import topics

ADDED, RETIRED, ROTATED = (topics.topic(n) for n in ("ActorAdded", "ActorRetired", "ActorKeyRotated"))


# A NamedTuple, not a frozen dataclass: every write imports this module, and a frozen dataclass costs ~1 ms to
# create (each generated method compiled), a NamedTuple a fifth of that (issue 15; ledger/catalogue.py).
class Actor(NamedTuple):
    """One actor as the roster stands: name, role, current public key (verifier key text), retired or not."""

    name: str
    role: str
    public_key: str
    retired: bool = False


@dataclass
class Roster:
    """Every actor ever added, by name; empty before the first actor (the ledger is then unsigned)."""

    actors: dict[str, Actor] = field(default_factory=dict)

    def apply(self, topic: str, data: Mapping[str, Any]) -> None:
        """Fold one actors' event (its stored topic and fields); other topics are ignored."""
        name = data.get("name")
        if not isinstance(name, str):
            return
        if topic == ADDED:
            self.actors[name] = Actor(name, str(data["role"]), str(data["public_key"]))
        elif topic == RETIRED and name in self.actors:
            self.actors[name] = self.actors[name]._replace(retired=True)
        elif topic == ROTATED and name in self.actors:
            self.actors[name] = self.actors[name]._replace(public_key=str(data["public_key"]))

    def __bool__(self) -> bool:
        return bool(self.actors)

    def get(self, name: str) -> Actor | None:
        """The actor of this name, None when never added."""
        return self.actors.get(name)

    def active_admins(self) -> list[str]:
        """The names of the admins not retired."""
        return [a.name for a in self.actors.values() if a.role == "admin" and not a.retired]


def roster_of(events: Iterable[tuple[str, Mapping[str, Any]]]) -> Roster:
    """The roster from the actors' stream's events as (stored topic, fields), oldest first."""
    roster = Roster()
    for topic, data in events:
        roster.apply(topic, data)
    return roster
