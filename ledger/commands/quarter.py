"""A quarter's life in the ledger: open → shortlisted → decided → published, one stream per quarter.

The ranking itself is computed above (projections) and handed down as frozen lists; here the ledger
checks the order of the steps and that the 党组 picks only from the frozen shortlist (D13, D14, D18), and
that an amendment (D25) comes at its moment and with its reason: a new shortlist before any decision, a new
decision once one is recorded (after publication too, D19). The decisions (`shortlist`, `decision`,
`publication`) are pure: the quarter's stream, the arguments and the stamp in, the event out;
`freeze_shortlist`, `record_decision` and `publish_quarter` read the stream, decide and append through the
ledger's public `append`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple
from uuid import UUID

from ledger import ids
from ledger.calendar import parse_date, parse_quarter, quarter_bounds, quarter_label
from ledger.digests import DIGEST_FIELDS, DIGEST_VERSION
from ledger.errors import InvalidInput, NotAllowed
from ledger.quarter_status import STATUS_NAMES, status
from ledger.runtime.zone import center_today

if TYPE_CHECKING:
    from ledger import events as ev
    from ledger.app import Ledger
    from ledger.catalogue import Catalogue
    from ledger.commands.stamp import Stamp
    from ledger.storage.reader import ReadableLedger

# The event classes (and eventsourcing) are imported where a quarter's stream is read or written, not here:
# `kaoping report` checks its quarter argument through this module without opening the full ledger.

MAX_SHORTLIST = 100000  # far above any center's size; keeps the count a storable integer


class QuarterStream(NamedTuple):
    """The quarter's own events: the shortlist and decision in force (the last recorded, D25), the publication,
    and its status."""

    quarter: str
    version: int
    shortlist: ev.ShortlistFrozen | ev.ShortlistAmended | None
    decision: ev.DecisionRecorded | ev.DecisionAmended | None
    published: ev.QuarterPublished | None

    @property
    def status(self) -> str:
        """open, shortlisted, decided or published."""
        return status(self.shortlist is not None, self.decision is not None, self.published is not None)


def fold_quarter(quarter: str, events: Sequence[ev.Fact]) -> QuarterStream:
    """The quarter's stream folded into its steps."""
    from ledger import events as ev

    def last(*classes: type[Any]) -> Any:
        return next((e for e in reversed(events) if isinstance(e, classes)), None)

    return QuarterStream(
        quarter=quarter,
        version=events[-1].originator_version if events else 0,
        shortlist=last(ev.ShortlistFrozen, ev.ShortlistAmended),
        decision=last(ev.DecisionRecorded, ev.DecisionAmended),
        published=last(ev.QuarterPublished),
    )


# --- pure checks and decisions ---------------------------------------------------------------------


def quarter_in_force(cat: Catalogue, today: date, text: str) -> str:
    """A quarter the rules were in force for and that has begun (normalised, e.g. 2008Q2), or a refusal."""
    quarter = parse_quarter(text)
    first, last = quarter_bounds(quarter)
    if last < cat.effective:
        raise InvalidInput(f"{quarter_label(quarter)}早于考评办法施行日期 {cat.effective}")
    if first > today:
        raise InvalidInput(f"{quarter_label(quarter)}尚未开始")
    return quarter


def year_in_force(cat: Catalogue, today: date, year: int) -> int:
    """A calendar year the rules were in force for and that has begun, or a refusal."""
    if year < cat.effective.year:
        raise InvalidInput(f"{year}年早于考评办法施行日期 {cat.effective}")
    if year > today.year:
        raise InvalidInput(f"{year}年尚未开始")
    return year


def check_ended(quarter: str, today: date | None = None) -> None:
    """Refuse a shortlist before the quarter is over: it is 依据当季工作 — the whole quarter's scores."""
    last = quarter_bounds(quarter)[1]
    if last >= (today or center_today()):
        raise NotAllowed(f"{quarter_label(quarter)}尚未结束（{last} 结束），入围名单应在季度结束后按全季得分确定")


def require(qs: QuarterStream, wanted: str, doing: str) -> QuarterStream:
    """The quarter's stream when it is in the wanted state, else a refusal naming both states."""
    if qs.status != wanted:
        raise NotAllowed(
            f"{quarter_label(qs.quarter)}当前状态为「{STATUS_NAMES[qs.status]}」，不能{doing}"
            f"（需要「{STATUS_NAMES[wanted]}」）"
        )
    return qs


def split(values: Sequence[str]) -> list[str]:
    """Picks as typed (repeated options, comma-separated, full-width commas too) as one list."""
    out: list[str] = []
    for v in values:
        for part in v.replace("，", ",").split(","):
            part = part.strip()
            if part:
                out.append(part)
    return out


