"""The rules catalogue loads as RULES.md states it, and every broken variant fails loudly."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from typing import Any

import orjson
import pytest

from ledger import catalogue
from ledger.errors import CatalogueError


def raw() -> dict[str, Any]:
    """A fresh, mutable copy of the packaged catalogue."""
    data = resources.files("ledger.catalogues").joinpath("changxing-2008.json").read_bytes()
    return orjson.loads(data)


def broken(change: Callable[[dict[str, Any]], None]) -> bytes:
    doc = raw()
    change(doc)
    return orjson.dumps(doc)


def cat_named(doc: dict[str, Any], code: str) -> dict[str, Any]:
    for table in ("window_table", "staff_table"):
        for c in doc[table]["categories"]:
            if c["code"] == code:
                return c
    raise KeyError(code)


def bonus(doc: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(b for b in doc["bonus_kinds"] if b["kind"] == kind)


def dq(doc: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(d for d in doc["disqualifications"] if d["kind"] == kind)


def test_the_packaged_catalogue_loads_with_the_numbers_of_the_rules() -> None:
    cat = catalogue.load("changxing-2008")
    assert str(cat.effective) == "2008-05-01"
    assert [(c.code, c.points, c.per_violation) for c in cat.window_categories] == [
        ("W1", 10, 2), ("W2", 30, 5), ("W3", 15, 3), ("W4", 15, 3), ("W5", 30, 6)
    ]
    assert [(c.code, c.points, c.per_violation) for c in cat.staff_categories] == [
        ("S1", 15, 4), ("S2", 20, 4), ("S3", 35, 4), ("S4", 20, 5)
    ]
    assert [len(c.items) for c in cat.window_categories] == [7, 6, 7, 6, 5]
    assert [len(c.items) for c in cat.staff_categories] == [4, 4, 7, 4]
    assert cat.staff_bonus_cap == 10
    assert cat.counterparts["S4.4"] == "W3.7" and "S2.3" not in cat.counterparts and len(cat.counterparts) == 17
    assert cat.shortlist_windows == 8 and cat.shortlist_staff == 20
    assert cat.rewards_yuan == {5: 100, 4: 50}
    assert cat.disqualification("gaming").allows("W2.3") and not cat.disqualification("gaming").allows("W2.1")
    assert cat.disqualification("complaint").allows("S3.5") and cat.disqualification("consultation").allows("W1.1")
    assert cat.bonus_kind("article").points("window", "national", None) == 5
    assert cat.bonus_kind("honour").points("staff", "national", None) == 10
    assert cat.bonus_kind("competition").points("window", None, 2) == 2


def test_item_text_is_the_original_wording() -> None:
    cat = catalogue.load()
    assert cat.item("W1.7").text == "部门项目进“中心”窗口办理的达80%以上"
    assert "玩电脑游戏" in cat.item("W2.3").text


def test_parsing_the_packaged_bytes_unchanged_succeeds() -> None:
    assert catalogue.parse(orjson.dumps(raw())).id == "changxing-2008"


BROKEN: dict[str, Callable[[dict[str, Any]], None]] = {
    "window categories summing to 105": lambda d: cat_named(d, "W1").update(points=15),
    "a window total other than 100": lambda d: d["window_table"].update(total=90),
    "S1-S4 summing to 95": lambda d: cat_named(d, "S2").update(points=25),
    "a staff total other than 90": lambda d: d["staff_table"].update(total=100),
    "a duplicate category code": lambda d: cat_named(d, "W2").update(code="W1"),
    "a category without items": lambda d: cat_named(d, "W4").update(items=[]),
    "a deduction larger than the category": lambda d: cat_named(d, "S1").update(per_violation=16),
    "a zero deduction": lambda d: cat_named(d, "W3").update(per_violation=0),
    "an item without text": lambda d: cat_named(d, "W5")["items"].__setitem__(0, "  "),
    "a window category not starting with W": lambda d: cat_named(d, "W5").update(code="X5"),
    "a staff category not starting with S": lambda d: cat_named(d, "S4").update(code="T4"),
    "a non-positive staff bonus cap": lambda d: d["staff_table"]["bonus_category"].update(cap=0),
    "a counterpart pointing at a missing window item": lambda d: d["counterparts"].update({"S1.1": "W4.9"}),
    "a counterpart from a missing staff item": lambda d: d["counterparts"].update({"S9.9": "W4.1"}),
    "a counterpart mapping onto a staff item": lambda d: d["counterparts"].update({"S1.1": "S1.2"}),
    "a duplicate bonus kind": lambda d: d["bonus_kinds"].append(dict(bonus(d, "article"))),
    "a bonus kind with an unknown window item": lambda d: bonus(d, "measure").update(window_item="B9"),
    "a bonus kind with an unknown staff item": lambda d: bonus(d, "measure").update(staff_item="S5.9"),
    "a bonus kind scored by an unknown basis": lambda d: bonus(d, "measure").update(by="weight"),
    "a level-scored bonus with an unknown level": lambda d: bonus(d, "article")["window_points"].update(galaxy=9),
    "a place-scored bonus with no places": lambda d: bonus(d, "competition").update(window_points={}),
    "a flat bonus that is not an integer": lambda d: bonus(d, "measure").update(window_points="2"),
    "a negative bonus": lambda d: bonus(d, "article")["window_points"].update(center=-1),
    "a dq pattern naming a missing item": lambda d: dq(d, "gaming").update(items=["W2.9"]),
    "a dq pattern naming a missing category": lambda d: dq(d, "complaint").update(items=["W9.*"]),
    "a dq with an unknown scope": lambda d: dq(d, "gaming").update(person_scopes=["forever"]),
    "a dq window scope that is unknown": lambda d: dq(d, "corruption").update(window_scopes=["decade-red-flag"]),
    "a dq limited to an unknown channel": lambda d: dq(d, "consultation").update(channel_only="pigeon"),
    "a missing dq kind": lambda d: d["disqualifications"].pop(),
    "stars out of order": lambda d: d["stars"].update(four=6),
    "a minimum star below one": lambda d: d["stars"].update(minimum=0),
    "reductions from low to high": lambda d: d["stars"].update(reductions=list(reversed(d["stars"]["reductions"]))),
    "a reduction of zero stars": lambda d: d["stars"]["reductions"][0].update(minus=0),
    "a reward for three stars": lambda d: d["stars"]["rewards_yuan"].update({"3": 10}),
    "a zero shortlist default": lambda d: d["shortlist"].update(windows=0),
    "a missing key": lambda d: d.pop("counterparts"),
    "an impossible effective date": lambda d: d.update(effective="2008-02-30"),
    "a category points that is not a number": lambda d: cat_named(d, "W1").update(points="ten"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_catalogue_is_refused_loudly(case: str) -> None:
    with pytest.raises(CatalogueError):
        catalogue.parse(broken(BROKEN[case]))


def test_bytes_that_are_not_json_are_refused() -> None:
    with pytest.raises(CatalogueError):
        catalogue.parse(b"{not json")


def test_the_catalogue_hash_pins_the_exact_bytes() -> None:
    a = catalogue.parse(orjson.dumps(raw()))
    b = catalogue.parse(orjson.dumps(raw(), option=orjson.OPT_INDENT_2))
    assert a.sha256 != b.sha256


def test_an_unknown_rules_id_is_refused() -> None:
    from ledger.errors import InvalidInput

    with pytest.raises(InvalidInput):
        catalogue.load("changxing-1999")
    with pytest.raises(InvalidInput):
        catalogue.load("../etc/passwd")
