"""The orjson transcoder gives back exactly what it was given: dates, datetimes and UUIDs keep their type."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from uuid import UUID

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger import events as ev
from ledger.storage.transcoder import OrjsonTranscoder

T = OrjsonTranscoder()

offsets = st.sampled_from([UTC, timezone(timedelta(hours=8)), timezone(timedelta(hours=-5, minutes=-30))])
aware = st.datetimes(timezones=offsets)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(),
    st.dates(),
    st.datetimes(),
    aware,
    st.uuids(),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=8), inner, max_size=5)),
    max_leaves=30,
)


@settings(max_examples=300)
@given(values)
def test_any_nested_value_round_trips_exactly(value: Any) -> None:
    back = T.decode(T.encode(value))
    assert back == value
    assert _types(back) == _types(value)


def _types(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _types(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_types(x) for x in v]
    return type(v)


@given(st.dates(), st.uuids(), aware)
def test_stored_form_is_tagged_so_dates_and_uuids_are_never_mistaken_for_strings(d: date, u: UUID, t: datetime) -> None:
    stored = orjson.loads(T.encode({"date": d, "id": u, "at": t, "text": d.isoformat()}))
    assert stored["date"] == {"_type_": "date_iso", "_data_": d.isoformat()}
    assert stored["id"] == {"_type_": "uuid_hex", "_data_": u.hex}
    assert stored["at"]["_type_"] == "datetime_iso"
    assert stored["text"] == d.isoformat()


def test_a_datetime_is_not_revived_as_a_date_nor_a_date_as_a_datetime() -> None:
    d, t = date(2008, 6, 1), datetime(2008, 6, 1, 9, 30, tzinfo=UTC)
    assert type(T.decode(T.encode(d))) is date
    assert type(T.decode(T.encode(t))) is datetime
    assert T.decode(T.encode(t)) == t


def test_tuples_come_back_as_lists_and_decimals_as_decimals() -> None:
    assert T.decode(T.encode((1, 2))) == [1, 2]
    assert T.decode(T.encode(Decimal("1.10"))) == Decimal("1.10")


def test_chinese_text_is_stored_as_utf8_not_escaped() -> None:
    assert "张三".encode() in T.encode({"name": "张三"})


@given(st.dates(min_value=date(2008, 5, 1)), st.text(), st.uuids(), aware)
def test_a_finding_event_survives_the_full_store_and_load_path(d: date, note: str, u: UUID, t: datetime) -> None:
    from eventsourcing.persistence import Mapper

    mapper = Mapper(transcoder=OrjsonTranscoder())
    e = ev.FindingRecorded(  # type: ignore[call-arg]
        originator_id=u, originator_version=1, timestamp=t, actor="测试", item="S4.2", window="TAX",
        staff="P1", date=d, source="weekly", dq=None, note=note,
        evidence={"sha256": "ab" * 32, "size": 3, "name": "证据.pdf"}, row_key=None,
    )
    back = mapper.to_domain_event(mapper.to_stored_event(e))
    assert back == e
    assert type(back.date) is date and back.originator_id == u and back.timestamp == t


@settings(max_examples=300)
@given(st.one_of(values, st.decimals(allow_nan=False, allow_infinity=False), st.times()))
def test_the_fast_encoder_writes_the_same_bytes_as_the_general_tagging_one(value: Any) -> None:
    assert T.encode(value) == orjson.dumps(T.tagged(value))


def test_a_datetime_subclass_is_refused_rather_than_silently_retyped() -> None:
    import pytest
    from eventsourcing.persistence import TranscodingNotRegisteredError

    class Moment(datetime):
        pass

    with pytest.raises(TranscodingNotRegisteredError):
        T.encode({"at": Moment(2008, 6, 1)})
