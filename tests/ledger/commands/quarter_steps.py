"""A quarter's stream built from hand-written steps, and the steps the quarter's decision tests share."""

from __future__ import annotations

from typing import Any

from ledger import events as ev
from ledger import ids
from ledger.commands import quarter as q
from ledger.commands.quarter import QuarterStream
from ledger.commands.stamp import Stamp

DIGEST = "d" * 64


def stream(stamp: Stamp, *steps: tuple[type[ev.Fact], dict[str, Any]], quarter: str = "2008Q3") -> QuarterStream:
    """The quarter's stream after these steps (versions 1, 2, …)."""
    events = [stamp.event(cls, ids.quarter_id(quarter), n, quarter=quarter, **fields)
              for n, (cls, fields) in enumerate(steps, start=1)]
    return q.fold_quarter(quarter, events)


SHORTLIST = (ev.ShortlistFrozen, {"windows_n": 2, "staff_m": 3, "windows": ["W01", "W02"],
                                  "staff": ["S001", "S002", "S003"]})
DECISION = (ev.DecisionRecorded, {"red_flag": ["W01"], "five": ["S001"], "four": ["S002"]})
PUBLISHED = (ev.QuarterPublished, {"position": 40, "digest": DIGEST, "checkpoint": None})
