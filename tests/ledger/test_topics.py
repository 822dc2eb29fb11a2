"""Stored topics stay put: `ledger.events:ClassName` for every event class, wherever the class is defined."""

from __future__ import annotations

import pytest
from eventsourcing.utils import get_topic, resolve_topic

from ledger import events as ev
from ledger import topics
from ledger.registry import REGISTRY_TOPICS


@pytest.mark.parametrize("cls", ev.EVENT_TYPES, ids=lambda c: c.__name__)
def test_every_event_class_is_stored_under_the_topic_of_its_name_in_ledger_events(cls: type[ev.Fact]) -> None:
    assert get_topic(cls) == f"ledger.events:{cls.__name__}" == cls.TOPIC
    assert resolve_topic(cls.TOPIC) is cls


def test_the_topic_table_names_every_event_class_and_nothing_else() -> None:
    assert {c.TOPIC for c in ev.EVENT_TYPES} == topics.KNOWN_TOPICS
    assert topics.REGISTRY_TOPICS == REGISTRY_TOPICS


def test_a_class_missing_from_the_topic_table_cannot_be_defined() -> None:
    with pytest.raises(TypeError, match="ledger/topics.py"):
        type("SomethingNew", (ev.Fact,), {"__annotations__": {"what": str}})
