"""The facts still standing about one window or person from a day on, read from the stored rows: what a late leave
or closure must not contradict (D21, D22)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from uuid import UUID

from ledger.calendar import iso_day
from ledger.storage.rows import Row, decode_raw
from ledger.topics import topic

FIRST_EVENTS = {topic("FindingRecorded"): "finding", topic("BonusClaimed"): "claim",
                topic("ComplaintReceived"): "complaint"}
WITHDRAWALS = frozenset({topic("FindingRetracted"), topic("BonusRejected"), topic("ComplaintDismissed")})
SCANNED = frozenset(FIRST_EVENTS) | WITHDRAWALS
"""The topics a scan reads: every fact's first event, and the events that take a fact back."""


def _fact_id(originator_id: object) -> str:
    return str(originator_id if isinstance(originator_id, UUID) else UUID(str(originator_id)))


def standing_facts(pages: Iterable[Sequence[Row]], *, window: str | None, staff: str | None,
                   day: str) -> list[tuple[str, str, str]]:
    """(fact id, kind, day) of every finding, bonus claim and complaint dated on or after an ISO day about a person
    (`staff`), or about a window itself (`window`, a person's facts left out), that was not retracted, rejected or
    dismissed; by day, then id. `pages` must hold the rows of the `SCANNED` topics, in ledger order."""
    found: dict[str, tuple[str, str]] = {}
    withdrawn: set[str] = set()
    for page in pages:
        for _, originator_id, _, row_topic, state in page:
            if row_topic in WITHDRAWALS:
                withdrawn.add(_fact_id(originator_id))
                continue
            kind = FIRST_EVENTS.get(row_topic)
            if kind is None:
                continue
            data = decode_raw(state)
            on = iso_day(data["date"])
            if on < day:
                continue
            about = data["staff"] == staff if staff is not None else data["staff"] is None and data["window"] == window
            if not about:
                continue
            found[_fact_id(originator_id)] = (kind, on)
    return sorted(((fid, kind, on) for fid, (kind, on) in found.items() if fid not in withdrawn),
                  key=lambda f: (f[2], f[0]))
