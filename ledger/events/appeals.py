"""申诉 and 复核 (D29), and the quarter's 公示 (D28): facts a subject disputes, what the 督查科 found, when the
results were shown to the public before publication."""

from __future__ import annotations

from datetime import date
from typing import Any

from ledger.events.base import Fact


class AppealFiled(Fact):
    """The subject of a finding, a verified complaint or a rejected claim appealed it (申诉).

    The stream is the fact's own appeal stream (ledger/ids.appeal_id), so a fact has one appeal. `against` is the
    fact's id, `origin` what it is (finding, complaint, claim), `quarter` its quarter, `window` and `staff` its
    subject, `by` the window code or person id who appealed, `date` the day the appeal was made.
    """

    against: str
    origin: str
    quarter: str
    window: str
    staff: str | None
    by: str
    date: date
    text: str
    evidence: dict[str, Any] | None


class AppealUpheld(Fact):
    """The 督查科 reviewed an appeal and kept the fact as it was (维持)."""

    reason: str


class AppealOverturned(Fact):
    """The 督查科 reviewed an appeal and overturned the fact (撤销): a finding or complaint stops counting, a
    rejected claim counts."""

    reason: str


class QuarterAnnounced(Fact):
    """The quarter's decided results were put on 公示 from `date` for `days` working days (D28).

    The first and last day are counted on the working-day calendar when read, so a 公示 counted as 暂定 in a year not
    yet in the calendar is counted again once the year is added.
    """

    quarter: str
    date: date
    days: int
