"""The public's voice and what followed it: 好差评 ratings (D31), 整改 and 回访 of verified complaints (D30)."""

from __future__ import annotations

from datetime import date
from typing import Any

from ledger.events.base import Fact


class RatingRecorded(Fact):
    """One 好差评 rating (一次一评、一事一评) imported from the rating system: its level (5 非常满意 … 1 非常不满意),
    the window and person it names (`window` by D2 when it names a person), its channel and its 办件编号 (`ref`).

    The stream is named by the normalised `ref` (ledger/ids.rating_id), so a rating is imported once. A 差评 also
    waits as a complaint of channel `rating`, in the stream `ids.rating_complaint_id(ref)`.
    """

    date: date
    window: str
    staff: str | None
    level: int
    channel: str
    ref: str


class RectificationRecorded(Fact):
    """What the window did to put a verified complaint right (整改), on `date` (D30)."""

    date: date
    text: str
    evidence: dict[str, Any] | None


class CallbackRecorded(Fact):
    """The complainant's answer when called back (回访) after a rectification: `satisfied` or `unsatisfied` (which
    opens the rectification again, D30)."""

    date: date
    result: str
    note: str
