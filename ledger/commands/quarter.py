"""A quarter's life in the ledger: open → shortlisted → decided → published, one stream per quarter.

The ranking itself is computed above (projections) and handed down as frozen lists; here the ledger
checks the order of the steps and that the 党组 picks only from the frozen shortlist (D13, D14, D18).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING
from uuid import UUID

from ledger import ids
from ledger.calendar import parse_quarter, quarter_bounds, quarter_label
from ledger.errors import InvalidInput, NotAllowed
from ledger.quarter_status import STATUS_NAMES, status

if TYPE_CHECKING:
    from ledger import events as ev
    from ledger.app import Ledger
    from ledger.storage.reader import ReadableLedger

# The event classes (and eventsourcing) are imported where a quarter's stream is read or written, not here:
# `kaoping report` checks its quarter argument through this module without opening the full ledger.

MAX_SHORTLIST = 100000  # far above any center's size; keeps the count a storable integer



@dataclass(frozen=True)
class QuarterStream:
    """The quarter's own events: its shortlist, decision and publication, and its status."""

    quarter: str
    version: int
    shortlist: ev.ShortlistFrozen | None
    decision: ev.DecisionRecorded | None
    published: ev.QuarterPublished | None

    @property
    def status(self) -> str:
        """open, shortlisted, decided or published."""
        return status(self.shortlist is not None, self.decision is not None, self.published is not None)


def check_quarter(ledger: ReadableLedger, text: str) -> str:
    """A quarter the rules were in force for and that has begun, or a refusal."""
    quarter = parse_quarter(text)
    first, last = quarter_bounds(quarter)
    if last < ledger.catalogue.effective:
        raise InvalidInput(f"{quarter_label(quarter)}早于考评办法施行日期 {ledger.catalogue.effective}")
    if first > date.today():
        raise InvalidInput(f"{quarter_label(quarter)}尚未开始")
    return quarter


def check_ended(quarter: str) -> None:
    """Refuse a shortlist before the quarter is over: it is 依据当季工作 — the whole quarter's scores."""
    last = quarter_bounds(quarter)[1]
    if last >= date.today():
        raise NotAllowed(f"{quarter_label(quarter)}尚未结束（{last} 结束），入围名单应在季度结束后按全季得分确定")


def check_year(ledger: ReadableLedger, year: int) -> int:
    """A calendar year the rules were in force for and that has begun, or a refusal."""
    first = ledger.catalogue.effective.year
    if year < first:
        raise InvalidInput(f"{year}年早于考评办法施行日期 {ledger.catalogue.effective}")
    if year > date.today().year:
        raise InvalidInput(f"{year}年尚未开始")
    return year


def quarter_stream(ledger: Ledger, quarter: str) -> QuarterStream:
    """The quarter's stream folded into its status."""
    from ledger import events as ev

    events = ledger.stream(ids.quarter_id(quarter))
    pick = lambda cls: next((e for e in events if isinstance(e, cls)), None)  # noqa: E731
    return QuarterStream(
        quarter=quarter,
        version=events[-1].originator_version if events else 0,
        shortlist=pick(ev.ShortlistFrozen),
        decision=pick(ev.DecisionRecorded),
        published=pick(ev.QuarterPublished),
    )


def _require(qs: QuarterStream, wanted: str, doing: str) -> None:
    if qs.status != wanted:
        raise NotAllowed(
            f"{quarter_label(qs.quarter)}当前状态为「{STATUS_NAMES[qs.status]}」，不能{doing}"
            f"（需要「{STATUS_NAMES[wanted]}」）"
        )


def require_status(ledger: Ledger, quarter: str, wanted: str, doing: str) -> QuarterStream:
    """The quarter's stream when it is in the wanted state, else a refusal naming both states."""
    qs = quarter_stream(ledger, quarter)
    _require(qs, wanted, doing)
    return qs


