"""Bonus claims, with their evidence, and what the 督查科 decided of them.

One module per kind of fact: `record` creates only the findings' classes, `bonus claim` only the claims'
(each event class costs ~1 ms to create; issue 15)."""

from __future__ import annotations

from datetime import date
from typing import Any

from ledger.events.base import Fact


class BonusClaimed(Fact):
    """A window or a person claimed a bonus, with evidence; it counts only once verified (D5)."""

    kind: str
    window: str
    staff: str | None
    date: date
    evidence: dict[str, Any]
    level: str | None
    place: int | None
    ref: str | None


class BonusVerified(Fact):
    """The 督查科 checked the evidence of a bonus claim and accepted it."""


class BonusRejected(Fact):
    """The 督查科 rejected a bonus claim."""

    reason: str
