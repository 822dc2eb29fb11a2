"""Every fact the ledger can hold, as immutable past-tense events: the `ledger.events` topic namespace.

Stored rows name their class as `ledger.events:ClassName` (ledger/topics.py), so every event class is
importable from here, whichever module of this package defines it. Each module is imported when one of its
classes is first asked for (PEP 562): the ~40 event dataclasses cost most of a write's start-up (~1 ms each), and
`kaoping record` needs only a finding's and the registered center's and window's (or person's) — so the modules are
small and grouped by what one command reads (tests/ledger/test_topics.py checks the table below against them).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ledger.events.actors import ActorAdded, ActorKeyRotated, ActorRetired, CommandSigned
    from ledger.events.appeals import AppealFiled, AppealOverturned, AppealUpheld, QuarterAnnounced
    from ledger.events.base import Fact
    from ledger.events.calendar import CalendarYearAdded
    from ledger.events.claims import BonusClaimed, BonusRejected, BonusVerified
    from ledger.events.complaints import ComplaintDismissed, ComplaintReceived, ComplaintVerified
    from ledger.events.findings import FindingRecorded, FindingRetracted
    from ledger.events.integrity import CheckpointRecorded, SignedRangeLost, SigningKeyRecorded, SigningKeyRotated
    from ledger.events.people import StaffMoved, StaffRegistered
    from ledger.events.privacy import ComplainantErased
    from ledger.events.quarter import (
        DecisionAmended,
        DecisionRecorded,
        QuarterPublished,
        ShortlistAmended,
        ShortlistFrozen,
    )
    from ledger.events.registry import CenterInitialised, WindowRegistered
    from ledger.events.registry_changes import StaffLeft, StaffRenamed, WindowClosed, WindowRenamed, WindowReopened
    from ledger.events.rules import RulesAdopted
    from ledger.events.voice import CallbackRecorded, RatingRecorded, RectificationRecorded
    from ledger.events.witness import CosignatureRecorded

    EVENT_TYPES: tuple[type[Fact], ...]

MODULES: dict[str, str] = {
    "CenterInitialised": "registry", "WindowRegistered": "registry", "StaffRegistered": "people",
    "StaffMoved": "people", "FindingRecorded": "findings", "FindingRetracted": "findings",
    "BonusClaimed": "claims", "BonusVerified": "claims", "BonusRejected": "claims", "ComplaintReceived": "complaints",
    "ComplaintVerified": "complaints", "ComplaintDismissed": "complaints", "ShortlistFrozen": "quarter",
    "DecisionRecorded": "quarter", "QuarterPublished": "quarter", "SigningKeyRecorded": "integrity",
    "CheckpointRecorded": "integrity",
    "ShortlistAmended": "quarter", "DecisionAmended": "quarter", "RulesAdopted": "rules",
    "SignedRangeLost": "integrity", "SigningKeyRotated": "integrity", "AppealFiled": "appeals",
    "AppealUpheld": "appeals", "AppealOverturned": "appeals", "QuarterAnnounced": "appeals",
    "CalendarYearAdded": "calendar", "CosignatureRecorded": "witness", "ComplainantErased": "privacy",
    "RatingRecorded": "voice", "RectificationRecorded": "voice", "CallbackRecorded": "voice",
    "WindowClosed": "registry_changes", "WindowReopened": "registry_changes", "WindowRenamed": "registry_changes",
    "StaffLeft": "registry_changes", "StaffRenamed": "registry_changes", "ActorAdded": "actors",
    "ActorRetired": "actors", "ActorKeyRotated": "actors", "CommandSigned": "actors",
}
"""The module of this package that defines each event class, in the order of EVENT_TYPES."""


def __getattr__(name: str) -> Any:
    """An event class (or `Fact`, or EVENT_TYPES) imported from its module when first asked for."""
    if name in MODULES:
        value = getattr(import_module(f"ledger.events.{MODULES[name]}"), name)
    elif name == "Fact":
        value = import_module("ledger.events.base").Fact
    elif name == "EVENT_TYPES":
        value = tuple(__getattr__(n) for n in MODULES)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # asked once: later look-ups find it without this function
    return value


__all__ = [
    "Fact", "EVENT_TYPES",
    "CenterInitialised", "WindowRegistered", "StaffRegistered", "StaffMoved",
    "FindingRecorded", "FindingRetracted", "BonusClaimed", "BonusVerified", "BonusRejected",
    "ComplaintReceived", "ComplaintVerified", "ComplaintDismissed",
    "ShortlistFrozen", "DecisionRecorded", "QuarterPublished",
    "SigningKeyRecorded", "CheckpointRecorded", "CosignatureRecorded", "ComplainantErased",
    "ShortlistAmended", "DecisionAmended", "RulesAdopted",
    "SignedRangeLost", "SigningKeyRotated",
    "AppealFiled", "AppealUpheld", "AppealOverturned", "QuarterAnnounced", "CalendarYearAdded",
    "RatingRecorded", "RectificationRecorded", "CallbackRecorded",
    "WindowClosed", "WindowReopened", "WindowRenamed", "StaffLeft", "StaffRenamed",
    "ActorAdded", "ActorRetired", "ActorKeyRotated", "CommandSigned",
]
