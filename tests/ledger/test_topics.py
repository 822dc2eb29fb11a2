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


def test_each_event_class_is_found_in_the_module_the_package_table_names() -> None:
    from importlib import import_module

    for name, module in ev.MODULES.items():
        assert getattr(import_module(f"ledger.events.{module}"), name) is getattr(ev, name), name
    assert list(ev.MODULES) == [c.__name__ for c in ev.EVENT_TYPES] and set(ev.MODULES) == set(topics.NAMES)


def test_a_stored_topic_resolves_in_a_process_that_has_imported_no_event_module() -> None:
    import subprocess
    import sys

    code = ("import sys; from eventsourcing.utils import resolve_topic; import ledger.events;"
            "assert not [m for m in sys.modules if m.startswith('ledger.events.')], sorted(sys.modules);"
            "cls = resolve_topic('ledger.events:StaffMoved');"
            "print(cls.__module__, sorted(m for m in sys.modules if m.startswith('ledger.events.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["ledger.events.people", "['ledger.events.base',", "'ledger.events.people']"]


def test_the_fact_status_table_names_event_classes_that_exist() -> None:
    from ledger.commands.facts import STATUS

    assert set(STATUS) <= set(topics.NAMES)
