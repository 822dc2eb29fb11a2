"""Every fact the ledger can hold, as immutable past-tense events; none holds a derived score.

Each event belongs to one stream (originator): the center, a window, a person, a finding, a
bonus claim, a complaint or a quarter. Every event names who acted (`actor`); eventsourcing
adds `originator_id`, `originator_version` and `timestamp`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from eventsourcing.domain import DomainEvent


class Fact(DomainEvent):
    """Base of every kaoping event: who recorded it."""

    actor: str


# --- registry -------------------------------------------------------------------------------


class CenterInitialised(Fact):
    """The center was set up and adopted a rules catalogue (pinned by its sha256)."""

    center: str
    rules: str
    rules_revision: int
    rules_sha256: str


class WindowRegistered(Fact):
    """A window (窗口) of a department was registered under its code."""

    code: str
    name: str
    department: str


class StaffRegistered(Fact):
    """A staff member was registered and assigned to a window from a date."""

    staff_id: str
    name: str
    window: str
    since: date


class StaffMoved(Fact):
    """A staff member was reassigned (轮换) to another window from a date."""

    staff_id: str
    window: str
    since: date


# --- findings -------------------------------------------------------------------------------


class FindingRecorded(Fact):
    """An inspection sheet noted a violation of one item by a window or a person.

    `window` is the window the finding is attributed to: the subject itself, or the window
    the person was assigned to on `date` (D2). `row_key` is set for imported sheet rows so a
    re-import recognises them.
    """

    item: str
    window: str
    staff: str | None
    date: date
    source: str
    dq: str | None
    note: str
    evidence: dict[str, Any] | None
    row_key: str | None


class FindingRetracted(Fact):
    """A recorded finding was withdrawn as mistaken (D20); the finding itself stays."""

    reason: str


# --- bonus claims ---------------------------------------------------------------------------


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


# --- complaints -----------------------------------------------------------------------------


class ComplaintReceived(Fact):
    """A complaint (or a 征求意见 response) about a window or a person was received."""

    window: str
    staff: str | None
    date: date
    channel: str
    text: str


class ComplaintVerified(Fact):
    """A complaint was found true (经查实): it breaches `item`, possibly disqualifying."""

    item: str
    dq: str | None


class ComplaintDismissed(Fact):
    """A complaint was found untrue and dismissed."""

    reason: str


# --- quarter --------------------------------------------------------------------------------


class ShortlistFrozen(Fact):
    """The 督查科 froze the quarter's 入围名单; later score changes do not rewrite it."""

    quarter: str
    windows_n: int
    staff_m: int
    windows: list[str]
    staff: list[str]


class DecisionRecorded(Fact):
    """The 党组 named the 红旗窗口 and the five- and four-star 服务明星 of the quarter."""

    quarter: str
    red_flag: list[str]
    five: list[str]
    four: list[str]


class QuarterPublished(Fact):
    """The quarter's results were published (通报 / 网站公布); `digest` pins exactly what."""

    quarter: str
    position: int
    digest: str
    checkpoint: str | None


# --- integrity ------------------------------------------------------------------------------


class SigningKeyRecorded(Fact):
    """The checkpoint signing key was created; its public half is kept here, the private half outside.

    `verifier_key` is the signed-note verifier key text (`origin+keyid+base64`); `origin` is the
    log's name, used as the checkpoints' first line and as the key name.
    """

    origin: str
    key_id: str
    verifier_key: str


class CheckpointRecorded(Fact):
    """A signed checkpoint (C2SP tlog-checkpoint) of the first `size` events was taken.

    `root` is the base64 Merkle root, `note` the signed note as issued; `leaf_digests` holds the
    first 8 bytes of each leaf hash after the previous checkpoint (base64), so `verify` can name the
    exact position that was changed instead of only the range.
    """

    size: int
    root: str
    note: str
    leaf_digests: str


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
)
