"""Which events `kaoping log` shows: by type, by the window or person they concern, by the day they were recorded
(in the center's time zone) and by the quarter they concern.

An event concerns a subject or a quarter when its own fields say so (a code, a staff id, a list of them; a
`quarter`, or a fact's `date` or a registry `since` in it), and so does every later event of the same stream: a
retraction concerns what the finding it withdraws concerned.
"""

from collections.abc import Iterable, Iterator
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple
from uuid import UUID

from ledger.calendar import quarter_of
from ledger.errors import InvalidInput
from projections.log import TYPE_NAMES

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from ledger.storage.reader_events import StoredFact

SUBJECT_FIELDS = ("code", "staff_id", "window", "staff", "windows", "red_flag", "five", "four")
DAY_FIELDS = ("date", "since")


def event_type(text: str) -> str:
    """An event type's class name, named by its class (FindingRecorded, any case) or its Chinese name (检查记录)."""
    wanted = text.strip()
    for cls, name in TYPE_NAMES.items():
        if wanted.lower() == cls.lower() or wanted == name:
            return cls
    known = "、".join(f"{name}（{cls}）" for cls, name in TYPE_NAMES.items())
    raise InvalidInput(f"未知的事件类型：{wanted}（可用：{known}）")


class LogFilter(NamedTuple):
    """What to show; None (or empty) lets everything through."""

    zone: "ZoneInfo"
    types: tuple[str, ...] = ()
    subject: str | None = None
    first: date | None = None
    last: date | None = None
    quarter: str | None = None

    def shown(self, records: "Iterable[StoredFact]") -> "Iterator[StoredFact]":
        """The records that pass every filter, in ledger order."""
        by_subject: set[UUID] = set()
        by_quarter: set[UUID] = set()
        for e in records:
            fields = e.fields
            about = self.subject is None or _follows(e.originator_id, by_subject, _names(fields, self.subject))
            during = self.quarter is None or _follows(e.originator_id, by_quarter, _in_quarter(fields, self.quarter))
            if not (about and during):
                continue
            if self.types and e.event_class not in self.types:
                continue
            if self.first is not None or self.last is not None:
                day = e.timestamp.astimezone(self.zone).date()
                if (self.first is not None and day < self.first) or (self.last is not None and day > self.last):
                    continue
            yield e


def _follows(stream: UUID, matched: set[UUID], matches: bool) -> bool:
    """Whether an event concerns what is asked: it says so itself, or an earlier event of its stream did."""
    if matches:
        matched.add(stream)
        return True
    return stream in matched


def _names(fields: dict[str, Any], subject: str) -> bool:
    """Whether a field names the subject: a code or id, or a list of them (a shortlist, a decision)."""
    for f in SUBJECT_FIELDS:
        value = fields.get(f)
        if value == subject or (isinstance(value, list) and subject in value):
            return True
    return False


def _in_quarter(fields: dict[str, Any], quarter: str) -> bool:
    if fields.get("quarter") == quarter:
        return True
    return any(isinstance(fields.get(f), date) and quarter_of(fields[f]) == quarter for f in DAY_FIELDS)
