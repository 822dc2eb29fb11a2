"""The projection is never an authority: a stored projection edited, transplanted or moved outside kaoping is
noticed and folded again from the events; it is never answered from.

Direct SQL on the projection's own tables (tests/ledger/tamper.py), on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson
from hypothesis import given
from hypothesis import strategies as st

from ledger.app import Ledger
from ledger.integrity.seal import seal_key
from projections.engine.sealed import SEAL
from projections.views import Views
from tests.ledger.tamper import SETTINGS, Base, Rows, tampered

QUARTER = "2024Q1"


@contextmanager
def _opened(r: Rows) -> Iterator[Ledger]:
    app = r.open()
    try:
        yield app
    finally:
        app.close()


def _seal(r: Rows) -> bytes:
    with _opened(r) as app:
        key = seal_key(app.location, r.dir / "kaoping.key")
    assert key is not None
    return key


def _asked(r: Rows, seal: bytes | None) -> tuple[dict[str, Any], dict[str, Any], str | None]:
    """The report and the year as kaoping answers them (kept under `seal`, or from the events), and why the
    stored projection was dropped, if it was."""
    with _opened(r) as app:
        views = Views(app, seal)
        return views.report(QUARTER), views.year(2024), views.tampered


def _kept(r: Rows) -> tuple[dict[str, Any], dict[str, Any]]:
    """Materialise the projection under the real seal; the answers it gives untouched."""
    report, year, why = _asked(r, _seal(r))
    assert why is None
    return report, year


def _chunks(r: Rows) -> list[str]:
    return [k for k in r.blob_keys() if k.startswith(f"q:{QUARTER}:")]


def test_an_untouched_projection_is_answered_from_and_agrees_with_the_events(rows: Rows) -> None:
    kept = _kept(rows)
    again = _asked(rows, _seal(rows))
    assert again[2] is None and again[:2] == kept == _asked(rows, None)[:2]
    assert SEAL in rows.blob_keys() and rows.tracked() is not None


def test_dropping_a_finding_from_a_stored_chunk_is_noticed_and_the_answer_comes_from_the_events(rows: Rows) -> None:
    truth = _kept(rows)
    key = _chunks(rows)[0]
    chunk = orjson.loads(rows.blob(key) or b"")
    dropped = next(iter(chunk["findings"]))
    del chunk["findings"][dropped]  # the finding that would cost a window its points
    rows.set_blob(key, orjson.dumps(chunk))
    report, year, why = _asked(rows, _seal(rows))
    assert why is not None and key in why
    assert (report, year) == truth == _asked(rows, None)[:2]


@SETTINGS
@given(data=st.data())
def test_flipping_any_byte_of_any_stored_blob_is_noticed_and_never_answered_from(
    base: Base, data: st.DataObject
) -> None:
    r = tampered(base)
    try:
        truth = _kept(r)
        key = data.draw(st.sampled_from(sorted(r.blob_keys())), label="blob")
        value = bytearray(r.blob(key) or b"")
        at = data.draw(st.integers(0, len(value) - 1), label="byte")
        value[at] ^= data.draw(st.integers(1, 255), label="xor")
        r.set_blob(key, bytes(value))
        report, year, why = _asked(r, _seal(r))
        assert why is not None
        assert (report, year) == truth
    finally:
        r.close()


def test_deleting_a_stored_chunk_is_noticed(rows: Rows) -> None:
    truth = _kept(rows)
    rows.delete_blob(_chunks(rows)[0])
    report, year, why = _asked(rows, _seal(rows))
    assert why is not None and "删除" in why
    assert (report, year) == truth


def test_a_chunk_put_beside_the_projection_outside_kaoping_is_never_read(rows: Rows) -> None:
    truth = _kept(rows)
    key = _chunks(rows)[0]
    forged = orjson.loads(rows.blob(key) or b"")
    forged["findings"] = {f"{k}x": v for k, v in forged["findings"].items()}  # every finding counted twice
    rows.set_blob(f"q:{QUARTER}:000000000001", orjson.dumps(forged))
    report, year, why = _asked(rows, _seal(rows))
    assert why is None and (report, year) == truth


def test_a_projection_transplanted_from_another_ledger_under_another_key_is_noticed(rows: Rows) -> None:
    truth = _kept(rows)
    with _opened(rows) as app:
        app.record_finding("W2.3", window="W1", day="2024-03-08", source="weekly", note="之后记的")
    other = bytes(32)
    _asked(rows, other)  # what another ledger's kaoping, under its own key, would have stored
    report, year, why = _asked(rows, _seal(rows))
    assert why is not None and "封印" in why
    assert (report, year) == _asked(rows, None)[:2] != truth


@SETTINGS
@given(data=st.data())
def test_moving_the_tracked_position_past_new_events_is_noticed(base: Base, data: st.DataObject) -> None:
    r = tampered(base)
    try:
        _kept(r)
        before = r.tracked()
        assert before is not None
        new = data.draw(st.integers(1, 6), label="new events")
        with _opened(r) as app:
            for i in range(new):
                app.record_finding("W2.3", window=f"W{i % 3}", day="2024-03-08", source="weekly", note=f"新{i}")
        r.set_tracked(before + data.draw(st.integers(1, new + 20), label="moved by"))
        report, year, why = _asked(r, _seal(r))
        assert why is not None and "跟踪位置" in why
        assert (report, year) == _asked(r, None)[:2]
        assert report["position"] == r.count()
    finally:
        r.close()


def test_moving_the_position_inside_the_stored_meta_is_noticed(rows: Rows) -> None:
    _kept(rows)
    with _opened(rows) as app:
        app.record_finding("W2.3", window="W1", day="2024-03-08", source="weekly", note="之后记的")
    meta = orjson.loads(rows.blob("meta") or b"")
    meta["position"] += 1
    rows.set_blob("meta", orjson.dumps(meta))
    report, year, why = _asked(rows, _seal(rows))
    assert why is not None and (report, year) == _asked(rows, None)[:2]


def test_a_projection_whose_last_event_was_replaced_outside_kaoping_is_noticed(rows: Rows) -> None:
    with _opened(rows) as app:
        app.record_finding("W2.3", window="W1", day="2024-03-08", source="weekly", note="将被删除")
    _kept(rows)
    rows.delete(rows.count())
    with _opened(rows) as app:
        app.record_finding("W1.1", window="W2", day="2024-03-09", source="weekly", note="另一件")
    report, year, why = _asked(rows, _seal(rows))
    assert why is not None and (report, year) == _asked(rows, None)[:2]


def test_a_projection_whose_seal_was_deleted_is_folded_again(rows: Rows) -> None:
    truth = _kept(rows)
    rows.delete_blob(SEAL)
    report, year, why = _asked(rows, _seal(rows))
    assert why is not None and "没有校验封印" in why and (report, year) == truth


def test_without_the_seal_key_answers_come_from_the_events_and_nothing_is_stored(rows: Rows) -> None:
    truth = _kept(rows)
    key = _chunks(rows)[0]
    chunk = orjson.loads(rows.blob(key) or b"")
    chunk["findings"].clear()
    rows.set_blob(key, orjson.dumps(chunk))
    stored = {k: rows.blob(k) for k in rows.blob_keys()}
    report, year, why = _asked(rows, None)
    assert why is None and (report, year) == truth
    assert {k: rows.blob(k) for k in rows.blob_keys()} == stored
