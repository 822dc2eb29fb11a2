"""Hand-built states for the pure decisions: the packaged catalogue, a fixed stamp, a small registry, fact streams."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from uuid import UUID

import pytest

from ledger import catalogue as rules
from ledger import events as ev
from ledger.catalogue import Catalogue
from ledger.commands.facts import FactStream
from ledger.commands.stamp import Stamp
from ledger.registry import STAFF_MOVED, STAFF_REGISTERED, WINDOW_REGISTERED, Registry

AT = datetime(2008, 10, 15, 1, 2, 3, tzinfo=UTC)
TODAY = date(2008, 10, 15)  # 2008Q3 is over, 2008Q4 has begun, 2009 has not
FACT = UUID("11111111-2222-4333-8444-555555555555")


@pytest.fixture(scope="session")
def cat() -> Catalogue:
    """The packaged catalogue (in force from 2008-05-01)."""
    return rules.load()


@pytest.fixture
def stamp() -> Stamp:
    """督查科 沈红梅, at a fixed time on 2008-10-15."""
    return Stamp("督查科 沈红梅", AT, TODAY)


@pytest.fixture
def registry() -> Registry:
    """W01 工商窗口 and W02 税务窗口; 张三 (S001) at W01 from 2008-05-01, at W02 from 2008-06-01; 李四 (S002) at W02
    from 2008-06-15."""
    reg = Registry()
    reg.apply(WINDOW_REGISTERED, {"code": "W01", "name": "工商窗口", "department": "县市场监督管理局"})
    reg.apply(WINDOW_REGISTERED, {"code": "W02", "name": "税务窗口", "department": "县税务局"})
    reg.apply(STAFF_REGISTERED, {"staff_id": "S001", "name": "张三", "window": "W01", "since": "2008-05-01"})
    reg.apply(STAFF_MOVED, {"staff_id": "S001", "window": "W02", "since": "2008-06-01"})
    reg.apply(STAFF_REGISTERED, {"staff_id": "S002", "name": "李四", "window": "W02", "since": "2008-06-15"})
    return reg


FactOf = Callable[..., FactStream]


@pytest.fixture
def fact_of(stamp: Stamp) -> FactOf:
    """A fact stream from its events, given as (class, fields) pairs, versions 1, 2, …; typed as its id."""

    def make(*steps: tuple[type[ev.Fact], dict[str, object]], typed: str = str(FACT)) -> FactStream:
        events = [stamp.event(cls, FACT, n, **fields) for n, (cls, fields) in enumerate(steps, start=1)]
        return FactStream(typed, FACT, events)

    return make


Step = tuple[type[ev.Fact], dict[str, object]]


@pytest.fixture
def finding() -> Step:
    """张三's S4.1 finding of 2008-07-08, attributed to W02."""
    return (ev.FindingRecorded, {"item": "S4.1", "window": "W02", "staff": "S001", "date": date(2008, 7, 8),
                                 "source": "weekly", "dq": None, "note": "", "evidence": None, "row_key": None})


@pytest.fixture
def claim() -> Step:
    """W01's training claim of 2008-07-08."""
    return (ev.BonusClaimed, {"kind": "training", "window": "W01", "staff": None, "date": date(2008, 7, 8),
                              "evidence": {"sha256": "0" * 64, "size": 3, "name": "签到表.pdf"}, "level": None,
                              "place": None, "ref": None})


@pytest.fixture
def complaint() -> Step:
    """A 12345 hotline complaint about 张三 (W02) of 2008-07-08."""
    return (ev.ComplaintReceived, {"window": "W02", "staff": "S001", "date": date(2008, 7, 8),
                                   "channel": "hotline-12345", "text": "态度冷漠"})


@pytest.fixture
def window_complaint() -> Step:
    """A 征求意见 response about W01 of 2008-07-08."""
    return (ev.ComplaintReceived, {"window": "W01", "staff": None, "date": date(2008, 7, 8),
                                   "channel": "consultation", "text": "排队过长"})
