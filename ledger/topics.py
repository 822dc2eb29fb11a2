"""The topic each stored event carries, `ledger.events:ClassName`: fixed forever, whatever module defines the class.

A topic is part of every stored row and of every Merkle leaf, so it must never change when a class moves: each
event class declares its topic from this table (ledger/events/base.py), and folds and readers that never import
the event classes (or eventsourcing) name the topics through it.
"""

from __future__ import annotations

NAMESPACE = "ledger.events"


def topic(name: str) -> str:
    """The stored topic of the event class with this name."""
    return f"{NAMESPACE}:{name}"


REGISTRY = ("CenterInitialised", "WindowRegistered", "StaffRegistered", "StaffMoved",
            "WindowClosed", "WindowReopened", "WindowRenamed", "StaffLeft", "StaffRenamed")
FACTS = (
    "FindingRecorded", "FindingRetracted",
    "BonusClaimed", "BonusVerified", "BonusRejected",
    "ComplaintReceived", "ComplaintVerified", "ComplaintDismissed",
)
QUARTER = ("ShortlistFrozen", "DecisionRecorded", "QuarterPublished", "ShortlistAmended", "DecisionAmended")
INTEGRITY = ("SigningKeyRecorded", "CheckpointRecorded", "SignedRangeLost", "SigningKeyRotated")
WITNESS = ("CosignatureRecorded",)
PRIVACY = ("ComplainantErased",)
RULES = ("RulesAdopted",)
APPEALS = ("AppealFiled", "AppealUpheld", "AppealOverturned", "QuarterAnnounced")  # 申诉, 复核, 公示 (D28, D29)
CALENDAR = ("CalendarYearAdded",)  # a year's 节假日安排 added to the working-day calendar (D28)
VOICE = ("RatingRecorded", "RectificationRecorded", "CallbackRecorded")  # 好差评, 整改 and 回访 (D30, D31)
ACTORS = ("ActorAdded", "ActorRetired", "ActorKeyRotated", "CommandSigned")  # who acts; each command's signature (D32)
NAMES = REGISTRY + FACTS + QUARTER + INTEGRITY + RULES + APPEALS + CALENDAR + WITNESS + PRIVACY + VOICE + ACTORS
"""Every event class the ledger has ever written, by name; a class not listed here cannot be defined."""

KNOWN_TOPICS = frozenset(topic(n) for n in NAMES)
REGISTRY_TOPICS = frozenset(topic(n) for n in REGISTRY)
INTEGRITY_TOPICS = frozenset(topic(n) for n in INTEGRITY)
RULES_TOPICS = frozenset(topic(n) for n in RULES)
RULES_ADOPTED_TOPIC = topic("RulesAdopted")
WITNESS_TOPICS = frozenset(topic(n) for n in WITNESS)
PRIVACY_TOPICS = frozenset(topic(n) for n in PRIVACY)
CENTER_TOPIC = topic("CenterInitialised")
FINDING_TOPIC = topic("FindingRecorded")
KEY_TOPIC = topic("SigningKeyRecorded")
CHECKPOINT_TOPIC = topic("CheckpointRecorded")
APPEAL_TOPICS = frozenset(topic(n) for n in ("AppealFiled", "AppealUpheld", "AppealOverturned"))
CALENDAR_TOPICS = frozenset(topic(n) for n in CALENDAR)
LOSS_TOPIC = topic("SignedRangeLost")
ROTATION_TOPIC = topic("SigningKeyRotated")
COSIGNATURE_TOPIC = topic("CosignatureRecorded")
RATING_TOPIC = topic("RatingRecorded")
ACTOR_TOPICS = frozenset(topic(n) for n in ACTORS)
ROSTER_TOPICS = frozenset(topic(n) for n in ACTORS[:3])
SIGNATURE_TOPIC = topic("CommandSigned")
