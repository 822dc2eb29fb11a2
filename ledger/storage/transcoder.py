"""orjson serialisation of stored events, keeping dates, datetimes and UUIDs typed on the way back."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    Transcoding,
    UUIDAsHex,
)

from ledger.storage.reader_events import REVIVE

# decode_raw lives beside the row reader (ledger/storage/rows.py, no eventsourcing import); still importable from here
from ledger.storage.rows import decode_raw  # noqa: F401


class DateAsISO(Transcoding):
    """A calendar date as 'YYYY-MM-DD'."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class _NotPlain(Exception):
    """Raised inside orjson's default hook when a value needs the general (slow) encoder."""


_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME
_CONTAINERS = (dict, list, tuple)
_SUSPECT = frozenset({UUID, dict, list, tuple})


def _sized(out: bytes) -> bytes:
    """orjson's result keeps its whole write buffer (~4 KB) however short the JSON is, so a batch of
    100,000 events would hold ~400 MB; a right-sized copy costs ~0.1 µs."""
    return bytes(memoryview(out)) if len(out) < 2048 else out


def _has_uuid(obj: Any) -> bool:
    """True when a UUID sits anywhere in obj (orjson would write it untagged, so it must be tagged first)."""
    values = obj.values() if type(obj) is dict else obj
    for v in values:
        t = type(v)
        if t is UUID:
            return True
        if t in _CONTAINERS and _has_uuid(v):
            return True
    return False


class OrjsonTranscoder(JSONTranscoder):
    """A JSONTranscoder whose bytes are made and read by orjson (compact, UTF-8, sorted-free)."""

    def __init__(self) -> None:
        super().__init__()
        for transcoding in (UUIDAsHex(), DatetimeAsISO(), DateAsISO(), DecimalAsStr()):
            self.register(transcoding)
        self._tagged = (UUID, datetime, date, Decimal)
        self._names = {t: tr.name for t, tr in self.types.items()}
        self._last_dt: tuple[datetime | None, dict[str, str]] = (None, {})
        self._dates: dict[date, dict[str, str]] = {}

    def encode(self, obj: Any) -> bytes:
        """Tag dates, datetimes, UUIDs and Decimals as {"_type_", "_data_"}, then write with orjson.

        Fast path: orjson walks the value itself and hands exact dates, datetimes and Decimals to
        `_default`; anything unusual (a UUID, a subclass, a time) falls back to `_tag`, which gives
        the same bytes for everything the fast path accepts.
        """
        t = type(obj)
        if t is dict:
            # map/isdisjoint run in C: a flat event state with no container is settled at once
            if not _SUSPECT.isdisjoint(map(type, obj.values())) and _has_uuid(obj):
                return _sized(orjson.dumps(self.tagged(obj)))
        elif t is UUID or ((t is list or t is tuple) and _has_uuid(obj)):
            return _sized(orjson.dumps(self.tagged(obj)))
        try:
            out = orjson.dumps(obj, default=self._default, option=_OPTIONS)
        except orjson.JSONEncodeError as exc:
            if isinstance(exc.__cause__, _NotPlain):
                return _sized(orjson.dumps(self.tagged(obj)))
            raise
        return _sized(out)

    def tag(self, value: date | datetime) -> dict[str, str]:
        """The stored form of an exact date or datetime, {"_type_", "_data_"} (cached)."""
        return self._default(value)

    def encode_tagged(self, state: dict[str, Any]) -> bytes:
        """Encode a state whose dates are already tagged and which holds no UUID (bulk imports)."""
        return _sized(orjson.dumps(state))

    def _default(self, obj: Any) -> dict[str, str]:
        # A bulk import stamps every event with one datetime and ~90 dates: remember their tags
        # (the datetime by identity — equal datetimes in other time zones print differently).
        t = type(obj)
        if t is datetime:
            last, tag = self._last_dt
            if obj is not last:
                tag = {"_type_": "datetime_iso", "_data_": obj.isoformat()}
                self._last_dt = (obj, tag)
            return tag
        if t is date:
            known = self._dates.get(obj)
            if known is None:
                if len(self._dates) > 4096:
                    self._dates.clear()
                known = self._dates[obj] = {"_type_": "date_iso", "_data_": obj.isoformat()}
            return known
        if t is Decimal:
            return {"_type_": self._names[t], "_data_": str(obj)}
        raise _NotPlain

    def decode(self, data: bytes) -> Any:
        obj = orjson.loads(data)
        if type(obj) is dict and not ("_type_" in obj and "_data_" in obj and len(obj) == 2):
            return self._untag_top(obj)
        return self._untag(obj)

    def decode_event_state(self, data: bytes, plain: frozenset[str]) -> dict[str, Any]:
        """An event's state, skipping the fields its class declares plain (str, int, bool)."""
        return self._untag_top(orjson.loads(data), plain)

    def _untag_top(self, state: dict[str, Any], plain: frozenset[str] = frozenset()) -> dict[str, Any]:
        """Revive the tagged values of an event's state in place (dates by direct lookup), skipping `plain` keys."""
        revive = REVIVE  # the tags revived without a lookup through the registered transcodings
        for k, v in state.items():
            if k in plain:
                continue
            t = type(v)
            if t is dict:
                if len(v) == 2 and "_type_" in v and "_data_" in v:
                    fast = revive.get(v["_type_"])
                    state[k] = fast(v["_data_"]) if fast is not None else self._decode_obj(v)
                else:
                    state[k] = self._untag(v)
            elif t is list:
                state[k] = self._untag(v)
        return state

    def tagged(self, obj: Any) -> Any:
        """The general tagging path (any registered type, nested): the fast encoder must write the same bytes."""
        t = type(obj)
        if t is dict:
            return {k: self.tagged(v) for k, v in obj.items()}
        if t is list or t is tuple:
            return [self.tagged(v) for v in obj]
        if t in self.types:
            tr = self.types[t]
            return {"_type_": tr.name, "_data_": tr.encode(obj)}
        if isinstance(obj, self._tagged):
            # Subclasses (e.g. a datetime subclass) are refused rather than silently retyped.
            return self._encode_obj(obj)
        return obj

    def _untag(self, obj: Any) -> Any:
        t = type(obj)
        if t is dict:
            if len(obj) == 2 and "_type_" in obj and "_data_" in obj:
                return self._decode_obj(obj)
            return {k: self._untag(v) for k, v in obj.items()}
        if t is list:
            return [self._untag(v) for v in obj]
        return obj




_PLAIN = frozenset({"str", "int", "bool", "str | None", "int | None", "bool | None"})


def plain_fields(cls: type) -> frozenset[str]:
    """Fields an event class declares as plain text or numbers: stored as is, nothing to revive."""
    out: set[str] = set()
    for klass in reversed(cls.__mro__):
        for name, annotation in getattr(klass, "__annotations__", {}).items():
            text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
            if text in _PLAIN:
                out.add(name)
    return frozenset(out)

