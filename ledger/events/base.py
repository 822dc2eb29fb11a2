"""The base of every kaoping event: who acted, and a stored topic that never changes.

Each event belongs to one stream (originator): the center, a window, a person, a finding, a bonus
claim, a complaint, a quarter or the integrity stream. eventsourcing adds `originator_id`,
`originator_version` and `timestamp`; no event holds a derived score.
"""

from __future__ import annotations

from typing import ClassVar

from eventsourcing.domain import DomainEvent
from eventsourcing.utils import register_topic

from ledger import topics


class Fact(DomainEvent):
    """Base of every kaoping event: who recorded it."""

    TOPIC: ClassVar[str] = ""
    actor: str

    def __init_subclass__(cls) -> None:
        """Pin the class's stored topic to `ledger.events:ClassName` (ledger/topics.py), wherever it is defined."""
        super().__init_subclass__()
        if cls.__name__ not in topics.NAMES:
            raise TypeError(f"event class {cls.__name__} is not in ledger/topics.py: add it there first")
        cls.TOPIC = topics.topic(cls.__name__)
        register_topic(cls.TOPIC, cls)
