"""Stored rows back into event objects, as eventsourcing's mapper does it, minus its per-row overhead."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Mapper, StoredEvent
from eventsourcing.utils import resolve_topic

from ledger.storage.transcoder import plain_fields

RowDecoder = Callable[[Any, int, str, bytes], DomainEventProtocol[Any]]
"""(originator id, version, topic, state) of a stored row → its event."""


def row_decoder(mapper: Mapper[Any]) -> RowDecoder:
    """Stored row → event, exactly as `mapper.to_domain_event`, without the per-row Notification and lookups.

    What it buys: reading a whole ledger skips a StoredEvent, a topic lookup and the revival of plain fields per
    row; a ciphered or compressed store, and an event due for an upcast, go through the mapper itself.
    """
    if mapper.cipher is not None or mapper.compressor is not None:
        return lambda oid, version, topic, state: mapper.to_domain_event(StoredEvent(oid, version, topic, state))
    classes: dict[str, tuple[type, frozenset[str]]] = {}
    transcoder = mapper.transcoder
    fast = getattr(transcoder, "decode_event_state", None)

    def to_event(originator_id: Any, version: int, topic: str, state: bytes) -> DomainEventProtocol[Any]:
        known = classes.get(topic)
        if known is None:
            cls = resolve_topic(topic)
            known = classes[topic] = (cls, plain_fields(cls))
        cls, plain = known
        data = fast(state, plain) if fast is not None else transcoder.decode(state)
        data["originator_id"] = originator_id if type(originator_id) is UUID else UUID(originator_id)
        data["originator_version"] = version
        if "class_version" in data:  # an upcast is due: let the mapper do it
            return mapper.to_domain_event(StoredEvent(originator_id, version, topic, state))
        event: DomainEventProtocol[Any] = object.__new__(cls)
        object.__setattr__(event, "__dict__", data)
        return event

    return to_event