def amend_reason(amend: bool, reason: str | None) -> str | None:
    """`--amend --reason TEXT` as one value: the amendment's reason (trimmed), None when not amending; a reason
    without `--amend`, or `--amend` without a reason, is refused (D25: an amendment always says why)."""
    text = (reason or "").strip()
    if not amend:
        if reason is not None:
            raise InvalidInput("--reason 只用于修正（--amend）")
        return None
    if not text:
        raise InvalidInput("修正必须说明理由（--amend --reason 理由）")
    return text


def check_shortlist_step(qs: QuarterStream, amend: str | None) -> None:
    """Refuse a shortlist out of turn: the first needs an open quarter, a new one (D25) a shortlist and no decision."""
    if amend is None:
        require(qs, "open", "确定入围名单")
        return
    if qs.status == "open":
        raise NotAllowed(f"{quarter_label(qs.quarter)}尚未确定入围名单，无需修正（去掉 --amend）")
    if qs.status != "shortlisted":
        raise NotAllowed(f"{quarter_label(qs.quarter)}当前状态为「{STATUS_NAMES[qs.status]}」，党组决定之后"
                         "不能重新确定入围名单（可修正党组决定：decide --amend --reason）")


def shortlist(qs: QuarterStream, stamp: Stamp, windows_n: int, staff_m: int, windows: Sequence[str],
              staff: Sequence[str], amend: str | None = None) -> ev.ShortlistFrozen | ev.ShortlistAmended:
    """The 入围名单 computed from the scores, frozen once the quarter is over: open → shortlisted; with an
    amendment's reason, a new 入围名单 replacing the earlier one whole before any decision (D25)."""
    from ledger import events as ev

    check_ended(qs.quarter, stamp.today)
    if not (1 <= windows_n <= MAX_SHORTLIST and 1 <= staff_m <= MAX_SHORTLIST):
        raise InvalidInput(f"入围名额必须是 1 到 {MAX_SHORTLIST} 之间的整数")
    check_shortlist_step(qs, amend)
    fields = {"quarter": qs.quarter, "windows_n": windows_n, "staff_m": staff_m, "windows": list(windows),
              "staff": list(staff)}
    if amend is None:
        return stamp.event(ev.ShortlistFrozen, ids.quarter_id(qs.quarter), qs.version + 1, **fields)
    return stamp.event(ev.ShortlistAmended, ids.quarter_id(qs.quarter), qs.version + 1, reason=amend, **fields)


def check_decision_step(qs: QuarterStream, amend: str | None) -> None:
    """Refuse a decision out of turn: the first needs a shortlist, an amended one (D25) a decision to amend."""
    if amend is None:
        if qs.status in ("decided", "published"):
            raise NotAllowed(f"{quarter_label(qs.quarter)}当前状态为「{STATUS_NAMES[qs.status]}」，已记录党组决定；"
                             "如需修正，请用 --amend --reason 说明理由（修正后的决定整体取代原决定）")
        require(qs, "shortlisted", "记录党组决定")
    elif qs.status not in ("decided", "published"):
        raise NotAllowed(f"{quarter_label(qs.quarter)}尚未记录党组决定，无从修正（去掉 --amend）")


def check_picks(qs: QuarterStream, red_flag: Sequence[str], five: Sequence[str], four: Sequence[str],
                amend: str | None = None) -> None:
    """Refuse a decision out of turn, picks that repeat, a person given two stars, or anyone not on the shortlist
    in force (D14)."""
    check_decision_step(qs, amend)
    assert qs.shortlist is not None
    label = quarter_label(qs.quarter)
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
    outside = [p for p in [*five, *four] if p not in qs.shortlist.staff]
    if outside:
        raise NotAllowed(f"{','.join(outside)} 不在{label}服务明星入围名单中，党组只能从入围人员中确定")


def meeting_day(quarter: str, today: date, text: str | None) -> date | None:
    """The day of the 党组 meeting (`--date`): after the quarter's end (its shortlist needs the whole quarter), not
    after today; None when not named."""
    if text is None:
        return None
    day = parse_date(text, "党组会议日期")
    last = quarter_bounds(quarter)[1]
    if day <= last:
        raise InvalidInput(f"党组会议日期 {day} 应在{quarter_label(quarter)}结束（{last}）之后")
    if day > today:
        raise InvalidInput(f"党组会议日期 {day} 在今天之后")
    return day


def decision(qs: QuarterStream, stamp: Stamp, red_flag: Sequence[str], five: Sequence[str],
             four: Sequence[str], *, meeting: str | None = None,
             minutes: Callable[[], dict[str, Any]] | None = None,
             amend: str | None = None) -> ev.DecisionRecorded | ev.DecisionAmended:
    """The 党组 decision, every pick from the shortlist in force: shortlisted → decided; with an amendment's reason,
    a decision replacing the one in force whole (D25). `meeting` names the meeting's day and `minutes` stores its
    会议纪要 (called only once every rule has passed, so a refused decision stores nothing)."""
    from ledger import events as ev

    red_flag, five, four = split(red_flag), split(five), split(four)
    check_picks(qs, red_flag, five, four, amend)
    day = meeting_day(qs.quarter, stamp.today, meeting)
    fields = {"quarter": qs.quarter, "red_flag": red_flag, "five": five, "four": four, "meeting": day,
              "minutes": minutes() if minutes is not None else None}
    if amend is None:
        return stamp.event(ev.DecisionRecorded, ids.quarter_id(qs.quarter), qs.version + 1, **fields)
    return stamp.event(ev.DecisionAmended, ids.quarter_id(qs.quarter), qs.version + 1, reason=amend, **fields)


