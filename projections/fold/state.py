"""The quarter fold's state: every fact of a quarter with the ledger positions of the fact and its follow-ups.

Results as of any earlier position are derived from the same state by ignoring what came later
(projections/scoring). Nothing here reads a database or a file: the mappings a `State` is built on may be
plain dicts (a replay) or lazy, storage-backed mappings (the materialised projection), which is what lets
state be built incrementally and stored.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from ledger.registry import Registry
from projections.fold.entries import (
    AnnouncementEntry,
    AppealEntry,
    AppealOutcomeEntry,
    CallbackEntry,
    ClaimEntry,
    ClaimOutcomeEntry,
    ComplaintEntry,
    ComplaintOutcomeEntry,
    DecisionEntry,
    FindingEntry,
    PublishedEntry,
    RatingEntry,
    RectificationEntry,
    RetractionEntry,
    ShortlistEntry,
)

if TYPE_CHECKING:
    from ledger import events as ev


FOLD_VERSION = 8
"""Bump when the shape of the state changes: a stored projection of another version is rebuilt.
3: named entries (projections/fold/entries.py) instead of positional findings; the registry is ledger.registry's.
4: every shortlist and decision of a quarter, amendments too (D25); the publication's digest version.
5: appeals, their outcomes and the 公示 (D28, D29).
6: 好差评 ratings, 整改 and 回访, the day a complaint was verified (D30, D31).
7: the registry keeps windows' presence and names, people's leaves and names (D21–D24).
8: the registry stored as a head and parts of its people (projections/engine/materialised.py `registry_blobs`)."""


class RecordedLike(Protocol):  # noqa: D101
    """What the fold needs of a recorded event: its position, notification id and the event."""

    position: int
    notification_id: int
    event: ev.Fact


@dataclass
class QuarterState:
    """Every fact dated in one quarter (and the quarter's own decisions), with ledger positions.

    Append-only: an event only ever adds an entry (a follow-up is its own entry keyed by the fact it
    names), so a state can be kept as a series of partial states and `merge`d, first entry winning.
    Entries are the plain JSON objects of projections/fold/entries.py, keyed by fact id, so a stored
    projection round-trips exactly. `shortlists` and `decisions` hold every record in ledger order (the one in
    force as of a position is the last recorded by then, D25); `published` is None until recorded.
    """

    quarter: str
    findings: dict[str, FindingEntry] = field(default_factory=dict)
    retractions: dict[str, RetractionEntry] = field(default_factory=dict)
    claims: dict[str, ClaimEntry] = field(default_factory=dict)
    claim_outcomes: dict[str, ClaimOutcomeEntry] = field(default_factory=dict)
    complaints: dict[str, ComplaintEntry] = field(default_factory=dict)
    complaint_outcomes: dict[str, ComplaintOutcomeEntry] = field(default_factory=dict)
    appeals: dict[str, AppealEntry] = field(default_factory=dict)
    appeal_outcomes: dict[str, AppealOutcomeEntry] = field(default_factory=dict)
    announcements: dict[str, AnnouncementEntry] = field(default_factory=dict)  # keyed by position (as text)
    ratings: dict[str, RatingEntry] = field(default_factory=dict)
    rectifications: dict[str, RectificationEntry] = field(default_factory=dict)  # keyed by position (as text)
    callbacks: dict[str, CallbackEntry] = field(default_factory=dict)  # keyed by position (as text)
    shortlists: list[ShortlistEntry] = field(default_factory=list)
    decisions: list[DecisionEntry] = field(default_factory=list)
    published: PublishedEntry | None = None

    MAPS = ("findings", "retractions", "claims", "claim_outcomes", "complaints", "complaint_outcomes", "appeals",
            "appeal_outcomes", "announcements", "ratings", "rectifications", "callbacks")
    LISTS = ("shortlists", "decisions")
    ONCE = ("published",)

    def to_json(self) -> dict[str, Any]:
        """The state as a JSON-able dict."""
        out: dict[str, Any] = {"quarter": self.quarter}
        for name in self.MAPS + self.LISTS + self.ONCE:
            out[name] = getattr(self, name)
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> QuarterState:
        """A state from what `to_json` produced."""
        return cls(**data)

    def merge(self, later: QuarterState) -> QuarterState:
        """Add a later partial state's entries to this one (an entry already here wins)."""
        for name in self.MAPS:
            mine: dict[str, Any] = getattr(self, name)
            theirs: dict[str, Any] = getattr(later, name)
            if not theirs:
                continue
            if not mine:
                setattr(self, name, theirs)
                continue
            if len(theirs) > len(mine):
                both = dict(theirs)
                both.update(mine)  # an entry already here wins
                setattr(self, name, both)
            else:
                for k, v in theirs.items():
                    mine.setdefault(k, v)
        for name in self.LISTS:
            theirs_list: list[Any] = getattr(later, name)
            if theirs_list:
                mine_list: list[Any] = getattr(self, name)
                seen = {e["p"] for e in mine_list}
                both_list = mine_list + [e for e in theirs_list if e["p"] not in seen]
                setattr(self, name, sorted(both_list, key=lambda e: e["p"]))
        for name in self.ONCE:
            if getattr(self, name) is None:
                setattr(self, name, getattr(later, name))
        return self

    @property
    def size(self) -> int:
        """How many entries the state holds."""
        return sum(len(getattr(self, n)) for n in self.MAPS)

    @property
    def empty(self) -> bool:
        """True when no event has added anything."""
        return not any(getattr(self, n) for n in self.MAPS + self.LISTS + self.ONCE)


def _no_lookup(fact_id: str) -> str | None:
    return None


class State:
    """The whole fold state: the registry, one QuarterState per quarter, and where each fact lives.

    `quarters` and `fact_quarter` may be any mutable mappings; `lookup` answers for a fact id the
    fact-quarter index does not hold (a storage-backed projection passes one). `only` restricts the
    fold to one quarter, which keeps a replay small. A store writes back every quarter in `quarters`
    (the materialised projection starts each catch-up with none loaded: what it holds is what was added).
    """

    def __init__(
        self,
        quarters: MutableMapping[str, QuarterState] | None = None,
        fact_quarter: MutableMapping[str, str] | None = None,
        registry: Registry | None = None,
        *,
        position: int = 0,
        notification_id: int = 0,
        only: str | None = None,
        lookup: Callable[[str], str | None] = _no_lookup,
    ) -> None:
        self.quarters: MutableMapping[str, QuarterState] = {} if quarters is None else quarters
        self.fact_quarter: MutableMapping[str, str] = {} if fact_quarter is None else fact_quarter
        self.older_facts: MutableMapping[str, str] = {}  # the index's previous generation (`age_index`)
        self.registry = Registry() if registry is None else registry
        self.position = position
        self.notification_id = notification_id
        self.only = only
        self.lookup = lookup
        self.registry_touched = False  # the registry changed since the last flush
        self.people_touched: set[str] = set()  # whose entries changed (a window or the center: the head alone)

    def quarter(self, quarter: str) -> QuarterState:
        """The state of a quarter, created empty on first use."""
        q = self.quarters.get(quarter)
        if q is None:
            q = QuarterState(quarter)
            self.quarters[quarter] = q
        return q

    def fact_of(self, fact_id: str) -> QuarterState | None:
        """The state of the quarter a fact belongs to (None: unknown, or outside the quarter folded)."""
        quarter = self.fact_quarter.get(fact_id)
        if quarter is None:
            quarter = self.older_facts.get(fact_id)
            if quarter is None:
                quarter = self.lookup(fact_id)
        if quarter is None or (self.only is not None and quarter != self.only):
            return None
        return self.quarter(quarter)

    def age_index(self, limit: int) -> None:
        """Once the fact index holds `limit` facts, make it the older generation and drop the one before: the
        index then never holds more than twice `limit` facts, the most recent ones (`lookup` answers the rest)."""
        if len(self.fact_quarter) >= limit:
            self.older_facts = self.fact_quarter
            self.fact_quarter = {}

    def wants(self, quarter: str) -> bool:
        """Whether this fold keeps the quarter (all of them unless restricted by `only`)."""
        return self.only is None or quarter == self.only


Data = dict[str, Any]
"""An event's fields as handlers read them: the stored JSON (dates tagged), or `vars(event)` (dates as `date`)."""
