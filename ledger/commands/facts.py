"""One fact's stream (a finding, a bonus claim, a complaint or an appeal): its first event and where it stands now."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple
from uuid import UUID

from ledger import events as ev
from ledger import ids, text
from ledger.errors import InvalidInput, NotFound

STATUS: dict[str, str] = {
    "FindingRecorded": "recorded",
    "FindingRetracted": "retracted",
    "BonusClaimed": "claimed",
    "BonusVerified": "verified",
    "BonusRejected": "rejected",
    "ComplaintReceived": "received",
    "ComplaintVerified": "verified",
    "ComplaintDismissed": "dismissed",
    "AppealFiled": "filed",
    "AppealUpheld": "upheld",
    "AppealOverturned": "overturned",
}
"""The status each event of a fact's stream leaves it in, by its class's name (pinned in ledger/topics.py): a
table of names imports no event module (a finding's write would otherwise load the appeals' classes)."""


# A NamedTuple, not a frozen dataclass: every write imports this module, and a frozen dataclass costs ~1 ms to
# create (each generated method compiled), a NamedTuple a fifth of that (issue 15; ledger/catalogue.py).
class FactStream(NamedTuple):
    """A fact's stream as a command sees it, by the id as typed: its events (none when unknown) and status."""

    typed: str
    stream: UUID | None  # None when the typed id is not a UUID
    events: Sequence[ev.Fact] = ()

    @property
    def version(self) -> int:
        """Version of the last event (0 for an empty stream)."""
        return self.events[-1].originator_version if self.events else 0

    @property
    def status(self) -> str:
        """recorded / retracted, claimed / verified / rejected, received / verified / dismissed."""
        current = ""
        for e in self.events:
            current = STATUS.get(type(e).__name__, current)
        return current

    @property
    def first(self) -> ev.Fact:
        """The event that created the stream."""
        return self.events[0]


def stream_of(typed: str | UUID) -> UUID | None:
    """The stream id of a fact id as typed (with or without dashes), None when it is not one."""
    if isinstance(typed, UUID):
        return typed
    try:
        return ids.parse_fact_id(typed)
    except ValueError:
        return None


def known(fact: FactStream) -> ev.Fact:
    """The first event of a fact that is in the ledger, or a refusal naming the id as typed."""
    if fact.stream is None:
        raise InvalidInput(f"编号格式不正确：{fact.typed}")
    if not fact.events:
        raise NotFound(f"账本中没有编号为 {fact.typed} 的记录")
    return fact.first


def reason(given: str, missing: str) -> str:
    """A reason given for a step that needs one (trimmed, one line: D27), or the refusal `missing`."""
    why = text.line(given, "理由")
    if not why:
        raise InvalidInput(missing)
    return why
