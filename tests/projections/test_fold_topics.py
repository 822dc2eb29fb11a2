"""The fold's handlers are keyed by stored topic strings: each must name a real event class, and none be missed."""

from __future__ import annotations

import inspect
import pkgutil
from importlib import import_module

from eventsourcing.utils import get_topic

from ledger import events as ev
from projections.fold.handlers import NOT_FOLDED, TOPIC_HANDLERS, handlers_by_class


def _event_topics() -> set[str]:
    """Every event class defined in a module of the ledger.events package (each module imported here: the
    package itself loads them only when a class is first asked for)."""
    modules = [import_module(f"{ev.__name__}.{m.name}") for m in pkgutil.iter_modules(ev.__path__)]
    return {get_topic(cls) for module in modules for _, cls in inspect.getmembers(module, inspect.isclass)
            if issubclass(cls, ev.Fact) and cls is not ev.Fact and cls.__module__ == module.__name__}


def test_every_handled_topic_names_an_event_class_in_ledger_events() -> None:
    assert set(TOPIC_HANDLERS) <= _event_topics()


def test_every_event_class_has_a_handler_or_is_deliberately_not_folded() -> None:
    assert set(TOPIC_HANDLERS) | NOT_FOLDED == _event_topics()
    assert not set(TOPIC_HANDLERS) & NOT_FOLDED


def test_the_handlers_by_class_are_the_handlers_by_topic() -> None:
    assert {get_topic(cls): h for cls, h in handlers_by_class().items()} == TOPIC_HANDLERS
