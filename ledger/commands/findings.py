"""Decisions of a finding's stream: an inspection finding recorded, and withdrawn as mistaken (D20)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from ledger import events as ev
from ledger import text
from ledger.catalogue import Catalogue
from ledger.commands import checks
from ledger.commands.facts import FactStream, known, reason
from ledger.commands.stamp import Stamp
from ledger.errors import InvalidInput, NotAllowed
from ledger.registry import Registry

Evidence = Callable[[], dict[str, Any]]
"""Stores a command's evidence file and returns its metadata: called only once every rule has passed, so a
refused command stores nothing (ledger/storage/evidence.py)."""


def record_finding(registry: Registry, cat: Catalogue, stamp: Stamp, stream: UUID, *, item: str,
                   window: str | None, staff: str | None, day: str, source: str, dq: str | None, note: str,
                   evidence: Evidence | None) -> ev.FindingRecorded:
    """A violation of a W-item by a window or of an S-item by a person, attributed to the person's window (D2)."""
    if bool(window) == bool(staff):
        raise InvalidInput("请指定 --window 或 --staff 其中之一")
    item = checks.item(cat, item, on_staff=bool(staff))
    d = checks.fact_date(cat, stamp.today, day)
    cat.source_name(source)
    checks.disqualification(cat, dq, item, None)
    at, person = checks.subject(registry, window, staff, d)
    return stamp.event(ev.FindingRecorded, stream, 1, item=item, window=at, staff=person, date=d, source=source,
                       dq=dq or None, note=text.line(note, "说明"), evidence=evidence() if evidence else None,
                       row_key=None)


def retract_finding(finding: FactStream, why: str, stamp: Stamp) -> ev.FindingRetracted:
    """A recorded finding withdrawn, with a reason; it stays in the ledger, marked."""
    why = reason(why, "撤回必须说明理由（--reason）")
    first = known(finding)
    if not isinstance(first, ev.FindingRecorded):
        raise NotAllowed(f"{finding.typed} 不是检查记录，只有检查记录可以撤回")
    if finding.status == "retracted":
        raise NotAllowed(f"检查记录 {finding.typed} 已经撤回过")
    return stamp.event(ev.FindingRetracted, first.originator_id, finding.version + 1, reason=why)
