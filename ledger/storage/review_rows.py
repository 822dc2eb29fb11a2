"""The rows 公示 and 申诉 read beside the fold (D28, D29): the years a center added to the working-day calendar and
every appeal's state, from their own rows (a handful) through `pages`, so the full ledger and the light reader
(`todo`, `report`) read them alike, without the event classes."""

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple
from uuid import UUID

from ledger import ids
from ledger.storage.rows import decode_raw
from ledger.topics import APPEAL_TOPICS, CALENDAR_TOPICS, topic
from ledger.workdays import WorkCalendar, calendar_from

if TYPE_CHECKING:
    from ledger.storage.reader import ReadableLedger

FILED = topic("AppealFiled")
OUTCOMES = {topic("AppealUpheld"): "upheld", topic("AppealOverturned"): "overturned"}


def _rows(ledger: "ReadableLedger", topics: Iterable[str]) -> Iterable[tuple[UUID | str, str, dict[str, Any]]]:
    for page in ledger.pages(topics=frozenset(topics)):
        for _, originator, _, row_topic, state in page:
            yield originator, row_topic, decode_raw(state)


def calendar_years(ledger: "ReadableLedger") -> list[dict[str, Any]]:
    """The years the center added to the working-day calendar, oldest first (CalendarYearAdded fields).

    Read from the calendar's own stream (ledger/commands/announce.py appends every year there), by the stream's
    index: every question that counts working days asks this, and scanning the whole ledger for the calendar's
    topics cost ~1 s on a 1,000,000-event ledger (issue 15 aim 3); the stream holds the same rows in the same order.
    """
    return [decode_raw(state) for _, row_topic, state in ledger.stream_rows(ids.calendar_id())
            if row_topic in CALENDAR_TOPICS]


def work_calendar(ledger: "ReadableLedger") -> WorkCalendar:
    """The shipped calendar with the center's added years."""
    return calendar_from(calendar_years(ledger))


class AppealState(NamedTuple):
    """An appeal as `todo` and `publish` see it: its fields as filed, and its outcome (None: pending)."""

    id: str
    fields: Mapping[str, Any]
    outcome: str | None


def appeal_states(ledger: "ReadableLedger") -> list[AppealState]:
    """Every appeal in the ledger, in the order filed, with its outcome."""
    filed: dict[str, Mapping[str, Any]] = {}
    outcome: dict[str, str] = {}
    for originator, row_topic, fields in _rows(ledger, APPEAL_TOPICS):
        key = originator.hex if isinstance(originator, UUID) else str(originator).replace("-", "").lower()
        if row_topic == FILED:
            filed[key] = fields
        else:
            outcome.setdefault(key, OUTCOMES[row_topic])
    return [AppealState(k, f, outcome.get(k)) for k, f in filed.items()]


def pending_appeals(ledger: "ReadableLedger", quarter: str) -> list[str]:
    """Short ids of the quarter's appeals not yet decided."""
    return [k[:8] for k, a in ((s.id, s) for s in appeal_states(ledger))
            if a.outcome is None and a.fields["quarter"] == quarter]
