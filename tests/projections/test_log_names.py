"""Every kind of event has a Chinese name where users read the ledger: the log and the demo's table of events."""

from __future__ import annotations

import inspect

from ledger import events as ev
from projections.log import TYPE_NAMES


def test_every_kind_of_event_has_a_chinese_name() -> None:
    kinds = [c for c in vars(ev).values() if inspect.isclass(c) and issubclass(c, ev.Fact) and c is not ev.Fact]
    assert [k.__name__ for k in kinds if k not in TYPE_NAMES] == []
    assert all(not name.isascii() for name in TYPE_NAMES.values())


def test_the_voice_of_the_public_is_named_as_the_center_says_it() -> None:
    assert [TYPE_NAMES[k] for k in (ev.RatingRecorded, ev.RectificationRecorded, ev.CallbackRecorded,
                                    ev.AppealFiled, ev.QuarterAnnounced)] == ["好差评", "整改", "回访", "申诉", "公示"]
