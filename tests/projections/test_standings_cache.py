"""Cached standings: a report derived again only for the subjects new events touched equals a full one."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from unittest import mock

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.errors import KaopingError
from ledger.runtime.zone import center_zone
from ledger.storage.review_rows import work_calendar
from projections import voice_view
from projections.engine import materialised, standings_cache
from projections.engine.chunks import split_by_window
from projections.engine.materialised import QuarterProjection, replay
from projections.engine.standings_cache import PREFIX
from projections.scoring.derive import derive
from projections.views import Views
from tests.projections.conftest import OPS, QUARTERS, Center, run_ops, small_center
from tests.seal import SEAL_KEY


def full_report(ledger: Any, quarter: str) -> dict[str, Any]:
    """The report rows of a quarter derived from a full replay, no cache involved."""
    state = replay(ledger)
    res = derive(state.quarters.get(quarter), state.registry, ledger.catalogue, quarter, position=state.position,
                 detail=False)
    doc = {"quarter": quarter, "status": res.status, "position": res.position, "rules": res.rules, **res.rows}
    # 满意率 and overdue rectifications beside the rows, from the same replayed state (D30, D31)
    return voice_view.annotate(doc, state.quarters.get(quarter), ledger.catalogue, work_calendar(ledger),
                               datetime.now(center_zone()).date(), None)


BESIDE = ("published", "announced", "appeals", "before_review")
"""Report keys beside the rows (publication, 公示, appeals), not standings: full_report does not derive them."""


def rows_of(doc: dict[str, Any]) -> dict[str, Any]:
    """A report without the keys beside its rows."""
    return {k: v for k, v in doc.items() if k not in BESIDE}


def cached_report(ledger: Any, quarter: str) -> dict[str, Any]:
    return rows_of(Views(ledger, SEAL_KEY).report(quarter))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(OPS, st.booleans(), st.booleans(),
       st.sampled_from(["each", "older first asked last", "after rebuilds", "kept at rebuilds"]), st.booleans())
def test_a_report_from_cached_standings_equals_one_derived_from_a_full_replay(ops: list[tuple[str, int]],
                                                                              split: bool, three: bool,
                                                                              asked: str, long: bool) -> None:
    # split: every partial read splits its catch-up chunks by window, and every second split the whole quarter again;
    # long: every delta counts as too long to read (a cache follows it only where none of its quarter's chunks is
    # newer, from the registry's positions), as an older quarter's kept at a rebuild is after months of events
    with mock.patch.object(materialised, "PARTITION_AT", 0 if split else 2_000), \
            mock.patch.object(materialised, "SPLIT_GENERATIONS", 2 if split else 8), \
            mock.patch.object(standings_cache, "MAX_DELTA", 0 if long else 2_000), small_center() as c:
        ledger = c.ledger
        windows = ("W1", "W2", "W3") if three else ("W1", "W2")
        if three:  # moves across three windows: a person's facts filed under one, counted for another (D23)
            c.windows("W3")
        rounds = iter(range(1_000))

        def report_both(quarters: tuple[str, ...] = QUARTERS) -> QuarterProjection:
            if asked in ("after rebuilds", "kept at rebuilds") and next(rounds) % 2:
                QuarterProjection(ledger, SEAL_KEY).rebuild()  # every quarter's standings derived again, whole
                if asked == "kept at rebuilds":  # every quarter's kept right away, then months of events follow
                    for q in QUARTERS:
                        Views(ledger, SEAL_KEY).report(q)
            for q in quarters:
                cached = Views(ledger, SEAL_KEY).report(q)
                assert rows_of(cached) == full_report(ledger, q)
                # the parts beside the rows (公示, appeals, 复核, 满意率, rectifications) as a fold in memory gives them
                assert cached == Views(ledger).report(q)
            return QuarterProjection(ledger, SEAL_KEY)

        # "older first asked last": 2008Q2 gets facts (late ones too) while only 2008Q3 is reported, then its first
        # report reads the whole quarter from every chunk the catch-ups stored, and a later one only a part of it
        run_ops(c, ops, lambda: report_both(QUARTERS[1:] if asked == "older first asked last" else QUARTERS),
                windows)
        report_both()
        try:
            c.find("S1.1", staff="P1", day="2008-06-30")  # a late fact into the older quarter, after its first report
        except KaopingError:
            pass  # P1 out of the center that day
        report_both()


def test_a_report_after_one_more_finding_derives_only_that_window_and_person_again(center: Center) -> None:
    center.windows("W1", "W2")
    center.staff("P1", "W1")
    center.staff("P2", "W2")
    center.find("S1.1", staff="P2")
    first = center.views().report("2008Q2")
    center.find("S1.1", staff="P1")
    with mock.patch("projections.engine.standings_cache.standings_of", wraps=__import__(
            "projections.scoring.standings", fromlist=["standings_of"]).standings_of) as spy:
        again = center.views().report("2008Q2")
    assert spy.call_count == 1
    assert spy.call_args.kwargs["only"] == ({"W1"}, {"P1"})
    assert again["position"] == first["position"] + 1
    assert [w["code"] for w in again["windows"] if w["deductions"]] == ["W1", "W2"]


def test_a_registry_event_makes_the_next_report_derive_every_subject_again(center: Center) -> None:
    center.windows("W1")
    center.staff("P1", "W1")
    center.views().report("2008Q2")
    center.windows("W2")
    doc = center.views().report("2008Q2")
    assert {w["code"] for w in doc["windows"]} == {"W1", "W2"}


def test_a_report_after_a_move_derives_only_that_person_and_the_windows_they_were_at_again(center: Center) -> None:
    center.windows("W1", "W2", "W3")
    center.staff("P1", "W1")
    center.staff("P2", "W3")
    center.find("S1.1", staff="P1", day="2008-06-10")
    center.views().report("2008Q2")
    center.ledger.move_staff("P1", "W2", "2008-06-01")  # entered late: the finding now counts for W2 (D23)
    with mock.patch("projections.engine.standings_cache.standings_of", wraps=__import__(
            "projections.scoring.standings", fromlist=["standings_of"]).standings_of) as spy:
        doc = center.views().report("2008Q2")
    assert spy.call_args.kwargs["only"] == ({"W1", "W2"}, {"P1"})
    assert {w["code"]: w["score"] for w in doc["windows"]} == {"W1": 100, "W2": 97, "W3": 100}
    assert rows_of(doc) == full_report(center.ledger, "2008Q2")


def test_a_move_re_derives_the_window_its_persons_facts_counted_for_when_the_cache_was_kept(center: Center) -> None:
    center.windows("W1", "W2", "W3")
    center.staff("P1", "W1")
    center.find("S1.1", staff="P1", day="2008-08-10")  # filed under W1
    center.ledger.move_staff("P1", "W2", "2008-05-10")  # entered late: the finding counts for W2 (D23)
    assert {w["code"]: w["score"] for w in center.views().report("2008Q3")["windows"]}["W2"] == 97  # kept so
    center.ledger.move_staff("P1", "W3", "2008-05-20")  # W2 is neither where it is filed nor where it counts now
    with mock.patch("projections.engine.standings_cache.standings_of", wraps=__import__(
            "projections.scoring.standings", fromlist=["standings_of"]).standings_of) as spy:
        doc = center.views().report("2008Q3")
    assert {w["code"]: w["score"] for w in doc["windows"]} == {"W1": 100, "W2": 100, "W3": 97}
    assert spy.call_args.kwargs["only"] == ({"W1", "W2", "W3"}, {"P1"})  # then (W2), now (W3), filed (W1)
    assert rows_of(doc) == full_report(center.ledger, "2008Q3")


def test_a_persons_standing_derived_again_counts_their_facts_filed_under_a_window_not_derived_again(
        center: Center) -> None:
    center.windows("W1", "W2", "W3")
    center.staff("P1", "W1")
    center.staff("P2", "W3")
    center.find("S1.1", staff="P1", day="2008-05-10")  # filed under W1
    center.find("W1.1", window="W1", day="2008-05-11")
    center.ledger.move_staff("P1", "W2", "2008-06-01")
    center.find("S1.1", staff="P1", day="2008-06-10")  # filed under W2
    center.find("S1.1", staff="P2", day="2008-06-10")
    center.views().report("2008Q2")
    center.find("S3.1", staff="P1", day="2008-06-15")  # W2 and P1 derived again: P1's W1 finding still counts
    with mock.patch("projections.engine.standings_cache.standings_of", wraps=__import__(
            "projections.scoring.standings", fromlist=["standings_of"]).standings_of) as spy:
        doc = center.views().report("2008Q2")
    assert rows_of(doc) == full_report(center.ledger, "2008Q2")
    assert spy.call_args.kwargs["only"] == ({"W2"}, {"P1"})
    part = spy.call_args.args[0]  # what it read: P1's facts wherever filed, W2's, no one else's
    assert sorted((f["w"], f["s"]) for f in part.findings.values()) == [("W1", "P1"), ("W2", "P1"), ("W2", "P1")]


def test_a_window_derived_again_counts_the_facts_of_someone_moved_to_it_late_though_filed_elsewhere(
        center: Center) -> None:
    center.windows("W1", "W2")
    center.staff("P1", "W1")
    center.staff("P2", "W2")
    center.find("S1.1", staff="P1", day="2008-06-10")  # filed under W1
    center.views().report("2008Q2")
    center.ledger.move_staff("P1", "W2", "2008-06-01")  # entered late: the finding counts for W2 (D23)
    center.views().report("2008Q2")  # P1, W1 and W2 derived again; P1 now among W2's people of the quarter
    center.find("W1.1", window="W2", day="2008-06-20")  # W2 alone derived again: P1's finding still counts for it
    doc = center.views().report("2008Q2")
    assert rows_of(doc) == full_report(center.ledger, "2008Q2")
    assert {w["code"]: w["score"] for w in doc["windows"]} == {"W1": 100, "W2": 95}


def test_a_report_after_one_more_finding_does_not_load_the_whole_quarter(center: Center) -> None:
    center.windows("W1", "W2")
    center.staff("P1", "W1")
    center.complaint(staff="P1")
    center.views().report("2008Q2")
    center.find("S1.1", staff="P1")
    with mock.patch.object(QuarterProjection, "quarter", side_effect=AssertionError("the whole quarter loaded")):
        doc = center.views().report("2008Q2")
    assert doc == Views(center.ledger).report("2008Q2")


def test_a_settled_complaint_computes_the_parts_beside_the_rows_again(center: Center) -> None:
    center.windows("W1")
    center.staff("P1", "W1")
    cid = center.complaint(staff="P1")
    center.views().report("2008Q2")

    def kept_open() -> list[Any]:
        blob = QuarterProjection(center.ledger, SEAL_KEY).storage.load(PREFIX + "2008Q2")
        assert blob is not None
        return list(orjson.loads(blob)["beside"]["voice"]["open"])

    assert kept_open() == []
    center.ledger.verify_complaint(cid, "S2.4", None)  # opens its rectification (D30)
    doc = center.views().report("2008Q2")
    assert doc == Views(center.ledger).report("2008Q2")
    assert [(r[1], r[2], r[3]) for r in kept_open()] == [("W1", "P1", "open")]


def test_a_follow_up_after_a_late_move_re_derives_the_window_the_fact_now_counts_for(
        center: Center, monkeypatch: Any) -> None:
    monkeypatch.setattr(materialised, "PARTITION_AT", 0)  # the quarter stored split by window as well
    center.windows("W1", "W2")
    center.staff("P1", "W1")
    fid = center.find("S1.1", staff="P1", day="2008-06-10")  # stored under W1
    center.ledger.move_staff("P1", "W2", "2008-06-01")  # entered late: the finding counts for W2 (D23)
    assert {w["code"]: w["score"] for w in center.views().report("2008Q2")["windows"]} == {"W1": 100, "W2": 97}
    center.ledger.retract(fid, "录错")  # touches the fact's stored window W1, and W2 where it counted
    doc = center.views().report("2008Q2")
    assert rows_of(doc) == full_report(center.ledger, "2008Q2")
    assert {w["code"]: w["score"] for w in doc["windows"]} == {"W1": 100, "W2": 100}


def test_a_follow_up_split_away_from_its_fact_still_counts_in_every_later_partial_read(
        center: Center, monkeypatch: Any) -> None:
    monkeypatch.setattr(materialised, "PARTITION_AT", 0)  # every partial read splits the chunks it found
    center.windows("W1", "W2")
    center.staff("P1", "W1")
    center.staff("P2", "W1")
    fid = center.find("S1.1", staff="P1")
    center.views().report("2008Q2")
    center.find("S1.1", staff="P2")
    center.views().report("2008Q2")  # the two findings split by window, one generation of parts
    center.ledger.retract(fid, "录错")
    center.views().report("2008Q2")  # the retraction split on its own: its finding is in the earlier generation
    center.find("W1.1", window="W1")
    doc = center.views().report("2008Q2")  # W1 and only its parts read again
    assert rows_of(doc) == full_report(center.ledger, "2008Q2")
    assert {p["id"]: p["score"] for p in doc["staff"]} == {"P1": 90, "P2": 86}
    proj = QuarterProjection(center.ledger, SEAL_KEY)
    assert len({k.split(":")[2] for k in proj.storage.keys("q:2008Q2:")}) > 1  # generations of parts, not one


def test_a_quarter_split_by_window_holds_every_entry_once(center: Center) -> None:
    center.windows("W1", "W2")
    center.staff("P1", "W1")
    fid = center.find("S1.1", staff="P1")
    center.ledger.retract(fid, "录错")
    center.find("W1.1", window="W2")
    center.complaint(staff="P1", item="S2.4")
    center.bonus("measure", window="W2")
    proj = QuarterProjection(center.ledger, SEAL_KEY)
    proj.catch_up()
    q = proj.quarter("2008Q2")
    assert q is not None
    parts = split_by_window(q)
    assert set(parts) == {"", "W1", "W2"}
    merged = parts[""]
    for w in ("W1", "W2"):
        merged.merge(parts[w])
    assert merged.to_json() == q.to_json()


def test_the_cache_is_dropped_with_the_projection_on_rebuild(center: Center) -> None:
    center.windows("W1")
    center.views().report("2008Q2")
    proj = QuarterProjection(center.ledger, SEAL_KEY)
    assert proj.storage.load(PREFIX + "2008Q2") is not None
    proj.rebuild()
    assert proj.storage.load(PREFIX + "2008Q2") is None


def test_the_decision_still_shows_after_the_quarter_is_split_and_one_more_finding_lands(
        center: Center, monkeypatch: Any) -> None:
    monkeypatch.setattr(materialised, "PARTITION_AT", 0)
    center.windows("W1", "W2")
    center.staff("P1", "W1")
    center.staff("P2", "W2")
    center.find("S1.1", staff="P2")
    center.shortlist()
    center.decide(red_flag=["W1"], five=["P1"])
    center.views().report("2008Q2")  # derives everything and splits the quarter by window
    center.find("S1.1", staff="P2", day="2008-06-01")
    doc = cached_report(center.ledger, "2008Q2")
    assert doc == full_report(center.ledger, "2008Q2")
    assert doc["status"] == "decided"
    assert [p["stars"] for p in doc["staff"] if p["id"] == "P1"] == [5]


def test_the_published_rows_are_kept_and_a_later_amendment_still_shows_as_a_difference(center: Center) -> None:
    from ledger.commands import quarter as lq
    from projections.engine.standings_cache import PUBLISHED_PREFIX
    from projections.scoring import publication

    center.windows("W1")
    center.staff("P1", "W1")
    center.shortlist(n=1, m=1)
    center.decide(red_flag=["W1"], five=["P1"])
    res = center.result()
    lq.publish_quarter(center.ledger, "2008Q2", res.position, publication.digest(res))
    first = center.views().report("2008Q2")
    assert first["published"]["digest_matches"] and first["published"]["differences"] == []
    kept = QuarterProjection(center.ledger, SEAL_KEY).storage.load(f"{PUBLISHED_PREFIX}2008Q2:{res.position}")
    assert kept is not None
    late = center.find("S3.1", staff="P1", day="2008-06-20")
    doc = center.views().report("2008Q2")
    assert doc["published"]["digest_matches"]
    assert doc["published"]["amendments"] == [late]
    assert {(d["subject"], d["field"]) for d in doc["published"]["differences"]} >= {("P1", "score"), ("W1", "score")}
    assert doc["published"]["differences"] == Views(center.ledger, SEAL_KEY).report("2008Q2", as_of=center.position())[
        "published"]["differences"]


def test_an_older_quarter_asked_again_after_events_elsewhere_reads_none_of_its_facts(center: Center) -> None:
    center.windows("W1", "W2")
    center.staff("P1", "W1")
    center.staff("P2", "W2")
    center.find("S1.1", staff="P1")
    first = center.views().report("2008Q2")
    center.find("S1.1", staff="P2", day="2008-07-10")  # the next quarter's facts, and a move after 2008Q2's end
    center.ledger.move_staff("P1", "W2", "2008-07-15")
    with mock.patch.object(QuarterProjection, "quarter", side_effect=AssertionError("the whole quarter loaded")), \
            mock.patch.object(QuarterProjection, "quarter_part", side_effect=AssertionError("a part loaded")):
        again = center.views().report("2008Q2")
    assert again == Views(center.ledger).report("2008Q2")
    assert again["position"] == first["position"] + 2
    assert {w["code"]: w["score"] for w in again["windows"]} == {"W1": 97, "W2": 100}


def test_a_move_into_an_older_quarter_entered_late_derives_its_person_again_without_reading_the_events(
        center: Center, monkeypatch: Any) -> None:
    monkeypatch.setattr(standings_cache, "MAX_DELTA", 0)  # as after months of events: too many to read
    center.windows("W1", "W2")
    center.staff("P1", "W1")
    center.find("S1.1", staff="P1", day="2008-06-10")
    center.views().report("2008Q2")
    center.find("W1.1", window="W2", day="2008-07-10")
    center.ledger.move_staff("P1", "W2", "2008-06-01")  # entered late: the finding now counts for W2 (D23)
    with mock.patch("projections.engine.standings_cache.standings_of", wraps=__import__(
            "projections.scoring.standings", fromlist=["standings_of"]).standings_of) as spy:
        doc = center.views().report("2008Q2")
    assert spy.call_args.kwargs["only"] == ({"W1", "W2"}, {"P1"})
    assert {w["code"]: w["score"] for w in doc["windows"]} == {"W1": 100, "W2": 97}
    assert doc == Views(center.ledger).report("2008Q2")


def test_a_calendar_year_added_after_an_older_quarter_was_kept_computes_its_parts_beside_the_rows_again(
        center: Center) -> None:
    from ledger.commands.review import add_calendar_year

    center.windows("W1")
    center.staff("P1", "W1")
    center.complaint(staff="P1")
    center.views().report("2008Q2")
    center.find("S1.1", staff="P1", day="2008-07-10")
    add_calendar_year(center.ledger, 2027, ["2027-10-01"], [], "国办发明电〔2026〕1号")
    with mock.patch.object(voice_view, "figures", wraps=voice_view.figures) as figures:  # counted with 工作日
        doc = center.views().report("2008Q2")
    assert figures.call_count == 1
    assert doc == Views(center.ledger).report("2008Q2")


def test_every_quarter_reported_after_a_rebuild_is_reported_again_without_deriving_it(center: Center) -> None:
    center.windows("W1", "W2")
    center.staff("P1", "W1")
    center.find("S1.1", staff="P1")
    center.find("S1.1", staff="P1", day="2008-07-10")
    views = center.views()
    views.projection.rebuild()
    for quarter in ("2008Q2", "2008Q3"):
        views.report(quarter)
    center.find("W1.1", window="W2", day="2008-08-10")  # one more event in the newer quarter
    with mock.patch("projections.engine.standings_cache.standings_of", side_effect=AssertionError("derived")):
        older = center.views().report("2008Q2")
    assert older == Views(center.ledger).report("2008Q2")
    assert center.views().report("2008Q3") == Views(center.ledger).report("2008Q3")


def test_a_kept_standings_blob_edited_outside_kaoping_is_noticed_and_never_answered_from(center: Center) -> None:
    center.windows("W1")
    center.staff("P1", "W1")
    center.find("S1.1", staff="P1")
    truth = center.views().report("2008Q2")
    raw: Any = QuarterProjection(center.ledger, SEAL_KEY).storage.raw
    blob = raw.load(PREFIX + "2008Q2")
    doc = orjson.loads(blob)
    doc["staff"]["P1"] = {**doc["staff"]["P1"], "score": 100}  # the finding's deduction forgiven
    raw.reseal = lambda stored, deleted, written: stored  # written beside kaoping: the seal left as it was
    raw.put({PREFIX + "2008Q2": orjson.dumps(doc)})
    views = center.views()
    assert views.report("2008Q2") == truth
    assert views.tampered is not None and PREFIX + "2008Q2" in views.tampered
