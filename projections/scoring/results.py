"""A quarter's derived results as values: occurrences, category scores, bonus lines, disqualifications, rows."""

# annotations evaluated, not PEP 563 strings: cheaper classes at import (ledger/catalogue.py says why)

from dataclasses import dataclass, field
from typing import NamedTuple, TypedDict

from ledger.catalogue import Catalogue
from projections.fold.entries import DecisionEntry, PublishedEntry, ShortlistEntry

QUARTER_STAR = "quarter-star"


QUARTER_RED_FLAG = "quarter-red-flag"


class WindowRow(TypedDict):
    """A window's row of the report (CLI.md `report --json`), as published (D18)."""

    code: str
    name: str
    score: int
    bonus: int
    deductions: int
    rank: int
    shortlisted: bool
    disqualified: bool
    red_flag: bool
    left: str | None  # the day the window left the center, when it was out by the quarter's end (D21)


class StaffRow(TypedDict):
    """A person's row of the report (CLI.md `report --json`), as published (D18)."""

    id: str
    name: str
    window: str | None
    score: int
    bonus: int
    deductions: int
    rank: int
    shortlisted: bool
    disqualified: bool
    decided_stars: int | None
    stars: int | None
    reward_yuan: int
    left: str | None  # the day the person left the center, when they were out by the quarter's end (D22)


class RulesRef(TypedDict):
    """The rules revision a quarter is scored under (D36), as reports name it and publications pin it."""

    id: str
    revision: int
    sha256: str


def rules_ref(cat: Catalogue) -> RulesRef:
    """A catalogue's revision as reports name it."""
    return {"id": cat.id, "revision": cat.revision, "sha256": cat.sha256}


class ReportRows(TypedDict):
    """The report's rows, windows then staff, each in rank order (projections/scoring/rows.py builds them)."""

    windows: list[WindowRow]
    staff: list[StaffRow]


class Occurrence(NamedTuple):
    """One counted violation for one subject: a finding, or a verified complaint acting as one (D9)."""

    fact_id: str
    origin: str  # "finding" or "complaint"
    position: int  # where it began to count (finding recorded / complaint verified)
    recorded_at: int  # position of the fact's first event
    date: str
    source: str  # inspection sheet or complaint channel
    actor: str  # who recorded (finding) or verified (complaint)
    item: str  # the item breached as recorded
    counted_item: str  # the item it counts under for this subject (a W counterpart for a window, D8)
    window: str
    staff: str | None
    dq: str | None
    points: int  # deducted for this subject once the category cap is applied
    per_violation: int
    amendment: bool  # recorded after the quarter was published (D19)


class CategoryScore(NamedTuple):
    """A category of a table: its points, every occurrence, raw and capped deduction (D3)."""

    code: str
    name: str
    points: int
    per_violation: int
    occurrences: tuple[Occurrence, ...]
    raw: int
    deducted: int
    score: int


class BonusLine(NamedTuple):
    """One verified bonus claim and what it is worth for this subject (0 when counted elsewhere)."""

    fact_id: str
    position: int  # verified at
    claimed_at: int
    date: str
    kind: str
    item: str  # B1…B6 or S5.1…S5.4
    level: str | None
    place: int | None
    ref: str | None
    holder: str | None  # the person whose achievement it is, None for the window itself
    actor: str
    verifier: str
    points: int
    note: str
    amendment: bool


class Disqualification(NamedTuple):
    """A 取消评比资格 of one subject in one quarter, with the facts that caused it."""

    subject_type: str  # "window" or "staff"
    subject: str
    name: str
    kind: str
    scopes: tuple[str, ...]
    quarter: str
    year: int
    caused_by: tuple[str, ...]
    positions: tuple[int, ...]


class WindowResult(NamedTuple):
    """A window's quarter: table, bonus, score, rank, eligibility and 红旗窗口."""

    code: str
    name: str
    department: str
    categories: tuple[CategoryScore, ...]
    deductions: int
    bonus: int
    bonus_lines: tuple[BonusLine, ...]
    score: int
    rank: int
    eligible: bool
    disqualifications: tuple[Disqualification, ...]
    shortlisted: bool
    picked: bool
    red_flag: bool
    voided: bool
    left: str | None = None  # the day the window left the center, when it was out by the quarter's end (D21)

    @property
    def disqualified(self) -> bool:
        """True when a disqualification takes away this quarter's 红旗窗口."""
        return not self.eligible


class StaffResult(NamedTuple):
    """A person's quarter: table, S5, score, rank, eligibility, decision, reductions, stars, reward."""

    id: str
    name: str
    window: str
    window_name: str
    categories: tuple[CategoryScore, ...]
    deductions: int
    bonus_raw: int
    bonus: int
    bonus_cap: int
    bonus_lines: tuple[BonusLine, ...]
    score: int
    rank: int
    eligible: bool
    disqualifications: tuple[Disqualification, ...]
    shortlisted: bool
    decided_stars: int | None
    base_stars: int
    minus: int
    reduction: str  # "disqualified", "at_least_N", "left" or ""
    stars: int | None  # None: left the center before the quarter's end, no star (D22)
    reward_yuan: int
    voided: bool
    left: str | None = None  # the day the person left the center, when they were out by the quarter's end (D22)

    @property
    def disqualified(self) -> bool:
        """True when a disqualification takes away this quarter's 服务明星."""
        return not self.eligible


@dataclass(frozen=True)
class QuarterResult:
    """Everything a quarter's report shows, as the ledger stood at `position`."""

    quarter: str
    position: int
    status: str
    windows: tuple[WindowResult, ...]
    staff: tuple[StaffResult, ...]
    shortlist: ShortlistEntry | None
    decision: DecisionEntry | None
    published: PublishedEntry | None
    rules: RulesRef
    rows: ReportRows = field(compare=False, repr=False)
    """The report rows of the same standings (what `report --json` shows and publishing pins): derived data."""
    amendments: tuple[str, ...] = field(default=())

    def window(self, code: str) -> WindowResult | None:
        """One window's result by code."""
        return next((w for w in self.windows if w.code == code), None)

    def person(self, staff_id: str) -> StaffResult | None:
        """One person's result by id."""
        return next((p for p in self.staff if p.id == staff_id), None)
