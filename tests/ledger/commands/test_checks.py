"""The shared checks as pure functions: a fact's date, an item, a disqualification, and D2's subject."""

from __future__ import annotations

from datetime import date

import pytest

from ledger.catalogue import Catalogue
from ledger.commands import checks
from ledger.errors import InvalidInput, NotAllowed, NotFound
from ledger.registry import Registry

TODAY = date(2008, 10, 15)


@pytest.mark.parametrize("text", ["2008-05-01", "2008-10-15"])
def test_a_fact_may_happen_on_the_day_the_rules_took_effect_or_today(cat: Catalogue, text: str) -> None:
    assert checks.fact_date(cat, TODAY, text) == date.fromisoformat(text)


@pytest.mark.parametrize(("text", "message"), [
    ("2008-04-30", "^日期 2008-04-30 早于考评办法施行日期 2008-05-01$"),
    ("2008-10-16", "^日期 2008-10-16 在今天之后$"),
    ("2008-02-30", "^日期不存在：2008-02-30$"),
    ("15/10/2008", "^日期格式应为 YYYY-MM-DD：'15/10/2008'$"),
])
def test_a_fact_date_before_the_rules_after_today_or_not_a_date_is_refused(cat: Catalogue, text: str,
                                                                           message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        checks.fact_date(cat, TODAY, text)


def test_an_item_is_trimmed_and_must_fit_its_subject(cat: Catalogue) -> None:
    assert checks.item(cat, " S4.1 ", on_staff=True) == "S4.1"
    assert checks.item(cat, "W2.3", on_staff=False) == "W2.3"
    with pytest.raises(InvalidInput, match=r"^条目 W2\.3 是窗口考评条目，不能记在人员名下（请用 --window）$"):
        checks.item(cat, "W2.3", on_staff=True)
    with pytest.raises(InvalidInput, match=r"^条目 S4\.1 是人员考评条目，不能记在窗口名下（请用 --staff）$"):
        checks.item(cat, "S4.1", on_staff=False)
    with pytest.raises(InvalidInput, match=r"^未知的考评条目代码：S9\.9$"):
        checks.item(cat, "S9.9", on_staff=True)


def test_a_disqualification_must_be_one_the_item_can_carry_and_from_its_only_channel(cat: Catalogue) -> None:
    assert checks.disqualification(cat, None, "S4.1", None) is None
    assert checks.disqualification(cat, "", "S4.1", None) is None
    assert checks.disqualification(cat, "discipline", "S4.1", None) == "discipline"
    assert checks.disqualification(cat, "consultation", "S4.1", "consultation") == "consultation"
    only = r"^条目 S4\.1 不能认定为取消资格类型 gaming（gaming 只适用于 W2\.3、S4\.2）$"
    with pytest.raises(InvalidInput, match=only):
        checks.disqualification(cat, "gaming", "S4.1", None)
    channel = "^取消资格类型 consultation 只能来自经核实的征求意见（投诉渠道 consultation）$"
    with pytest.raises(InvalidInput, match=channel):
        checks.disqualification(cat, "consultation", "S4.1", "hotline-12345")
    with pytest.raises(InvalidInput, match="^未知的取消资格类型：lazy"):
        checks.disqualification(cat, "lazy", "S4.1", None)


@pytest.mark.parametrize(("day", "window"), [(date(2008, 5, 31), "W01"), (date(2008, 6, 1), "W02"),
                                             (date(2008, 9, 30), "W02")])
def test_a_persons_fact_goes_to_the_window_they_were_assigned_to_on_its_day(registry: Registry, day: date,
                                                                           window: str) -> None:
    assert checks.subject(registry, None, "S001", day) == (window, "S001")


def test_a_windows_fact_goes_to_the_window_itself(registry: Registry) -> None:
    assert checks.subject(registry, "W01", None, date(2008, 7, 1)) == ("W01", None)


@pytest.mark.parametrize(("window", "staff", "refusal", "message"), [
    ("W01", "S001", InvalidInput, "^请指定 --window 或 --staff 其中之一$"),
    (None, None, InvalidInput, "^请指定 --window 或 --staff 其中之一$"),
    ("W09", None, NotFound, "^未登记的窗口：W09$"),
    (None, "S009", NotFound, "^未登记的人员：S009$"),
    (None, "S002", NotAllowed, "^S002（李四）在 2008-06-10 尚未分配到任何窗口$"),
])
def test_a_subject_that_is_both_neither_unknown_or_not_yet_assigned_is_refused(
    registry: Registry, window: str | None, staff: str | None, refusal: type[Exception], message: str
) -> None:
    with pytest.raises(refusal, match=message):
        checks.subject(registry, window, staff, date(2008, 6, 10))
