"""Every fact the ledger can hold, as immutable past-tense events: the `ledger.events` topic namespace.

Stored rows name their class as `ledger.events:ClassName` (ledger/topics.py), so every event class is
importable from here, whichever module of this package defines it.
"""

from __future__ import annotations

from ledger.events.actors import ActorAdded, ActorKeyRotated, ActorRetired, CommandSigned
from ledger.events.appeals import AppealFiled, AppealOverturned, AppealUpheld, QuarterAnnounced
from ledger.events.base import Fact
from ledger.events.calendar import CalendarYearAdded
from ledger.events.facts import (
    BonusClaimed,
    BonusRejected,
    BonusVerified,
    ComplaintDismissed,
    ComplaintReceived,
    ComplaintVerified,
    FindingRecorded,
    FindingRetracted,
)
from ledger.events.integrity import CheckpointRecorded, SignedRangeLost, SigningKeyRecorded, SigningKeyRotated
from ledger.events.privacy import ComplainantErased
from ledger.events.quarter import (
    DecisionAmended,
    DecisionRecorded,
    QuarterPublished,
    ShortlistAmended,
    ShortlistFrozen,
)
from ledger.events.registry import (
    CenterInitialised,
    StaffLeft,
    StaffMoved,
    StaffRegistered,
    StaffRenamed,
    WindowClosed,
    WindowRegistered,
    WindowRenamed,
    WindowReopened,
)
from ledger.events.rules import RulesAdopted
from ledger.events.voice import CallbackRecorded, RatingRecorded, RectificationRecorded
from ledger.events.witness import CosignatureRecorded

EVENT_TYPES: tuple[type[Fact], ...] = (
    CenterInitialised,
    WindowRegistered,
    StaffRegistered,
    StaffMoved,
    FindingRecorded,
    FindingRetracted,
    BonusClaimed,
    BonusVerified,
    BonusRejected,
    ComplaintReceived,
    ComplaintVerified,
    ComplaintDismissed,
    ShortlistFrozen,
    DecisionRecorded,
    QuarterPublished,
    SigningKeyRecorded,
    CheckpointRecorded,
    ShortlistAmended,
    DecisionAmended,
    RulesAdopted,
    SignedRangeLost,
    SigningKeyRotated,
    AppealFiled,
    AppealUpheld,
    AppealOverturned,
    QuarterAnnounced,
    CalendarYearAdded,
    CosignatureRecorded,
    ComplainantErased,
    RatingRecorded,
    RectificationRecorded,
    CallbackRecorded,
    WindowClosed,
    WindowReopened,
    WindowRenamed,
    StaffLeft,
    StaffRenamed,
    ActorAdded,
    ActorRetired,
    ActorKeyRotated,
    CommandSigned,
)

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