def publication(qs: QuarterStream, stamp: Stamp, position: int, digest: str,
                checkpoint: str | None = None, digest_version: int = DIGEST_VERSION) -> ev.QuarterPublished:
    """The results as of `position`, pinned by their digest under a digest version's fields (ledger/digests.py),
    published: decided → published (D18)."""
    from ledger import events as ev

    require(qs, "decided", "公布结果")
    if len(digest) != 64:
        raise InvalidInput("摘要应为 64 位 sha256 十六进制串")
    if digest_version not in DIGEST_FIELDS:
        raise InvalidInput(f"未知的摘要版本：{digest_version}")
    return stamp.event(ev.QuarterPublished, ids.quarter_id(qs.quarter), qs.version + 1, quarter=qs.quarter,
                       position=position, digest=digest, checkpoint=checkpoint, digest_version=digest_version)


# --- the steps, through a ledger ---------------------------------------------------------------------


def check_quarter(ledger: ReadableLedger, text: str) -> str:
    """A quarter the ledger's rules were in force for and that has begun, or a refusal."""
    return quarter_in_force(ledger.catalogue, center_today(), text)


def check_year(ledger: ReadableLedger, year: int) -> int:
    """A calendar year the ledger's rules were in force for and that has begun, or a refusal."""
    return year_in_force(ledger.catalogue, center_today(), year)


def quarter_stream(ledger: Ledger, quarter: str) -> QuarterStream:
    """The quarter's stream folded into its status."""
    return fold_quarter(quarter, ledger.stream(ids.quarter_id(quarter)))


def require_status(ledger: Ledger, quarter: str, wanted: str, doing: str) -> QuarterStream:
    """The quarter's stream when it is in the wanted state, else a refusal naming both states."""
    return require(quarter_stream(ledger, quarter), wanted, doing)


def freeze_shortlist(
    ledger: Ledger, quarter: str, windows_n: int, staff_m: int, windows: Sequence[str], staff: Sequence[str],
    amend: str | None = None,
) -> UUID:
    """Record the 入围名单 computed from the scores: the quarter moves from open to shortlisted (with `amend`, the
    reason for a new 入围名单 before any decision, D25)."""
    ledger.center()
    quarter = check_quarter(ledger, quarter)
    ledger.append(shortlist(quarter_stream(ledger, quarter), ledger.stamp(), windows_n, staff_m, windows, staff,
                            amend))
    return ids.quarter_id(quarter)


def check_decision(
    ledger: Ledger, quarter: str, red_flag: Sequence[str], five: Sequence[str], four: Sequence[str],
    amend: str | None = None,
) -> QuarterStream:
    """The quarter's stream when a decision with these picks may be recorded (or amended), else a refusal (D14)."""
    ledger.center()
    quarter = check_quarter(ledger, quarter)
    qs = quarter_stream(ledger, quarter)
    check_picks(qs, split(red_flag), split(five), split(four), amend)
    return qs


def record_decision(
    ledger: Ledger, quarter: str, red_flag: Sequence[str], five: Sequence[str], four: Sequence[str], *,
    meeting: str | None = None, minutes_file: str | None = None, amend: str | None = None,
) -> UUID:
    """Record the 党组 decision, or amend it with a reason (D25); every pick must be on the shortlist in force (D14).
    `meeting` and `minutes_file` name the meeting and its 会议纪要 (stored as evidence)."""
    from ledger.storage import evidence

    quarter = check_quarter(ledger, quarter)
    qs = check_decision(ledger, quarter, red_flag, five, four, amend)
    with evidence.staging(ledger.location.evidence_dir, minutes_file) as stage:
        ledger.append(decision(qs, ledger.stamp(), red_flag, five, four, meeting=meeting, minutes=stage,
                               amend=amend))
    return ids.quarter_id(qs.quarter)


def publish_quarter(ledger: Ledger, quarter: str, position: int, digest: str, checkpoint: str | None = None,
                    digest_version: int = DIGEST_VERSION) -> UUID:
    """Record that the quarter's results as of `position` were published, pinned by their digest (D18)."""
    ledger.center()
    quarter = check_quarter(ledger, quarter)
    ledger.append(publication(quarter_stream(ledger, quarter), ledger.stamp(), position, digest, checkpoint,
                              digest_version))
    return ids.quarter_id(quarter)
