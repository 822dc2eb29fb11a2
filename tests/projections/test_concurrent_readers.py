"""Two kaoping processes on one ledger: a question whose blobs another process replaced while it read them (a
split by window, a compaction) is asked again from the seal as it now stands — never answered with facts missing."""

from __future__ import annotations

import orjson
import pytest

from projections.engine.chunks import QUARTER_PREFIX, part_key, split_by_window
from projections.engine.materialised import QuarterProjection, merge_chunks
from projections.engine.sealed import MemoryStorage, ProjectionMoved, SealedStorage
from projections.views import MOVED_RETRIES, Views
from tests.projections.conftest import Center
from tests.seal import SEAL_KEY


def a_quarter_in_three_chunks(center: Center) -> None:
    """Findings on two windows, caught up three times: the quarter is stored as three catch-up chunks."""
    center.windows("W01", "W02")
    for item, window in (("W1.1", "W01"), ("W1.2", "W02"), ("W1.3", "W01")):
        center.find(item, window=window)
        center.position()  # a catch-up: one more chunk


def split_by_another_process(center: Center, quarter: str = "2008Q2") -> None:
    """What another process's partial read does when a split is due: the chunks replaced by parts by window."""
    other = QuarterProjection(center.ledger, SEAL_KEY)
    other.catch_up()
    prefix = f"{QUARTER_PREFIX}{quarter}:"
    keys = other.storage.keys(prefix)
    assert len(keys) == 3
    merged, _ = merge_chunks(other.storage.items(prefix))
    assert merged is not None
    nid = keys[-1].split(":")[2]
    other.storage.replace(keys, {part_key(quarter, nid, w): orjson.dumps(p.to_json())
                                 for w, p in split_by_window(merged).items()})


def test_a_report_read_while_another_process_splits_the_quarter_holds_every_finding(center: Center) -> None:
    a_quarter_in_three_chunks(center)
    expected = Views(center.ledger, SEAL_KEY).result("2008Q2")
    asking = Views(center.ledger, SEAL_KEY)
    asking.state  # noqa: B018 - caught up: its seal lists the three chunks
    split_by_another_process(center)
    got = asking.result("2008Q2")
    assert [(w.code, w.score) for w in got.windows] == [(w.code, w.score) for w in expected.windows]
    assert {w.code: w.score for w in got.windows} == {"W01": 96, "W02": 98}


def test_a_report_document_read_while_another_process_splits_the_quarter_is_the_same_document(
        center: Center) -> None:
    a_quarter_in_three_chunks(center)
    asking = Views(center.ledger, SEAL_KEY)
    asking.state  # noqa: B018
    split_by_another_process(center)
    got = asking.report("2008Q2")
    assert got == Views(center.ledger).report("2008Q2")  # folded from the events in memory: nothing stored read
    assert {w["code"]: w["score"] for w in got["windows"]} == {"W01": 96, "W02": 98}


def test_a_blob_another_process_deleted_after_this_one_listed_it_stops_the_read() -> None:
    raw = MemoryStorage()
    writer = SealedStorage(raw, SEAL_KEY)
    writer.put({"q:2008Q2:000000000001": b"{}", "q:2008Q2:000000000002": b"{}"})
    by_keys, by_prefix = SealedStorage(raw, SEAL_KEY), SealedStorage(raw, SEAL_KEY)
    listed = by_keys.keys("q:")
    assert by_prefix.keys("q:") == listed  # both have read the seal
    other = SealedStorage(raw, SEAL_KEY)  # another process (a memory store reseals through the last one opened)
    other.replace(listed, {"q:2008Q2:000000000002:w:W01": b"{}"})
    with pytest.raises(ProjectionMoved):
        by_keys.load_each(listed)
    with pytest.raises(ProjectionMoved):
        by_prefix.items("q:")
    assert by_keys.items("q:") == [("q:2008Q2:000000000002:w:W01", b"{}")]  # asked again: the seal as it stands


def test_a_question_whose_blobs_keep_moving_is_refused_after_a_few_tries(center: Center,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    a_quarter_in_three_chunks(center)
    views = Views(center.ledger, SEAL_KEY)
    calls = []

    def always_moving(quarter: str) -> None:
        calls.append(quarter)
        raise ProjectionMoved("投影正被另一个 kaoping 进程改写，请稍后再试")

    monkeypatch.setattr(views.projection, "quarter", always_moving)
    with pytest.raises(ProjectionMoved):
        views.result("2008Q2")
    assert len(calls) == MOVED_RETRIES + 1


def test_a_registry_another_process_rewrote_after_the_position_was_read_folds_nothing_twice(
        center: Center, monkeypatch: pytest.MonkeyPatch) -> None:
    """The catch-up's own loop heals it: its flush finds the tracking row ahead and it starts again from the store."""
    center.windows("W01", "W02")
    center.staff("P01", "W01")
    center.find("S1.1", staff="P01")
    center.position()  # kept: the position, the registry, the quarter's chunk
    center.ledger.move_staff("P01", "W02", "2008-05-20")
    center.find("S1.1", staff="P01", day="2008-05-25")
    asking = Views(center.ledger, SEAL_KEY)
    raw = asking.projection.storage.raw
    plain_load = raw.load
    other_ran = []

    def load(key: str) -> bytes | None:
        if key == "registry" and not other_ran:  # the position read, the registry not yet: another process catches up
            other_ran.append(key)
            QuarterProjection(center.ledger, SEAL_KEY).catch_up()
        return plain_load(key)

    monkeypatch.setattr(raw, "load", load)
    got = asking.result("2008Q2")
    truth = Views(center.ledger).result("2008Q2")
    assert other_ran
    assert asking.state.registry.to_json() == Views(center.ledger).state.registry.to_json()
    assert [(p.id, p.score) for p in got.staff] == [(p.id, p.score) for p in truth.staff]
