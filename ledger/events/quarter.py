"""A quarter's own steps: the frozen shortlist, the 党组 decision, the publication, and their amendments (D25)."""

from __future__ import annotations

from datetime import date
from typing import Any

from ledger.events.base import Fact


class ShortlistFrozen(Fact):
    """The 督查科 froze the quarter's 入围名单; later score changes do not rewrite it."""

    quarter: str
    windows_n: int
    staff_m: int
    windows: list[str]
    staff: list[str]


class DecisionRecorded(Fact):
    """The 党组 named the 红旗窗口 and the five- and four-star 服务明星 of the quarter.

    `meeting` is the day of the 党组 meeting and `minutes` its 会议纪要 (stored as evidence) when named; decisions
    stored before they could be named have neither (the defaults, so old events read as they are).
    """

    quarter: str
    red_flag: list[str]
    five: list[str]
    four: list[str]
    meeting: date | None = None
    minutes: dict[str, Any] | None = None


class QuarterPublished(Fact):
    """The quarter's results were published (通报 / 网站公布); `digest` pins exactly what, under the fields of
    `digest_version` (ledger/digests.py; publications stored without one are version 1)."""

    quarter: str
    position: int
    digest: str
    checkpoint: str | None
    digest_version: int = 1


class ShortlistAmended(Fact):
    """Before any decision, the 督查科 froze a new 入围名单 that replaces the earlier one whole, for `reason` (D25)."""

    quarter: str
    windows_n: int
    staff_m: int
    windows: list[str]
    staff: list[str]
    reason: str


class DecisionAmended(Fact):
    """The 党组 amended its decision: the new one replaces the earlier one whole, for `reason` (D25); after
    publication it is an amendment (D19)."""

    quarter: str
    red_flag: list[str]
    five: list[str]
    four: list[str]
    reason: str
    meeting: date | None
    minutes: dict[str, Any] | None
