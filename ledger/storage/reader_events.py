"""Stored rows read back as events for `kaoping log`: each row's type, stream, version and fields, by its topic.

What `Ledger.read` gives as event objects, without importing eventsourcing or the ~50 event classes (the largest
part of `log`'s start-up): a row's fields are its stored state with the tagged values (dates, datetimes, UUIDs,
decimals) revived, the fields a class gives a default filled in where an older event stored none (old events read
as they are), and the stream's id and version beside them, exactly as the event object's attributes
(tests/ledger/storage/test_reader_events.py compares both over the demo's and the first release's ledgers).
"""

from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple
from uuid import UUID

from ledger.errors import LedgerUnreadable
from ledger.storage.rows import decode_raw
from ledger.topics import KNOWN_TOPICS

if TYPE_CHECKING:
    from ledger.storage.reader import ReadableLedger

DEFAULTS: dict[str, dict[str, Any]] = {
    "ComplaintReceived": {"complainant": None},
    "ComplaintVerified": {"date": None},
    "DecisionRecorded": {"meeting": None, "minutes": None},
    "QuarterPublished": {"digest_version": 1},
    "WindowRegistered": {"since": None},
}
"""The fields an event class declares with a default (ledger/events/): what an event stored before the field
existed reads as. The test checks this table against the classes themselves."""

REVIVE: dict[str, Callable[[str], Any]] = {
    "date_iso": date.fromisoformat, "datetime_iso": datetime.fromisoformat, "uuid_hex": UUID, "decimal_str": Decimal,
}
"""The transcoder's tags and how each stored value comes back: the one table, used by the transcoder
(ledger/storage/transcoder.py) too; tests/ledger/storage/test_reader_events.py holds it to the transcodings."""


class StoredFact(NamedTuple):
    """One stored event as the log reads it: its place in ledger order, its class's name, its stream and fields."""

    position: int
    event_class: str
    originator_id: UUID
    version: int
    fields: dict[str, Any]

    @property
    def timestamp(self) -> datetime:
        """When it was recorded (timezone-aware)."""
        moment: datetime = self.fields["timestamp"]
        return moment

    @property
    def actor(self) -> str:
        """Who recorded it, as the event says (ledger/integrity/who_acted.py says whether `verify` agrees)."""
        return str(self.fields["actor"])


def revived(value: Any) -> Any:
    """A stored value with its tagged parts ({"_type_", "_data_"}) revived, at any depth."""
    t = type(value)
    if t is dict:
        if len(value) == 2 and "_type_" in value and "_data_" in value:
            return REVIVE[value["_type_"]](value["_data_"])
        return {k: revived(v) for k, v in value.items()}
    if t is list:
        return [revived(v) for v in value]
    return value


def read_facts(ledger: "ReadableLedger") -> Iterator[StoredFact]:
    """Every stored event in ledger order; a row kaoping did not write (an unknown topic, bytes that do not decode)
    is refused, naming its position, as `Ledger.read` refuses it."""
    position = 0
    for page in ledger.pages():
        for _, originator_id, version, topic, state in page:
            position += 1
            try:
                if topic not in KNOWN_TOPICS:
                    raise LookupError(f"unknown topic {topic!r}")
                name = topic.partition(":")[2]
                stream = originator_id if type(originator_id) is UUID else UUID(originator_id)
                raw = decode_raw(state)
                if type(raw) is not dict:
                    raise TypeError("a stored state is an object")
                fields = {**DEFAULTS.get(name, {}), **raw}
                for k, v in raw.items():  # only a dict or list can hold a tagged value: no call for the rest
                    if type(v) is dict or type(v) is list:
                        fields[k] = revived(v)
                fields["originator_id"] = stream
                fields["originator_version"] = version
                fact = StoredFact(position, name, stream, version, fields)
                fact.timestamp.isoformat(), fact.actor  # every event has its moment and actor, or it is not kaoping's
            except Exception as exc:
                raise LedgerUnreadable(position, exc) from exc
            yield fact
