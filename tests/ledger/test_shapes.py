"""The stored shapes of ledger/shapes.py are the event classes' own fields, and a row of the wrong type is refused."""

from __future__ import annotations

import typing
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger import events as ev
from ledger import shapes

KINDS = {str: shapes.STR, str | None: shapes.OPT_STR, int: shapes.INT, int | None: shapes.OPT_INT,
         date: shapes.DAY, date | None: shapes.OPT_DAY, list[str]: shapes.STRS,
         list[date]: shapes.DAYS, dict[str, typing.Any]: shapes.EVIDENCE,
         dict[str, typing.Any] | None: shapes.OPT_EVIDENCE, dict[str, str] | None: shapes.OPT_SEALED}
BASE = set(typing.get_type_hints(ev.Fact)) - {"actor"}


@pytest.mark.parametrize("cls", ev.EVENT_TYPES, ids=lambda c: c.__name__)
def test_each_topics_fields_are_the_event_class_annotations(cls: type[ev.Fact]) -> None:
    hints = {name: KINDS[hint] for name, hint in typing.get_type_hints(cls).items()
             if name not in BASE and name != "TOPIC"}
    assert shapes.FIELDS[cls.TOPIC] == hints


@pytest.mark.parametrize("cls", ev.EVENT_TYPES, ids=lambda c: c.__name__)
def test_the_fields_old_rows_may_lack_are_the_ones_a_class_gives_a_default(cls: type[ev.Fact]) -> None:
    defaulted = {name for name in typing.get_type_hints(cls) if name not in BASE and name != "TOPIC"
                 and name in vars(cls)}
    assert shapes.LATER_FIELDS.get(cls.TOPIC, frozenset()) == defaulted


def test_a_decision_stored_before_meetings_were_named_passes_and_one_without_its_quarter_does_not() -> None:
    old = {"actor": "党组", "quarter": "2008Q3", "red_flag": ["TAX"], "five": [], "four": []}
    shapes.check(ev.DecisionRecorded.TOPIC, old)
    with pytest.raises(ValueError, match="quarter"):
        shapes.check(ev.DecisionRecorded.TOPIC, {k: v for k, v in old.items() if k != "quarter"})


def test_every_event_class_has_a_shape() -> None:
    assert set(shapes.FIELDS) == {cls.TOPIC for cls in ev.EVENT_TYPES}


WINDOW = ev.WindowRegistered.TOPIC
FINE = {"actor": "科长", "code": "A", "name": "甲窗口", "department": "县局"}


def test_a_stored_row_of_the_right_shape_passes() -> None:
    shapes.check(WINDOW, FINE)
    shapes.check(ev.StaffMoved.TOPIC, {"actor": "x", "staff_id": "1", "window": "A",
                                       "since": {"_type_": "date_iso", "_data_": "2008-07-01"}})


@pytest.mark.parametrize("field, value", [("code", 7), ("name", None), ("department", ["县局"]), ("actor", 1.5)])
def test_a_field_of_the_wrong_type_is_refused_naming_it(field: str, value: object) -> None:
    with pytest.raises(ValueError, match=field):
        shapes.check(WINDOW, {**FINE, field: value})


def test_a_missing_field_is_refused_naming_it() -> None:
    with pytest.raises(ValueError, match="department"):
        shapes.check(WINDOW, {k: v for k, v in FINE.items() if k != "department"})


def test_a_bool_is_not_a_number_and_a_tagged_date_must_hold_text() -> None:
    data = {"actor": "x", "quarter": "2008Q3", "position": True, "digest": "d", "checkpoint": None}
    with pytest.raises(ValueError, match="position"):
        shapes.check(ev.QuarterPublished.TOPIC, data)
    with pytest.raises(ValueError, match="since"):
        shapes.check(ev.StaffMoved.TOPIC, {"actor": "x", "staff_id": "1", "window": "A", "since": {"_data_": 3}})


def test_a_topic_this_release_does_not_know_is_left_to_its_callers() -> None:
    shapes.check("ledger.events:SomethingLater", {"anything": 1})



def test_checking_types_only_leaves_a_missing_field_to_its_reader_but_refuses_a_wrong_one() -> None:
    shapes.check_types(WINDOW, {"code": "A"})
    with pytest.raises(ValueError, match="code"):
        shapes.check_types(WINDOW, {"code": ["A"]})


def test_an_evidence_record_is_an_object_whose_known_fields_have_their_types() -> None:
    claim = {"actor": "x", "kind": "measure", "window": "A", "staff": None, "date": "2008-07-01", "level": None,
             "place": None, "ref": None}
    shapes.check(ev.BonusClaimed.TOPIC, {**claim, "evidence": {"name": "证书.pdf", "sha256": "0" * 64, "size": 9}})
    shapes.check(ev.BonusClaimed.TOPIC, {**claim, "evidence": {}})
    for wrong in ("证书.pdf", {"name": 3}, {"size": "9"}, None):
        with pytest.raises(ValueError, match="evidence"):
            shapes.check(ev.BonusClaimed.TOPIC, {**claim, "evidence": wrong})


SAMPLES = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=3),
                    st.lists(st.one_of(st.text(max_size=2), st.integers(), st.none()), max_size=2),
                    st.dictionaries(st.sampled_from(["name", "sha256", "size", "_data_", "_type_", "key_id"]),
                                    st.one_of(st.text(max_size=2), st.integers(), st.none()), max_size=3),
                    st.just(date(2008, 7, 1)))


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(sorted(shapes.FIELDS)), st.data())
def test_the_fast_check_of_a_topic_passes_exactly_the_rows_the_field_by_field_check_passes(
        topic: str, data: st.DataObject) -> None:
    fields = shapes.FIELDS[topic]
    row = {name: data.draw(SAMPLES if data.draw(st.booleans()) else _good(kind), label=name)
           for name, kind in fields.items() if data.draw(st.integers(0, 9), label=f"keep {name}") > 0}

    def slow() -> bool:
        later = shapes.LATER_FIELDS.get(topic, frozenset())
        if any(name not in row and name not in later for name in fields):
            return False
        try:
            shapes.check_types(topic, row)
        except ValueError:
            return False
        return True

    assert shapes.FAST[topic](row) is slow()
    if slow():
        shapes.check(topic, row)
    else:
        with pytest.raises(ValueError):
            shapes.check(topic, row)


def _good(kind: str) -> st.SearchStrategy[object]:
    """Values that fit a field of this kind (so that rows which pass are drawn as often as rows which do not)."""
    day = st.one_of(st.just("2008-07-01"), st.just({"_type_": "date_iso", "_data_": "2008-07-01"}),
                    st.just(date(2008, 7, 1)))
    base = kind.removesuffix("|None")
    good = {shapes.STR: st.text(max_size=3), shapes.INT: st.integers(), shapes.DAY: day,
            shapes.STRS: st.lists(st.text(max_size=2), max_size=2), shapes.DAYS: st.lists(day, max_size=2),
            "sealed": st.dictionaries(st.text(max_size=2), st.text(max_size=2), max_size=2),
            "evidence": st.fixed_dictionaries({"name": st.text(max_size=2), "sha256": st.text(max_size=2),
                                               "size": st.integers()})}[base]
    return st.one_of(st.none(), good) if kind.endswith("|None") else good
