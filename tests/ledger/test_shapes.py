"""The stored shapes of ledger/shapes.py are the event classes' own fields, and a row of the wrong type is refused."""

from __future__ import annotations

import typing
from datetime import date

import pytest

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