def freeze_shortlist(
    ledger: Ledger, quarter: str, windows_n: int, staff_m: int, windows: Sequence[str], staff: Sequence[str]
) -> UUID:
    """Record the 入围名单 computed from the scores: the quarter moves from open to shortlisted."""
    ledger.center()
    quarter = check_quarter(ledger, quarter)
    check_ended(quarter)
    if not (1 <= windows_n <= MAX_SHORTLIST and 1 <= staff_m <= MAX_SHORTLIST):
        raise InvalidInput(f"入围名额必须是 1 到 {MAX_SHORTLIST} 之间的整数")
    qs = quarter_stream(ledger, quarter)
    _require(qs, "open", "确定入围名单")
    from ledger import events as ev

    stream = ids.quarter_id(quarter)
    ledger._save(ledger._event(
        ev.ShortlistFrozen, stream, qs.version + 1, quarter=quarter, windows_n=windows_n, staff_m=staff_m,
        windows=list(windows), staff=list(staff),
    ))
    return stream


def _split(values: Sequence[str]) -> list[str]:
    out: list[str] = []
    for v in values:
        for part in v.replace("，", ",").split(","):
            part = part.strip()
            if part:
                out.append(part)
    return out


def check_decision(
    ledger: Ledger, quarter: str, red_flag: Sequence[str], five: Sequence[str], four: Sequence[str]
) -> QuarterStream:
    """The quarter's stream when a decision with these picks may be recorded, else a refusal (D14)."""
    ledger.center()
    quarter = check_quarter(ledger, quarter)
    red_flag, five, four = _split(red_flag), _split(five), _split(four)
    qs = quarter_stream(ledger, quarter)
    _require(qs, "shortlisted", "记录党组决定")
    assert qs.shortlist is not None
    label = quarter_label(quarter)
    for name, picks in (("红旗窗口", red_flag), ("五星", five), ("四星", four)):
        dup = sorted({p for p in picks if picks.count(p) > 1})
        if dup:
            raise InvalidInput(f"{name}名单中重复：{','.join(dup)}")
    both = sorted(set(five) & set(four))
    if both:
        raise InvalidInput(f"同一人不能既评五星又评四星：{','.join(both)}")
    outside = [c for c in red_flag if c not in qs.shortlist.windows]
    if outside:
        raise NotAllowed(f"{','.join(outside)} 不在{label}红旗窗口入围名单中，党组只能从入围窗口中确定")
    outside = [p for p in five + four if p not in qs.shortlist.staff]
    if outside:
        raise NotAllowed(f"{','.join(outside)} 不在{label}服务明星入围名单中，党组只能从入围人员中确定")
    return qs


def record_decision(
    ledger: Ledger, quarter: str, red_flag: Sequence[str], five: Sequence[str], four: Sequence[str]
) -> UUID:
    """Record the 党组 decision; every pick must be on the frozen shortlist (D14)."""
    quarter = check_quarter(ledger, quarter)
    red_flag, five, four = _split(red_flag), _split(five), _split(four)
    qs = check_decision(ledger, quarter, red_flag, five, four)
    from ledger import events as ev

    stream = ids.quarter_id(quarter)
    ledger._save(ledger._event(
        ev.DecisionRecorded, stream, qs.version + 1, quarter=quarter, red_flag=red_flag, five=five, four=four,
    ))
    return stream


def publish_quarter(ledger: Ledger, quarter: str, position: int, digest: str, checkpoint: str | None = None) -> UUID:
    """Record that the quarter's results as of `position` were published, pinned by their digest (D18)."""
    ledger.center()
    quarter = check_quarter(ledger, quarter)
    qs = quarter_stream(ledger, quarter)
    _require(qs, "decided", "公布结果")
    if len(digest) != 64:
        raise InvalidInput("摘要应为 64 位 sha256 十六进制串")
    from ledger import events as ev

    stream = ids.quarter_id(quarter)
    ledger._save(ledger._event(
        ev.QuarterPublished, stream, qs.version + 1, quarter=quarter, position=position, digest=digest,
        checkpoint=checkpoint,
    ))
    return stream
