"""A quarter's own steps: the frozen shortlist, the 党组 decision, the publication."""

from __future__ import annotations

from ledger.events.base import Fact


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
