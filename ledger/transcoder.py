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


class DateAsISO(Transcoding):
    """A calendar date as 'YYYY-MM-DD'."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class OrjsonTranscoder(JSONTranscoder):
    """A JSONTranscoder whose bytes are made and read by orjson (compact, UTF-8, sorted-free)."""

    def __init__(self) -> None:
        super().__init__()
        for transcoding in (UUIDAsHex(), DatetimeAsISO(), DateAsISO(), DecimalAsStr()):
            self.register(transcoding)
        self._tagged = (UUID, datetime, date, Decimal)

    def encode(self, obj: Any) -> bytes:
        return orjson.dumps(self._tag(obj))

    def decode(self, data: bytes) -> Any:
        return self._untag(orjson.loads(data))

    def _tag(self, obj: Any) -> Any:
        t = type(obj)
        if t is dict:
            return {k: self._tag(v) for k, v in obj.items()}
        if t is list or t is tuple:
            return [self._tag(v) for v in obj]
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



def decode_raw(data: bytes) -> dict[str, Any]:
    """A stored event's state as orjson parses it, tagged values left tagged, for folds that need only text.

    A date stays `{"_type_": "date_iso", "_data_": "2008-05-10"}`; skipping the revival of every
    date, datetime and UUID is what makes a full rebuild fast. Use `OrjsonTranscoder.decode` for events.
    """
    return orjson.loads(data)  # type: ignore[no-any-return]
