"""好差评, 整改 and 回访 through a ledger (D30, D31): read the streams a decision needs, decide, append.

A ratings sheet is imported as the findings sheets are: checked whole against the registry of the windows and
people it names, its new ratings encoded in bulk and appended in one transaction with the complaints its 差评 wait
as, or nothing at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from ledger import events as ev
from ledger import ids
from ledger.commands import rectify as decide
from ledger.commands.ratings import CheckedRating, RatingChecker, check_ratings
from ledger.commands.sheet_rows import needs_whole_registry, split_label
from ledger.commands.stamp import Stamp
from ledger.procedure import Procedure
from ledger.runtime.gcpause import collector_paused
from ledger.sheets.rating_storing import Streams, rating_streams, recorded_ratings, stored_ratings
from ledger.sheets.ratings import RatingSheet
from ledger.storage import evidence
from ledger.topics import RATING_TOPIC

if TYPE_CHECKING:
    from ledger.app import Ledger


@dataclass(frozen=True)
class RatingsImport:
    """What a ratings import did: how many ratings it added, how many were imported before, the 差评 complaints it
    opened (their ids), and the sheet as read."""

    added: int
    skipped: int
    complaints: list[UUID]
    sheet: str
    encoding: str


def bad_complaint(proc: Procedure, r: CheckedRating, stamp: Stamp) -> ev.ComplaintReceived:
    """The complaint a 差评 waits as (channel `rating`, D31), in the stream its 办件编号 names."""
    level = next(lv.name for lv in proc.rating_levels if lv.value == r.level)
    text = f"好差评“{level}”（{proc.rating_channels[r.channel]}，办件编号 {r.ref}）"
    return stamp.event(ev.ComplaintReceived, ids.rating_complaint_id(r.ref), 1, window=r.window, staff=r.staff,
                       date=r.day, channel=proc.rating_channel, text=text)


def import_ratings(ledger: Ledger, sheet: RatingSheet) -> RatingsImport:
    """Record a sheet's ratings all or none; a 办件编号 imported before adds nothing (with another rating: refused)."""
    ledger.center()
    with collector_paused():
        stamp = ledger.stamp()
        windows = {split_label(c)[0] for c in {r.window for r in sheet}}
        people = {split_label(c)[0] for c in {r.staff for r in sheet} if c}
        registry = ledger.registry_of(windows=windows, people=people)
        if needs_whole_registry(windows | people, registry):
            registry = ledger.registry()
        cat = ledger.catalogue
        proc = cat.procedure
        checker = RatingChecker(registry, cat, proc, stamp.today)
        streams: Streams = {}

        def recorded(ratings: list[CheckedRating]) -> dict[str, Mapping[str, Any]]:
            streams.update(rating_streams(r.ref for r in ratings))
            return recorded_ratings(ledger.recorder, lambda: ledger.pages(topics={RATING_TOPIC}), streams)

        fresh, skipped = check_ratings(sheet, checker, recorded)
        bad = {lv.value for lv in proc.rating_levels if lv.bad}
        complaints = [bad_complaint(proc, r, stamp) for r in fresh if r.level in bad]
        stored = stored_ratings(ledger.recorder, ledger.mapper, fresh, streams, stamp)
        stored += [ledger.mapper.to_stored_event(c) for c in complaints]
        if stored:
            ledger.append_stored(stored)
    return RatingsImport(len(fresh), skipped, [c.originator_id for c in complaints], sheet.name, sheet.encoding)


def rectify_complaint(ledger: Ledger, complaint_id: str, day: str, text: str, evidence_file: str | None) -> UUID:
    """Record what was done about a verified complaint (整改, D30)."""
    ledger.center()
    with evidence.staging(ledger.location.evidence_dir, evidence_file) as stage:
        e = decide.rectify(ledger.fact(complaint_id), ledger.stamp(), day=day, text=text, evidence=stage)
        ledger.append(e)
    return e.originator_id


def callback_complaint(ledger: Ledger, complaint_id: str, day: str, result: str, note: str) -> UUID:
    """Record the complainant's answer when called back (回访, D30): unsatisfied opens the rectification again."""
    ledger.center()
    e = decide.callback(ledger.fact(complaint_id), ledger.stamp(), day=day, result=result, note=note)
    ledger.append(e)
    return e.originator_id

